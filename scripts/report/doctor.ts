import type { DoctorReport } from '../doctor/index.ts';
import { PLAIN, type TextStyle } from './text.ts';

/** One line per check (✓ or ✗, the id, what holds or what is missing), the fix under each ✗, then a total. */
export function renderDoctorText(report: DoctorReport, style: TextStyle = PLAIN): string {
  const width = Math.max(...report.checks.map((c) => c.id.length));
  const out = [`rollgate doctor: ${report.repository}, branch ${report.branch}`, ''];
  for (const c of report.checks) {
    out.push(c.ok ? `✓ ${c.id.padEnd(width)}  ${c.message}` : style.red(`✗ ${c.id.padEnd(width)}  ${c.message}`));
    if (!c.ok && c.fix) out.push(`  ${' '.repeat(width)}  ${style.bold('fix:')} ${c.fix}`);
  }
  const missing = report.checks.filter((c) => !c.ok);
  out.push('');
  out.push(
    missing.length
      ? style.red(`✗ ${missing.length} of ${report.checks.length} missing: rollgate's guarantees do not hold until they are fixed`)
      : `✓ all ${report.checks.length} hold`,
  );
  return out.join('\n') + '\n';
}

/** The `doctor --format json` contract: {ok, repository, branch, checks: [{id, ok, message, fix?}]}. */
export function renderDoctorJson(report: DoctorReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
