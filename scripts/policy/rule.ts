import type { StageChange } from '../git/stage-history.ts';
import type { Change, ChangeSet } from './change-set.ts';

/** A reason the PR may not merge as it is. */
export interface Refusal {
  code: string;
  change: Change;
  message: string;
  hint: string;
}

export interface PolicyContext {
  now: number;
  /** Stage history of a rollout file on the base branch. */
  baseHistory(path: string): Promise<StageChange[]>;
}

/** One PR rule with a stable code: refusals as data. Rollbacks are never refused. */
export interface PolicyRule {
  code: string;
  description: string;
  check(changes: ChangeSet, ctx: PolicyContext): Promise<Refusal[]> | Refusal[];
}
