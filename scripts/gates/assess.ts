import type { RollbackRow } from '../config/schema/index.ts';
import type { Evidence } from '../metrics/port.ts';
import type { Metric } from '../config/schema/index.ts';
import { BUILTIN_UNITS } from './builtins.ts';
import { judge, threshold } from './criteria.ts';
import { shownUnit } from './evaluate-gate.ts';

/** `to: previous` in a rollback row: the stage before the current one, wherever the rollout is. */
export const PREVIOUS = 'previous';

/** A row's target stage at `stage`: `previous` resolved (undefined at the first stage), any other `to` as written. */
export function rollbackTarget(to: string | undefined, stages: string[], stage: string): string | undefined {
  if (to !== PREVIOUS) return to;
  const here = stages.indexOf(stage);
  return here > 0 ? stages[here - 1] : undefined;
}

export interface RowVerdict {
  index: number;
  severity: RollbackRow['severity'];
  action: RollbackRow['action'];
  to?: string;
  mode?: RollbackRow['mode'];
  note?: string;
  /** matched: the condition holds; clear: it does not; unknown: a criterion could not be measured. */
  state: 'matched' | 'clear' | 'unknown' | 'not-applicable';
  /** `unit` as a report shows it after a number (`%`, `ms`; empty for counts and ratios); treatment and control for a comparison. */
  criteria: { name: string; threshold: string; measured?: number; unit?: string; treatment?: number; control?: number; result: string; why: string }[];
}

/** The matrix's verdict: the first matching row decides; a row that could not be measured above it makes it INCONCLUSIVE. */
export interface Assessment {
  rollout: string;
  env: string;
  stage: string;
  decision: 'no-action' | 'action' | 'inconclusive';
  /** The deciding row, if any. */
  row?: RowVerdict;
  /** What to do, in words. */
  advice: string;
  /** Set when the advice is a rollback: where to, and how (`rollgate rollback --emergency` or a PR). */
  rollback?: { to: string; mode: 'emergency' | 'gradual' };
  rows: RowVerdict[];
}

/**
 * Reads the rollback decision matrix top-down against measurements (criteria describe the
 * bad case). A rollback row never moves a rollout up: at or below its `to`, it advises
 * holding and investigating. Missing data never reads as healthy.
 */
export function assess(rollout: { name: string; stages: string[] }, env: string, stage: string, rows: RollbackRow[], measured: Evidence[][][], metricOf: (name: string) => Metric | undefined = () => undefined): Assessment {
  const verdicts: RowVerdict[] = rows.map((row, index) => {
    // `previous` is shown resolved; at the first stage there is nothing before it and it stays as written.
    const to = rollbackTarget(row.to, rollout.stages, stage) ?? row.to;
    const base = { index, severity: row.severity, action: row.action, ...(to ? { to } : {}), ...(row.mode ? { mode: row.mode } : {}), ...(row.note ? { note: row.note } : {}) };
    if (row.during && !row.during.includes(stage)) return { ...base, state: 'not-applicable' as const, criteria: [] };
    const group = row.when.all ? 'all' : 'any';
    const list = row.when[group] ?? [];
    const judged = list.map((c, i) => {
      const metric = c.metric ? metricOf(c.metric) : undefined;
      const unit = shownUnit(c.metric ? (BUILTIN_UNITS[c.metric] ?? metric?.unit) : undefined);
      return { c, unit, j: judge(c, measured[index][i], { bad: true, unit, ...(metric ? { metric } : {}) }) };
    });
    const hits = judged.map(({ j }) => j.result === 'FAIL');
    const unknown = judged.some(({ j }) => j.result === 'INCONCLUSIVE');
    const matched = group === 'any' ? hits.some(Boolean) : hits.every(Boolean) && !unknown;
    const state = matched ? 'matched' : unknown && (group === 'any' || judged.every(({ j }) => j.result !== 'PASS')) ? 'unknown' : 'clear';
    // judge words a matched bad case for gates ("blocker hit"); in the matrix it is a row's condition.
    return { ...base, state, criteria: judged.map(({ c, unit, j }) => ({ name: c.name ?? c.metric ?? '', threshold: threshold(c), ...(j.measured !== undefined ? { measured: j.measured } : {}), ...(unit ? { unit } : {}), ...(j.treatment !== undefined ? { treatment: j.treatment } : {}), ...(j.control !== undefined ? { control: j.control } : {}), result: j.result === 'FAIL' ? 'MATCH' : j.result === 'PASS' ? 'no match' : 'INCONCLUSIVE', why: j.why.replace(' (blocker hit)', '') })) };
  });
  const first = verdicts.find((v) => v.state === 'matched' || v.state === 'unknown');
  const common = { rollout: rollout.name, env, stage, rows: verdicts };
  if (!first) return { ...common, decision: 'no-action', advice: 'no row of the matrix matches: no action' };
  if (first.state === 'unknown') return { ...common, decision: 'inconclusive', row: first, advice: `row ${first.index + 1} (${first.severity}) could not be measured: find out before trusting the lower rows` };
  if (first.action === 'monitor') return { ...common, decision: 'no-action', row: first, advice: `${first.severity}: monitor${first.note ? ` — ${first.note}` : ''}` };
  const target = first.to !== undefined ? rollout.stages.indexOf(first.to) : -1;
  if (first.action === 'rollback' && target >= 0 && target < rollout.stages.indexOf(stage)) {
    return { ...common, decision: 'action', row: first, rollback: { to: first.to!, mode: first.mode ?? 'gradual' }, advice: `${first.severity}: roll back to ${first.to} (${first.mode ?? 'gradual'})${first.note ? ` — ${first.note}` : ''}` };
  }
  return { ...common, decision: 'action', row: first, advice: `${first.severity}: investigate${first.action === 'rollback' ? (target >= 0 ? ` (already at or below ${first.to}: hold)` : ` (${stage} is the first stage: nothing to go back to: hold)`) : ''}${first.note ? ` — ${first.note}` : ''}` };
}
