import type { Diagnostic } from './diagnostic.ts';

/** What a validate run reports, of everything the repository's check found. */
export interface Selection {
  /** Only these files' diagnostics (paths relative to the repository); absent: every file's. */
  files?: ReadonlySet<string>;
  /** Errors only. Hidden warnings still count against maxWarnings. */
  quiet?: boolean;
  /** More warnings than this (in the selected files) fail the run. */
  maxWarnings?: number;
}

export interface Selected {
  diagnostics: Diagnostic[];
  errors: number;
  warnings: number;
  overWarnings: boolean;
  ok: boolean;
}

/**
 * Picks the diagnostics to report. The check itself always ran on the whole repository, so
 * a rule across files (an unknown metric) still reports on the named file.
 */
export function selectDiagnostics(all: readonly Diagnostic[], selection: Selection): Selected {
  const inFiles = selection.files ? all.filter((d) => selection.files!.has(d.file)) : [...all];
  const errors = inFiles.filter((d) => d.severity === 'error').length;
  const warnings = inFiles.length - errors;
  const overWarnings = selection.maxWarnings !== undefined && warnings > selection.maxWarnings;
  const diagnostics = selection.quiet ? inFiles.filter((d) => d.severity === 'error') : inFiles;
  return { diagnostics, errors, warnings, overWarnings, ok: errors === 0 && !overWarnings };
}
