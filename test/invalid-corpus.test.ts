// The bad-input corpus: every case under test/fixtures/invalid is overlaid on a copy of
// test/fixtures/valid/minimal and validated by the CLI as a real process, in every output
// format. Each case must exit 1 with its expected diagnostics at the expected positions,
// and nothing may crash.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isAlias, isCollection, parseDocument, visit, type Node } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../scripts/config/parse.ts';
import type { Diagnostic } from '../scripts/report/diagnostic.ts';
import { validateRepository } from '../scripts/rules/validate-repository.ts';
import { ROOT, type CliResult } from './helpers/cli.ts';

const MINIMAL = join(ROOT, 'test', 'fixtures', 'valid', 'minimal');
const INVALID = join(ROOT, 'test', 'fixtures', 'invalid');
const BIN = join(ROOT, 'scripts', 'bin', 'rollgate.js');

interface Expected {
  code: string;
  file: string;
  line: number;
  col: number;
  severity?: 'error' | 'warning';
  /** A substring the hint must contain (a did-you-mean, say). */
  hint?: string;
  /** A substring the message must contain. */
  message?: string;
}

interface Case {
  description: string;
  /** The fix in words, where it is not a file of the case (`rollgate explain` shows it). */
  fix?: string;
  expect: Expected[];
  /** Paths deleted from the copy of the minimal repository before the overlay. */
  remove?: string[];
  /** A hook below that writes what git should not hold (a 5 MB file, symlinks). */
  generate?: keyof typeof GENERATORS;
}

/** Cases (by name, without the number) whose GitHub output (annotations, step summary) is checked too. */
const GITHUB_CASES = new Set(['yaml-unclosed-bracket', 'utf8-invalid', 'symlink-outside-file', 'schema-comment', 'criterion-shape', 'promql-syntax']);

/** Writes into the repository copy; returns strings that must never appear in any output. */
const GENERATORS = {
  'too-large'(repo: string): string[] {
    const line = `# ${'padding '.repeat(12)}\n`;
    const head = '# yaml-language-server: $schema=../schemas/rollout.schema.json\n';
    writeFileSync(join(repo, 'rollout', 'huge.yaml'), head + line.repeat(Math.ceil((5 * 1024 * 1024) / line.length)));
    return [];
  },
  'many-keys'(repo: string): string[] {
    const keys = Array.from({ length: 60_000 }, (_, i) => `  k${i}: 1\n`).join('');
    appendFileSync(join(repo, 'rollout', 'checkout.yaml'), `x-padding:\n${keys}`);
    return [];
  },
  'symlink-outside-file'(repo: string): string[] {
    const secret = secretFile();
    symlinkSync(secret.path, join(repo, 'rollout', 'secret.yaml'));
    return [secret.token];
  },
  'symlink-outside-folder'(repo: string): string[] {
    const a = secretFile();
    const b = secretFile();
    symlinkSync(join(a.path, '..'), join(repo, 'rollout', 'shared'));
    symlinkSync(join(b.path, '..'), join(repo, 'alerts'));
    return [a.token, b.token];
  },
  'symlink-broken'(repo: string): string[] {
    symlinkSync('missing.yaml', join(repo, 'rollout', 'gone.yaml'));
    return [];
  },
  'symlink-loop'(repo: string): string[] {
    symlinkSync('..', join(repo, 'rollout', 'repo'));
    // Were the link followed, this file would be read as config (and its token printed).
    const token = `LOOP-${randomUUID()}`;
    writeFileSync(join(repo, 'not-config.yaml'), `kind: ${token}\n`);
    return [token];
  },
};

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-corpus-'));
  temps.push(dir);
  return dir;
}

/** A file outside every repository whose content, if it were ever read, would be echoed in a diagnostic. */
function secretFile(): { path: string; token: string } {
  const token = `SECRET-${randomUUID()}`;
  const path = join(tempDir(), 'secret.yaml');
  writeFileSync(path, `apiVersion: rollgate/v1\nkind: ${token}\nmetadata:\n  name: ${token}\n`);
  return { path, token };
}

function readCase(name: string): Case {
  return JSON.parse(readFileSync(join(INVALID, name, 'case.json'), 'utf8')) as Case;
}

/** A copy of the minimal repository with the case overlaid; returns the dir and the secrets. */
function prepare(name: string, c: Case): { repo: string; secrets: string[] } {
  const repo = tempDir();
  cpSync(MINIMAL, repo, { recursive: true });
  for (const path of c.remove ?? []) rmSync(join(repo, path), { recursive: true, force: true });
  cpSync(join(INVALID, name), repo, { recursive: true, filter: (src) => basename(src) !== 'case.json' && src !== join(INVALID, name, 'good') });
  const secrets = c.generate ? GENERATORS[c.generate](repo) : [];
  return { repo, secrets };
}

// Each CLI process is a fresh node + tsx start (~0.5 s of CPU): keep the cores busy, no more.
const MAX_PROCESSES = availableParallelism() + 1;
let running = 0;
const waiting: (() => void)[] = [];

async function rollgate(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  if (running >= MAX_PROCESSES) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await new Promise<CliResult>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: ROOT,
        env: { ...process.env, GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '', NO_COLOR: '1', ...env },
        timeout: 60_000,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
      child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** No crash: no internal error, no stack trace. */
function expectNoCrash(result: CliResult) {
  expect(result.stderr).not.toMatch(/internal error/i);
  expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(result.stdout).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

function matches(d: Diagnostic, e: Expected): boolean {
  return (
    d.code === e.code &&
    d.file === e.file &&
    d.line === e.line &&
    d.col === e.col &&
    (e.severity === undefined || d.severity === e.severity) &&
    (e.hint === undefined || (d.hint ?? '').includes(e.hint)) &&
    (e.message === undefined || d.message.includes(e.message))
  );
}

const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CASES = readdirSync(INVALID, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('test/fixtures/valid/minimal', () => {
  it('is valid: exit 0, no diagnostics', async () => {
    const result = await rollgate(['validate', '--dir', MINIMAL, '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, diagnostics: [], files: 5 });
    expect(result.code).toBe(0);
  });
});

describe('the corpus', () => {
  it('has at least 45 cases, each with a description and expectations', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(45);
    for (const name of CASES) {
      expect(name).toMatch(/^\d\d-[a-z0-9-]+$/);
      const c = readCase(name);
      expect(c.description, name).toBeTruthy();
      expect(c.expect.length, name).toBeGreaterThan(0);
      if (c.generate) expect(Object.keys(GENERATORS), name).toContain(c.generate);
    }
  });

  it('has a real billion-laughs bomb: at least 9 levels and 10^9 strings once expanded', () => {
    const [name] = CASES.filter((n) => n.endsWith('-alias-bomb'));
    const doc = parseDocument(readFileSync(join(INVALID, name, 'rollout', 'checkout.yaml'), 'utf8'));
    const sizes = new Map<string, number>();
    const size = (node: unknown): number => {
      if (isAlias(node)) return sizes.get(node.source) ?? 0;
      if (isCollection(node)) return node.items.reduce((n: number, item: unknown) => n + size(item), 0);
      return 1;
    };
    let depth = 0;
    visit(doc, {
      Seq(_, node) {
        if (!node.anchor) return;
        depth++;
        sizes.set(node.anchor, size(node as Node));
      },
    });
    expect(depth).toBeGreaterThanOrEqual(9);
    expect(Math.max(...sizes.values())).toBeGreaterThanOrEqual(1e9);
  });
});

describe.concurrent.each(CASES)('%s', (name) => {
  const c = readCase(name);

  it('--format json: exit 1, ok false, every expected diagnostic at its position', async () => {
    const { repo, secrets } = prepare(name, c);
    const result = await rollgate(['validate', '--dir', repo, '--format', 'json']);
    expectNoCrash(result);
    const output = JSON.parse(result.stdout) as { ok: boolean; diagnostics: Diagnostic[]; files: number };
    expect(output.ok).toBe(false);
    for (const e of c.expect) {
      const found = output.diagnostics.some((d) => matches(d, e));
      expect(found, `${JSON.stringify(e)} not among\n${output.diagnostics.map((d) => JSON.stringify(d)).join('\n')}`).toBe(true);
    }
    for (const d of output.diagnostics) expect(d.line >= 1 && d.col >= 1, JSON.stringify(d)).toBe(true);
    for (const secret of secrets) expect(result.stdout + result.stderr).not.toContain(secret);
    expect(result.code).toBe(1);
  });

  it('--format text: exit 1, file:line:col and code of every expectation', async () => {
    const { repo, secrets } = prepare(name, c);
    const result = await rollgate(['validate', '--dir', repo, '--format', 'text']);
    expectNoCrash(result);
    const first = c.expect[0];
    expect(result.stdout).toContain(`${first.file}:${first.line}:${first.col}`);
    for (const e of c.expect) expect(result.stdout).toMatch(new RegExp(`^${regexEscape(`${e.file}:${e.line}:${e.col}`)} .*${regexEscape(e.code)}`, 'm'));
    for (const secret of secrets) expect(result.stdout + result.stderr).not.toContain(secret);
    expect(result.code).toBe(1);
  });

  if (GITHUB_CASES.has(name.replace(/^\d+-/, ''))) it('--format github: exit 1, an annotation per expectation, a Markdown table in the step summary', async () => {
    const { repo, secrets } = prepare(name, c);
    const summary = join(tempDir(), 'summary.md');
    const result = await rollgate(['validate', '--dir', repo, '--format', 'github'], { GITHUB_STEP_SUMMARY: summary });
    expectNoCrash(result);
    for (const e of c.expect) {
      const level = e.severity ?? 'error';
      expect(result.stdout).toMatch(new RegExp(`^::${level} file=${regexEscape(e.file)},line=${e.line},(?:[^,:]*,)*col=${e.col}[,:]`, 'm'));
    }
    expect(existsSync(summary)).toBe(true);
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown).toMatch(/^\|.*\| file \| line:col \| code \|.*\|$/m);
    expect(markdown).toMatch(/^\|(---\|)+$/m);
    for (const e of c.expect) expect(markdown).toContain(`| \`${e.file}\` | ${e.line}:${e.col} | \`${e.code}\` |`);
    for (const secret of secrets) expect(result.stdout + result.stderr + markdown).not.toContain(secret);
    expect(result.code).toBe(1);
  });
});

describe('the good example of every case (what rollgate explain shows as the fix)', () => {
  const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

  it.each(CASES)('%s: each expectation has a fixed file or the fix in words', (name) => {
    const c = readCase(name);
    for (const e of c.expect) {
      const fixed = isFile(join(INVALID, name, 'good', e.file)) || (isFile(join(INVALID, name, e.file)) && isFile(join(MINIMAL, e.file)));
      expect(fixed || Boolean(c.fix), `${name}: ${e.code} at ${e.file}`).toBe(true);
    }
  });

  // A file the case changed is fixed by the minimal repository's (valid: tested above); a new
  // file by the case's good/ one, which must validate beside the minimal repository.
  it.each(CASES.filter((n) => existsSync(join(INVALID, n, 'good'))))('%s: good/ validates with no error', async (name) => {
    const repo = tempDir();
    cpSync(MINIMAL, repo, { recursive: true });
    cpSync(join(INVALID, name, 'good'), repo, { recursive: true });
    const v = await validateRepository(repo);
    expect(v.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const codes = new Set(readCase(name).expect.map((e) => e.code));
    expect(v.diagnostics.filter((d) => codes.has(d.code))).toEqual([]);
  });
});

describe('reserved keys never reach a prototype (in process)', () => {
  const envelope = 'apiVersion: rollgate/v1\nkind: Rollout\n';
  it.each([
    ['__proto__ at the top', '__proto__: {polluted: yes}\n'],
    ['__proto__ quoted', '"__proto__":\n  polluted: yes\n'],
    ['__proto__ nested', envelope + 'metadata:\n  name: x\n  __proto__:\n    polluted: yes\n'],
    ['constructor.prototype', envelope + 'constructor:\n  prototype:\n    polluted: yes\n'],
    ['__proto__ behind an alias', envelope + 'x: &p {polluted: yes}\nmetadata:\n  __proto__: *p\n'],
    ['__proto__ in a flow mapping', envelope + 'spec: {stages: [{__proto__: {polluted: yes}}]}\n'],
  ])('%s', (_, yaml) => {
    const parsed = parseConfig('rollout/x.yaml', new TextEncoder().encode(yaml));
    expect(parsed.ok).toBe(false);
    expect(parsed.diagnostics.map((d) => d.code)).toContain('yaml/forbidden-key');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});
