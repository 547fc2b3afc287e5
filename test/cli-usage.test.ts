import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, rollgate } from './helpers/cli.ts';

const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
// The verbs as the top-level help lists them: a new verb is walked without editing this test.
const verbs = [...rollgate(['--help']).stdout.matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]);

describe('rollgate --version', () => {
  it('prints the version from package.json, exit 0', () => {
    const r = rollgate(['--version']);
    expect(r).toEqual({ code: 0, stdout: `rollgate ${version}\n`, stderr: '' });
  });
});

describe('an unknown verb', () => {
  it('a near miss: the suggestion, exit 2, not the whole help', () => {
    const r = rollgate(['valdate']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('rollgate: unknown verb valdate; did you mean validate?\nRun "rollgate --help" for the verbs.\n');
  });

  it('nothing close: the verbs in one line', () => {
    const r = rollgate(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`rollgate: unknown verb frobnicate; the verbs are ${verbs.join(', ')}`);
    expect(r.stderr.split('\n').length).toBeLessThan(4);
  });
});

describe('an unknown option', () => {
  it.each([
    [['validate', '--formt', 'json'], "Unknown option '--formt'; did you mean --format?"],
    [['sync', '--dry-rn'], "Unknown option '--dry-rn'; did you mean --dry-run?"],
    [['gate', 'x', '--metric=m.yaml'], "Unknown option '--metric'; did you mean --metrics?"],
    [['status', '--dri', '.'], "Unknown option '--dri'; did you mean --dir?"],
  ])('rollgate %j suggests the closest option, exit 2', (args, message) => {
    const r = rollgate(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(`Run "rollgate ${args[0]} --help" for usage.`);
  });

  it('nothing close: no suggestion', () => {
    const r = rollgate(['validate', '--colour']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--colour'");
    expect(r.stderr).not.toContain('did you mean');
  });
});

describe("every verb's --help", () => {
  it('lists the verbs', () => expect(verbs).toEqual(expect.arrayContaining(['validate', 'sync', 'status', 'gate', 'advance', 'rollback', 'alerts'])));

  it.each(verbs)('%s --help ends its description with runnable examples', (verb) => {
    const r = rollgate([verb, '--help']);
    expect(r.code).toBe(0);
    const block = r.stdout.match(/\nExamples:\n((?: {2}.+\n)+)/);
    expect(block, `${verb} --help has no "Examples:" block`).not.toBeNull();
    const lines = block![1].split('\n').filter(Boolean);
    // One command a line, as typed: environment variables first, then rollgate and the verb.
    for (const line of lines) expect(line, line).toMatch(new RegExp(`^ {2}(?:[A-Z_]+=(?:"[^"]*"|\\S+) )*rollgate ${verb}\\b`));
  });
});
