import type { ConfigModel } from '../config/model.ts';
import type { Git } from '../git/port.ts';
import { HttpError } from '../http/client.ts';
import { ApplyError, StoreError, type FlagStore } from '../stores/port.ts';
import { desiredFlags } from './desired.ts';
import { pending, planChanges, type SyncPlan } from './plan.ts';

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
  /** apply: a safety rule said no; nothing was written. */
  | 'refused'
  /** apply: stopped halfway or could not verify; `applied` / `notApplied` say how far it got. */
  | 'failed';

export interface EnvResult {
  plan: SyncPlan;
  status: EnvStatus;
  reason?: string;
  writes: number;
  applied?: string[];
  notApplied?: string[];
}

export interface SyncRequest {
  model: ConfigModel;
  envs: string[];
  mode: Mode;
  git: Git;
  mainBranch: string;
  openStore(env: string): FlagStore;
  progress?(env: string, done: number, total: number): void;
}

/** Safety rules that hold for the whole run, before any store is touched. Returns why not, or undefined. */
export async function refuseRun(git: Git, mainBranch: string): Promise<{ head: string; refusal?: string }> {
  const head = await git.head();
  const tip = (await git.resolve(`refs/remotes/origin/${mainBranch}`)) ?? (await git.resolve(`refs/heads/${mainBranch}`));
  if (!tip) return { head, refusal: `there is no branch ${mainBranch} (nor origin/${mainBranch}): the sync applies only the tip of ${mainBranch}` };
  if (tip !== head) return { head, refusal: `HEAD ${short(head)} is not the tip of ${mainBranch} (${short(tip)}): the sync applies only ${mainBranch}` };
  const dirty = await git.dirty(['rollout']);
  if (dirty.length) return { head, refusal: `uncommitted changes under rollout/ (${dirty.slice(0, 3).join(', ')}${dirty.length > 3 ? ', …' : ''}): the sync applies commits, not a work tree` };
  return { head };
}

/**
 * For each environment: read the store, plan, and (apply mode) write only the differences,
 * record the SHA, read back and verify. A store whose recorded SHA is not an ancestor of
 * HEAD is refused: an old, delayed run can never undo a newer change.
 */
export async function runSync(req: SyncRequest): Promise<EnvResult[]> {
  const { head, refusal } = req.mode === 'apply' ? await refuseRun(req.git, req.mainBranch) : { head: await req.git.head(), refusal: undefined };
  const results: EnvResult[] = [];
  for (const env of req.envs) {
    const store = req.openStore(env);
    const desired = desiredFlags(req.model, env);
    const keys = desired.map((d) => d.key);
    const [current, recordedSha] = await Promise.all([store.read(keys), store.appliedSha()]);
    const plan: SyncPlan = { env, store: store.name, sha: head, ...(recordedSha ? { recordedSha } : {}), changes: planChanges(desired, current) };
    const todo = pending(plan);
    if (req.mode === 'check') {
      results.push({ plan, status: todo.length ? 'drift' : 'in-sync', writes: 0 });
      continue;
    }
    if (req.mode === 'dry-run') {
      results.push({ plan, status: 'planned', writes: 0 });
      continue;
    }
    if (refusal) {
      results.push({ plan, status: 'refused', reason: refusal, writes: 0 });
      continue;
    }
    if (recordedSha && recordedSha !== head && !(await req.git.isAncestor(recordedSha, head))) {
      results.push({
        plan,
        status: 'refused',
        writes: 0,
        reason: `the store was last synced from ${short(recordedSha)}, which is not an ancestor of HEAD ${short(head)}: a newer commit has been applied (or this clone lacks history: fetch with depth 0)`,
      });
      continue;
    }
    try {
      const { writes } = await store.apply(plan.changes, head, (done, total) => req.progress?.(env, done, total));
      const after = planChanges(desired, await store.read(keys));
      const wrong = after.filter((c) => c.steps.length > 0);
      if (wrong.length) {
        results.push({ plan, status: 'failed', writes, reason: `read back after writing, ${wrong.length} flag(s) still differ: ${wrong.map((c) => c.key).join(', ')}`, applied: todo.map((c) => c.key).filter((k) => !wrong.some((w) => w.key === k)), notApplied: wrong.map((c) => c.key) });
      } else results.push({ plan, status: 'applied', writes, applied: todo.map((c) => c.key) });
    } catch (error) {
      if (error instanceof ApplyError) {
        results.push({ plan, status: 'failed', writes: 0, reason: error.message, applied: error.applied, notApplied: error.notApplied });
      } else if (error instanceof StoreError || error instanceof HttpError) {
        results.push({ plan, status: 'failed', writes: 0, reason: error.message, applied: [], notApplied: todo.map((c) => c.key) });
      } else throw error;
    }
  }
  return results;
}

export const short = (sha: string) => sha.slice(0, 7);
