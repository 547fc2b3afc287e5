import type { Diagnostic } from './diagnostic.ts';

/** GitHub shows at most 10 annotations of each level per step; the rest go to the step summary. */
export const ANNOTATION_LIMIT = 10;
const SUMMARY_LIMIT = 1024 * 1024 - 4096;

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** Workflow commands: `::error file=…,line=…,col=…,title=…::message`. */
export function renderAnnotations(diagnostics: Diagnostic[]): string {
  const counts = { error: 0, warning: 0 };
  const out: string[] = [];
  for (const d of diagnostics) {
    if (++counts[d.severity] > ANNOTATION_LIMIT) continue;
    const props = `file=${escapeProperty(d.file)},line=${d.line},endLine=${d.line},col=${d.col},endColumn=${d.col},title=${escapeProperty(d.code)}`;
    out.push(`::${d.severity} ${props}::${escapeData(d.message + (d.hint ? ` (hint: ${d.hint})` : ''))}`);
  }
  const hidden = diagnostics.length - out.length;
  if (hidden > 0) out.push(`::notice::${hidden} more diagnostics are listed in the step summary`);
  return out.length ? out.join('\n') + '\n' : '';
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The whole list as a Markdown table for $GITHUB_STEP_SUMMARY (kept under its 1 MiB cap). */
export function renderSummary(title: string, diagnostics: Diagnostic[], files: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const head = `## ${title}\n\n${errors ? `❌ ${errors} errors` : '✅ valid'}, ${diagnostics.length - errors} warnings, ${files} files\n\n`;
  if (!diagnostics.length) return head;
  let out = head + '| | file | line:col | code | message | hint |\n|---|---|---|---|---|---|\n';
  for (const [i, d] of diagnostics.entries()) {
    const row = `| ${d.severity === 'error' ? '❌' : '⚠️'} | \`${cell(d.file)}\` | ${d.line}:${d.col} | \`${d.code}\` | ${cell(d.message)} | ${cell(d.hint ?? '')} |\n`;
    if (Buffer.byteLength(out) + Buffer.byteLength(row) > SUMMARY_LIMIT) {
      out += `\n… ${diagnostics.length - i} more not shown (summary size limit)\n`;
      break;
    }
    out += row;
  }
  return out;
}
