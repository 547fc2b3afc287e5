import type { Diagnostic } from '../report/diagnostic.ts';

/**
 * `# rollgate-ignore CODE: REASON` on the line above a warning (or at the end of its line)
 * silences that warning, and only with a reason: a reviewer sees why in the diff. Errors are
 * never silenced — a suppression cannot make an invalid config valid.
 */
export const SUPPRESSION = /#\s*rollgate-ignore\s+([a-z]+\/[a-z0-9-]+)\s*:\s*(\S.*)$/;

/** The warnings left once in-file suppressions are applied, and how many were silenced. */
export function applySuppressions(diagnostics: Diagnostic[], textOf: (file: string) => string | undefined): { kept: Diagnostic[]; suppressed: number } {
  const lines = new Map<string, string[]>();
  const linesOf = (file: string) => {
    if (!lines.has(file)) lines.set(file, textOf(file)?.split(/\r?\n/) ?? []);
    return lines.get(file)!;
  };
  const silences = (d: Diagnostic) => {
    if (d.severity !== 'warning') return false;
    const text = linesOf(d.file);
    return [text[d.line - 2], text[d.line - 1]].some((l) => {
      const m = l === undefined ? null : SUPPRESSION.exec(l);
      return m !== null && m[1] === d.code;
    });
  };
  const kept = diagnostics.filter((d) => !silences(d));
  return { kept, suppressed: diagnostics.length - kept.length };
}
