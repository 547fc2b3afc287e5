// `rollgate explain CODE`: what a diagnostic code checks, and a bad example from the corpus.
// Pure: the command reads the corpus and passes it in.
import { LOADER_CODES } from '../config/loader-codes.ts';
import type { Severity } from '../report/diagnostic.ts';
import { RULES } from './index.ts';

export interface CodeInfo {
  code: string;
  severity: Severity;
  /** When it is checked: while reading one file, by a rule on one file, or across files. */
  stage: 'loader' | 'file' | 'repository';
  description: string;
}

/** Every code validate can report, loader codes first, then the rules in their order. */
export function allCodes(): CodeInfo[] {
  return [
    ...Object.entries(LOADER_CODES).map(([code, c]) => ({ code, severity: c.severity, stage: 'loader' as const, description: c.description })),
    ...RULES.map((r) => ({ code: r.code, severity: r.severity, stage: r.scope, description: r.description })),
  ];
}

/** A case of the bad-input corpus (test/fixtures/invalid/NAME/case.json), with its files as the case sees them. */
export interface CorpusCase {
  name: string;
  description: string;
  expect: { code: string; file: string; line: number; col: number; hint?: string }[];
  /** Text of the files the expectations name, where a file holds them (not the generated cases). */
  files: ReadonlyMap<string, string>;
}

const STAGE = { loader: 'reading the file', file: 'one file', repository: 'across files' };

export function renderExplain(info: CodeInfo, cases: readonly CorpusCase[]): string {
  const out = [`${info.code} (${info.severity}, ${STAGE[info.stage]})`, '', `${info.description.replace(/\.?$/, '.')}`, ''];
  const example = cases.flatMap((c) => c.expect.filter((e) => e.code === info.code).map((e) => ({ c, e })));
  const shown = example.find(({ c, e }) => c.files.has(e.file)) ?? example[0];
  if (!shown) return out.concat('No example in the bad-input corpus (test/fixtures/invalid).', '').join('\n');
  const { c, e } = shown;
  out.push(`Example: test/fixtures/invalid/${c.name} (${c.description})`, '');
  out.push(`${e.file}:${e.line}:${e.col} ${info.severity} ${info.code}`);
  const text = c.files.get(e.file);
  if (text !== undefined) {
    const lines = text.split(/\r?\n/);
    for (let n = Math.max(1, e.line - 3); n <= Math.min(lines.length, e.line + 1); n++) {
      const shownLine = lines[n - 1].replace(/\t/g, ' ').slice(0, 160);
      out.push(`${n === e.line ? '>' : ' '} ${String(n).padStart(4)} | ${shownLine}`);
      if (n === e.line) out.push(`       | ${' '.repeat(Math.min(e.col - 1, 160))}^`);
    }
  } else out.push('  (the corpus test generates this file)');
  if (e.hint) out.push(`  hint: ${e.hint}`);
  out.push('');
  return out.join('\n');
}
