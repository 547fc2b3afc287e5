// Drift you can act on: what someone changed by hand in Unleash beside rollgate's strategy
// (constraints, segments, variants, another strategy) is kept by the sync and named by
// `sync --check` and `status`, flag by flag, until it is removed — never silently overwritten.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify, type UnleashStrategy } from '../scripts/stores/unleash-strategies.ts';
import { rollgateAsync, ROOT } from './helpers/cli.ts';
import { repoFrom, setStage } from './helpers/git.ts';
import { startPostgres, type Postgres } from './helpers/postgres.ts';
import { startUnleash, unleashApi, type Unleash } from './helpers/unleash.ts';
import { clientToken, startUnleashClient } from './helpers/unleash-client.ts';

describe('classify: rollgate strategy, duplicates, hand-made changes', () => {
  const flex = (id: string, groupId: string, rollout = '10', extra: Partial<UnleashStrategy> = {}): UnleashStrategy => ({ id, name: 'flexibleRollout', parameters: { rollout, stickiness: 'userId', groupId }, constraints: [], segments: [], variants: [], ...extra });
  it.each([
    { name: 'one plain strategy: nothing hand-made', list: [flex('a', 'f')], mine: 'a', duplicates: [], handMade: [] },
    { name: 'a plain copy is a duplicate', list: [flex('a', 'f'), flex('b', 'f')], mine: 'a', duplicates: ['b'], handMade: [] },
    {
      name: 'constraints, segments and variants on rollgate’s strategy',
      list: [flex('a', 'f', '10', { constraints: [{ contextName: 'region', operator: 'IN', values: ['eu', 'us'] }, { contextName: 'plan', operator: 'STR_CONTAINS', values: ['pro'], inverted: true }], segments: [7], variants: [{ name: 'blue' }] })],
      mine: 'a',
      duplicates: [],
      handMade: ['constraint region IN [eu, us]', 'constraint plan NOT STR_CONTAINS [pro]', 'segment beta-testers', 'strategy variants blue'],
    },
    { name: 'another strategy beside it', list: [flex('a', 'f'), { id: 'b', name: 'default', title: 'staff', parameters: {}, constraints: [{ contextName: 'email', operator: 'STR_ENDS_WITH', values: ['@acme.com'] }] }], mine: 'a', duplicates: [], handMade: ['another strategy: default ("staff", constraint email STR_ENDS_WITH [@acme.com])'] },
    { name: 'rollgate’s strategy paused, and a copy with a constraint is not a duplicate', list: [flex('a', 'f', '10', { disabled: true }), flex('b', 'f', '50', { constraints: [{ contextName: 'userId', operator: 'IN', values: ['u1'] }] })], mine: 'a', duplicates: [], handMade: ["rollgate's strategy is disabled", 'another strategy: flexibleRollout (at 50 %, constraint userId IN [u1])'] },
    { name: 'no strategy of rollgate’s group: the first flexibleRollout is read (a flag adopted from a hand-made one)', list: [flex('a', 'other', '33')], mine: 'a', duplicates: [], handMade: [] },
  ])('$name', ({ list, mine, duplicates, handMade }) => {
    const r = classify('f', list, [], new Map([[7, 'beta-testers']]));
    expect(r.mine?.id).toBe(mine);
    expect(r.duplicates.map((s) => s.id)).toEqual(duplicates);
    expect(r.handMade).toEqual(handMade);
  });

  it('variants on the feature’s environment', () => {
    expect(classify('f', [flex('a', 'f')], [{ name: 'x' }, { name: 'y' }]).handMade).toEqual(['feature variants x, y']);
  });
});

describe('hand-made changes in a real Unleash', () => {
  let pg: Postgres;
  let unleash: Unleash;

  beforeAll(async () => {
    pg = await startPostgres();
    unleash = await startUnleash(pg);
  }, 180_000);

  afterAll(async () => {
    await unleash?.stop();
    pg?.stop();
  });

  const api = <T>(method: string, path: string, body?: unknown) => unleashApi<T>(unleash, method, path, body);
  type Strategy = UnleashStrategy & { parameters: Record<string, string> };

  it('--check and status name them per flag; the sync keeps them while it moves the percentage; removed, the drift is gone', async () => {
    const id = randomBytes(4).toString('hex');
    const flag = `checkout-${id}`;
    const repo = repoFrom(join(ROOT, 'test', 'fixtures', 'sync'));
    repo.commit('rollout/checkout.yaml', (t) => t.replace('flag: checkout-v2', `flag: ${flag}`), 'Own flag key');
    repo.commit('rollout/environments.yaml', (t) => t.replace('store: { type: flagd, path: build/flags/production.flagd.json }', `store: { type: unleash, url: '${unleash.url}', project: default, environment: production, tokenEnv: UNLEASH_ADMIN_TOKEN }`), 'Production on Unleash');
    const env = { UNLEASH_ADMIN_TOKEN: unleash.token };
    const cli = (...args: string[]) => rollgateAsync([...args, '--dir', repo.dir, '--env', 'production'], { env });
    expect((await cli('sync')).code).toBe(0);

    // By hand in Unleash: a constraint and a segment on rollgate's strategy, and a second strategy for staff.
    const path = `/api/admin/projects/default/features/${flag}/environments/production`;
    const [mine] = (await api<{ strategies: Strategy[] }>('GET', path)).strategies;
    const segment = await api<{ id: number }>('POST', '/api/admin/segments', { name: `beta-${id}`, constraints: [{ contextName: 'userId', operator: 'IN', values: ['user-1'] }] });
    await api('PUT', `${path}/strategies/${mine.id}`, { ...mine, constraints: [{ contextName: 'region', operator: 'IN', values: ['eu'] }], segments: [segment.id] });
    await api('POST', `${path}/strategies`, { name: 'default', title: 'staff', constraints: [{ contextName: 'userId', operator: 'IN', values: ['staff-1'] }], parameters: {} });
    const made = [`constraint region IN [eu]`, `segment beta-${id}`, `another strategy: default ("staff", constraint userId IN [staff-1])`];

    const check = await cli('sync', '--check');
    expect(check.code).toBe(3);
    expect(check.stdout).toContain(`drift in 1 flag: production/${flag} (hand-made in the store: ${made.join('; ')})`);
    const status = await cli('status', '--format', 'json');
    expect(JSON.parse(status.stdout).rollouts.find((r: { env: string }) => r.env === 'production')).toMatchObject({ drift: true, store: { percentage: 10, enabled: true }, handMade: made });

    // An advance: the percentage moves on rollgate's strategy, what was made by hand stays, and the run says so.
    repo.commit('rollout/checkout.yaml', setStage('production', 'staged'), 'Advance production');
    const advance = await cli('sync', '--format', 'json');
    expect(advance.code).toBe(0);
    expect(JSON.parse(advance.stdout).environments[0].handMade).toEqual([{ key: flag, kept: made }]);
    // The export shows segments on strategies (the environment's GET does not).
    const exported = await api<{ featureStrategies: (Strategy & { featureName: string })[] }>('POST', '/api/admin/features-batch/export', { environment: 'production', project: 'default' });
    const after = exported.featureStrategies.filter((s) => s.featureName === flag);
    expect(after.map((s) => [s.name, s.parameters.rollout ?? null, s.constraints?.map((c) => c.contextName), s.segments])).toEqual([
      ['flexibleRollout', '50', ['region'], [segment.id]],
      ['default', null, ['userId'], []],
    ]);
    const text = await cli('sync');
    expect(text.stdout).toContain(`! ${flag}`);
    expect(text.stdout).toContain('hand-made in the store, kept: constraint region IN [eu]');
    // What the application gets: rollgate's 50 % only inside the hand-made constraint and segment, and staff-1 through the other strategy.
    const app = await startUnleashClient(unleash, await clientToken(unleash, 'production'));
    try {
      await app.sees(flag, { enabled: true });
      expect(app.isEnabled(flag, { userId: 'staff-1' })).toBe(true);
      expect(app.isEnabled(flag, { userId: 'user-1', properties: {} })).toBe(false); // no region: outside the hand-made constraint
    } finally {
      app.stop();
    }

    // Someone removes them: no drift.
    await api('PUT', `${path}/strategies/${after[0].id}`, { ...after[0], constraints: [], segments: [] });
    await api('DELETE', `${path}/strategies/${after[1].id}`);
    const clean = await cli('sync', '--check');
    expect(clean.stdout).toContain('no drift');
    expect(clean.code).toBe(0);
  }, 180_000);
});
