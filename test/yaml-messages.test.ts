// YAML mistakes get a message about what the user wrote, where they wrote it, with a hint.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { suggestion } from '../scripts/config/did-you-mean.ts';
import type { Diagnostic } from '../scripts/report/diagnostic.ts';
import { ROOT, rollgate, tempRepo } from './helpers/cli.ts';

const MINIMAL = join(ROOT, 'test', 'fixtures', 'valid', 'minimal');
const CHECKOUT = 'rollout/checkout.yaml';

function validateCheckout(edit: (text: string) => string): { code: number; diagnostics: Diagnostic[]; text: string } {
  const dir = tempRepo(MINIMAL);
  const before = readFileSync(join(dir, CHECKOUT), 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  writeFileSync(join(dir, CHECKOUT), after);
  const json = rollgate(['validate', '--dir', dir, '--format', 'json']);
  const text = rollgate(['validate', '--dir', dir]);
  return { code: json.code, diagnostics: (JSON.parse(json.stdout) as { diagnostics: Diagnostic[] }).diagnostics, text: text.stdout };
}

describe('a tab used as indentation', () => {
  it('before "- group: sre": yaml/tab on the tab itself, not a syntax error on the line above', () => {
    const r = validateCheckout((t) => t.replace('      approvals:\n        - group: sre', '      approvals:\n\t- group: sre'));
    expect(r.code).toBe(1);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'yaml/tab', file: CHECKOUT, line: 43, col: 1, hint: 'indent with spaces; YAML forbids tabs in indentation' });
    expect(r.text).toContain(`${CHECKOUT}:43:1 error yaml/tab`);
    expect(r.text).not.toContain('implicit map key');
    expect(r.text).not.toContain('": "');
  });

  it('after spaces: the column of the tab', () => {
    const r = validateCheckout((t) => t.replace('      approvals:\n        - group: sre', '      approvals:\n      \t  - group: sre'));
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'yaml/tab', line: 43, col: 7 })]);
  });
});

describe('an unquoted operator that YAML reads as a block scalar', () => {
  it('op: >=: yaml/syntax on the operator, with the quoted operator as the hint', () => {
    const r = validateCheckout((t) => t.replace("          op: '<'\n          value: 1\n", '          op: >=\n          value: 1\n'));
    expect(r.code).toBe(1);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'yaml/syntax', file: CHECKOUT, line: 27, col: 15, hint: 'quote the operator: op: ">="' })]);
    expect(r.diagnostics[0].message).toContain('">=" starts a block scalar');
    expect(r.text).toContain('hint: quote the operator: op: ">="');
  });

  it('op: > alone (an empty block scalar): the schema error says to quote the operator', () => {
    const r = validateCheckout((t) => t.replace("          op: '<'\n          value: 1\n", '          op: >\n          value: 1\n'));
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'schema/invalid-value', line: 27, col: 15, hint: 'quote the operator: op: ">"' })]);
  });
});

describe('did-you-mean for operators prefers the same characters', () => {
  it.each([
    ['=<', '<='],
    ['=>', '>='],
    ['=!', '!='],
    ['=', '=='],
    ['<<', '<'],
  ])("op: '%s' suggests \"%s\"", (written, meant) => {
    const r = validateCheckout((t) => t.replace("          op: '<'\n          value: 1\n", `          op: '${written}'\n          value: 1\n`));
    expect(r.code).toBe(1);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'schema/invalid-value', file: CHECKOUT, line: 27, col: 15, hint: `did you mean "${meant}"?` })]);
  });

  it('a swapped pair of letters is one edit', () => {
    expect(suggestion('stagign', ['staging', 'stage'])).toBe('did you mean "staging"?');
  });
});
