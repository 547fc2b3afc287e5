import type { Annotation } from '../github/port.ts';
import type { CriterionReport, GateReport, Result } from '../gates/report.ts';
import { locate, type SourceFile } from '../config/source.ts';

const ICON: Record<Result, string> = { PASS: '✅ PASS', FAIL: '❌ FAIL', INCONCLUSIVE: '❔ INCONCLUSIVE', PENDING: '⏳ PENDING' };
const DECISION_ICON = { GO: '🟢', 'NO-GO': '🔴', CONDITIONAL: '🟡', INCONCLUSIVE: '⚪' } as const;

/** Hidden marker that finds rollgate's own comment on a PR. */
export const gateMarker = (r: Pick<GateReport, 'rollout' | 'env'>) => `<!-- rollgate:gate ${r.rollout} ${r.env} -->`;

const value = (c: CriterionReport) => {
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

/** The PR comment / check-run text: the decision first, then a table per group, bake, approvals, checklist. */
export function renderGateMarkdown(r: GateReport): string {
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
  out += `<sub>Gate definition from \`${r.gateFrom}\` · metrics from ${cell(r.provider)} · evaluated ${r.evaluatedAt} · \`${r.file}\`</sub>\n`;
  return out;
}

/** Terminal output. */
export function renderGateText(r: GateReport): string {
  const lines = [`${r.decision}: ${r.rollout} ${r.env} ${r.from.stage} (${r.from.percentage} %) → ${r.to.stage} (${r.to.percentage} %)`, ...r.reasons.map((x) => `  - ${x}`), ''];
  const group = (title: string, rows: CriterionReport[]) => {
    if (!rows.length) return;
    lines.push(title);
    for (const c of rows) lines.push(`  ${c.result.padEnd(12)} ${c.name}: ${value(c)} (${c.threshold}${c.for ? ` for ${c.for}` : ''}${c.window ? `, ${c.window}` : ''}) — ${c.why}${c.samples !== undefined || c.interval ? ` [${evidence(c)}]` : ''}`);
    lines.push('');
  };
  group('must pass:', r.mustPass);
  group(`should pass (${r.shouldPass.passed}/${r.shouldPass.atLeast} required):`, r.shouldPass.criteria);
  group('blockers:', r.blockers);
  if (r.bake.required) lines.push(`bake: ${r.bake.required} in ${r.from.stage}, ${r.bake.ok ? 'elapsed' : `${r.bake.left} left`}`);
  for (const a of r.approvals) lines.push(`approvals ${a.group}: ${a.approvedBy.length}/${a.required}${a.approvedBy.length ? ` (${a.approvedBy.join(', ')})` : ''}`);
  return lines.join('\n') + '\n';
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
