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

/** A sync plan for one environment: plain data, printed, then applied by a store. */
export interface SyncPlan {
  env: string;
  store: string;
  /** The commit whose config this plan applies. */
  sha: string;
  /** The SHA the store recorded at its last sync, if any. */
  recordedSha?: string;
  changes: FlagChange[];
}

export const pending = (plan: SyncPlan) => plan.changes.filter((c) => c.steps.length > 0);

/** Compares what main says with what the store holds, flag by flag. */
export function planChanges(desired: DesiredFlag[], current: ReadonlyMap<string, FlagState>): FlagChange[] {
  return desired.map((d) => {
    const to: FlagState = { enabled: d.enabled, percentage: d.percentage, stickiness: d.stickiness, groupId: d.groupId };
    const from = current.get(d.key);
    const steps: Step[] = [];
    if (!from) steps.push('create', 'set-percentage', ...(to.enabled ? (['enable'] as const) : []));
    else {
      if (from.percentage !== to.percentage || from.groupId !== to.groupId) steps.push('set-percentage');
      if (from.stickiness !== to.stickiness) steps.push('set-stickiness');
      if (from.enabled !== to.enabled) steps.push(to.enabled ? 'enable' : 'disable');
    }
    return { key: d.key, rollout: d.rollout, env: d.env, stage: d.stage, ...(from ? { from } : {}), to, steps };
  });
}
