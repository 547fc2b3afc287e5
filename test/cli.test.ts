import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, rollgate } from './helpers/cli.ts';

describe('rollgate validate on this repository', () => {
  it('passes in text', () => {
    const r = rollgate(['validate']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The seed rollouts are written as their runbooks say; the warnings name the gate metrics no seed alert watches.
    expect(r.stdout).toMatch(/✓ \d+ files valid(, \d+ warnings)?\n$/);
    expect(r.stdout).not.toContain(' error ');
  });

  it('says "ok": true in json, with every config file counted', () => {
    const r = rollgate(['validate', '--format', 'json', '--dir', ROOT], { cwd: tmpdir() });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({ ok: true, diagnostics: expect.any(Array), files: expect.any(Number) });
    expect(out.diagnostics.filter((d: { severity: string }) => d.severity === 'error')).toEqual([]);
    expect(out.files).toBeGreaterThanOrEqual(11); // 4 rollouts + 4 alert files + metrics, environments, channels
  });

  it('defaults to the github format inside GitHub Actions and writes the step summary', () => {
    const summary = join(mkdtempSync(join(tmpdir(), 'rollgate-')), 'summary.md');
    const r = rollgate(['validate'], { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('::error');
    expect(readFileSync(summary, 'utf8')).toContain('## rollgate validate\n\n✅ valid');
  });

  it('holds the four seed rollouts', () => {
    const r = rollgate(['validate', '--format', 'json']);
    expect(JSON.parse(r.stdout).ok).toBe(true);
    for (const name of ['qb-td-calculator-v2', 'cohort-analyzer', 'batch-patch-system', 'multi-sport-platform']) {
      expect(readFileSync(join(ROOT, 'rollout', `${name}.yaml`), 'utf8')).toContain(`name: ${name}`);
      expect(readFileSync(join(ROOT, 'alerts', `${name}.yaml`), 'utf8')).toContain(`rollout: ${name}`);
    }
  });
});

describe('the command line contract', () => {
  it.each([
    [['frobnicate'], 2, 'unknown verb frobnicate'],
    [[], 2, 'usage: rollgate VERB'],
    [['validate', '--colour'], 2, "Unknown option '--colour'"],
    [['validate', '--format', 'xml'], 2, '--format must be one of text, json, github'],
    [['validate', '--dir', '/no/such/dir'], 2, 'not a directory'],
    [['validate', 'extra'], 2, 'extra: no such file'],
  ])('rollgate %j exits %i and says why, with no stack trace', (args, code, message) => {
    const r = rollgate(args as string[]);
    expect(r.code).toBe(code);
    expect(r.stdout + r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([[['--help']], [['validate', '--help']]])('rollgate %j prints usage and exits 0', (args) => {
    const r = rollgate(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('rollgate');
  });
});
