import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../scripts/rules/index.ts';
import { ROOT } from './helpers/cli.ts';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const source = ['config', 'rules'].flatMap((d) => readdirSync(join(ROOT, 'scripts', d)).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(ROOT, 'scripts', d, f), 'utf8')));
const loaderCodes = [...new Set(source.flatMap((s) => [...s.matchAll(/'((?:yaml|file|schema)\/[a-z-]+)'/g)].map((m) => m[1])))];

describe('README', () => {
  it('starts with the two commands for a fresh machine', () => {
    const block = readme.split('```')[1];
    expect(block).toContain('npx rollgate validate');
    expect(block).toContain('npm test');
  });

  it('.ci/run runs the README test command', () => {
    expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it.each(RULES.map((r) => r.code))('documents rule %s', (code) => {
    expect(readme).toContain(`\`${code}\``);
  });

  it('documents every loader code', () => {
    expect(loaderCodes.length).toBeGreaterThan(20);
    expect(loaderCodes.filter((c) => c !== 'file/symlink' && !readme.includes(`\`${c}\``))).toEqual([]);
  });

  it('every rule code is unique', () => {
    expect(new Set(RULES.map((r) => r.code)).size).toBe(RULES.length);
  });
});

describe('the bad-input corpus', () => {
  const dir = join(ROOT, 'test', 'fixtures', 'invalid');
  const expected = new Set(
    readdirSync(dir).flatMap((c) => (JSON.parse(readFileSync(join(dir, c, 'case.json'), 'utf8')).expect as { code: string }[]).map((e) => e.code)),
  );

  it('has at least 40 cases', () => {
    expect(readdirSync(dir).length).toBeGreaterThanOrEqual(40);
  });

  it('exercises every rule and every loader code (file/unreadable needs a non-root user)', () => {
    const all = [...RULES.map((r) => r.code), ...loaderCodes.filter((c) => c !== 'file/symlink' && c !== 'file/unreadable')];
    expect(all.filter((c) => !expected.has(c))).toEqual([]);
  });
});
