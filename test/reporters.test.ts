import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../scripts/report/diagnostic.ts';
import { ANNOTATION_LIMIT, renderAnnotations, renderSummary } from '../scripts/report/github.ts';
import { renderJson } from '../scripts/report/json.ts';
import { renderText } from '../scripts/report/text.ts';

const d = (over: Partial<Diagnostic> = {}): Diagnostic => ({
  code: 'rollout/percentage-order',
  severity: 'error',
  file: 'rollout/a.yaml',
  line: 3,
  col: 17,
  message: 'stage "b" is at 5 %, below the 10 % of "a" before it',
  hint: 'order stages',
  ...over,
});

describe('text reporter', () => {
  it('prints file:line:col, code, message, the source line with a caret under the column, and the hint', () => {
    const source = 'a: 1\nb: 2\n    percentage: 5\n';
    const out = renderText([d({ col: 17 })], new Map([['rollout/a.yaml', source]]), 1);
    const lines = out.split('\n');
    expect(lines[0]).toBe('rollout/a.yaml:3:17 error rollout/percentage-order stage "b" is at 5 %, below the 10 % of "a" before it');
    expect(lines[1]).toBe('     3 |     percentage: 5');
    expect(lines[2].indexOf('^') - lines[1].indexOf('|')).toBe(17 + 1);
    expect(lines[3]).toBe('  hint: order stages');
    expect(out).toContain('✗ 1 error, 0 warnings in 1 files');
  });

  it('shows no source for a file it never read', () => {
    const out = renderText([d({ file: 'rollout/link.yaml', code: 'file/symlink-outside' })], new Map(), 1);
    expect(out).not.toContain(' | ');
  });

  it('says valid when there are only warnings', () => {
    expect(renderText([d({ severity: 'warning' })], new Map(), 4)).toContain('✓ 4 files valid, 1 warning');
  });
});

describe('json reporter', () => {
  it('has the shape of the CLI contract', () => {
    const parsed = JSON.parse(renderJson(false, [d()], 2));
    expect(Object.keys(parsed)).toEqual(['ok', 'diagnostics', 'files']);
    expect(Object.keys(parsed.diagnostics[0]).sort()).toEqual(['code', 'col', 'file', 'hint', 'line', 'message', 'severity']);
  });
});

describe('github reporter', () => {
  it('escapes workflow-command data and properties', () => {
    const out = renderAnnotations([d({ file: 'a,b:c.yaml', message: '100% bad\nnext', hint: undefined })]);
    expect(out).toBe('::error file=a%2Cb%3Ac.yaml,line=3,endLine=3,col=17,endColumn=17,title=rollout/percentage-order::100%25 bad%0Anext\n');
  });

  it(`annotates the first ${ANNOTATION_LIMIT} of each severity and points at the summary for the rest`, () => {
    const many = Array.from({ length: 25 }, (_, i) => d({ line: i + 1 }));
    const warnings = Array.from({ length: 3 }, (_, i) => d({ line: i + 1, severity: 'warning' }));
    const lines = renderAnnotations([...many, ...warnings]).trim().split('\n');
    expect(lines.filter((l) => l.startsWith('::error')).length).toBe(ANNOTATION_LIMIT);
    expect(lines.filter((l) => l.startsWith('::warning')).length).toBe(3);
    expect(lines.at(-1)).toBe('::notice::15 more diagnostics are listed in the step summary');
  });

  it('puts the whole list in a Markdown table, pipes escaped', () => {
    const summary = renderSummary('rollgate validate', [d({ message: 'a | b' }), d({ line: 9 })], 2);
    const rows = summary.split('\n').filter((l) => l.startsWith('| ❌'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('a \\| b');
    expect(summary).toContain('❌ 2 errors, 0 warnings, 2 files');
  });
});
