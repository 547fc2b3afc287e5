import type { ConfigModel } from '../config/model.ts';
import type { Git } from '../git/port.ts';
import { HttpError } from '../http/client.ts';
import { ApplyError, StoreError, type FlagStore } from '../stores/port.ts';
import { desiredFlags, type DesiredFlag } from './desired.ts';
import { drifted, planChanges, planOrphans, stepsFor, stillDiffer, touched, type SyncPlan } from './plan.ts';

export type Mode = 'apply' | 'dry-run' | 'check';

export type EnvStatus =
  /** apply: the store now matches; `writes` says how much was written. */
  | 'applied'
  /** dry-run: what apply would do. */
  | 'planned'
  /** check: the store matches main. */
  | 'in-sync'
  /** check: the store differs from main. */
  | 'drift'
  /** apply and dry-run: a safety rule said no; nothing was (or would be) written. */
  | 'refused'
  /** apply: stopped halfway or could not verify; `applied` / `notApplied` say how far it got. */
  | 'failed';

export interface EnvResult {
  plan: SyncPlan;
  status: EnvStatus;
  reason?: string;
  writes: number;
  /** The store's notes on how it wrote (ApplyStats.notes). */
  notes?: string[];
  applied?: string[];
  notApplied?: string[];
}

export interface SyncRequest {
  model: ConfigModel;
  envs: string[];
  mode: Mode;
  git: Git;
  mainBranch: string;
  /** Which main HEAD must be the tip of: origin's (default), or this clone's own (`sync --local`). */
  main?: MainSource;
  openStore(env: string): FlagStore;
  progress?(env: string, done: number, total: number): void;
}

/**
 * The main a sync applies: `remote` is origin's (what was pushed and merged: the workflows and
 * every shared checkout); `local` is this clone's own branch, for a repository without a remote.
 */
export type MainSource = 'remote' | 'local';

/** The remote whose main the sync applies by default. */
const MAIN_REMOTE = 'origin';

/** Safety rules that hold for the whole run, before any store is touched. Returns why not, or undefined. */
async function refuseRun(git: Git, mainBranch: string, main: MainSource = 'remote'): Promise<{ head: string; refusal?: string }> {
  const head = await git.head();
  const refusal = main === 'local' ? await notLocalTip(git, mainBranch, head) : await notRemoteTip(git, mainBranch, head);
  if (refusal) return { head, refusal };
  const dirty = await git.dirty(['rollout']);
  if (dirty.length) return { head, refusal: `uncommitted changes under rollout/ (${dirty.slice(0, 3).join(', ')}${dirty.length > 3 ? ', …' : ''}): the sync applies commits, not a work tree` };
  return { head };
}

/** HEAD must be origin's main: the ref compared with is named, and what to do next. */
async function notRemoteTip(git: Git, mainBranch: string, head: string): Promise<string | undefined> {
  const ref = `${MAIN_REMOTE}/${mainBranch}`;
  const tip = await git.resolve(`refs/remotes/${ref}`);
  const local = `or run rollgate sync --local to sync the local ${mainBranch} instead (a repository without a remote)`;
  if (!tip) return `there is no ${ref} to compare HEAD ${short(head)} with: the sync applies only the tip of ${ref}, what was pushed. Push ${mainBranch} (git push -u ${MAIN_REMOTE} ${mainBranch}), ${local}`;
  if (tip === head) return undefined;
  const todo = (await git.isAncestor(tip, head))
    ? `Push it first (git push ${MAIN_REMOTE} HEAD:${mainBranch}, or a PR), ${local}`
    : (await git.isAncestor(head, tip))
      ? `Update first (git switch ${mainBranch} && git pull), ${local}`
      : `Check out ${ref} (git switch ${mainBranch} && git pull) or push your commits to it, ${local}`;
  return `HEAD ${short(head)} is not the tip of ${ref} (${short(tip)}): the sync applies only what ${ref} has. ${todo}`;
}

/** `--local`: HEAD must be this clone's own main. */
async function notLocalTip(git: Git, mainBranch: string, head: string): Promise<string | undefined> {
  const tip = await git.resolve(`refs/heads/${mainBranch}`);
  if (!tip) return `there is no local branch ${mainBranch}: --local syncs the tip of the local ${mainBranch}`;
  if (tip !== head) return `HEAD ${short(head)} is not the tip of the local ${mainBranch} (${short(tip)}): --local syncs only the local ${mainBranch}. Switch to it (git switch ${mainBranch})`;
  return undefined;
}

/**
 * Reads the store and plans one environment: the flags main names, and the flags the store
 * records as managed that main no longer names (orphans). Each flag is planned in the form the
 * store holds it (`FlagStore.canonical`).
 */
export async function planEnvironment(store: FlagStore, desired: DesiredFlag[], env: string, sha: string): Promise<SyncPlan> {
  const recorded = await store.recorded();
  const keys = [...new Set(desired.map((d) => d.key))];
  const current = await store.read([...new Set([...keys, ...recorded.managed])]);
  const held = store.canonical ? desired.map((d) => ({ ...d, ...store.canonical!(d) })) : desired;
  return {
    env,
    store: store.name,
    sha,
    ...(recorded.sha ? { recordedSha: recorded.sha } : {}),
    changes: planChanges(held, current),
    orphans: planOrphans(env, keys, recorded.managed, current),
    managed: keys.sort(),
  };
}

/**
 * For each environment: read the store, plan, and (apply mode) write only the differences,
 * turn off orphans, read back, and only then record the SHA and the managed keys; then read
 * back the whole store once more and verify. A store whose
 * recorded SHA is not an ancestor of HEAD is refused: an old, delayed run can never undo a
 * newer change.
 */
export async function runSync(req: SyncRequest): Promise<EnvResult[]> {
  // A dry run answers as the real run would: refused for the same reasons, with the plan beside them.
  const { head, refusal } = req.mode === 'check' ? { head: await req.git.head(), refusal: undefined } : await refuseRun(req.git, req.mainBranch, req.main);
  const results: EnvResult[] = [];
  for (const env of req.envs) {
    const store = req.openStore(env);
    const desired = desiredFlags(req.model, env);
    const plan = await planEnvironment(store, desired, env, head);
    const todo = touched(plan);
    if (req.mode === 'check') {
      results.push({ plan, status: drifted(plan) ? 'drift' : 'in-sync', writes: 0 });
      continue;
    }
    if (refusal) {
      results.push({ plan, status: 'refused', reason: refusal, writes: 0 });
      continue;
    }
    const recordedSha = plan.recordedSha;
    if (recordedSha && recordedSha !== head && !(await req.git.isAncestor(recordedSha, head))) {
      results.push({
        plan,
        status: 'refused',
        writes: 0,
        reason: `the store was last synced from ${short(recordedSha)}, which is not an ancestor of HEAD ${short(head)}: a newer commit has been applied (or this clone lacks history: fetch with depth 0)`,
      });
      continue;
    }
    if (req.mode === 'dry-run') {
      results.push({ plan, status: 'planned', writes: 0 });
      continue;
    }
    try {
      // The store records the SHA only once this read-back passes: a failed one leaves the old SHA.
      const stats = await store.apply(plan, (done, total) => req.progress?.(env, done, total), (state) => stillDiffer(plan, state));
      let { writes } = stats;
      const notes = stats.notes?.length ? { notes: stats.notes } : {};
      const check = await verify(store, plan);
      // An orphan still on must stay in the record, or no later run would know to turn it off.
      if (check.stillOn.length) writes += (await store.apply({ ...plan, changes: [], orphans: [], managed: [...plan.managed, ...check.stillOn].sort() })).writes;
      const wrong = [...check.differ, ...check.stillOn];
      if (wrong.length || check.unrecorded) {
        const reasons = [...(wrong.length ? [`${wrong.length} flag(s) still differ: ${wrong.join(', ')}`] : []), ...(check.unrecorded ? [check.unrecorded] : [])];
        results.push({ plan, status: 'failed', writes, ...notes, reason: `read back after writing, ${reasons.join('; ')}`, applied: todo.filter((k) => !wrong.includes(k)), notApplied: wrong });
      } else results.push({ plan, status: 'applied', writes, ...notes, applied: todo });
    } catch (error) {
      if (error instanceof ApplyError) {
        results.push({ plan, status: 'failed', writes: 0, reason: error.message, applied: error.applied, notApplied: error.notApplied });
      } else if (error instanceof StoreError || error instanceof HttpError) {
        results.push({ plan, status: 'failed', writes: 0, reason: error.message, applied: [], notApplied: todo });
      } else throw error;
    }
  }
  return results;
}

/** Reads back what apply wrote: flags that still differ, orphans still on, and whether the record is right. */
async function verify(store: FlagStore, plan: SyncPlan): Promise<{ differ: string[]; stillOn: string[]; unrecorded?: string }> {
  const [state, recorded] = await Promise.all([store.read([...plan.managed, ...plan.orphans.map((o) => o.key)]), store.recorded()]);
  const differ = plan.changes.filter((c) => stepsFor(state.get(c.key), c.to).length > 0).map((c) => c.key);
  const stillOn = plan.orphans.filter((o) => state.get(o.key)?.enabled).map((o) => o.key);
  const record = new Set(recorded.managed);
  const missing = plan.managed.filter((k) => !record.has(k));
  const expected = new Set(plan.managed.concat(stillOn)); // an orphan still on is put back into the record below
  const extra = recorded.managed.filter((k) => !expected.has(k));
  const unrecorded =
    recorded.sha !== plan.sha
      ? `the store recorded ${recorded.sha ? short(recorded.sha) : 'no SHA'} instead of ${short(plan.sha)}`
      : missing.length || extra.length
        ? `the store's managed flags are not what main names (${[...missing.map((k) => `missing ${k}`), ...extra.map((k) => `extra ${k}`)].slice(0, 5).join(', ')})`
        : undefined;
  return { differ, stillOn, ...(unrecorded ? { unrecorded } : {}) };
}

export const short = (sha: string) => sha.slice(0, 7);
