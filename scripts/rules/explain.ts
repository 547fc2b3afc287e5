// `rollgate explain CODE`: what a diagnostic code checks, a bad example from the corpus and
// the same place fixed. Pure: the command reads the corpus and passes it in.
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
  /** The same files fixed (the case's good/ file, else the minimal repository's), and where each is. */
  good: ReadonlyMap<string, { text: string; from: string }>;
  /** What fixes the case, in words: for a case whose fix is not a file of its own (a link, a file removed, a file elsewhere). */
  fix?: string;
}

/** Codes no corpus case can show (a test cannot make a file unreadable to root, as CI runs): a bad and a good example in words. */
const EXAMPLES: Readonly<Record<string, { bad: string[]; good: string[] }>> = {
  'file/unreadable': {
    bad: ['$ ls -l rollout/checkout.yaml', '--w------- 1 ci ci 1534 Dec  1 10:00 rollout/checkout.yaml', 'rollout/checkout.yaml:1:1 error file/unreadable cannot read the file (EACCES)'],
    good: ['$ chmod a+r rollout/checkout.yaml', '-rw-r--r-- 1 ci ci 1534 Dec  1 10:00 rollout/checkout.yaml'],
  },
};

const STAGE = { loader: 'reading the file', file: 'one file', repository: 'across files' };

export function renderExplain(info: CodeInfo, cases: readonly CorpusCase[]): string {
  const out = [`${info.code} (${info.severity}, ${STAGE[info.stage]})`, '', `${info.description.replace(/\.?$/, '.')}`, ''];
  const example = cases.flatMap((c) => c.expect.filter((e) => e.code === info.code).map((e) => ({ c, e })));
  const shown = example.find(({ c, e }) => c.files.has(e.file) && c.good.has(e.file)) ?? example.find(({ c, e }) => c.files.has(e.file)) ?? example[0];
  if (!shown) {
    const builtin = EXAMPLES[info.code];
    if (!builtin) return out.concat('No example in the bad-input corpus (test/fixtures/invalid).', '').join('\n');
    out.push('Example (not in the bad-input corpus):', '', ...builtin.bad.map((l) => `  ${l}`), '', 'Good:', '', ...builtin.good.map((l) => `  ${l}`), '');
    return out.join('\n');
  }
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
  out.push('', ...renderGood(c, e), '');
  return out.join('\n');
}

/** The fix: the case's words for it, and the place of the error as the good file has it, changed lines marked +. */
function renderGood(c: CorpusCase, e: CorpusCase['expect'][number]): string[] {
  const good = c.good.get(e.file);
  const bad = c.files.get(e.file);
  const out = [`Good${good ? ` (${good.from})` : ''}:`, ''];
  if (c.fix) out.push(`  ${c.fix}`);
  if (!good || bad === undefined) return out;
  if (c.fix) out.push('');
  const a = bad.split(/\r?\n/);
  const b = good.text.split(/\r?\n/);
  const hunk = nearestHunk(diffLines(a, b), e.line - 1);
  if (!hunk) return out.concat('  (the file is unchanged: the fix is elsewhere)');
  const show = (n: number, mark: string) => out.push(`${mark} ${String(n + 1).padStart(4)} | ${b[n].replace(/\t/g, ' ').slice(0, 160)}`);
  for (let n = Math.max(0, hunk.bStart - 2); n < hunk.bStart; n++) show(n, ' ');
  if (hunk.bEnd === hunk.bStart) out.push(`       | (${hunk.aEnd - hunk.aStart === 1 ? `line ${hunk.aStart + 1}` : `lines ${hunk.aStart + 1}–${hunk.aEnd}`} removed)`);
  for (let n = hunk.bStart; n < hunk.bEnd; n++) show(n, '+');
  for (let n = hunk.bEnd; n < Math.min(b.length, hunk.bEnd + 2); n++) if (b[n] !== '' || n < b.length - 1) show(n, ' ');
  return out;
}

interface Hunk {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
}

/** Where two texts differ, line by line (a longest common subsequence; corpus files are small). */
function diffLines(a: string[], b: string[]): Hunk[] {
  if (a.length * b.length > 4_000_000) return [{ aStart: 0, aEnd: a.length, bStart: 0, bEnd: b.length }];
  const w = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i * w + j] = a[i] === b[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
  }
  const hunks: Hunk[] = [];
  let i = 0;
  let j = 0;
  let open: Hunk | undefined;
  const close = () => {
    if (open) hunks.push({ ...open, aEnd: i, bEnd: j });
    open = undefined;
  };
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      close();
      i++;
      j++;
      continue;
    }
    open ??= { aStart: i, aEnd: i, bStart: j, bEnd: j };
    if (j < b.length && (i === a.length || lcs[i * w + j + 1] >= lcs[(i + 1) * w + j])) j++;
    else i++;
  }
  close();
  return hunks;
}

/** The hunk that holds `line` of the bad file, else the closest one. */
function nearestHunk(hunks: Hunk[], line: number): Hunk | undefined {
  const distance = (h: Hunk) => (line < h.aStart ? h.aStart - line : line >= Math.max(h.aEnd, h.aStart + 1) ? line - Math.max(h.aEnd - 1, h.aStart) : 0);
  return hunks.reduce<Hunk | undefined>((best, h) => (best === undefined || distance(h) < distance(best) ? h : best), undefined);
}
