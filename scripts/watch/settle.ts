import { durationMs, formatDuration } from '../config/duration.ts';
import type { Metric, RollbackRow } from '../config/schema/index.ts';
import { BUILTIN_UNITS } from '../gates/builtins.ts';

/**
 * How far back a row's evidence reaches: for each criterion its `for` (the sustained span)
 * plus its rate window (the first step of the span reads a window before it); the longest.
 * Built-ins come from git and reach back nowhere.
 */
export function evidenceSpanMs(row: RollbackRow, metricOf: (name: string) => Metric | undefined): number {
  const criteria = [...(row.when.any ?? []), ...(row.when.all ?? [])];
  let span = 0;
  for (const c of criteria) {
    if (c.metric === undefined || BUILTIN_UNITS[c.metric]) continue;
    const window = c.window ?? metricOf(c.metric)?.defaultWindow ?? '5m';
    span = Math.max(span, (c.for ? (durationMs(c.for) ?? 0) : 0) + (durationMs(window) ?? 0));
  }
  return span;
}

/**
 * Rows that cannot be judged yet, with why: the current stage was entered more recently than
 * the row's evidence reaches back, so part of it would describe the stage before. This is what
 * keeps one bad spell from rolling a rollout back two stages: after a rollback, a row acts again
 * only once its condition has held in the new stage for its whole span.
 */
export function waitingRows(rows: RollbackRow[], stage: string, enteredAt: number, now: number, metricOf: (name: string) => Metric | undefined): Map<number, string> {
  const waiting = new Map<number, string>();
  const inStage = now - enteredAt;
  rows.forEach((row, i) => {
    if (row.during && !row.during.includes(stage)) return;
    const span = evidenceSpanMs(row, metricOf);
    if (inStage >= span) return;
    const since = inStage <= 0 ? 'just now' : `${formatDuration(inStage)} ago`;
    waiting.set(i, `waiting: ${stage} was entered ${since}; this row reads ${formatDuration(span)} of evidence, all of which must come from ${stage} (${formatDuration(span - Math.max(0, inStage))} to go)`);
  });
  return waiting;
}
