import type { StageChange } from '../git/stage-history.ts';
import type { Change, ChangeSet, Move } from './change-set.ts';

/** A reason the PR may not merge as it is. */
export interface Refusal {
  code: string;
  change: Change;
  message: string;
  hint: string;
  /** The rollout/environment move refused, so that `gate` can refuse the same one. */
  move?: { rollout: string; env: string };
}

export interface PolicyContext {
  now: number;
  /** Stage history of a rollout file on the base branch, with the times commits landed there. */
  baseHistory(path: string): Promise<StageChange[]>;
}

/** One PR rule with a stable code: refusals as data. A change that serves fewer users is never refused. */
export interface PolicyRule {
  code: string;
  description: string;
  check(changes: ChangeSet, ctx: PolicyContext): Promise<Refusal[]> | Refusal[];
}

/** A move as a located change, for refusals. */
export function moveChange(m: Move): Change {
  return { kind: 'advance', rollout: m.rollout, flag: m.flag, env: m.env, ...(m.from ? { from: m.from } : {}), to: m.to, detail: `${m.env}: ${m.from ?? '(none)'} → ${m.to}`, file: m.head.file, path: ['spec', 'environments', m.env, 'stage'] };
}

/** A refusal of a move. */
export function refuseMove(code: string, m: Move, message: string, hint: string): Refusal {
  return { code, change: moveChange(m), message, hint, move: { rollout: m.rollout, env: m.env } };
}

/** Stage names of the base version of a move's rollout. */
export const baseStageNames = (m: Move) => m.base?.doc.spec.stages.map((s) => s.name) ?? [];

/** A move that is one step forward in base's list, from a stage base has: the shape of a gated advance. */
export function isOneStep(m: Move): boolean {
  const names = baseStageNames(m);
  return m.base !== undefined && m.from !== undefined && names.includes(m.to) && names.indexOf(m.to) === names.indexOf(m.from) + 1;
}
