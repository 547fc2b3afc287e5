import type { Diagnostic } from './diagnostic.ts';

export interface TextStyle {
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export const PLAIN: TextStyle = { red: (s) => s, yellow: (s) => s, dim: (s) => s, bold: (s) => s };

/**
 * file:line:col code message, then the source line with a caret under the column, then the hint.
 * `sources` holds only files rollgate read; anything else (a refused symlink) shows no source.
 */
export function renderText(diagnostics: Diagnostic[], sources: ReadonlyMap<string, string>, files: number, style: TextStyle = PLAIN): string {
  const out: string[] = [];
  const lines = new Map<string, string[]>();
  for (const d of diagnostics) {
    const tag = d.severity === 'error' ? style.red('error') : style.yellow('warning');
    out.push(`${style.bold(`${d.file}:${d.line}:${d.col}`)} ${tag} ${style.dim(d.code)} ${d.message}`);
    const text = sources.get(d.file);
    if (text !== undefined) {
      if (!lines.has(d.file)) lines.set(d.file, text.split(/\r?\n/));
      const line = lines.get(d.file)![d.line - 1];
      if (line !== undefined) {
        const shown = line.replace(/\t/g, ' ');
        const cut = shown.length > 160 ? shown.slice(0, 160) + '…' : shown;
        out.push(`  ${String(d.line).padStart(4)} | ${cut}`);
        out.push(`       | ${' '.repeat(Math.min(d.col - 1, 160))}${style.red('^')}`);
      }
    }
    if (d.hint) out.push(`  hint: ${d.hint}`);
    out.push('');
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  out.push(errors ? style.red(`✗ ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${files} files`) : `✓ ${files} files valid${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`);
  return out.join('\n') + '\n';
}
