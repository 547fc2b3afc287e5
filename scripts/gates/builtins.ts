import type { StageChange } from '../git/stage-history.ts';
import type { Measurement } from '../metrics/port.ts';

export const BUILTIN_UNITS: Record<string, string> = { time_in_stage: 'hours', rollbacks_in_stage: 'count' };

/**
 * Built-in metrics, measured from git rather than a provider:
 * - time_in_stage: hours since the commit that put `env` in `stage` landed on the branch;
 * - rollbacks_in_stage: how often `env` was rolled back out of `stage` (a move to an earlier
 *   stage) since it first entered it.
 */
export function builtinMetric(name: string, history: StageChange[], env: string, stage: string, stageOrder: string[], now: number): Measurement {
  const changes = history.filter((c) => c.env === env);
  if (name === 'time_in_stage') {
    const last = changes.at(-1);
    if (!last || last.to !== stage) return { ok: false, reason: `no commit on this branch puts ${env} in ${stage} yet` };
    return { ok: true, value: Math.max(0, (now - Date.parse(last.date)) / 3_600_000) };
  }
  if (name === 'rollbacks_in_stage') {
    const first = changes.findIndex((c) => c.to === stage);
    if (first < 0) return { ok: false, reason: `${env} has never been in ${stage} on this branch` };
    const index = (s: string | undefined) => (s === undefined ? -1 : stageOrder.indexOf(s));
    const count = changes.slice(first).filter((c) => c.from === stage && index(c.to) < index(c.from)).length;
    return { ok: true, value: count };
  }
  return { ok: false, reason: `${name} is not a built-in metric` };
}
