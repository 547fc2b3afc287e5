import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { didYouMean } from '../config/did-you-mean.ts';
import { allCodes, renderExplain, type CorpusCase } from '../rules/explain.ts';
import { parse, UsageError, type Io } from './common.ts';

export const usage = `rollgate explain [CODE…]

What a diagnostic code checks, its severity and when it runs (reading a file, one file,
across files), a bad example from rollgate's bad-input corpus (test/fixtures/invalid):
the file, the line it points at and the hint, and the good example: the same place fixed.
Without a CODE, lists every code.

Examples:
  rollgate explain gate/unknown-metric
  rollgate explain yaml/tab schema/unknown-field
  rollgate explain`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, {}, true);
  if (values.help) return io.stdout(usage + '\n'), 0;
  const codes = allCodes();
  if (positionals.length === 0) {
    const width = Math.max(...codes.map((c) => c.code.length));
    io.stdout(codes.map((c) => `${c.code.padEnd(width)}  ${c.severity.padEnd(7)}  ${c.description}\n`).join(''));
    return 0;
  }
  const byCode = new Map(codes.map((c) => [c.code, c]));
  for (const code of positionals) {
    if (!byCode.has(code)) {
      const near = didYouMean(code, byCode.keys());
      throw new UsageError(`no code ${code}${near ? `; did you mean ${near}?` : ''} ("rollgate explain" lists them)`);
    }
  }
  const cases = readCorpus();
  io.stdout(positionals.map((code) => renderExplain(byCode.get(code)!, cases)).join('\n'));
  return 0;
}

/** The corpus beside rollgate's own package.json (from the sources or the build); none when absent. */
function readCorpus(): CorpusCase[] {
  let root = import.meta.dirname;
  while (!existsSync(join(root, 'package.json')) && dirname(root) !== root) root = dirname(root);
  const invalid = join(root, 'test', 'fixtures', 'invalid');
  const minimal = join(root, 'test', 'fixtures', 'valid', 'minimal');
  if (!existsSync(invalid)) return [];
  return readdirSync(invalid)
    .sort()
    .flatMap((name) => {
      const caseFile = join(invalid, name, 'case.json');
      if (!existsSync(caseFile)) return [];
      const c = JSON.parse(readFileSync(caseFile, 'utf8')) as Omit<CorpusCase, 'name' | 'files' | 'good'> & { generate?: string };
      const files = new Map<string, string>();
      const good = new Map<string, { text: string; from: string }>();
      const isFile = (p: string) => Boolean(statSync(p, { throwIfNoEntry: false })?.isFile());
      // A case overlays the minimal repository: a file it does not hold is the minimal one,
      // unless the corpus test generates it. Fixed, a file is the case's good/ one, or else
      // the minimal repository's (which validates clean).
      for (const e of c.expect) {
        const own = join(invalid, name, e.file);
        const path = [own, ...(c.generate ? [] : [join(minimal, e.file)])].find(isFile);
        if (path) files.set(e.file, readFileSync(path, 'utf8'));
        const fixed = [join(invalid, name, 'good', e.file), ...(isFile(own) ? [join(minimal, e.file)] : [])].find(isFile);
        if (fixed) good.set(e.file, { text: readFileSync(fixed, 'utf8'), from: relative(root, fixed).split(sep).join('/') });
      }
      return [{ name, description: c.description, expect: c.expect, files, good, ...(c.fix ? { fix: c.fix } : {}) }];
    });
}
