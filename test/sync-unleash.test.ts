import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigModel } from '../scripts/config/model.ts';
import { validateRepository } from '../scripts/rules/validate-repository.ts';
import { HttpClient } from '../scripts/http/client.ts';
import { unleashStore } from '../scripts/stores/unleash.ts';
import { desiredFlags } from '../scripts/sync/desired.ts';
import { runSync } from '../scripts/sync/sync.ts';
import { generateRepository } from './bench/generate.ts';
import { rollgateAsync, ROOT, tempRepo } from './helpers/cli.ts';
import { fakeGit } from './helpers/fake-git.ts';
import { FaultyProxy, isWrite, type Exchange } from './helpers/faulty-proxy.ts';
import { repoFrom, setStage } from './helpers/git.ts';
import { commitRollouts, revertAndPush, rolloutFile } from './helpers/rollout-edits.ts';
import { startPostgres, type Postgres } from './helpers/postgres.ts';
import { startUnleash, unleashApi, type Unleash } from './helpers/unleash.ts';

let pg: Postgres;
let unleash: Unleash;
let proxy: FaultyProxy;

beforeAll(async () => {
  pg = await startPostgres();
  unleash = await startUnleash(pg);
  proxy = new FaultyProxy(unleash.url);
  await proxy.start();
}, 180_000);

afterAll(async () => {
  await proxy?.stop();
  await unleash?.stop();
  pg?.stop();
});

const api = <T>(method: string, path: string, body?: unknown) => unleashApi<T>(unleash, method, path, body);
type EnvState = { enabled: boolean; strategies: { name: string; parameters: Record<string, string> }[] };
const envState = (key: string, env = 'production') => api<EnvState>('GET', `/api/admin/projects/default/features/${key}/environments/${env}`);

/** The sync fixture with production on Unleash (through the proxy) and a flag key of its own. */
function unleashRepo() {
  const id = randomBytes(4).toString('hex');
  const repo = repoFrom(join(ROOT, 'test', 'fixtures', 'sync'));
  const flag = `checkout-${id}`;
  repo.commit('rollout/checkout.yaml', (t) => t.replace('flag: checkout-v2', `flag: ${flag}`), 'Own flag key');
  repo.commit(
    'rollout/environments.yaml',
    (t) => t.replace('store: { type: flagd, path: build/flags/production.flagd.json }', `store: { type: unleash, url: '${proxy.url}', project: default, environment: production, tokenEnv: UNLEASH_ADMIN_TOKEN, stateFeature: rollgate.state.${id} }`),
    'Production on Unleash',
  );
  const sync = async (...args: string[]) => {
    const r = await rollgateAsync(['sync', '--dir', repo.dir, '--env', 'production', '--format', 'json', ...args], { env: { UNLEASH_ADMIN_TOKEN: unleash.token } });
    return { ...r, out: r.stdout ? JSON.parse(r.stdout) : undefined };
  };
  return { repo, flag, id, sync };
}

const REASON = 'managed by rollgate but no rollout names it';
type Feature = { name: string; archived?: boolean; description: string };
const feature = (key: string) => api<Feature>('GET', `/api/admin/projects/default/features/${key}`);
/** The keys the state feature records as managed. */
const managedIn = async (stateFeature: string) => (/managed:(\S*)/.exec((await feature(stateFeature)).description)?.[1] ?? '').split(',').filter(Boolean).sort();

describe('sync to a real Unleash', () => {
  it('creates the flag with one flexibleRollout strategy; advance → 50 %; git revert → 10 %', async () => {
    const { repo, flag, id, sync } = unleashRepo();
    const first = await sync();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    let state = await envState(flag);
    expect(state.enabled).toBe(true);
    expect(state.strategies).toEqual([expect.objectContaining({ name: 'flexibleRollout', parameters: { rollout: '10', stickiness: 'userId', groupId: flag } })]);
    expect((await envState(`${flag}.shadow`)).enabled).toBe(false);

    const advance = repo.commit('rollout/checkout.yaml', setStage('production', 'staged'), 'Advance production to staged');
    expect((await sync()).code).toBe(0);
    state = await envState(flag);
    expect(state.strategies.map((s) => s.parameters)).toEqual([{ rollout: '50', stickiness: 'userId', groupId: flag }]);

    repo.git('revert', '--no-edit', advance);
    repo.git('push', '-q', 'origin', 'main');
    const revert = await sync();
    expect(revert.code).toBe(0);
    expect(revert.out.environments[0].changes).toEqual([expect.objectContaining({ key: flag, steps: ['set-percentage'] })]);
    state = await envState(flag);
    expect(state.strategies.map((s) => s.parameters.rollout)).toEqual(['10']);
    expect(state.enabled).toBe(true);
    const marker = await api<{ description: string; environments: { enabled: boolean }[] }>('GET', `/api/admin/projects/default/features/rollgate.state.${id}`);
    expect(marker.description).toContain(`applied-sha:${repo.head()}`);
    expect(marker.environments.every((e) => e.enabled === false)).toBe(true);
  });

  it('a no-op sync makes no writes, and flags it does not manage are never touched', async () => {
    const { flag, id, sync } = unleashRepo();
    const other = `someone-elses-${id}`;
    await api('POST', '/api/admin/projects/default/features', { name: other, type: 'release' });
    await api('POST', `/api/admin/projects/default/features/${other}/environments/production/strategies`, { name: 'flexibleRollout', constraints: [], parameters: { rollout: '33', stickiness: 'default', groupId: other } });
    await api('POST', `/api/admin/projects/default/features/${other}/environments/production/on`);
    const before = await envState(other);
    expect((await sync()).code).toBe(0);
    proxy.reset();
    const again = await sync();
    expect(again.code).toBe(0);
    expect(again.out.environments[0]).toMatchObject({ status: 'applied', writes: 0, changes: [] });
    expect(proxy.writes).toBe(0);
    expect(proxy.requests).toBeGreaterThan(0);
    expect(await envState(other)).toEqual(before);
    expect((await envState(flag)).enabled).toBe(true);
  });

  it('writes the strategy before turning the environment on (never a moment at 100 %)', async () => {
    const { repo, flag, sync } = unleashRepo();
    repo.commit('rollout/checkout.yaml', setStage('production', 'shadow'), 'Start at shadow');
    expect((await sync()).code).toBe(0);
    expect((await envState(flag)).enabled).toBe(false);
    // A run whose strategy write fails must not have turned the flag on: Unleash's /on would create a 100 % strategy.
    repo.commit('rollout/checkout.yaml', setStage('production', 'canary'), 'Canary');
    proxy.reset();
    proxy.breakWrite(1, 'fail', (method, url) => method === 'PUT' && url.includes(`/features/${flag}/environments/production/strategies/`)); // the strategy PUT
    const broken = await rollgateAsync(['sync', '--dir', repo.dir, '--env', 'production', '--format', 'json'], { env: { UNLEASH_ADMIN_TOKEN: unleash.token, ROLLGATE_HTTP_RETRIES: '0' } });
    proxy.heal();
    expect(broken.code).toBe(1);
    const out = JSON.parse(broken.stdout).environments[0];
    // Flags are written side by side: the companion (turned off) may have been written meanwhile.
    expect(out).toMatchObject({ status: 'failed', notApplied: expect.arrayContaining([flag]) });
    expect(out.applied).not.toContain(flag);
    expect((await envState(flag)).enabled).toBe(false);
    expect((await sync()).code).toBe(0);
    expect(await envState(flag)).toMatchObject({ enabled: true, strategies: [expect.objectContaining({ parameters: expect.objectContaining({ rollout: '10' }) })] });
  });

  it('refuses an older SHA', async () => {
    const { repo, sync } = unleashRepo();
    const old = repo.head();
    repo.commit('rollout/checkout.yaml', setStage('production', 'staged'), 'Advance');
    expect((await sync()).code).toBe(0);
    repo.git('checkout', '-q', '-B', 'main', old);
    repo.git('update-ref', 'refs/remotes/origin/main', old);
    proxy.reset();
    const late = await sync();
    expect(late.code).toBe(1);
    expect(late.out.environments[0].status).toBe('refused');
    expect(proxy.writes).toBe(0);
  });

  it('a missing or wrong token is an infrastructure error that never prints the token', async () => {
    const { repo } = unleashRepo();
    const missing = await rollgateAsync(['sync', '--dir', repo.dir, '--env', 'production'], { env: { UNLEASH_ADMIN_TOKEN: undefined } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('UNLEASH_ADMIN_TOKEN is not set');
    const secret = `*:*.wrong-${randomBytes(6).toString('hex')}`;
    const wrong = await rollgateAsync(['sync', '--dir', repo.dir, '--env', 'production'], { env: { UNLEASH_ADMIN_TOKEN: secret } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('HTTP 401');
    expect(wrong.stdout + wrong.stderr).not.toContain(secret);
  });
});

describe('orphans in a real Unleash: a managed flag no rollout names any more is turned off', () => {
  const token = () => ({ UNLEASH_ADMIN_TOKEN: unleash.token });

  it('removing a rollout at 50 %: --check shows it, sync disables it and keeps it, a second sync writes nothing, git revert turns it back on', async () => {
    const { repo, flag, id, sync } = unleashRepo();
    const search = `search-${id}`;
    const other = `someone-elses-${id}`;
    await api('POST', '/api/admin/projects/default/features', { name: other, type: 'release' });
    await api('POST', `/api/admin/projects/default/features/${other}/environments/production/strategies`, { name: 'flexibleRollout', constraints: [], parameters: { rollout: '33', stickiness: 'default', groupId: other } });
    await api('POST', `/api/admin/projects/default/features/${other}/environments/production/on`);
    const theirs = await envState(other);
    writeFileSync(join(repo.dir, 'rollout', 'search.yaml'), rolloutFile('search', search, { staging: 'staged', production: 'staged' }));
    commitRollouts(repo, 'Add the search rollout');
    expect((await sync()).code).toBe(0);
    expect(await envState(search)).toMatchObject({ enabled: true, strategies: [expect.objectContaining({ parameters: expect.objectContaining({ rollout: '50' }) })] });
    expect(await managedIn(`rollgate.state.${id}`)).toEqual([flag, `${flag}.shadow`, search].sort());

    repo.git('rm', '-q', 'rollout/search.yaml');
    const removal = commitRollouts(repo, 'Remove the search rollout');
    const check = await rollgateAsync(['sync', '--dir', repo.dir, '--env', 'production', '--check'], { env: token() });
    expect(check.code).toBe(3);
    expect(check.stdout).toContain(`drift in 1 flag: production/${search} (${REASON})`);
    expect(await envState(search)).toMatchObject({ enabled: true });

    proxy.reset();
    const r = await sync();
    expect(r.code).toBe(0);
    expect(r.out.environments[0]).toMatchObject({ status: 'applied', changes: [], orphans: [{ key: search, steps: ['disable'], reason: REASON }], applied: [search] });
    expect(proxy.writes).toBe(2); // the turn-off, then the record (applied SHA and managed keys) in one write
    const kept = await envState(search);
    expect(kept.enabled).toBe(false);
    expect(kept.strategies.map((s) => s.parameters.rollout)).toEqual(['50']); // kept as it was: a revert turns it back on for the same users
    expect((await feature(search)).archived).toBeFalsy();
    expect(await managedIn(`rollgate.state.${id}`)).toEqual([flag, `${flag}.shadow`].sort());
    expect(await envState(other)).toEqual(theirs);

    const after = await rollgateAsync(['sync', '--dir', repo.dir, '--env', 'production', '--check'], { env: token() });
    expect(after.code).toBe(0);
    proxy.reset();
    expect((await sync()).out.environments[0]).toMatchObject({ status: 'applied', writes: 0 });
    expect(proxy.writes).toBe(0);

    revertAndPush(repo, removal);
    const back = await sync();
    expect(back.code).toBe(0);
    expect(back.out.environments[0].changes).toEqual([expect.objectContaining({ key: search, steps: ['enable'] })]);
    expect(await envState(search)).toMatchObject({ enabled: true, strategies: [expect.objectContaining({ parameters: { rollout: '50', stickiness: 'userId', groupId: search } })] });
    expect(await managedIn(`rollgate.state.${id}`)).toEqual([flag, `${flag}.shadow`, search].sort());
    expect(await envState(other)).toEqual(theirs);
  });

  it("renaming a rollout's flag key: the old key off, the new key on", async () => {
    const { repo, flag, sync } = unleashRepo();
    expect((await sync()).code).toBe(0);
    const renamed = `${flag}-renamed`;
    repo.commit('rollout/checkout.yaml', (t) => t.replace(`flag: ${flag}`, `flag: ${renamed}`), 'Rename the flag');
    const r = await sync();
    expect(r.code).toBe(0);
    expect(r.out.environments[0].orphans.map((o: { key: string; steps: string[] }) => [o.key, o.steps])).toEqual([
      [flag, ['disable']],
      [`${flag}.shadow`, []],
    ]);
    expect((await envState(flag)).enabled).toBe(false);
    expect(await envState(renamed)).toMatchObject({ enabled: true, strategies: [expect.objectContaining({ parameters: { rollout: '10', stickiness: 'userId', groupId: renamed } })] });
    proxy.reset();
    expect((await sync()).out.environments[0].writes).toBe(0);
    expect(proxy.writes).toBe(0);
  });

  it("removing one environment entry turns that environment's flag off and leaves the other environment alone", async () => {
    const { repo, flag, id } = unleashRepo();
    repo.commit(
      'rollout/environments.yaml',
      (t) => t.replace('store: { type: flagd, path: build/flags/staging.flagd.json }', `store: { type: unleash, url: '${proxy.url}', project: default, environment: development, tokenEnv: UNLEASH_ADMIN_TOKEN, stateFeature: rollgate.state.${id}.staging }`),
      'Staging on Unleash too',
    );
    const syncAll = async () => {
      const r = await rollgateAsync(['sync', '--dir', repo.dir, '--format', 'json'], { env: token() });
      return { ...r, out: r.stdout ? JSON.parse(r.stdout) : undefined };
    };
    expect((await syncAll()).code).toBe(0);
    const staging = await envState(flag, 'development');
    expect(staging).toMatchObject({ enabled: true, strategies: [expect.objectContaining({ parameters: expect.objectContaining({ rollout: '50' }) })] });

    repo.commit('rollout/checkout.yaml', (t) => t.replace(/\n    production:\n      stage: \w+/, ''), 'Checkout only in staging');
    const r = await syncAll();
    expect(r.code).toBe(0);
    expect(r.out.environments.map((e: { env: string; orphans: { key: string }[] }) => [e.env, e.orphans.map((o) => o.key)])).toEqual([
      ['staging', []],
      ['production', [flag, `${flag}.shadow`]],
    ]);
    expect((await envState(flag)).enabled).toBe(false);
    expect(await envState(flag, 'development')).toEqual(staging);
    expect(await managedIn(`rollgate.state.${id}`)).toEqual([]);
    expect(await managedIn(`rollgate.state.${id}.staging`)).toEqual([flag, `${flag}.shadow`]);
  });

  it('a flag created by a run that stopped before recording is still known as managed, so removing its rollout turns it off', async () => {
    const { repo, id, sync } = unleashRepo();
    expect((await sync()).code).toBe(0);
    const extra = `extra-${id}`;
    writeFileSync(join(repo.dir, 'rollout', 'extra.yaml'), rolloutFile('extra', extra, { staging: 'canary', production: 'canary' }));
    commitRollouts(repo, 'Add extra');
    proxy.reset();
    // Writes: record the new key as managed, create the feature, its strategy, turn it on, then record the SHA: the last one fails.
    proxy.breakWrite(5, 'fail');
    const broken = await rollgateAsync(['sync', '--dir', repo.dir, '--env', 'production', '--format', 'json'], { env: { ...token(), ROLLGATE_HTTP_RETRIES: '0' } });
    proxy.heal();
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout).environments[0].reason).toContain('recording');
    expect((await envState(extra)).enabled).toBe(true);
    expect(await managedIn(`rollgate.state.${id}`)).toContain(extra);

    repo.git('rm', '-q', 'rollout/extra.yaml');
    commitRollouts(repo, 'Remove extra');
    const r = await sync();
    expect(r.code).toBe(0);
    expect(r.out.environments[0].orphans).toEqual([expect.objectContaining({ key: extra, steps: ['disable'] })]);
    expect((await envState(extra)).enabled).toBe(false);
    expect(await managedIn(`rollgate.state.${id}`)).not.toContain(extra);
  });
});

describe('a sync that stops halfway converges on the rerun', () => {
  const FLAGS = 100;
  let model: ConfigModel;
  let keys: string[];
  let run = 0;

  beforeAll(async () => {
    const dir = tempRepo();
    generateRepository(dir, FLAGS, 0, { shadow: false });
    model = (await validateRepository(dir)).model;
    keys = desiredFlags(model, 'production').map((f) => f.key);
    expect(keys).toHaveLength(FLAGS);
  });

  const store = (retries: number) => unleashStore(new HttpClient({ baseUrl: proxy.url, headers: { authorization: unleash.token }, retries, backoffMs: 1 }), { project: 'default', environment: 'development', stateFeature: 'rollgate.state.halfway' });
  const syncTo = async (stage: string, retries: number) => {
    for (const r of model.rollouts) r.doc.spec.environments.production.stage = stage;
    const sha = (++run).toString(16).padStart(40, '0');
    const results = await runSync({ model, envs: ['production'], mode: 'apply', git: fakeGit(sha), mainBranch: 'main', openStore: () => store(retries) });
    return { result: results[0], sha };
  };
  const wrongFlags = async (percentage: number) => {
    const state = await store(0).read(keys);
    return keys.filter((k) => state.get(k)?.percentage !== percentage || state.get(k)?.enabled !== true);
  };

  it.each(['fail', 'drop'] as const)('the %s of the Nth write, for every N across a 100-flag plan', async (kind) => {
    // Unleash's development environment, so the rest of this file's flags stay apart.
    expect((await syncTo('canary', 0)).result.status).toBe('applied');
    const stopped: number[] = [];
    const problems: string[] = [];
    const writesInPlan = FLAGS + 1; // one strategy update per flag, then the record (SHA and managed keys): one patch of the state feature
    for (let n = 1; n <= writesInPlan; n++) {
      const [stage, percentage] = n % 2 ? ['staged', 50] : ['canary', 10];
      proxy.reset();
      proxy.breakWrite(n, kind);
      const broken = await syncTo(stage, 0);
      proxy.heal();
      if (broken.result.status === 'failed') stopped.push(n);
      const rerun = await syncTo(stage, 0);
      if (rerun.result.status !== 'applied') problems.push(`N=${n}: rerun ${rerun.result.status} ${rerun.result.reason ?? ''}`);
      const wrong = await wrongFlags(percentage);
      if (wrong.length) problems.push(`N=${n}: ${wrong.length} flags wrong, e.g. ${wrong[0]}`);
      if ((await store(0).recorded()).sha !== rerun.sha) problems.push(`N=${n}: SHA not recorded`);
    }
    expect(problems).toEqual([]);
    // Every injected fault really stopped the run (retries are off here), so every rerun had work to finish.
    expect(stopped).toEqual(Array.from({ length: writesInPlan }, (_, i) => i + 1));
  }, 600_000);

  it('with retries on, a dropped write is retried and the run itself converges', async () => {
    expect((await syncTo('canary', 0)).result.status).toBe('applied');
    proxy.reset();
    proxy.breakWrite(37, 'drop');
    const { result } = await syncTo('staged', 3);
    expect(result.status).toBe('applied');
    expect(await wrongFlags(50)).toEqual([]);
  });
});

describe('writes flags in parallel, each flag in order', () => {
  const FLAGS = 40;
  const id = randomBytes(4).toString('hex');
  let model: ConfigModel;
  let run = 0;
  beforeAll(async () => {
    const dir = tempRepo();
    generateRepository(dir, FLAGS, 0, { shadow: false });
    model = (await validateRepository(dir)).model;
    for (const r of model.rollouts) r.doc.spec.flag = `overlap-${id}-${r.doc.spec.flag}`;
  });
  const syncTo = async (stage: string) => {
    for (const r of model.rollouts) if (r.doc.spec.environments.production) r.doc.spec.environments.production.stage = stage;
    const results = await runSync({ model, envs: ['production'], mode: 'apply', git: fakeGit((++run).toString(16).padStart(40, '0')), mainBranch: 'main', openStore: () => store(proxy.url) });
    return results[0];
  };
  /** The flag a write is for: in the path, or in the body of a create. */
  const flagOf = (e: Exchange) => /\/features\/([^/]+)/.exec(e.url)?.[1] ?? (/"name":"([^"]+)"/.exec(e.body)?.[1] as string);
  const stateFeature = `rollgate.state.overlap-${id}`;
  /** The writes of one flag, in arrival order. */
  const writesOf = (key: string) => proxy.log.filter((e) => isWrite(e.method, e.url) && flagOf(e) === key);
  /** Every write of a flag arrived after the one before it was answered. */
  const inOrder = (writes: Exchange[]) => writes.every((w, i) => i === 0 || w.arrived > writes[i - 1].answered!);
  const kind = (e: Exchange) => `${e.method} ${e.url.endsWith('/on') ? 'on' : e.url.endsWith('/off') ? 'off' : e.url.includes('/strategies') ? 'strategy' : 'feature'}`;
  const store = (url: string) => unleashStore(new HttpClient({ baseUrl: url, headers: { authorization: unleash.token }, retries: 0 }), { project: 'default', environment: 'development', stateFeature });

  it('creates 40 flags with up to 8 requests in flight: create, strategy, then /on per flag; the record before and after', async () => {
    proxy.reset();
    proxy.delayMs = 20; // every answer takes a while, so overlap (or its absence) shows
    try {
      const result = await syncTo('canary');
      expect(result.status).toBe('applied');
    } finally {
      proxy.delayMs = 0;
    }
    expect(proxy.maxInFlight).toBeGreaterThan(1);
    expect(proxy.maxInFlight).toBeLessThanOrEqual(8);
    const writes = proxy.log.filter((e) => isWrite(e.method, e.url));
    // The record: the keys about to be managed first (the state feature created with them), the SHA last.
    const record = writes.filter((e) => flagOf(e) === stateFeature);
    expect(record.map(kind)).toEqual(['POST feature', 'PATCH feature']);
    const flagWrites = writes.filter((e) => !record.includes(e));
    expect(flagWrites).toHaveLength(3 * FLAGS);
    expect(flagWrites.every((e) => e.arrived > record[0].answered!)).toBe(true);
    expect(flagWrites.every((e) => e.answered! < record[1].arrived)).toBe(true);
    for (const r of model.rollouts) {
      const own = writesOf(r.doc.spec.flag);
      expect(own.map(kind)).toEqual(['POST feature', 'POST strategy', 'POST on']);
      expect(inOrder(own)).toBe(true);
    }
  });

  it('turns every orphan off before writing any flag, and each flag off before lowering it', async () => {
    const removed = model.rollouts.slice(0, 5);
    for (const r of removed) delete (r.doc.spec.environments as Record<string, unknown>).production;
    proxy.reset();
    proxy.delayMs = 20;
    try {
      const result = await syncTo('shadow');
      expect(result.status).toBe('applied');
      expect(result.plan.orphans.map((o) => o.steps)).toEqual(removed.map(() => ['disable']));
    } finally {
      proxy.delayMs = 0;
    }
    expect(proxy.maxInFlight).toBeGreaterThan(1);
    expect(proxy.maxInFlight).toBeLessThanOrEqual(8);
    const orphanOffs = removed.flatMap((r) => writesOf(r.doc.spec.flag));
    expect(orphanOffs.map(kind)).toEqual(removed.map(() => 'POST off'));
    const lastOff = Math.max(...orphanOffs.map((e) => e.answered!));
    for (const r of model.rollouts.slice(5)) {
      const own = writesOf(r.doc.spec.flag);
      expect(own.map(kind)).toEqual(['POST off', 'PUT strategy']);
      expect(inOrder(own)).toBe(true);
      expect(own[0].arrived).toBeGreaterThan(lastOff);
    }
    const state = await store(unleash.url).read(model.rollouts.map((r) => r.doc.spec.flag));
    expect([...state.values()].every((s) => !s.enabled)).toBe(true);
    expect(model.rollouts.slice(5).every((r) => state.get(r.doc.spec.flag)!.percentage === 0)).toBe(true);
  });
});
