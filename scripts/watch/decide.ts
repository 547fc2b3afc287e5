import type { Assessment, RowVerdict } from '../gates/assess.ts';
import { watchKey } from './key.ts';

/**
 * What the matrix says to do now: nothing; nothing yet (a row above could not be measured, or
 * must wait for evidence from the current stage); roll back (as the row says: emergency or
 * gradual); or hold and investigate (an investigate row, or a rollback row at or below its `to`).
 */
export type WatchOutcome = 'none' | 'inconclusive' | 'waiting' | 'rollback' | 'hold';

/** The commit that put the environment in its current stage, and the stage it came from. */
export interface StageEntry {
  sha: string;
  date: string;
  from?: string;
}

export interface WatchDecision {
  rollout: string;
  env: string;
  stage: string;
  entered: StageEntry;
  /** The stage the entering commit advanced from (undefined when it was no advance: a rollback, the first commit). */
  enteredFrom?: string;
  outcome: WatchOutcome;
  advice: string;
  /** The deciding row, if any. */
  row?: RowVerdict;
  rollback?: { to: string; mode: 'emergency' | 'gradual'; key: string };
  assessment: Assessment;
}

/** The decision for one rollout in one environment, from the matrix's assessment. Pure. */
export function decideWatch(assessment: Assessment, stages: string[], entered: StageEntry, waiting: ReadonlyMap<number, string>): WatchDecision {
  const { rollout, env, stage, row } = assessment;
  const advanced = entered.from !== undefined && stages.indexOf(entered.from) < stages.indexOf(stage);
  const base = { rollout, env, stage, entered: { sha: entered.sha, date: entered.date }, ...(advanced ? { enteredFrom: entered.from } : {}), assessment, ...(row ? { row } : {}) };
  if (assessment.decision === 'no-action') return { ...base, outcome: 'none', advice: assessment.advice };
  if (assessment.decision === 'inconclusive') {
    const why = row ? waiting.get(row.index) : undefined;
    if (why) return { ...base, outcome: 'waiting', advice: `row ${row!.index + 1} (${row!.severity}) ${why}` };
    const unmeasured = row?.criteria.find((c) => c.result === 'INCONCLUSIVE');
    return { ...base, outcome: 'inconclusive', advice: `${assessment.advice}${unmeasured ? ` (${unmeasured.name}: ${unmeasured.why})` : ''}` };
  }
  const target = row!.to !== undefined ? stages.indexOf(row!.to) : -1;
  if (row!.action === 'rollback' && target >= 0 && target < stages.indexOf(stage)) {
    return { ...base, outcome: 'rollback', advice: assessment.advice, rollback: { to: row!.to!, mode: row!.mode ?? 'gradual', key: watchKey(rollout, env, row!.index + 1, entered.sha) } };
  }
  return { ...base, outcome: 'hold', advice: assessment.advice };
}
