// What a fifth rollout written from a product brief needs the config to say (issue 11, "What
// the config cannot say"): one describe per item, through the CLI on real temp repositories,
// with a real Prometheus (backfilled history) where a verdict rests on measurements and
// promtool where alerts are exported.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollgate, ROOT } from './helpers/cli.ts';
import { repoFrom, setStage, type Repo } from './helpers/git.ts';
import { startPrometheus, type Prometheus } from './helpers/prometheus.ts';

const MINIMAL = join(ROOT, 'test', 'fixtures', 'valid', 'minimal');
const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

/** A fixture directory: `base` (the minimal repository) with `files` written over it, null deleting one. */
function fixture(files: Record<string, string | null>, base = MINIMAL): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-expressive-'));
  cpSync(base, dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    if (text === null) {
      rmSync(join(dir, path));
      continue;
    }
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const json = (r: { stdout: string }) => JSON.parse(r.stdout);
type Diagnostic = { code: string; severity: string; file: string; line: number; message: string; hint?: string };
const validate = (dir: string) => {
  const r = rollgate(['validate', '--dir', dir, '--format', 'json']);
  return { ...r, diagnostics: (json(r) as { diagnostics: Diagnostic[] }).diagnostics };
};

// --- The fifth rollout: search ranking v2, from its product brief ---------------------------
//
// "Search errors must not increase; cost per search not more than 1.1× control; results per
// search at least 8. Roll back to the previous stage when errors stay above 3 % for 30 minutes;
// investigate a short spike; the same health gate guards staged and full, full also needs two
// product approvals."

const FLAG = 'search-ranking-v2';
/** Scenarios are environments of their own, so one backfill serves them all. */
const ENVS = ['steady', 'spike', 'regressed'] as const;

const environmentsYaml = (url: string) => `# yaml-language-server: $schema=../schemas/environments.schema.json
apiVersion: rollgate/v1
kind: Environments
metadata:
  name: environments
spec:
  promotionOrder: [${ENVS.join(', ')}]
  environments:
${ENVS.map((e) => `    ${e}:\n      store:\n        type: flagd\n        path: build/flags/${e}.flagd.json\n      metrics:\n        type: prometheus\n        url: ${url}\n`).join('')}  approverGroups:
    sre:
      members: ['@acme/sre']
    product:
      members: ['@acme/product']
`;

const SEARCH_METRICS = `# yaml-language-server: $schema=../schemas/metrics.schema.json
apiVersion: rollgate/v1
kind: Metrics
metadata:
  name: metrics
spec:
  metrics:
    search_error_rate:
      unit: percent
      ratio:
        numerator: sum(increase(search_requests_total{flag="{{flag}}",variant="{{variant}}",env="{{env}}",outcome="error"}[{{window}}]))
        denominator: sum(increase(search_requests_total{flag="{{flag}}",variant="{{variant}}",env="{{env}}"}[{{window}}]))
    search_cost:
      description: What one search costs in the ranking service's spend.
      unit: currency:USD/search
      query: sum(increase(search_cost_usd_total{flag="{{flag}}",variant="{{variant}}",env="{{env}}"}[{{window}}])) / sum(increase(search_requests_total{flag="{{flag}}",variant="{{variant}}",env="{{env}}"}[{{window}}]))
      samples: sum(increase(search_requests_total{flag="{{flag}}",variant="{{variant}}",env="{{env}}"}[{{window}}]))
    results_per_search:
      unit: per:search
      query: sum(increase(search_results_total{flag="{{flag}}",variant="{{variant}}",env="{{env}}"}[{{window}}])) / sum(increase(search_requests_total{flag="{{flag}}",variant="{{variant}}",env="{{env}}"}[{{window}}]))
      samples: sum(increase(search_requests_total{flag="{{flag}}",variant="{{variant}}",env="{{env}}"}[{{window}}]))
`;

const SEARCH_ROLLOUT = `# yaml-language-server: $schema=../schemas/rollout.schema.json
apiVersion: rollgate/v1
kind: Rollout
metadata:
  name: search-ranking
spec:
  flag: ${FLAG}
  stages:
    - name: 'off'
      percentage: 0
    - name: canary
      percentage: 5
    - name: staged
      percentage: 50
    - name: full
      percentage: 100
  environments:
${ENVS.map((e) => `    ${e}:\n      stage: staged\n`).join('')}  sharedGates:
    healthy:
      mustPass:
        - name: errors-no-increase
          metric: search_error_rate
          vsBaseline: {noIncrease: true}
          window: 1h
          minSamples: 1000
        - name: cost-within-1.1x
          metric: search_cost
          vsBaseline: {op: '<=', ratio: 1.1}
          window: 1h
      shouldPass:
        atLeast: 0
        criteria:
          # The strict reading, for contrast: equal rates never show a ratio wholly at or below 1.
          - name: errors-at-most-control
            metric: search_error_rate
            vsBaseline: {op: '<=', ratio: 1}
            window: 1h
      approvals:
        - group: sre
  gates:
    canary:
      mustPass:
        - check: Ranking offline evaluation reviewed
    staged:
      extends: healthy
    full:
      extends: healthy
      mustPass:
        - name: results-per-search
          metric: results_per_search
          op: '>='
          value: 8
          window: 1h
      approvals:
        - group: product
          count: 2
  rollback:
    - severity: CRITICAL
      when:
        any:
          - {name: errors-over-10, metric: search_error_rate, op: '>', value: 10, window: 5m}
      action: rollback
      to: 'off'
      mode: emergency
    - severity: HIGH
      when:
        any:
          - {name: errors-over-3-for-30m, metric: search_error_rate, op: '>', value: 3, window: 5m, for: 30m}
      action: rollback
      to: previous
      mode: gradual
    - severity: MEDIUM
      when:
        any:
          - {name: errors-over-3-now, metric: search_error_rate, op: '>', value: 3, window: 5m}
      action: investigate
`;

const SEARCH_ALERTS = `# yaml-language-server: $schema=../schemas/alert-rules.schema.json
apiVersion: rollgate/v1
kind: AlertRules
metadata:
  name: search-ranking
spec:
  rollout: search-ranking
  rules:
    - name: SearchErrorsCritical
      severity: CRITICAL
      environments: [regressed]
      when: {metric: search_error_rate, op: '>', value: 10, window: 5m, for: 5m}
      notify: [pagerduty-oncall]
      summary: Search v2 errors over 10 %
      runbook: {steps: [Roll back to off]}
    - name: SearchCostHigh
      severity: LOW
      when: {metric: search_cost, vsBaseline: {op: '>', ratio: 1.1}, window: 1h}
      notify: [slack-deployments]
      summary: Search v2 costs more than 1.1x control per search
    - name: SearchResultsLow
      severity: LOW
      when: {metric: results_per_search, op: '<', value: 8, window: 1h}
      notify: [slack-deployments]
      summary: Search v2 returns fewer than 8 results per search
`;

/** One profile per variant and minute: error %, USD per search, results per search. */
interface Minute {
  errorPercent: number;
  usdPerSearch: number;
  resultsPerSearch: number;
}
const REQUESTS_PER_MINUTE = 600;
const HOURS = 3;
const END = Math.floor(Date.now() / 60_000) * 60 - 2 * 60;
const CONTROL: Minute = { errorPercent: 1, usdPerSearch: 0.01, resultsPerSearch: 9 };
const SCENARIOS: Record<(typeof ENVS)[number], { treatment: (ts: number) => Minute; control: Minute }> = {
  // Errors 5 % above control (noise-sized), cost 1.05×: healthy.
  steady: { treatment: () => ({ errorPercent: 1.05, usdPerSearch: 0.0105, resultsPerSearch: 9 }), control: CONTROL },
  // 6 % errors in the last 10 minutes only: seen now, not sustained over 30 minutes.
  spike: { treatment: (ts) => ({ errorPercent: ts > END - 600 ? 6 : 1, usdPerSearch: 0.01, resultsPerSearch: 9 }), control: CONTROL },
  // 4 % errors for hours and 1.3× the cost: a real regression.
  regressed: { treatment: () => ({ errorPercent: 4, usdPerSearch: 0.013, resultsPerSearch: 7 }), control: CONTROL },
};

/** OpenMetrics history of every scenario, one sample a minute, counters cumulative. */
function openMetrics(): string {
  type Series = { family: string; labels: string; values: number[] };
  const series: Series[] = [];
  const start = END - HOURS * 3600;
  for (const env of ENVS) {
    for (const variant of ['treatment', 'control'] as const) {
      const labels = `flag="${FLAG}",env="${env}",variant="${variant}"`;
      const totals = { ok: 0, error: 0, usd: 0, results: 0 };
      const ok: number[] = [];
      const error: number[] = [];
      const usd: number[] = [];
      const results: number[] = [];
      for (let ts = start; ts <= END; ts += 60) {
        const m = variant === 'control' ? SCENARIOS[env].control : SCENARIOS[env].treatment(ts);
        const errors = (REQUESTS_PER_MINUTE * m.errorPercent) / 100;
        totals.error += errors;
        totals.ok += REQUESTS_PER_MINUTE - errors;
        totals.usd += REQUESTS_PER_MINUTE * m.usdPerSearch;
        totals.results += REQUESTS_PER_MINUTE * m.resultsPerSearch;
        ok.push(totals.ok);
        error.push(totals.error);
        usd.push(totals.usd);
        results.push(totals.results);
      }
      series.push({ family: 'search_requests', labels: `${labels},outcome="ok"`, values: ok }, { family: 'search_requests', labels: `${labels},outcome="error"`, values: error });
      series.push({ family: 'search_cost_usd', labels, values: usd }, { family: 'search_results', labels, values: results });
    }
  }
  let out = '';
  for (const family of ['search_requests', 'search_cost_usd', 'search_results']) {
    out += `# TYPE ${family} counter\n`;
    for (const s of series.filter((x) => x.family === family)) {
      s.values.forEach((v, i) => (out += `${family}_total{${s.labels}} ${v.toFixed(4)} ${start + i * 60}\n`));
    }
  }
  return out + '# EOF\n';
}

let prometheus: Prometheus;
let search: Repo;

beforeAll(async () => {
  prometheus = await startPrometheus({ openMetrics: openMetrics() });
  search = repoFrom(
    fixture({
      'rollout/environments.yaml': environmentsYaml(prometheus.url),
      'rollout/metrics.yaml': SEARCH_METRICS,
      'rollout/search-ranking.yaml': SEARCH_ROLLOUT,
      'alerts/search-ranking.yaml': SEARCH_ALERTS,
      // The minimal repository's checkout rollout measures metrics this catalog does not have.
      'rollout/checkout.yaml': null,
      'alerts/checkout.yaml': null,
    }),
    ago(48),
  );
}, 300_000);
afterAll(() => prometheus?.stop());

describe('the fifth rollout as the brief says it', () => {
  it('validates with no error and no warning', () => {
    const r = validate(search.dir);
    expect(r.diagnostics).toEqual([]);
    expect(r.code).toBe(0);
  });
});

type Row = { severity: string; state: string; to?: string; criteria: { name: string; result: string; why: string }[] };
const assess = (env: string) => {
  const r = rollgate(['assess', 'search-ranking', '--env', env, '--dir', search.dir, '--format', 'json']);
  return { ...r, out: r.stdout.startsWith('{') ? json(r) : undefined };
};

describe('1. `for` and `to: previous` in rollback-matrix rows, through rollgate assess', () => {
  it('errors above 3 % for hours: the sustained HIGH row rolls back to the previous stage (staged → canary)', () => {
    const r = assess('regressed');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.out.row).toMatchObject({ severity: 'HIGH', state: 'matched', to: 'canary', mode: 'gradual' });
    expect(r.out.advice).toContain('roll back to canary (gradual)');
    expect(r.out.row.criteria[0].why).toContain('throughout the last 30m');
  });

  it('a 10-minute spike to 6 %: not sustained over 30 minutes, so no rollback; the row without `for` sees it (investigate)', () => {
    const r = assess('spike');
    expect(r.code).toBe(1);
    const rows = r.out.rows as Row[];
    expect(rows[1]).toMatchObject({ severity: 'HIGH', state: 'clear' });
    expect(rows[2]).toMatchObject({ severity: 'MEDIUM', state: 'matched' });
    expect(r.out.row.severity).toBe('MEDIUM');
    expect(r.out.advice).toContain('investigate');
    expect(r.out.advice).not.toContain('roll back');
  });

  it('healthy: no row matches, no action', () => {
    const r = assess('steady');
    expect(r.out.decision).toBe('no-action');
    expect(r.code).toBe(0);
  });

  it('`to: previous` names no stage and stays valid; a stage named "previous" would make it ambiguous', () => {
    const dir = fixture({ 'rollout/search-ranking.yaml': SEARCH_ROLLOUT.replace("    - name: canary\n", "    - name: previous\n").replaceAll('canary:', 'previous:') }, search.dir);
    const codes = validate(dir).diagnostics.map((d) => `${d.code}: ${d.message}`);
    expect(codes).toContain('rollback/unknown-stage: a stage is named "previous", so `to: previous` could mean it or the stage before the current one');
  });
});

type Criterion = { name: string; result: string; why: string; unit?: string; threshold: string; interval?: [number, number]; measured?: number };
const gate = (env: string, format = 'json') => rollgate(['gate', 'search-ranking', '--env', env, '--to', 'full', '--dir', search.dir, '--format', format]);
const criteria = (env: string): Map<string, Criterion> => {
  const out = json(gate(env));
  return new Map([...out.mustPass, ...out.shouldPass.criteria, ...out.blockers].map((c: Criterion) => [c.name, c]));
};

describe('2. "no increase" and "not more than 1.1× control" without offset metrics', () => {
  it('steady: noIncrease passes though the ratio interval straddles 1, where "<= 1 × control" cannot decide; cost 1.05× is within 1.1×', () => {
    const c = criteria('steady');
    const errors = c.get('errors-no-increase')!;
    expect(errors).toMatchObject({ result: 'PASS', threshold: 'no increase over control' });
    expect(errors.interval![0]).toBeLessThan(1);
    expect(errors.interval![1]).toBeGreaterThan(1);
    expect(errors.why).toContain('an increase is not shown');
    expect(c.get('errors-at-most-control')).toMatchObject({ result: 'INCONCLUSIVE' });
    expect(c.get('cost-within-1.1x')).toMatchObject({ result: 'PASS', threshold: '≤ 1.1 × control' });
    expect(c.get('cost-within-1.1x')!.measured).toBeCloseTo(1.05, 2);
  });

  it('regressed: 4 % against 1 % is an increase shown (FAIL); 1.3× the cost is over 1.1× (FAIL)', () => {
    const c = criteria('regressed');
    expect(c.get('errors-no-increase')).toMatchObject({ result: 'FAIL' });
    expect(c.get('errors-no-increase')!.interval![0]).toBeGreaterThan(1);
    expect(c.get('errors-no-increase')!.why).toContain('an increase is shown');
    expect(c.get('cost-within-1.1x')).toMatchObject({ result: 'FAIL' });
  });

  it('noIncrease is refused where a criterion says the bad case, and without minSamples on a counted metric', () => {
    const bad = SEARCH_ROLLOUT.replace("      action: investigate\n", "      action: investigate\n    - severity: LOW\n      when:\n        any:\n          - {metric: search_error_rate, vsBaseline: {noIncrease: true}, window: 1h, minSamples: 100}\n      action: monitor\n").replace('          minSamples: 1000\n', '');
    const found = validate(fixture({ 'rollout/search-ranking.yaml': bad }, search.dir)).diagnostics.filter((d) => d.code === 'gate/baseline-direction');
    expect(found.map((d) => d.message)).toEqual([
      'noIncrease on "search_error_rate" without minSamples passes as soon as a few requests show no clear increase',
      'noIncrease says the good case, and a rollback-matrix condition says the bad case',
    ]);
  });

  it('noIncrease with op or ratio, or without either, is a schema error with the field', () => {
    const both = SEARCH_ROLLOUT.replace('vsBaseline: {noIncrease: true}', "vsBaseline: {noIncrease: true, op: '<='}").replace("vsBaseline: {op: '<=', ratio: 1.1}", "vsBaseline: {op: '<='}");
    const d = validate(fixture({ 'rollout/search-ranking.yaml': both }, search.dir)).diagnostics;
    expect(d).toContainEqual(expect.objectContaining({ code: 'schema/invalid', message: expect.stringContaining('noIncrease is the comparison: leave out op and ratio') }));
    expect(d).toContainEqual(expect.objectContaining({ code: 'schema/required', message: 'missing required field "ratio"' }));
  });
});

describe('3. alerts scoped to some environments', () => {
  const STAGING_PAGES = `# yaml-language-server: $schema=../schemas/alert-rules.schema.json
apiVersion: rollgate/v1
kind: AlertRules
metadata:
  name: checkout
spec:
  rollout: checkout
  rules:
    - name: CheckoutErrorRateCritical
      severity: CRITICAL
      environments: [production]
      when: {metric: error_rate, op: '>', value: 5, for: 5m}
      notify: [pagerduty-oncall]
      summary: Checkout v2 error rate over 5 %
      runbook: {steps: [Check the error dashboard]}
      onFire: {rollback: {to: canary}}
    - name: CheckoutErrorsByEnv
      severity: HIGH
      environments: [production]
      when:
        expr: sum by (env) (rate(app_errors_total{flag="checkout-v2"}[5m])) > 1
      notify: [pagerduty-oncall]
      summary: Checkout v2 errors per second over 1
      runbook: {steps: [Check the error dashboard]}
    - name: CheckoutLatencyP95High
      severity: MEDIUM
      when: { metric: latency_p95_ms, op: '>', value: 300, window: 10m, for: 10m }
      notify: [slack-deployments]
      summary: Checkout v2 p95 over the 300 ms gate
    - name: CheckoutConversionDrop
      severity: HIGH
      when: { metric: conversion_rate, vsBaseline: { op: '<', ratio: 0.95 }, window: 1h }
      notify: [pagerduty-oncall]
      summary: Checkout v2 converts 5 % worse than v1
      runbook: { steps: [Compare the funnels of both variants] }
`;
  // The minimal catalog's error rate with the environment in its query, as a real catalog has it.
  const METRICS = readFileSync(join(MINIMAL, 'rollout', 'metrics.yaml'), 'utf8').replaceAll('variant="{{variant}}"}', 'variant="{{variant}}",env="{{env}}"}');
  const series = (env: string, errorsPerMinute: number) => `      - series: 'app_errors_total{flag="checkout-v2",variant="treatment",env="${env}"}'
        values: '0+${errorsPerMinute}x20'
      - series: 'app_requests_total{flag="checkout-v2",variant="treatment",env="${env}"}'
        values: '0+600x20'
`;
  const expected = (env: string) => `          - exp_labels: {severity: critical, rollout: checkout, flag: checkout-v2, env: ${env}, rollgate_notify: pagerduty-oncall, rollgate_rollback: 'true', rollback_to: canary, rollback_mode: emergency}
            exp_annotations: {summary: Checkout v2 error rate over 5 %, runbook_steps: Check the error dashboard, rollgate: alerts/checkout.yaml}
`;
  /** Both environments at 20 % errors, then staging alone: production's alerts fire, staging's never (unless `loud` expects them). */
  const tests = (loud = false) => `rule_files:
  - checkout.rules.yml
evaluation_interval: 1m
tests:
  - name: both environments fail; only production alerts
    interval: 1m
    input_series:
${series('staging', 120)}${series('production', 120)}    alert_rule_test:
      - eval_time: 10m
        alertname: CheckoutErrorRateCritical
        exp_alerts:
${expected('production')}${loud ? expected('staging') : ''}      - eval_time: 10m
        alertname: CheckoutErrorsByEnv
        exp_alerts:
          - exp_labels: {severity: high, rollout: checkout, flag: checkout-v2, env: production, rollgate_notify: pagerduty-oncall}
            exp_annotations: {summary: Checkout v2 errors per second over 1, runbook_steps: Check the error dashboard, rollgate: alerts/checkout.yaml}
  - name: staging alone fails; nothing fires, nothing pages
    interval: 1m
    input_series:
${series('staging', 120)}${series('production', 0)}    alert_rule_test:
      - eval_time: 10m
        alertname: CheckoutErrorRateCritical
        exp_alerts: []
      - eval_time: 10m
        alertname: CheckoutErrorsByEnv
        exp_alerts: []
`;
  const dir = fixture({ 'rollout/metrics.yaml': METRICS, 'alerts/checkout.yaml': STAGING_PAGES, 'alerts/tests/checkout.yaml': tests() });

  it('validates: the scope names declared environments', () => {
    expect(validate(dir).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('exports a scoped metric rule for production only, and keeps an expr to env="production"', () => {
    const out = join(dir, 'build', 'out');
    const r = rollgate(['alerts', 'export', '--dir', dir, '--out', out, '--webhook-url', 'http://127.0.0.1:9/alertmanager']);
    expect(r.code).toBe(0);
    const rules = readFileSync(join(out, 'alerts', 'checkout.rules.yml'), 'utf8');
    const critical = rules.split('- alert: ').filter((x) => x.startsWith('CheckoutErrorRateCritical'));
    expect(critical).toHaveLength(1);
    expect(critical[0]).toContain('env: production');
    expect(critical[0]).not.toContain('staging');
    // Unscoped rules stay per environment.
    expect(rules.split('- alert: ').filter((x) => x.startsWith('CheckoutLatencyP95High'))).toHaveLength(2);
    expect(rules).toContain('and on(env) (label_replace(vector(1), "env", "production", "", ""))');
  });

  it('promtool: staging fails the same way and neither rule fires (nor pages) there', () => {
    const r = rollgate(['alerts', 'test', '--dir', dir, '--format', 'json']);
    expect(json(r)).toMatchObject({ ok: true, tests: [{ file: 'alerts/tests/checkout.yaml', ok: true }] });
    expect(r.code).toBe(0);
  });

  it('promtool fails when the test expects staging to fire: the scope is what keeps it quiet', () => {
    const d = fixture({ 'alerts/tests/checkout.yaml': tests(true) }, dir);
    const r = rollgate(['alerts', 'test', '--dir', d, '--format', 'json']);
    expect(json(r).ok).toBe(false);
    expect(r.code).toBe(1);
  });

  it('a CRITICAL rule scoped to staging does not count for production; an unknown environment is an error', () => {
    const d = fixture({ 'alerts/checkout.yaml': STAGING_PAGES.replace('environments: [production]', 'environments: [staging]').replace('environments: [production]', 'environments: [prodution]') });
    const diagnostics = validate(d).diagnostics;
    expect(diagnostics).toContainEqual(expect.objectContaining({ code: 'alert/production-critical', severity: 'warning' }));
    expect(diagnostics).toContainEqual(expect.objectContaining({ code: 'alert/unknown-environment', file: 'alerts/checkout.yaml', line: 19, hint: 'did you mean "production"?' }));
  });
});

describe('4. one gate reused across stages: sharedGates and extends', () => {
  it('the gate into full is the shared gate, then its own: the report lists both, approvals merged by group', () => {
    const out = json(gate('steady'));
    expect(out.mustPass.map((c: Criterion) => c.name)).toEqual(['errors-no-increase', 'cost-within-1.1x', 'results-per-search']);
    expect(out.approvals.map((a: { group: string; required: number }) => [a.group, a.required])).toEqual([
      ['sre', 1],
      ['product', 2],
    ]);
  });

  const SHARED = `# yaml-language-server: $schema=../schemas/rollout.schema.json
apiVersion: rollgate/v1
kind: Rollout
metadata:
  name: checkout
spec:
  flag: checkout-v2
  stages:
    - name: canary
      percentage: 10
    - name: staged
      percentage: 50
    - name: full
      percentage: 100
  environments:
    staging:
      stage: staged
    production:
      stage: canary
  sharedGates:
    healthy:
      mustPass:
        - name: errors
          metric: error_rate
          op: '<'
          value: 0.5
          window: 1h
      approvals:
        - group: sre
  gates:
    staged:
      extends: healthy
    full:
      extends: healthy
      approvals:
        - group: product
          count: 2
  rollback:
    - severity: CRITICAL
      when:
        any:
          - metric: error_rate
            op: '>'
            value: 5
      action: rollback
      to: canary
      mode: emergency
`;
  const FILE = 'rollout/checkout.yaml';
  const weaken = (t: string) => t.replace('          value: 0.5\n', '          value: 2\n');
  function pr() {
    const repo = repoFrom(fixture({ [FILE]: SHARED }), ago(72));
    repo.git('checkout', '-q', '-b', 'pr');
    const plan = () => {
      const r = rollgate(['plan', '--dir', repo.dir, '--base', 'origin/main', '--format', 'json']);
      return { ...r, out: r.stdout.startsWith('{') ? json(r) : undefined };
    };
    return { repo, plan };
  }

  it('a PR that weakens the shared gate and advances through a gate extending it is refused: it changed that gate', () => {
    const { repo, plan } = pr();
    repo.commit(FILE, (t) => setStage('production', 'staged')(weaken(t)), 'Loosen the health gate and advance');
    const r = plan();
    expect(r.code).toBe(1);
    const refusal = r.out.refusals.find((x: { code: string }) => x.code === 'policy/advance-alone');
    // Nothing under spec.gates was edited in the text; the resolved gate into staged changed.
    expect(refusal.message).toContain('spec.gates.staged.mustPass[0].value');
    expect(refusal.message).toContain('spec.gates.full.mustPass[0].value');
  });

  it('the gate job reads the shared gate from base: the PR\'s weaker threshold is not what is measured', () => {
    const { repo } = pr();
    repo.commit(FILE, (t) => setStage('production', 'staged')(weaken(t)), 'Loosen the health gate and advance');
    const metrics = join(mkdtempSync(join(tmpdir(), 'rollgate-metrics-')), 'metrics.json');
    writeFileSync(metrics, JSON.stringify({ error_rate: 1 }));
    const r = rollgate(['gate', 'checkout', '--env', 'production', '--base', 'origin/main', '--metrics', metrics, '--dir', repo.dir, '--format', 'json']);
    const out = json(r);
    expect(out.mustPass[0]).toMatchObject({ name: 'errors', threshold: '< 0.5', result: 'FAIL' });
    expect(out.decision).toBe('NO-GO');
  });

  it('a PR that only edits the shared gate is a change of every gate extending it, reviewed by each gate\'s approvers', () => {
    const { repo, plan } = pr();
    repo.commit(FILE, weaken, 'Loosen the health gate');
    const r = plan();
    const gates = r.out.changes.filter((c: { kind: string }) => c.kind === 'gate').map((c: { stage: string }) => c.stage);
    expect(gates.sort()).toEqual(['full', 'staged']);
    const reviews = new Map(r.out.reviews.map((x: { group: string; count: number }) => [x.group, x.count]));
    expect(reviews.get('sre')).toBe(1);
    expect(reviews.get('product')).toBe(2);
  });

  it('a criterion with the name of an inherited one replaces it; lists are otherwise appended', () => {
    const tighter = SHARED.replace('      extends: healthy\n      approvals:', "      extends: healthy\n      mustPass:\n        - {name: errors, metric: error_rate, op: '<', value: 0.1, window: 1h}\n        - {check: Support signed off}\n      approvals:");
    const repo = repoFrom(fixture({ [FILE]: tighter }), ago(72));
    const metrics = join(mkdtempSync(join(tmpdir(), 'rollgate-metrics-')), 'metrics.json');
    writeFileSync(metrics, JSON.stringify({ error_rate: 0.3 }));
    const full = json(rollgate(['gate', 'checkout', '--env', 'staging', '--to', 'full', '--metrics', metrics, '--dir', repo.dir, '--format', 'json']));
    expect(full.mustPass.map((c: Criterion) => [c.name, c.threshold])).toEqual([
      ['errors', '< 0.1'],
      ['Support signed off', 'manual check'],
    ]);
  });
});

describe('5. currency and "per search" units', () => {
  it('gate reports show USD per search and per search after the numbers', () => {
    const c = criteria('steady');
    expect(c.get('cost-within-1.1x')!.unit).toBe('USD per search');
    expect(c.get('results-per-search')!.unit).toBe('per search');
    const text = gate('steady', 'text').stdout;
    expect(text).toMatch(/0\.0105 USD per search/);
    expect(text).toMatch(/9 per search/);
  });

  it('an unknown unit is schema/invalid-value with the units and forms allowed', () => {
    const d = validate(fixture({ 'rollout/metrics.yaml': SEARCH_METRICS.replace('currency:USD/search', 'currency:usd') }, search.dir)).diagnostics;
    expect(d).toContainEqual(expect.objectContaining({ code: 'schema/invalid-value', file: 'rollout/metrics.yaml', line: 15, hint: expect.stringContaining('currency:USD') }));
  });
});
