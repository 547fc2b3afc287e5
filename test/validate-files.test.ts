import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectDiagnostics } from '../scripts/report/select.ts';
import type { Diagnostic } from '../scripts/report/diagnostic.ts';
import { ROOT, rollgate, tempRepo } from './helpers/cli.ts';

// The minimal repository with a warning in the alert file (a $schema line naming the Rollout
// schema) and a cross-file error in the rollout (a gate metric the catalog lacks).
const repo = tempRepo(join(ROOT, 'test', 'fixtures', 'valid', 'minimal'));
const edit = (path: string, from: string, to: string) => writeFileSync(join(repo, path), readFileSync(join(repo, path), 'utf8').replace(from, to));
edit('alerts/checkout.yaml', 'alert-rules.schema.json', 'rollout.schema.json');
edit('rollout/checkout.yaml', 'metric: latency_p95_ms', 'metric: latency_p95');
execFileSync('git', ['init', '-q', repo]);

const json = (args: string[], cwd = repo) => {
  const r = rollgate(['validate', '--format', 'json', ...args], { cwd });
  return { code: r.code, stderr: r.stderr, out: r.stdout ? JSON.parse(r.stdout) : undefined };
};
// The rollout's: the unknown metric, and a warning that no alert watches that gate metric.
const ROLLOUT = ['rollout/checkout.yaml alert/gate-metric-unwatched', 'rollout/checkout.yaml gate/unknown-metric'];
const codes = (out: { diagnostics: Diagnostic[] }) => out.diagnostics.map((d) => `${d.file} ${d.code}`);

describe('rollgate validate FILE…', () => {
  it('without files: every file', () => {
    const r = json([]);
    expect(r.code).toBe(1);
    expect(codes(r.out)).toEqual(['alerts/checkout.yaml file/schema-comment', ...ROLLOUT]);
  });

  it("one file: only its diagnostics, counted as one file; the other file's error does not fail it", () => {
    const r = json(['alerts/checkout.yaml']);
    expect(r.code).toBe(0);
    expect(r.out).toMatchObject({ ok: true, files: 1 });
    expect(codes(r.out)).toEqual(['alerts/checkout.yaml file/schema-comment']);
  });

  it('the rules across files still run on the whole model: the catalog is read for the rollout', () => {
    const r = json(['rollout/checkout.yaml']);
    expect(r.code).toBe(1);
    expect(codes(r.out)).toEqual(ROLLOUT);
    expect(json(['rollout/metrics.yaml', 'rollout/environments.yaml'])).toMatchObject({ code: 0, out: { ok: true, diagnostics: [], files: 2 } });
  });

  it('paths are relative to the working directory, as an editor or pre-commit passes them', () => {
    const r = json(['checkout.yaml'], join(repo, 'rollout'));
    expect(codes(r.out)).toEqual(ROLLOUT);
    // Found from the working directory, as git does, not from the file: / is no repository.
    expect(json([join(repo, 'alerts', 'checkout.yaml')], '/').code).toBe(2);
    expect(json(['--dir', repo, join(repo, 'alerts', 'checkout.yaml')], '/').out.files).toBe(1);
  });

  it.each([
    ['README.md', 'README.md: not a file rollgate checks (YAML under rollout/ or alerts/, outside alerts/tests/)'],
    ['rollout/nope.yaml', 'rollout/nope.yaml: no such file'],
    ['../elsewhere.yaml', '../elsewhere.yaml: outside the repository'],
  ])('%s: exit 2, says why', (file, message) => {
    writeFileSync(join(repo, 'README.md'), '# not config\n');
    const r = rollgate(['validate', file], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('rollgate validate --quiet and --max-warnings', () => {
  it('--quiet reports errors only', () => {
    const r = rollgate(['validate', '--quiet'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('gate/unknown-metric');
    expect(r.stdout).not.toContain('file/schema-comment');
    expect(r.stdout).toContain('(--quiet: 2 warnings not shown)');
    expect(json(['--quiet']).out.diagnostics).toHaveLength(1);
  });

  it('--max-warnings N: exit 1 above N, with the count; N itself passes', () => {
    const over = rollgate(['validate', '--max-warnings', '0', 'alerts/checkout.yaml'], { cwd: repo });
    expect(over.code).toBe(1);
    expect(over.stdout).toContain('✗ 1 warning, more than --max-warnings 0');
    expect(json(['--max-warnings=0', 'alerts/checkout.yaml']).out.ok).toBe(false);
    const at = rollgate(['validate', '--max-warnings', '1', 'alerts/checkout.yaml'], { cwd: repo });
    expect(at.code).toBe(0);
  });

  it('--quiet hides warnings but --max-warnings still counts them', () => {
    const r = rollgate(['validate', '--quiet', '--max-warnings', '0', 'alerts/checkout.yaml'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('file/schema-comment');
    expect(r.stdout).toContain('more than --max-warnings 0');
  });

  it.each(['-1', 'many', '1.5'])('--max-warnings %s is a usage error', (n) => {
    const r = rollgate(['validate', `--max-warnings=${n}`], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-warnings must be a whole number ≥ 0');
  });
});

describe('selectDiagnostics', () => {
  const d = (file: string, severity: 'error' | 'warning'): Diagnostic => ({ code: 'x/y', severity, file, line: 1, col: 1, message: 'm' });
  const all = [d('a.yaml', 'error'), d('a.yaml', 'warning'), d('b.yaml', 'warning'), d('b.yaml', 'warning')];

  it.each([
    ['everything', {}, { shown: 4, errors: 1, warnings: 3, ok: false, overWarnings: false }],
    ['one file', { files: new Set(['b.yaml']) }, { shown: 2, errors: 0, warnings: 2, ok: true, overWarnings: false }],
    ['quiet', { quiet: true }, { shown: 1, errors: 1, warnings: 3, ok: false, overWarnings: false }],
    ['at the limit', { files: new Set(['b.yaml']), maxWarnings: 2 }, { shown: 2, errors: 0, warnings: 2, ok: true, overWarnings: false }],
    ['over it', { files: new Set(['b.yaml']), maxWarnings: 1 }, { shown: 2, errors: 0, warnings: 2, ok: false, overWarnings: true }],
    ['quiet, over it', { files: new Set(['b.yaml']), quiet: true, maxWarnings: 1 }, { shown: 0, errors: 0, warnings: 2, ok: false, overWarnings: true }],
  ] as const)('%s', (_, selection, expected) => {
    const s = selectDiagnostics(all, selection);
    expect({ shown: s.diagnostics.length, errors: s.errors, warnings: s.warnings, ok: s.ok, overWarnings: s.overWarnings }).toEqual(expected);
  });
});
