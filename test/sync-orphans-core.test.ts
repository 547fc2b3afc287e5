import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConfigModel } from '../scripts/config/model.ts';
import { renderSyncJson, renderSyncSummary, renderSyncText } from '../scripts/report/sync.ts';
import { validateRepository } from '../scripts/rules/validate-repository.ts';
import type { FlagState } from '../scripts/sync/desired.ts';
import { ORPHAN_REASON, planOrphans } from '../scripts/sync/plan.ts';
import { runSync, type Mode } from '../scripts/sync/sync.ts';
import { ROOT, tempRepo } from './helpers/cli.ts';
import { fakeGit } from './helpers/fake-git.ts';
import { fakeStore, type FakeStore } from './helpers/fake-store.ts';

const on = (percentage: number, key: string): FlagState => ({ enabled: percentage > 0, percentage, stickiness: 'userId', groupId: key });
const off = (percentage: number, key: string): FlagState => ({ ...on(percentage, key), enabled: false });

describe('planOrphans: managed keys no rollout names any more', () => {
  it.each([
    { name: 'on → disable', managed: ['old'], desired: [], current: { old: on(50, 'old') }, want: [{ key: 'old', steps: ['disable'], from: on(50, 'old') }] },
    { name: 'already off → only dropped from the record', managed: ['old'], desired: [], current: { old: off(50, 'old') }, want: [{ key: 'old', steps: [], from: off(50, 'old') }] },
    { name: 'gone from the store → only dropped from the record', managed: ['gone'], desired: [], current: {}, want: [{ key: 'gone', steps: [] }] },
    { name: 'still named → not an orphan', managed: ['kept'], desired: ['kept'], current: { kept: on(10, 'kept') }, want: [] },
    { name: 'never managed → never looked at', managed: [], desired: [], current: { theirs: on(33, 'theirs') }, want: [] },
    { name: 'several, in key order', managed: ['b', 'a', 'c'], desired: ['c'], current: { a: on(1, 'a'), b: on(2, 'b') }, want: [{ key: 'a', steps: ['disable'], from: on(1, 'a') }, { key: 'b', steps: ['disable'], from: on(2, 'b') }] },
  ])('$name', ({ managed, desired, current, want }) => {
    const orphans = planOrphans('production', desired, managed, new Map(Object.entries(current)));
    expect(orphans).toEqual(want.map((w) => ({ env: 'production', ...w })));
  });
});

describe('runSync with orphans (a fake store)', () => {
  let model: ConfigModel;
  let store: FakeStore;
  const SHA = 'a'.repeat(40);

  beforeEach(async () => {
    model = (await validateRepository(tempRepo(join(ROOT, 'test', 'fixtures', 'sync')))).model;
    store = fakeStore({
      flags: { 'checkout-v2': on(10, 'checkout-v2'), 'checkout-v2.shadow': off(0, 'checkout-v2.shadow'), 'search-v1': on(50, 'search-v1'), 'theirs': on(33, 'theirs') },
      managed: ['checkout-v2', 'checkout-v2.shadow', 'search-v1'],
      sha: '0'.repeat(40),
    });
  });

  const sync = async (mode: Mode, sha = SHA) => (await runSync({ model, envs: ['production'], mode, git: fakeGit(sha), mainBranch: 'main', openStore: () => store }))[0];

  it('--check: drift, the flag named with the reason; nothing written', async () => {
    const r = await sync('check');
    expect(r.status).toBe('drift');
    expect(r.plan.orphans).toEqual([{ key: 'search-v1', env: 'production', from: on(50, 'search-v1'), steps: ['disable'] }]);
    expect(r.plan.managed).toEqual(['checkout-v2', 'checkout-v2.shadow']);
    expect(store.writes).toBe(0);
    const text = renderSyncText([r], 'check');
    expect(text).toContain('drift in 1 flag: production/search-v1 (managed by rollgate but no rollout names it)');
    expect(JSON.parse(renderSyncJson([r], 'check')).environments[0].orphans).toEqual([{ key: 'search-v1', steps: ['disable'], from: on(50, 'search-v1'), reason: ORPHAN_REASON }]);
    expect(renderSyncSummary([r], 'check')).toContain('| `search-v1` | — | — | managed by rollgate but no rollout names it: turn off (50 %, on → off; kept in the store) |');
  });

  it('--dry-run shows the planned turn-off and writes nothing', async () => {
    const r = await sync('dry-run');
    expect(r.status).toBe('planned');
    expect(renderSyncText([r], 'dry-run')).toMatch(/- search-v1 +orphan +managed by rollgate but no rollout names it: turn off \(50 %, on → off; kept in the store\)/);
    expect(store.writes).toBe(0);
  });

  it('apply turns it off, keeps it, drops it from the record; the next run writes nothing; flags never managed are untouched', async () => {
    const r = await sync('apply');
    expect(r).toMatchObject({ status: 'applied', applied: ['search-v1'] });
    expect(store.flags.get('search-v1')).toEqual(off(50, 'search-v1'));
    expect([...store.managed].sort()).toEqual(['checkout-v2', 'checkout-v2.shadow']);
    expect(store.sha).toBe(SHA);
    expect(store.flags.get('theirs')).toEqual(on(33, 'theirs'));
    expect(await sync('check')).toMatchObject({ status: 'in-sync' });
    const before = store.writes;
    expect(await sync('apply')).toMatchObject({ status: 'applied', writes: 0 });
    expect(store.writes).toBe(before);
  });

  it('an orphan already off is drift until the record drops it, without writing the flag', async () => {
    store.flags.set('search-v1', off(50, 'search-v1'));
    expect((await sync('check')).status).toBe('drift');
    const r = await sync('apply');
    expect(r).toMatchObject({ status: 'applied', writes: 1 }); // the record only
    expect(store.managed.has('search-v1')).toBe(false);
  });

  it('a run that stops halfway keeps the orphan in the record, and the rerun finishes it', async () => {
    model.rollouts[0].doc.spec.environments.production.stage = 'staged'; // a rollout change too, applied after the turn-off
    store.failAt = 2;
    const broken = await sync('apply');
    expect(broken).toMatchObject({ status: 'failed', applied: ['search-v1'], notApplied: ['checkout-v2'] });
    expect(store.managed.has('search-v1')).toBe(true);
    expect(store.sha).toBe('0'.repeat(40));
    const rerun = await sync('apply');
    expect(rerun.status).toBe('applied');
    expect(rerun.plan.orphans).toEqual([{ key: 'search-v1', env: 'production', from: off(50, 'search-v1'), steps: [] }]);
    expect(store.managed.has('search-v1')).toBe(false);
    expect(store.flags.get('checkout-v2')?.percentage).toBe(50);
  });

  it('read-back catches an orphan the store did not turn off', async () => {
    store.ignoreDisable = true;
    const r = await sync('apply');
    expect(r.status).toBe('failed');
    expect(r.reason).toContain('search-v1');
    expect(r.notApplied).toEqual(['search-v1']);
    expect(store.managed.has('search-v1')).toBe(true); // still on, so still managed: the next run tries again
    store.ignoreDisable = false;
    expect(await sync('apply')).toMatchObject({ status: 'applied', applied: ['search-v1'] });
    expect(store.flags.get('search-v1')?.enabled).toBe(false);
  });

  it('a store that recorded nothing yet (synced before the record existed) has no orphans, and records what main names', async () => {
    store.managed.clear();
    const r = await sync('check');
    expect(r.status).toBe('in-sync');
    expect(r.plan.orphans).toEqual([]);
    expect((await sync('apply')).status).toBe('applied');
    expect([...store.managed].sort()).toEqual(['checkout-v2', 'checkout-v2.shadow']);
    expect(store.flags.get('search-v1')).toEqual(on(50, 'search-v1'));
  });
});
