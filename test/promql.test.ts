import { describe, expect, it } from 'vitest';
import { parseConfig } from '../scripts/config/parse.ts';
import { positionInString } from '../scripts/config/scalar-position.ts';
import type { SourceFile } from '../scripts/config/source.ts';
import { promqlSyntaxError } from '../scripts/metrics/promql.ts';
import { renderTemplate, SAMPLE_VALUES } from '../scripts/metrics/template.ts';

describe('promqlSyntaxError', () => {
  it.each([
    'sum(rate(app_requests_total{outcome="error"}[5m])) / sum(rate(app_requests_total[5m])) > 0.05',
    'histogram_quantile(0.95, sum by (le) (rate(h_bucket[5m])))',
    '(time() - max(last_import_timestamp_seconds)) / 3600 > 24',
  ])('accepts %s', (expr) => expect(promqlSyntaxError(expr)).toBeUndefined());

  it.each([
    ['sum(rate(x[5m]) > 1', 3],
    ['histogram_quantile(0.95, sum by (le) (rate(x[5m])) > 0.5', 18],
    ['x{a="("} + (y', 11],
    ['rate(x[5m]', 4],
    ['x{a=}', 4],
    ['foo bar', 4],
  ])('finds the error in %s at offset %i', (expr, offset) => {
    expect(promqlSyntaxError(expr as string)?.offset).toBe(offset);
  });
});

describe('renderTemplate', () => {
  it('substitutes placeholders and maps offsets back to the template', () => {
    const t = 'sum(rate(x{flag="{{flag}}"}[{{window}}])) )';
    const r = renderTemplate(t, SAMPLE_VALUES);
    expect(r.text).toBe('sum(rate(x{flag="sample-flag"}[5m])) )');
    expect(r.unknown).toEqual([]);
    const bad = r.text.lastIndexOf(')');
    expect(t[r.sourceOffset(bad)]).toBe(')');
    expect(r.sourceOffset(r.text.indexOf('sample-flag') + 3)).toBe(t.indexOf('{{flag}}'));
  });

  it('reports unknown placeholders with their offset', () => {
    expect(renderTemplate('x{a="{{nope}}"}', SAMPLE_VALUES).unknown).toEqual([{ name: 'nope', offset: 5 }]);
  });
});

describe('positionInString maps an offset inside a YAML string to the file', () => {
  const file = (text: string): SourceFile => {
    const parsed = parseConfig('x.yaml', Buffer.from(text));
    if (!parsed.file) throw new Error('no file');
    return parsed.file;
  };
  const src = [
    'plain: abc def', //
    'quoted: "abc def"',
    'block: |',
    '  first line',
    '  second line',
    'folded: >-',
    '    one',
    '    two',
  ].join('\n');
  const f = file(src);

  it('plain scalar', () => expect(positionInString(f, ['plain'], 4)).toEqual({ line: 1, col: 12 }));
  it('double-quoted scalar skips the quote', () => expect(positionInString(f, ['quoted'], 4)).toEqual({ line: 2, col: 14 }));
  it('block literal: line and indentation', () => expect(positionInString(f, ['block'], 'first line\nsecond'.length)).toEqual({ line: 5, col: 9 }));
  it('block folded: the folded space is the line break', () => {
    expect(positionInString(f, ['folded'], 0)).toEqual({ line: 7, col: 5 });
    expect(positionInString(f, ['folded'], 'one t'.length)).toEqual({ line: 8, col: 6 });
  });
  it('multi-line plain scalar', () => {
    const g = file('q: sum(a)\n  / sum(b\n');
    expect(positionInString(g, ['q'], 'sum(a) / s'.length)).toEqual({ line: 2, col: 6 });
  });
});
