/** error fails validation; warning is reported and passes. */
export type Severity = 'error' | 'warning';

/** One problem, positioned in a file. The unit every check and reporter shares. */
export interface Diagnostic {
  /** Stable slash id, e.g. `rollout/percentage-order`. */
  code: string;
  severity: Severity;
  /** Path relative to the repository, with forward slashes. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  col: number;
  message: string;
  hint?: string;
}

/** Stable order: file, line, column, code. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return list.sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.col - b.col || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

export const hasErrors = (list: Diagnostic[]) => list.some((d) => d.severity === 'error');
