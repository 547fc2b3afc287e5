// Rules on what a gate's evidence means: PromQL types, no data read as zero, vsBaseline
// that compares a query with itself, minSamples without samples, and sustained criteria
// (`for`) that max/min_over_time cannot express. Each table row names the offending text
// at the expected line and column.
import { describe, expect, it } from 'vitest';
import { buildModel } from '../scripts/config/model.ts';
import { parseConfig } from '../scripts/config/parse.ts';
import { promqlNoDataFallbacks } from '../scripts/metrics/promql-no-data.ts';
import { linterReadsOurTrees, promqlTypeErrors } from '../scripts/metrics/promql-types.ts';
import { alertPromqlType } from '../scripts/rules/alert/promql-type.ts';
import { baselineVariant } from '../scripts/rules/gate/baseline-variant.ts';
import { forShape } from '../scripts/rules/gate/for-shape.ts';
import { minSamples } from '../scripts/rules/gate/min-samples.ts';
import { noDataAsZero } from '../scripts/rules/metrics/no-data-as-zero.ts';
import { queryType } from '../scripts/rules/metrics/query-type.ts';
import { runRules, type Rule } from '../scripts/rules/rule.ts';

const METRICS = 'rollout/metrics.yaml';
const ROLLOUT = 'rollout/checkout.yaml';
const ALERTS = 'alerts/checkout.yaml';

/** Lines 7–24; a case's own metrics start at line 25. */
const metrics = (extra = '') => `apiVersion: rollgate/v1
kind: Metrics
metadata:
  name: metrics
spec:
  metrics:
    error_rate:
      unit: percent
      query: 100 * sum(rate(errors_total{flag="{{flag}}",variant="{{variant}}"}[{{window}}])) / sum(rate(requests_total{flag="{{flag}}",variant="{{variant}}"}[{{window}}]))
    memory_bytes:
      unit: bytes
      query: max(process_resident_memory_bytes{flag="{{flag}}"})
    conversion:
      unit: percent
      ratio:
        numerator: sum(increase(conversions_total{flag="{{flag}}",variant="{{variant}}"}[{{window}}])) or vector(0)
        denominator: sum(increase(sessions_total{flag="{{flag}}",variant="{{variant}}"}[{{window}}]))
    exceptions:
      unit: count
      query: sum(increase(exceptions_total{flag="{{flag}}"}[{{window}}])) or vector(0)
    exceptions_counted:
      unit: count
      query: sum(increase(exceptions_total{flag="{{flag}}"}[{{window}}])) or vector(0)
      samples: sum(increase(requests_total{flag="{{flag}}"}[{{window}}]))
${extra}`;

/** Gate criteria from line 15, one per line, then a manual check; with no gate criteria the rollback row's criteria start at line 22. */
const rollout = (gate: string[], rollback: string[] = []) => `apiVersion: rollgate/v1
kind: Rollout
metadata:
  name: checkout
spec:
  flag: checkout-v2
  stages:
    - {name: canary, percentage: 10}
    - {name: full, percentage: 100}
  environments:
    production: {stage: canary}
  gates:
    full:
      mustPass:
${[...gate, '{ check: Support has signed off }'].map((c) => `        - ${c}\n`).join('')}  rollback:
    - severity: HIGH
      action: rollback
      to: canary
      when:
        any:
${[...rollback, '{ metric: error_rate, op: ">", value: 5 }'].map((c) => `          - ${c}\n`).join('')}`;

/** One rule per `when` (a flow mapping), five lines each from line 8: `when` is on line 10 + 5i. */
const alerts = (whens: string[]) => `apiVersion: rollgate/v1
kind: AlertRules
metadata:
  name: checkout
spec:
  rollout: checkout
  rules:
${whens.map((w, i) => `    - name: rule_${i}\n      severity: LOW\n      when: ${w}\n      notify: [slack]\n      summary: rule ${i}\n`).join('')}`;

type Expected = [file: string, line: number, at: string];

/** Runs one rule on a model of the given files; each diagnostic as file, line and the text from its column on. */
function check(rule: Rule, files: Record<string, string>) {
  const parsed = Object.entries(files).map(([path, text]) => {
    const p = parseConfig(path, new TextEncoder().encode(text));
    if (!p.ok) throw new Error(`${path} does not load: ${p.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('; ')}`);
    return p;
  });
  const diagnostics = runRules(buildModel(parsed), [rule]);
  const at = (d: { file: string; line: number; col: number }) => files[d.file].split('\n')[d.line - 1].slice(d.col - 1);
  return { diagnostics, found: diagnostics.map((d) => ({ file: d.file, line: d.line, at: at(d) })) };
}

const startsWith = (s: string) => expect.stringMatching(new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
const expectFound = (found: { file: string; line: number; at: string }[], expected: Expected[]) =>
  expect(found).toEqual(expected.map(([file, line, at]) => ({ file, line, at: startsWith(at) })));

describe('promqlTypeErrors: the Prometheus UI linter, headless', () => {
  it.each([
    ['avg(x{a="b"}[5m])', 4, 'got matrix'],
    ['rate(x{a="b"})', 5, 'expected type matrix'],
    ['sum(x{a="b"}) > "a"', 16, 'binary expression must contain only scalar and instant vector types'],
    ['1 > 2', 0, 'BOOL'],
    ['x{a="b"}[5m]', 0, 'range vector'],
    ['"just a string"', 0, 'string'],
  ])('%s: an error at %i (%s)', (expr, offset, message) => {
    const errors = promqlTypeErrors(expr);
    expect(errors.length, JSON.stringify(errors)).toBeGreaterThan(0);
    expect(errors[0].offset).toBe(offset);
    expect(errors[0].message).toContain(message);
  });

  it.each([
    'sum(rate(x{a="b"}[5m])) or vector(0)',
    'histogram_quantile(0.95, sum by (le) (rate(h_bucket{a="b"}[5m])))',
    '(time() - max(last_import_timestamp_seconds{a="b"})) / 3600 > 24',
    'count(max by (service) (max_over_time(probe_success{a="b"}[3m])) == 0) or vector(0)',
    'max_over_time((sum(rate(x{a="b"}[5m])))[1h:1m])',
    '1 > bool 2',
  ])('accepts %s', (expr) => expect(promqlTypeErrors(expr)).toEqual([]));

  it('leaves syntax errors to the syntax check', () => {
    expect(promqlTypeErrors('sum(rate(x[5m]) > 1')).toEqual([]);
    expect(promqlTypeErrors('foo bar')).toEqual([]);
  });

  it('reads an expression longer than the editor viewport (3,000 characters) to its end', () => {
    const long = Array.from({ length: 200 }, (_, i) => `sum(rate(x{a="${i}"}[5m]))`).join(' + ');
    expect(long.length).toBeGreaterThan(5000);
    expect(promqlTypeErrors(long)).toEqual([]);
    const bad = `${long} + rate(y{a="b"})`;
    expect(promqlTypeErrors(bad).map((e) => e.offset)).toEqual([bad.length - 'y{a="b"})'.length]);
  });

  it("reads the trees the syntax check parsed: the linter's lezer-promql has our node types (else each expression is parsed twice)", () => {
    expect(linterReadsOurTrees()).toBe(true);
  });

  it('caches by text', () => {
    const expr = 'avg(cached{a="b"}[5m])';
    expect(promqlTypeErrors(expr)).toBe(promqlTypeErrors(expr));
  });
});

describe('promqlNoDataFallbacks: where no data becomes a number, on the syntax tree', () => {
  it.each([
    ['sum(x) or vector(0)', ['or vector(0)']],
    ['sum(x) or on() vector(0)', ['or on() vector(0)']],
    ['vector(0) or sum(x)', ['or sum(x)']],
    ['sum(x) or 0', ['or 0']],
    ['100 * (sum(a) or vector(0))', ['or vector(0)']],
    ['sum(x or vector(0))', ['or vector(0)']],
    ['absent(x{a="b"})', ['absent']],
    ['absent_over_time(x{a="b"}[5m])', ['absent_over_time']],
    ['sum(x) or absent(x)', ['absent']],
    ['count(max_over_time(ALERTS{a="b"}[5m])) or vector(0)', ['or vector(0)']],
  ])('%s: %j', (expr, at) => {
    expect(promqlNoDataFallbacks(expr).map((f) => expr.slice(f.offset).slice(0, at[0].length))).toEqual(at);
  });

  it.each([
    'sum(rate(x[5m])) / sum(rate(y[5m]))',
    // no traffic: the denominator is empty, so the ratio still is
    '(sum(rate(e[5m])) or vector(0)) / sum(rate(r[5m]))',
    '100 * ((sum(a) or vector(0)) / sum(b) - (sum(c) or vector(0)) / sum(d))',
    'sum(x) or sum(y)',
    '"or vector(0)"',
    'sum(x) or',
  ])('%s: none', (expr) => expect(promqlNoDataFallbacks(expr)).toEqual([]));
});

describe('metrics/query-type', () => {
  const metric = (query: string) => metrics(`    bad:\n      unit: count\n      query: ${query}\n`);
  it.each<[string, string, Expected[]]>([
    ['a range vector where an instant vector is expected', 'avg(x{flag="{{flag}}"}[{{window}}])', [[METRICS, 27, 'x{flag="{{flag}}"}[{{window}}])']]],
    ['an instant vector where a range is expected', 'sum(rate(x{flag="{{flag}}"}))', [[METRICS, 27, 'x{flag="{{flag}}"}))']]],
    ['a string in a comparison', 'sum(x{flag="{{flag}}"}) > "a"', [[METRICS, 27, '"a"']]],
    ['after placeholders, mapped back through them', 'sum(rate(x{flag="{{flag}}"}[{{window}}])) + rate(y{env="{{env}}"})', [[METRICS, 27, 'y{env="{{env}}"})']]],
    ['a value that is a range vector', 'x{flag="{{flag}}"}[{{window}}]', [[METRICS, 27, 'x{flag']]],
    ['valid', 'sum(increase(x{flag="{{flag}}"}[{{window}}])) or vector(0)', []],
    ['a syntax error is query-syntax\'s', 'sum(rate(x[5m]) > 1', []],
    ['an unknown placeholder is query-syntax\'s', 'avg(x{a="{{nope}}"}[5m])', []],
  ])('%s', (_, query, expected) => expectFound(check(queryType, { [METRICS]: metric(query) }).found, expected));

  it('checks ratio parts and samples, on their own lines of a block scalar', () => {
    const extra = [
      '    bad_ratio:',
      '      unit: percent',
      '      ratio:',
      '        numerator: sum(increase(x{flag="{{flag}}"}[{{window}}]))',
      '        denominator: >-',
      '          sum(increase(y{flag="{{flag}}"}[{{window}}]))',
      '          + avg(y{flag="{{flag}}"}[{{window}}])',
      '      samples: sum(z{flag="{{flag}}"}[{{window}}])',
      '',
    ].join('\n');
    const { found, diagnostics } = check(queryType, { [METRICS]: metrics(extra) });
    expectFound(found, [
      [METRICS, 31, 'y{flag="{{flag}}"}[{{window}}])'],
      [METRICS, 32, 'z{flag="{{flag}}"}[{{window}}])'],
    ]);
    expect(diagnostics[0].message).toContain('ratio.denominator of "bad_ratio"');
    expect(diagnostics[1].message).toContain('samples of "bad_ratio"');
  });

  it('passes the fixtures\' catalog', () => expect(check(queryType, { [METRICS]: metrics() }).found).toEqual([]));
});

describe('alert/promql-type', () => {
  it.each<[string, string, Expected[]]>([
    ['a range vector in an aggregation', `{ expr: 'avg(x{a="b"}[5m]) > 1' }`, [[ALERTS, 10, 'x{a="b"}[5m]) > 1']]],
    ['rate of an instant vector', `{ expr: 'rate(x{a="b"}) > 0' }`, [[ALERTS, 10, 'x{a="b"}) > 0']]],
    ['scalars compared without bool', `{ expr: '1 > 2' }`, [[ALERTS, 10, '1 > 2']]],
    ['a range vector as the alert', `{ expr: 'x{a="b"}[5m]' }`, [[ALERTS, 10, 'x{a="b"}[5m]']]],
    ['valid', `{ expr: 'sum(rate(x{a="b"}[5m])) > 1' }`, []],
    ['a syntax error is promql/syntax\'s', `{ expr: 'sum(rate(x[5m]) > 1' }`, []],
    ['a metric condition is checked in the catalog', '{ metric: exceptions, op: ">", value: 1 }', []],
  ])('%s', (_, when, expected) => expectFound(check(alertPromqlType, { [ALERTS]: alerts([when]) }).found, expected));

  it('a block scalar: the line inside it', () => {
    const file = alerts(['{ metric: exceptions, op: ">", value: 1 }']).replace(
      "      when: { metric: exceptions, op: \">\", value: 1 }\n",
      '      when:\n        expr: |\n          sum(rate(x{a="b"}[5m]))\n          / avg(y{a="b"}[5m])\n',
    );
    expectFound(check(alertPromqlType, { [ALERTS]: file }).found, [[ALERTS, 13, 'y{a="b"}[5m])']]);
  });
});

describe('metrics/no-data-as-zero', () => {
  const extra = (name: string, query: string, more = '') => `    ${name}:\n      unit: count\n      query: ${query}\n${more}`;
  it.each<[string, string, string[], string[], Expected[]]>([
    ['or vector(0), used by a gate', '', ['{ metric: exceptions, op: "<", value: 1 }'], [], [[METRICS, 20, 'or vector(0)']]],
    ['or vector(0), used by a rollback row', '', [], ['{ metric: exceptions, op: ">", value: 10 }'], [[METRICS, 20, 'or vector(0)']]],
    ['with samples, no data is still recognised', '', ['{ metric: exceptions_counted, op: "<", value: 1 }'], [], []],
    ['a ratio metric: the denominator counts', '', ['{ metric: conversion, op: ">", value: 1 }'], [], []],
    ['a metric no gate uses', '', ['{ metric: error_rate, op: "<", value: 1 }'], [], []],
    ['absent()', extra('missing', 'absent(up{job="checkout"})'), ['{ metric: missing, op: "<", value: 1 }'], [], [[METRICS, 27, 'absent(up']]],
    ['absent_over_time()', extra('missing', 'absent_over_time(up{job="checkout"}[{{window}}])'), ['{ metric: missing, op: "<", value: 1 }'], [], [[METRICS, 27, 'absent_over_time']]],
    ['or a number', extra('fallback', 'sum(x{flag="{{flag}}"}) or 0'), ['{ metric: fallback, op: "<", value: 1 }'], [], [[METRICS, 27, 'or 0']]],
    ['the fallback does not reach the value', extra('trend', '(sum(rate(e{flag="{{flag}}"}[{{window}}])) or vector(0)) / sum(rate(r{flag="{{flag}}"}[{{window}}]))'), ['{ metric: trend, op: "<", value: 1 }'], [], []],
    ['in a block scalar, on the line of the or', extra('folded', '>-\n        count(up{flag="{{flag}}"} == 0)\n        or vector(0)'), ['{ metric: folded, op: "<", value: 1 }'], [], [[METRICS, 29, 'or vector(0)']]],
  ])('%s', (_, extraMetrics, gate, rollback, expected) =>
    expectFound(check(noDataAsZero, { [METRICS]: metrics(extraMetrics), [ROLLOUT]: rollout(gate, rollback) }).found, expected),
  );

  it('reports once per fallback however many criteria use the metric, naming one', () => {
    const gate = ['{ metric: exceptions, op: "<", value: 1 }', '{ metric: exceptions, op: "<", value: 2 }'];
    const { diagnostics } = check(noDataAsZero, { [METRICS]: metrics(), [ROLLOUT]: rollout(gate, [gate[0]]) });
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].message).toContain('"exceptions"');
    expect(diagnostics[0].message).toContain('checkout');
    expect(diagnostics[0].hint).toContain('samples');
  });
});

describe('gate/baseline-variant', () => {
  it.each<[string, string[], Expected[]]>([
    ['from control (the default) without {{variant}}', ['{ metric: memory_bytes, vsBaseline: { op: "<", ratio: 1.5 } }'], [[ROLLOUT, 15, 'vsBaseline']]],
    ['from: control, spelled out', ['{ metric: memory_bytes, vsBaseline: { op: "<", ratio: 1.5, from: control } }'], [[ROLLOUT, 15, 'vsBaseline']]],
    ['from: history needs no variant', ['{ metric: memory_bytes, vsBaseline: { op: "<", ratio: 1.5, from: history } }'], []],
    ['a query with {{variant}}', ['{ metric: error_rate, vsBaseline: { op: "<", ratio: 1.5 } }'], []],
    ['a ratio metric with {{variant}}', ['{ metric: conversion, vsBaseline: { op: ">", ratio: 0.95 } }'], []],
    ['no vsBaseline', ['{ metric: memory_bytes, op: "<", value: 1e9 }'], []],
    ['an unknown metric is gate/unknown-metric\'s', ['{ metric: nope, vsBaseline: { op: "<", ratio: 1.5 } }'], []],
  ])('%s', (_, gate, expected) => expectFound(check(baselineVariant, { [METRICS]: metrics(), [ROLLOUT]: rollout(gate) }).found, expected));

  it('in a rollback row and in an alert condition too; the hint says what to do', () => {
    const vs = '{ metric: memory_bytes, vsBaseline: { op: ">", ratio: 2 } }';
    const { found, diagnostics } = check(baselineVariant, { [METRICS]: metrics(), [ROLLOUT]: rollout([], [vs]), [ALERTS]: alerts([vs]) });
    expectFound(found, [
      [ROLLOUT, 22, 'vsBaseline'],
      [ALERTS, 10, 'vsBaseline'],
    ]);
    expect(diagnostics[0].hint).toBe('add {{variant}} to the query, or use from: history');
    expect(diagnostics[0].message).toContain('memory_bytes');
  });
});

describe('gate/min-samples', () => {
  it.each<[string, string, string[], string[], Expected[]]>([
    ['a metric without samples', '', ['{ metric: exceptions, op: "<", value: 1, minSamples: 100 }'], [], [[ROLLOUT, 15, 'minSamples']]],
    ['with samples', '', ['{ metric: exceptions_counted, op: "<", value: 1, minSamples: 100 }'], [], []],
    ['a ratio metric', '', ['{ metric: conversion, op: ">", value: 1, minSamples: 100 }'], [], []],
    ['a built-in', '', ['{ metric: time_in_stage, op: ">", value: 24, minSamples: 1 }'], [], [[ROLLOUT, 15, 'minSamples']]],
    ['in a rollback row', '', [], ['{ metric: memory_bytes, op: ">", value: 1e9, minSamples: 10 }'], [[ROLLOUT, 22, 'minSamples']]],
    ['the metric\'s own default', '    defaulted:\n      unit: count\n      query: sum(x{flag="{{flag}}"})\n      minSamples: 50\n', [], [], [[METRICS, 28, 'minSamples']]],
    ['the metric\'s own default, with samples', '    defaulted:\n      unit: count\n      query: sum(x{flag="{{flag}}"})\n      samples: sum(y{flag="{{flag}}"})\n      minSamples: 50\n', [], [], []],
    ['an unknown metric is gate/unknown-metric\'s', '', ['{ metric: nope, op: "<", value: 1, minSamples: 100 }'], [], []],
  ])('%s', (_, extra, gate, rollback, expected) => expectFound(check(minSamples, { [METRICS]: metrics(extra), [ROLLOUT]: rollout(gate, rollback) }).found, expected));
});

describe('gate/for-shape', () => {
  it.each<[string, string[], string[], Expected[]]>([
    ['an upper bound', ['{ metric: error_rate, op: "<", value: 1, for: 1h }'], [], []],
    ['a lower bound', ['{ metric: conversion, op: ">=", value: 1, for: 1h }'], [], []],
    ['between', ['{ metric: error_rate, between: [0, 1], for: 1h }'], [], []],
    ['a built-in', ['{ metric: time_in_stage, op: ">", value: 24, for: 1h }'], [], [[ROLLOUT, 15, 'for: 1h']]],
    ['rollbacks_in_stage', ['{ metric: rollbacks_in_stage, op: "<", value: 1, for: 1h }'], [], [[ROLLOUT, 15, 'for: 1h']]],
    ['a manual check', ['{ check: QA signed off, for: 1h }'], [], [[ROLLOUT, 15, 'for: 1h']]],
    ['outside', ['{ metric: error_rate, outside: [1, 5], for: 1h }'], [], [[ROLLOUT, 15, 'for: 1h']]],
    ['==', ['{ metric: error_rate, op: "==", value: 0, for: 1h }'], [], [[ROLLOUT, 15, 'for: 1h']]],
    ['!=', ['{ metric: error_rate, op: "!=", value: 0, for: 1h }'], [], [[ROLLOUT, 15, 'for: 1h']]],
    ['vsBaseline', ['{ metric: error_rate, vsBaseline: { op: "<", ratio: 1.5 }, for: 1h }'], [], [[ROLLOUT, 15, 'for: 1h']]],
    ['in a rollback row', [], ['{ metric: error_rate, op: "==", value: 0, for: 30m }'], [[ROLLOUT, 22, 'for: 30m']]],
  ])('%s', (_, gate, rollback, expected) => expectFound(check(forShape, { [ROLLOUT]: rollout(gate, rollback) }).found, expected));

  it('an alert\'s for is how long it fires, not a sustained criterion', () => {
    expectFound(check(forShape, { [ALERTS]: alerts(['{ metric: error_rate, vsBaseline: { op: "<", ratio: 1.5 }, for: 5m }']) }).found, []);
  });
});
