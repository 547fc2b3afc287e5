import type { Assessment } from '../gates/assess.ts';
import { type Carried, carriedArgs, rollgateCommand } from './command-line.ts';
import { metricsSource, value } from './gate.ts';

/** Terminal output of `rollgate assess`: the advice, every row with its values and units, where the numbers came from, and the next command. */
export function renderAssessText(a: Assessment, provider: string, carried: Carried = {}): string {
  const lines = [`${a.rollout} in ${a.env} at ${a.stage}: ${a.advice}`];
  for (const row of a.rows) {
    lines.push(`  row ${row.index + 1} ${row.severity.padEnd(8)} ${row.state}`);
    for (const c of row.criteria) lines.push(`      ${c.result.padEnd(12)} ${c.name} (${c.threshold}): ${value(c)} — ${c.why}`);
  }
  lines.push(metricsSource({ provider, env: a.env }));
  lines.push(`next: ${assessNextStep(a, provider, carried)}`);
  return lines.join('\n') + '\n';
}

/** The command an assessment leads to: the rollback it advises, or running it again. */
function assessNextStep(a: Assessment, provider: string, carried: Carried = {}): string {
  const target = [a.rollout, '--env', a.env];
  const again = rollgateCommand('assess', [...target, ...carriedArgs(carried, true)]);
  const row = a.row;
  if (a.decision === 'inconclusive') return `find out why row ${row!.index + 1} could not be measured (${provider === 'none' ? 'no metrics provider' : `metrics from ${provider}`}), then run again: ${again}`;
  if (a.decision === 'no-action') return `nothing to do now; run it again later: ${again}`;
  if (a.rollback) return rollgateCommand('rollback', [...target, '--to', a.rollback.to, ...(a.rollback.mode === 'emergency' ? ['--emergency'] : []), ...carriedArgs(carried, false)]);
  return `investigate${row?.note ? ` (${row.note})` : ''}; then run it again: ${again}`;
}
