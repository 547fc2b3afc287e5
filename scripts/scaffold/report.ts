import type { DraftFile } from './draft.ts';
import type { ScaffoldError } from './errors.ts';

/** What init or new wrote, and what it left alone. */
export interface ScaffoldResult {
  dir: string;
  written: DraftFile[];
  /** Files written only when absent that were present. */
  kept: string[];
  next: string[];
}

export function renderScaffoldText(r: ScaffoldResult): string {
  const lines = [
    ...r.written.map((f) => `created ${f.path}`),
    ...r.kept.map((p) => `kept    ${p} (it exists; never overwritten)`),
    `${r.written.length} file${r.written.length === 1 ? '' : 's'} written in ${r.dir}`,
    '',
    'Next:',
    ...r.next.map((n) => `  ${n}`),
  ];
  return lines.join('\n') + '\n';
}

export function renderScaffoldJson(r: ScaffoldResult): string {
  return JSON.stringify({ ok: true, dir: r.dir, files: r.written.map((f) => f.path), kept: r.kept, next: r.next }, null, 2) + '\n';
}

/** A refusal or a mistake: the code, the message, what to do. */
export function renderScaffoldError(verb: string, e: ScaffoldError, format: string): string {
  if (format === 'json') return JSON.stringify({ ok: false, code: e.code, message: e.message, hint: e.hint }, null, 2) + '\n';
  return `rollgate ${verb}: error ${e.code}: ${e.message}\n  hint: ${e.hint}\n`;
}
