// rollgate report without a browser: its usage errors, --no-gates, and the escaping it relies on.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript } from '../scripts/report/html/escape.ts';
import { ROOT, rollgate } from './helpers/cli.ts';
import { repoFrom, setStage } from './helpers/git.ts';

const out = () => join(mkdtempSync(join(tmpdir(), 'rollgate-report-')), 'site');

describe('rollgate report: mistakes in the call', () => {
  const repo = repoFrom(join(ROOT, 'test', 'fixtures', 'valid', 'minimal'));
  it.each([
    [['report'], 'give --out DIR: the folder to write index.html into'],
    [['report', '--out', 'x', '--metrics', 'm.yaml', '--no-gates'], '--metrics and --no-gates exclude each other'],
    [['report', 'checkout', '--out', 'x'], 'report takes no ROLLOUT (it shows every rollout), got "checkout"'],
    [['report', '--out', 'x', '--format', 'json'], 'report writes HTML into --out DIR; it has no --format'],
  ])('rollgate %j: exit 2 with the reason, nothing written', (args, message) => {
    const r = rollgate([...args, '--dir', repo.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('internal error');
    expect(existsSync(join(ROOT, 'x'))).toBe(false);
  });

  it('--no-gates: no provider is asked, and the page says the gates were not evaluated', () => {
    repo.commit('rollout/checkout.yaml', setStage('production', 'staged'), 'Advance checkout in production', '2026-11-03T10:00:00Z');
    const dir = out();
    const r = rollgate(['report', '--out', dir, '--no-gates', '--dir', repo.dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote 4 files to ${dir}`);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('not evaluated (--no-gates): run rollgate gate ROLLOUT --env E for a verdict');
    expect(html).not.toContain('class="verdict"');
    expect(html).toContain('Advance checkout in production');
  });

  it('a folder that cannot be written: exit 2 with the path, no stack trace', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rollgate-report-')), 'a-file');
    writeFileSync(file, 'not a folder');
    const r = rollgate(['report', '--out', join(file, 'site'), '--no-gates', '--dir', repo.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(file, 'site'));
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});

describe('escaping for the page', () => {
  it('escapeHtml leaves no markup', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
  });

  it('jsonForScript cannot end its script block and reads back the same', () => {
    const value = { a: '</script><script>alert(1)</script>', b: '<!-- x', c: 'line\u2028sep\u2029', d: 'a & b' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/<|>|\u2028|\u2029/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
