import type { RowVerdict } from '../gates/assess.ts';
import type { WatchDecision } from './decide.ts';
import { holdMarker } from './key.ts';
import type { WatchReport, WatchResult, WatchStatus } from './run.ts';

const LABEL: Record<WatchResult['outcome'], string> = {
  none: 'no action',
  inconclusive: 'INCONCLUSIVE',
  waiting: 'waiting',
  rollback: 'ROLLBACK',
  hold: 'HOLD',
  error: 'ERROR',
};

const STATUS: Record<WatchStatus, string> = {
  quiet: '',
  acted: 'done',
  'already-done': 'done before',
  'would-act': 'dry run',
  'not-done': 'NOT DONE',
  error: 'ERROR',
};

/** One line per rollout and environment, then the deciding row's criteria where something is due or unknown. */
export function renderWatchText(report: WatchReport): string {
  const lines = [`rollgate watch at ${report.evaluatedAt}${report.dryRun ? ' (dry run: nothing written)' : ''}`];
  if (!report.results.length) lines.push('  no rollout is in any environment watched');
  for (const r of report.results) {
    const status = STATUS[r.status] ? ` [${STATUS[r.status]}]` : '';
    lines.push(`  ${r.rollout} in ${r.env}${r.stage ? ` at ${r.stage}` : ''}: ${LABEL[r.outcome]}${status} — ${r.advice}`);
    if (r.detail && r.status !== 'quiet') lines.push(`      ${r.detail}`);
    if (r.row && r.outcome !== 'none' && r.outcome !== 'waiting') for (const c of r.row.criteria) lines.push(`      ${c.result.padEnd(12)} ${c.name} (${c.threshold}): ${c.why}`);
  }
  return lines.join('\n') + '\n';
}

export function renderWatchJson(report: WatchReport, pretty = true): string {
  return JSON.stringify(report, null, pretty ? 2 : undefined) + '\n';
}

/** Workflow commands: an error for each failure, a warning for what is due and not done or cannot be measured, a notice for what was done. */
export function renderWatchAnnotations(report: WatchReport): string {
  const escape = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return report.results
    .map((r) => {
      const title = `rollgate watch ${r.rollout} in ${r.env}`;
      if (r.status === 'error') return `::error title=${title}::${escape(r.detail)}\n`;
      if (r.status === 'not-done') return `::warning title=${title}::${escape(`${r.advice} — ${r.detail}`)}\n`;
      if (r.outcome === 'inconclusive') return `::warning title=${title}::${escape(r.advice)}\n`;
      if (r.status === 'acted') return `::notice title=${title}::${escape(`${r.advice} — ${r.detail}`)}\n`;
      return '';
    })
    .join('');
}

/** The Markdown table for $GITHUB_STEP_SUMMARY. */
export function renderWatchSummary(report: WatchReport): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = report.results.map((r) => `| ${cell(r.rollout)} | ${cell(r.env)} | ${cell(r.stage ?? '')} | ${LABEL[r.outcome]} | ${cell(r.advice)} | ${cell(r.detail)} |`);
  return [`### rollgate watch${report.dryRun ? ' (dry run)' : ''}`, '', `Evaluated at ${report.evaluatedAt}.`, '', '| rollout | env | stage | decision | advice | done |', '| --- | --- | --- | --- | --- | --- |', ...rows, ''].join('\n') + '\n';
}

/** The one comment per rollout and environment on hold: found by its marker and rewritten each run while the row holds. */
export function holdComment(decision: WatchDecision, now: number): string {
  const row = decision.row!;
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const criteria = (r: RowVerdict) => r.criteria.map((c) => `| ${cell(c.name)} | ${cell(c.threshold)} | ${c.measured !== undefined ? c.measured : '—'} | ${c.result} | ${cell(c.why)} |`);
  return [
    holdMarker(decision.rollout, decision.env),
    `### rollgate watch: ${decision.rollout} in ${decision.env} — hold and investigate`,
    '',
    `Row ${row.index + 1} (**${row.severity}**, \`${row.action}\`${row.to ? ` to \`${row.to}\`` : ''}) of the rollback matrix holds at stage \`${decision.stage}\`, entered by ${decision.entered.sha.slice(0, 7)} at ${decision.entered.date}.`,
    '',
    `**${cell(decision.advice)}**`,
    '',
    '| criterion | condition (the bad case) | measured | result | why |',
    '| --- | --- | --- | --- | --- |',
    ...criteria(row),
    '',
    `Last checked ${new Date(now).toISOString()}. \`rollgate watch\` does not move the rollout for this row; it rewrites this comment on every run while the row holds.`,
  ].join('\n');
}
