import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOADER_CODES } from '../scripts/config/loader-codes.ts';
import { allCodes } from '../scripts/rules/explain.ts';
import { ROOT, rollgate } from './helpers/cli.ts';

const INVALID = join(ROOT, 'test', 'fixtures', 'invalid');
const inCorpus = new Set(readdirSync(INVALID).flatMap((c) => (JSON.parse(readFileSync(join(INVALID, c, 'case.json'), 'utf8')).expect as { code: string }[]).map((e) => e.code)));

describe('rollgate explain', () => {
  const codes = allCodes();
  // One process for every code: what each checks, and the corpus example where there is one.
  const all = rollgate(['explain', ...codes.map((c) => c.code)]);
  const sections = new Map(all.stdout.split(/\n(?=[a-z]+\/[a-z-]+ \()/).map((s) => [s.slice(0, s.indexOf(' ')), s]));

  it('explains every code validate can report', () => {
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    expect([...sections.keys()]).toEqual(codes.map((c) => c.code));
  });

  it.each(codes.map((c) => [c.code, c] as const))('%s: severity, description, a bad example and a good one', (code, info) => {
    const section = sections.get(code)!;
    expect(section).toContain(`${code} (${info.severity}, `);
    expect(section).toContain(info.description);
    if (inCorpus.has(code)) expect(section).toMatch(new RegExp(`Example: test/fixtures/invalid/[\\w-]+ \\(.*\\)\\n\\n\\S+:\\d+:\\d+ ${info.severity} ${code}\\n`));
    else expect(section).toMatch(/^Example \(not in the bad-input corpus\):\n\n {2}\S/m);
    // The fix: the same place fixed (a changed line marked +, or the line removed), or the fix in words.
    const good = section.slice(section.indexOf('\nGood'));
    expect(section, code).toContain('\nGood');
    expect(good, code).toMatch(/^\+ +\d+ \| |^ {7}\| \(lines? [\d–]+ removed\)$|^Good[^\n]*:\n\n {2}\S/m);
  });

  it('the good example: the corpus line fixed, from the minimal repository', () => {
    expect(sections.get('gate/unknown-metric')).toContain('Good (test/fixtures/valid/minimal/rollout/checkout.yaml):\n\n    31 |         atLeast: 1\n    32 |         criteria:\n+   33 |           - metric: latency_p95_ms\n');
    expect(sections.get('yaml/duplicate-key')).toContain('       | (line 13 removed)\n');
    expect(sections.get('rollout/duplicate-name')).toContain('Good (test/fixtures/invalid/46-duplicate-rollout/good/rollout/search.yaml):');
    expect(sections.get('repo/singleton')).toContain('  move the channels of alerts/team-channels.yaml into alerts/channels.yaml');
  });

  it('shows the offending line with a caret under the column', () => {
    expect(sections.get('gate/unknown-metric')).toContain('>   33 |           - metric: latency_p59_ms\n       |                     ^\n');
  });

  it('an unknown code: the closest one, exit 2', () => {
    const r = rollgate(['explain', 'gate/unknown-metrc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no code gate/unknown-metrc; did you mean gate/unknown-metric?');
  });

  it('without a code lists them all, one a line', () => {
    const r = rollgate(['explain']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0])).toEqual(codes.map((c) => c.code));
  });
});

describe('the loader codes explain knows', () => {
  it('are exactly the codes the loader reports', () => {
    const dirs = ['config', 'rules'].map((d) => join(ROOT, 'scripts', d));
    const source = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.ts') && f !== 'loader-codes.ts').map((f) => readFileSync(join(d, f), 'utf8')));
    const emitted = new Set(source.flatMap((s) => [...s.matchAll(/'((?:yaml|file|schema)\/[a-z-]+)'/g)].map((m) => m[1])));
    emitted.delete('file/symlink'); // a prefix the loader tests, not a code
    expect(Object.keys(LOADER_CODES).sort()).toEqual([...emitted].sort());
  });
});
