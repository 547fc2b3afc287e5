import type { Annotation } from '../github/port.ts';
import type { CriterionReport, GateReport, Result } from '../gates/report.ts';
import { durationMs } from '../config/duration.ts';
import { locate, type SourceFile } from '../config/source.ts';
import { type Carried, carriedArgs, rollgateCommand } from './command-line.ts';
import { criterionCharts, stageChart } from './mermaid.ts';
import type { Timeline } from './timeline.ts';

const ICON: Record<Result, string> = { PASS: '✅ PASS', FAIL: '❌ FAIL', INCONCLUSIVE: '❔ INCONCLUSIVE', PENDING: '⏳ PENDING' };
const DECISION_ICON = { GO: '🟢', 'NO-GO': '🔴', CONDITIONAL: '🟡', INCONCLUSIVE: '⚪' } as const;

/** Hidden marker that finds rollgate's own comment on a PR. */
export const gateMarker = (r: Pick<GateReport, 'rollout' | 'env'>) => `<!-- rollgate:gate ${r.rollout} ${r.env} -->`;

/** A measured value with its unit, as every report shows it (a ratio with both sides). */
export const value = (c: Pick<CriterionReport, 'measured' | 'unit' | 'treatment' | 'control'>) => {
  if (c.measured === undefined) return '—';
  const unit = c.unit === 'percent' ? ' %' : c.unit && c.unit !== 'count' && c.unit !== 'ratio' ? ` ${c.unit}` : '';
  const n = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(4).replace(/\.?0+$/, ''));
  return c.control !== undefined ? `${n(c.measured)}× (${n(c.treatment!)}${unit} vs ${n(c.control)}${unit})` : `${n(c.measured)}${unit}`;
};
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const num = (x: number) => (Number.isInteger(x) ? x.toLocaleString('en-US') : Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(4).replace(/\.?0+$/, ''));
/** What a verdict rests on: the samples, the interval and the method (`point estimate` says there is no interval). */
const evidence = (c: CriterionReport) =>
  [c.samples !== undefined ? `n = ${num(c.samples)}` : '', c.interval ? `[${num(c.interval[0])}, ${num(c.interval[1])}]` : '', c.method ?? ''].filter(Boolean).join(' · ') || '—';

function table(title: string, rows: CriterionReport[]): string {
  if (!rows.length) return '';
  let out = `#### ${title}\n\n| criterion | measured | threshold | window | evidence | result | why |\n|---|---|---|---|---|---|---|\n`;
  for (const c of rows) out += `| ${cell(c.name)} | ${cell(value(c))} | ${cell(c.threshold)}${c.for ? ` for ${c.for}` : ''} | ${c.window ?? '—'} | ${cell(evidence(c))} | ${ICON[c.result]} | ${cell(c.why)} |\n`;
  return out + '\n';
}

/**
 * The PR comment / check-run text: the decision first, then a table per group, bake, approvals,
 * checklist, and Mermaid charts: each measured criterion against its threshold and, given the
 * rollout's `timeline` (from git), each environment's stage over time; given `next`, the next step.
 */
export function renderGateMarkdown(r: GateReport, timeline?: Timeline, next?: GateNext): string {
  let out = `${gateMarker(r)}\n### ${DECISION_ICON[r.decision]} ${r.decision}: ${r.rollout} ${r.env} ${r.from.stage} (${r.from.percentage} %) → ${r.to.stage} (${r.to.percentage} %)\n\n`;
  out += r.reasons.map((x) => `- ${x}`).join('\n') + '\n\n';
  out += table('Must pass (all)', r.mustPass);
  out += table(`Should pass (${r.shouldPass.passed} of ${r.shouldPass.criteria.length} passed, ${r.shouldPass.atLeast} required)`, r.shouldPass.criteria);
  out += table('Blockers (any match stops the advance)', r.blockers);
  out += `#### Bake time\n\n${r.bake.required ? `${r.bake.ok ? '✅' : '⏳'} ${r.bake.required} in ${r.from.stage}${r.bake.elapsed ? `: ${r.bake.elapsed} elapsed since ${r.bake.since}` : ': not started on this branch'}${r.bake.ok ? '' : `, ${r.bake.left} left`}` : `no bake time for ${r.from.stage}`}\n\n`;
  if (r.approvals.length) {
    out += '#### Approvals\n\n| group | required | approved by | |\n|---|---|---|---|\n';
    for (const a of r.approvals) out += `| ${a.group} | ${a.required} | ${a.approvedBy.length ? a.approvedBy.map((x) => `@${x}`).join(', ') : '—'} | ${a.ok ? '✅' : '⏳'} |\n`;
    out += '\n';
  }
  if (r.checks.length) {
    out += '#### Manual checks (tick them in the PR description)\n\n';
    out += r.checks.map((c) => `- [${c.ticked ? 'x' : ' '}] ${c.text}`).join('\n') + '\n\n';
  }
  out += gatePictures(r, timeline);
  if (next) out += `**Next:** ${gateNextStep(r, next)}\n\n`;
  out += `<sub>Gate definition from \`${r.gateFrom}\` · metrics from ${cell(r.provider)} · evaluated ${r.evaluatedAt} · \`${r.file}\`</sub>\n`;
  return out;
}

function gatePictures(r: GateReport, timeline: Timeline | undefined): string {
  const charts = [
    ...criterionCharts([...r.mustPass, ...r.shouldPass.criteria, ...r.blockers]),
    ...Object.entries(timeline ?? {}).map(([env, points]) => stageChart(r.rollout, env, points, r.evaluatedAt)),
  ].filter((x): x is string => x !== undefined);
  return charts.length ? `#### Pictures\n\n${charts.join('\n')}\n` : '';
}

/** What the next command needs from the gate's own command line. */
export interface GateNext {
  /** --dir and --metrics as given: the next command reads the same repository and numbers. */
  carried?: Carried;
  /** --to as given. */
  to?: string;
  /** The PR the gate ran on: its next step happens there, not in a terminal. */
  pr?: number;
}

/** Terminal output: the decision and why, every criterion, bake, approvals, where the numbers came from, and the next command. */
export function renderGateText(r: GateReport, next: GateNext = {}): string {
  const lines = [`${r.decision}: ${r.rollout} ${r.env} ${r.from.stage} (${r.from.percentage} %) → ${r.to.stage} (${r.to.percentage} %)`, ...r.reasons.map((x) => `  - ${x}`), ''];
  const group = (title: string, rows: CriterionReport[]) => {
    if (!rows.length) return;
    lines.push(title);
    for (const c of rows) lines.push(`  ${c.result.padEnd(12)} ${c.name}: ${value(c)} (${c.threshold}${c.for ? ` for ${c.for}` : ''}${c.window ? `, ${c.window}` : ''}) — ${c.why}${c.samples !== undefined || c.interval ? ` [${evidence(c)}]` : ''}`);
    lines.push('');
  };
  group('must pass:', r.mustPass);
  group(`should pass: ${r.shouldPass.passed} of ${r.shouldPass.criteria.length} passed, ${r.shouldPass.atLeast} required`, r.shouldPass.criteria);
  group('blockers:', r.blockers);
  if (r.bake.required) lines.push(`bake: ${r.bake.required} in ${r.from.stage}, ${bakeText(r.bake)}`);
  for (const a of r.approvals) lines.push(`approvals ${a.group}: ${a.approvedBy.length}/${a.required}${a.approvedBy.length ? ` (${a.approvedBy.join(', ')})` : ''}`);
  lines.push(`${metricsSource(r)} · gate from ${r.gateFrom} · evaluated ${r.evaluatedAt}`);
  lines.push(`next: ${gateNextStep(r, next)}`);
  return lines.join('\n') + '\n';
}

/** `2d3h left, ends 2026-12-04T10:00:00Z`; `elapsed (ended …)`; `not started: … not committed`. */
function bakeText(bake: GateReport['bake']): string {
  const end = bakeEnd(bake);
  if (bake.ok) return `elapsed${end ? ` (ended ${end})` : ''}`;
  return end ? `${bake.left} left, ends ${end}` : `not started: the stage is not committed on this branch yet`;
}

/** When the bake ends (UTC, to the second): its start plus the time required; undefined before it starts. */
function bakeEnd(bake: GateReport['bake']): string | undefined {
  const ms = bake.required ? durationMs(bake.required) : undefined;
  if (!bake.since || ms === undefined) return undefined;
  return new Date(Date.parse(bake.since) + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Where a report's numbers came from, as every report says it. */
export const metricsSource = (r: { provider: string; env: string }) => (r.provider === 'none' ? `metrics: none (${r.env} has no metrics provider in environments.yaml)` : `metrics from ${r.provider}`);

/** The next step a gate report ends with: a command to run, or where to act when the gate ran on a PR. */
export function gateNextStep(r: GateReport, next: GateNext = {}): string {
  const carried = next.carried ?? {};
  const target = [r.rollout, '--env', r.env, ...(next.to !== undefined ? ['--to', next.to] : [])];
  const advance = rollgateCommand('advance', [...target, ...carriedArgs(carried, true)]);
  const again = rollgateCommand('gate', [...target, ...carriedArgs(carried, true)]);
  const end = bakeEnd(r.bake);
  const bake = r.bake.ok ? undefined : end ? `the bake ends ${end}` : `the bake of ${r.bake.required} starts once ${r.from.stage} is committed`;
  const pr = next.pr;
  switch (r.decision) {
    case 'GO':
      return pr !== undefined ? `merge PR #${pr}; the sync then applies it` : `open the PR that advances it: ${advance}`;
    case 'NO-GO':
      return pr !== undefined ? `fix what failed (above) and push to PR #${pr}: the gate runs again` : `fix what failed (above), then run the gate again: ${again}`;
    case 'INCONCLUSIVE':
      return `measure what could not be measured (${metricsSource(r)}), or wait for the data, then run the gate again${pr !== undefined ? ` on PR #${pr}` : `: ${again}`}`;
    case 'CONDITIONAL': {
      // Approvals and ticked checks only exist on a PR: without one, opening it is the next step.
      const onPr = r.approvals.some((a) => !a.ok) || r.checks.some((c) => !c.ticked);
      const wait = bake ? `wait until ${bake}` : 'wait for more should-pass criteria to pass';
      if (pr !== undefined) return `${onPr ? `get the approvals and tick the manual checks on PR #${pr}${bake ? `; ${wait}` : ''}` : wait}, then run the gate again there`;
      if (onPr) return `open the PR where the approvals and manual checks are given${bake ? ` (${bake})` : ''}: ${advance}`;
      return `${wait}, then run the gate again: ${again}`;
    }
  }
}

/** Check-run annotations on the gate's lines in the rollout file (from the file as the PR has it). */
export function gateAnnotations(r: GateReport, file: SourceFile | undefined): Annotation[] {
  const out: Annotation[] = [];
  for (const c of [...r.mustPass, ...r.shouldPass.criteria, ...r.blockers]) {
    if (c.result === 'PASS') continue;
    const line = file ? locate(file, c.path).line : 1;
    out.push({ path: r.file, startLine: line, endLine: line, level: c.result === 'FAIL' ? 'failure' : 'warning', title: `${c.group} ${c.result}: ${c.name}`, message: c.why });
  }
  return out;
}
