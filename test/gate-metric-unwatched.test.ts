// alert/gate-metric-unwatched: a gate metric is watched by a rule on it, or by raw PromQL that
// selects one of its series, read on the syntax tree: the exact name, not a prefix, not a
// string that spells it, not a regex on __name__, and only in the rollout's own alert files.
import { describe, expect, it } from 'vitest';
import { buildModel } from '../scripts/config/model.ts';
import { parseConfig } from '../scripts/config/parse.ts';
import { gateMetricUnwatched, selectedSeries } from '../scripts/rules/alert/gate-metric-unwatched.ts';
import { runRules } from '../scripts/rules/rule.ts';

const METRICS = `apiVersion: rollgate/v1
kind: Metrics
metadata:
  name: metrics
spec:
  metrics:
    services_failing:
      unit: count
      query: count(max by (service) (max_over_time(probe_success{flag="{{flag}}",variant="{{variant}}"}[{{window}}])) == 0)
    error_rate:
      unit: percent
      ratio:
        numerator: sum(increase(requests_total{flag="{{flag}}",outcome="error"}[{{window}}]))
        denominator: sum(increase(requests_total{flag="{{flag}}"}[{{window}}]))
`;

/** The gate's criterion on `metric` is on line 14, its value at column 19. */
const rollout = (name: string, metric: string) => `apiVersion: rollgate/v1
kind: Rollout
metadata:
  name: ${name}
spec:
  flag: ${name}-flag
  stages:
    - {name: blue, percentage: 0}
    - {name: green, percentage: 100}
  environments:
    production: {stage: blue}
  gates:
    green:
      mustPass:
        - metric: ${metric}
          op: '<'
          value: 1
`;

const alerts = (rollout: string, when: string) => `apiVersion: rollgate/v1
kind: AlertRules
metadata:
  name: ${rollout}-alerts
spec:
  rollout: ${rollout}
  rules:
    - name: a_rule
      severity: LOW
      when: ${when}
      notify: [slack]
      summary: s
`;

function warnings(files: Record<string, string>) {
  const parsed = Object.entries(files).map(([path, text]) => {
    const p = parseConfig(path, new TextEncoder().encode(text));
    if (!p.ok) throw new Error(`${path}: ${p.diagnostics.map((d) => d.message).join('; ')}`);
    return p;
  });
  return runRules(buildModel(parsed), [gateMetricUnwatched]).map((d) => ({ file: d.file, line: d.line, col: d.col, message: d.message }));
}

const UNWATCHED = (metric: string) => [{ file: 'rollout/r.yaml', line: 15, col: 19, message: `gate metric "${metric}" has no alert: nothing watches it between gates` }];

describe('alert/gate-metric-unwatched', () => {
  it.each<[string, string, string, ReturnType<typeof UNWATCHED> | []]>([
    ['a rule on the metric', 'services_failing', "{ metric: services_failing, op: '>', value: 0 }", []],
    ['raw PromQL selecting its series (multi-sport: probe_success per service)', 'services_failing', "{ expr: 'max by (service) (probe_success{variant=\"treatment\"}) == 0' }", []],
    ['raw PromQL selecting one of a ratio metric\'s series', 'error_rate', "{ expr: 'sum(rate(requests_total{outcome=\"error\"}[5m])) > 1' }", []],
    ['the series as {__name__="…"}', 'services_failing', "{ expr: '{__name__=\"probe_success\", variant=\"treatment\"} == 0' }", []],
    ['the series as a quoted name', 'services_failing', "{ expr: '{\"probe_success\"} == 0' }", []],
    ['a series whose name only starts with it', 'services_failing', "{ expr: 'probe_success_total > 0' }", UNWATCHED('services_failing')],
    ['the name only in a string', 'services_failing', "{ expr: 'label_replace(up, \"x\", \"probe_success\", \"\", \"\") == 0' }", UNWATCHED('services_failing')],
    ['a regex on __name__', 'services_failing', "{ expr: '{__name__=~\"probe_success|up\"} == 0' }", UNWATCHED('services_failing')],
    ['raw PromQL that does not parse', 'services_failing', "{ expr: 'max(probe_success == 0' }", UNWATCHED('services_failing')],
  ])('%s', (_, metric, when, expected) => {
    expect(warnings({ 'rollout/metrics.yaml': METRICS, 'rollout/r.yaml': rollout('r', metric), 'alerts/r.yaml': alerts('r', when) })).toEqual(expected);
  });

  it("another rollout's raw PromQL does not watch this rollout's gate", () => {
    const files = {
      'rollout/metrics.yaml': METRICS,
      'rollout/r.yaml': rollout('r', 'services_failing'),
      'rollout/other.yaml': rollout('other', 'error_rate'),
      'alerts/other.yaml': alerts('other', "{ expr: 'probe_success == 0 or requests_total > 0' }"),
    };
    expect(warnings(files)).toEqual(UNWATCHED('services_failing'));
  });

  it('selectedSeries reads names off the syntax tree, subqueries and offsets included', () => {
    expect([...selectedSeries('max_over_time((sum(rate(a_total{x="y"}[5m])) / b)[1h:1m]) or count(ALERTS offset 5m) or vector(0)')]).toEqual(['a_total', 'b', 'ALERTS']);
    expect([...selectedSeries('{__name__="with \\"quote\\""}')]).toEqual(['with "quote"']);
    expect([...selectedSeries('sum(')]).toEqual([]);
  });
});
