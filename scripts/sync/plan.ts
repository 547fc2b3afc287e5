import type { DesiredFlag, FlagState } from './desired.ts';

/** What applying a change does to one flag, in the order a store performs it. */
export type Step = 'create' | 'set-percentage' | 'set-stickiness' | 'enable' | 'disable';

export interface FlagChange {
  key: string;
  rollout: string;
  env: string;
  stage: string;
  /** The store's state before; undefined when the flag does not exist there. */
  from?: FlagState;
  to: FlagState;
  /** Empty when the store already matches. */
  steps: Step[];
}

/** Why an orphan is in the plan: said the same way by every report. */
export const ORPHAN_REASON = 'managed by rollgate but no rollout names it';

/**
 * A flag the store records as managed by rollgate that no rollout names in this environment
 * any more (its rollout was removed, its key renamed, or its environment entry removed). It
 * is turned off and kept, never deleted, so a revert turns it back on for the same users;
 * once off it is dropped from the managed set.
 */
export interface OrphanChange {
  key: string;
  env: string;
  /** The store's state; undefined when the flag is gone from the store. */
  from?: FlagState;
  /** `disable` while it is on; empty when it is already off (only the record changes). */
  steps: Extract<Step, 'disable'>[];
}

/** A sync plan for one environment: plain data, printed, then applied by a store. */
export interface SyncPlan {
  env: string;
  store: string;
  /** The commit whose config this plan applies. */
  sha: string;
  /** The SHA the store recorded at its last sync, if any. */
  recordedSha?: string;
  changes: FlagChange[];
  orphans: OrphanChange[];
  /** The keys the store records as managed once the plan is applied: every flag a rollout names here. */
  managed: string[];
}

/** Rollout changes that write something. */
export const pending = (plan: SyncPlan) => plan.changes.filter((c) => c.steps.length > 0);

/** Flags whose store holds changes made by hand beside rollgate's strategy: kept by the sync, reported as drift. */
export const handMade = (plan: SyncPlan) => plan.changes.filter((c) => c.from?.handMade?.length);

/** Whether the store differs from main: a rollout's flag differs, a managed flag is named by no rollout, or a flag carries hand-made changes. */
export const drifted = (plan: SyncPlan) => pending(plan).length > 0 || plan.orphans.length > 0 || handMade(plan).length > 0;

/** Keys a plan touches, rollout changes first: what "applied" and "not applied" are counted in. */
export const touched = (plan: SyncPlan) => [...pending(plan).map((c) => c.key), ...plan.orphans.map((o) => o.key)];

/** Compares what main says with what the store holds, flag by flag. */
export function planChanges(desired: DesiredFlag[], current: ReadonlyMap<string, FlagState>): FlagChange[] {
  return desired.map((d) => {
    const to: FlagState = { enabled: d.enabled, percentage: d.percentage, stickiness: d.stickiness, groupId: d.groupId };
    const from = current.get(d.key);
    return { key: d.key, rollout: d.rollout, env: d.env, stage: d.stage, ...(from ? { from } : {}), to, steps: stepsFor(from, to) };
  });
}

/** What turns `from` (undefined: the store lacks the flag) into `to`; empty when they match. */
export function stepsFor(from: FlagState | undefined, to: FlagState): Step[] {
  const steps: Step[] = [];
  if (!from) steps.push('create', 'set-percentage', ...(to.enabled ? (['enable'] as const) : []));
  else {
    if (from.percentage !== to.percentage || from.groupId !== to.groupId) steps.push('set-percentage');
    if (from.stickiness !== to.stickiness) steps.push('set-stickiness');
    if (from.enabled !== to.enabled) steps.push(to.enabled ? 'enable' : 'disable');
  }
  return steps;
}

/** The flags of `plan` that `state` (a store read after applying it) does not hold as planned: changes that still differ, orphans still on. */
export function stillDiffer(plan: SyncPlan, state: ReadonlyMap<string, FlagState>): string[] {
  return [...plan.changes.filter((c) => stepsFor(state.get(c.key), c.to).length > 0).map((c) => c.key), ...plan.orphans.filter((o) => state.get(o.key)?.enabled).map((o) => o.key)];
}

/**
 * The managed keys no rollout names: each is turned off if it is on. Only keys the store
 * records as managed are looked at, so a flag rollgate never managed is never touched.
 */
export function planOrphans(env: string, desiredKeys: readonly string[], managed: readonly string[], current: ReadonlyMap<string, FlagState>): OrphanChange[] {
  const named = new Set(desiredKeys);
  return [...new Set(managed)]
    .filter((key) => !named.has(key))
    .sort()
    .map((key) => {
      const from = current.get(key);
      return { key, env, ...(from ? { from } : {}), steps: from?.enabled ? ['disable'] : [] };
    });
}
