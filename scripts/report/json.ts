import type { Diagnostic } from './diagnostic.ts';

/** The `validate --format json` contract: {ok, diagnostics, files}. */
export function renderJson(ok: boolean, diagnostics: Diagnostic[], files: number): string {
  return JSON.stringify({ ok, diagnostics, files }, null, 2) + '\n';
}
