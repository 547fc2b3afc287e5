// Generates a large, valid rollgate repository for the benchmark.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

export interface Generated {
  rollouts: number;
  rules: number;
  /** Prometheus rule file with the same expressions, for promtool. */
  promRules: string;
}

const ROOT = join(import.meta.dirname, '..', '..');

function rollout(i: number): string {
  const name = `bench-rollout-${i}`;
  const crit = (metric: string, op: string, value: number, window: string) => `        - { name: ${metric} ${op} ${value}, metric: ${metric}, op: '${op}', value: ${value}, window: ${window} }\n`;
  return `# yaml-language-server: $schema=../schemas/rollout.schema.json
apiVersion: rollgate/v1
kind: Rollout
metadata:
  name: ${name}
  description: Generated rollout ${i} for the benchmark.
spec:
  flag: ${name}
  stickiness: userId
  stages:
    - { name: shadow, percentage: 0, shadow: true, bake: 24h }
    - { name: canary, percentage: 10, bake: 48h }
    - { name: staged, percentage: 50, bake: 72h }
    - { name: full, percentage: 100 }
  environments:
    staging: { stage: canary }
    production: { stage: shadow }
  gates:
    canary:
      mustPass:
${crit('error_rate', '<', 1, '24h')}${crit('latency_p95_ms', '<', 500, '24h')}        - { name: latency band, metric: latency_p95_ms, between: [1, 500], window: 24h }
      shouldPass:
        atLeast: 1
        criteria:
          - { metric: latency_p95_ms, vsBaseline: { op: '<', ratio: 2 }, window: 24h }
          - { check: Logs and monitoring working correctly }
      blockers:
${crit('latency_p95_ms', '>', 1000, '24h')}      approvals: [{ group: sre }]
    staged:
      mustPass:
${crit('error_rate', '<', 1, '48h')}        - { metric: error_rate, vsBaseline: { op: '<=', ratio: 1.5 }, window: 48h }
      blockers:
${crit('error_rate', '>', 2, '48h')}      approvals: [{ group: sre }, { group: product }]
    full:
      mustPass:
${crit('error_rate', '<', 0.5, '72h')}        - { check: Team confidence }
      approvals: [{ group: sre }, { group: product }]
  rollback:
    - severity: CRITICAL
      when: { any: [{ metric: error_rate, op: '>', value: 10, window: 15m }] }
      action: rollback
      to: shadow
      mode: emergency
    - severity: LOW
      when: { all: [{ metric: error_rate, op: '<', value: 2, window: 15m }] }
      action: monitor
`;
}

const exprs = (i: number, r: number) =>
  [
    `sum(rate(app_requests_total{flag="bench-rollout-${i}",outcome="error"}[5m])) / sum(rate(app_requests_total{flag="bench-rollout-${i}"}[5m])) > 0.${r + 1}`,
    `histogram_quantile(0.95, sum by (le) (rate(app_request_duration_seconds_bucket{flag="bench-rollout-${i}"}[5m]))) > ${r + 1}`,
    `increase(app_unhandled_exceptions_total{flag="bench-rollout-${i}"}[10m]) > ${r}`,
    `(time() - max(app_last_import_timestamp_seconds{flag="bench-rollout-${i}"})) / 3600 > ${24 + r}`,
  ][r % 4];

const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

function alerts(i: number, perFile: number): { yaml: string; prom: string } {
  let yaml = `# yaml-language-server: $schema=../schemas/alert-rules.schema.json
apiVersion: rollgate/v1
kind: AlertRules
metadata:
  name: bench-alerts-${i}
spec:
  rollout: bench-rollout-${i}
  rules:
`;
  // The gates' metrics are watched (alert/gate-metric-unwatched), besides the raw-PromQL rules counted.
  yaml += `    - { name: bench_${i}_error_rate, severity: HIGH, when: { metric: error_rate, op: '>', value: 5, window: 5m }, notify: [pagerduty-oncall], summary: Error rate over 5 %, runbook: { steps: [Roll back] } }
    - { name: bench_${i}_latency, severity: MEDIUM, when: { metric: latency_p95_ms, op: '>', value: 1000, window: 5m }, notify: [slack-deployments], summary: p95 over 1 s }
`;
  let prom = `  - name: bench-alerts-${i}\n    rules:\n`;
  for (let r = 0; r < perFile; r++) {
    const sev = SEVERITIES[r % 4];
    const name = `bench_${i}_rule_${r}`;
    yaml += `    - name: ${name}
      severity: ${sev}
      when:
        expr: '${exprs(i, r)}'
        for: 5m
      notify: [${sev === 'CRITICAL' || sev === 'HIGH' ? 'pagerduty-oncall, ' : ''}slack-deployments]
      summary: Generated rule ${r} of rollout ${i}
      runbook: { steps: [Look at the dashboard, Roll back if it persists] }
`;
    prom += `      - alert: ${name}
        expr: '${exprs(i, r)}'
        for: 5m
        labels: { severity: ${sev.toLowerCase()}, rollout: bench-rollout-${i} }
        annotations: { summary: 'Generated rule ${r} of rollout ${i}' }
`;
  }
  return { yaml, prom };
}

/** Writes `rollouts` rollouts and `rules` alert rules (raw PromQL) into `dir`. */
export function generateRepository(dir: string, rollouts = 5000, rules = 20000, options: { shadow?: boolean } = {}): Generated {
  mkdirSync(join(dir, 'rollout'), { recursive: true });
  mkdirSync(join(dir, 'alerts'), { recursive: true });
  for (const f of ['rollout/metrics.yaml', 'alerts/channels.yaml']) cpSync(join(ROOT, f), join(dir, f));
  // The benchmark measures stores on this machine: each environment's flag file on disk, not the published branch.
  const envs = parseDocument(readFileSync(join(ROOT, 'rollout', 'environments.yaml'), 'utf8'));
  for (const env of Object.keys((envs.toJS() as { spec: { environments: Record<string, unknown> } }).spec.environments)) {
    envs.setIn(['spec', 'environments', env, 'store'], envs.createNode({ type: 'flagd', path: `build/flags/${env}.flagd.json` }));
  }
  writeFileSync(join(dir, 'rollout', 'environments.yaml'), String(envs));
  mkdirSync(join(dir, 'schemas'), { recursive: true });
  cpSync(join(ROOT, 'schemas'), join(dir, 'schemas'), { recursive: true });
  const perFile = Math.ceil(rules / rollouts);
  let prom = 'groups:\n';
  let written = 0;
  for (let i = 0; i < rollouts; i++) {
    writeFileSync(join(dir, 'rollout', `bench-rollout-${i}.yaml`), options.shadow === false ? rollout(i).replace('shadow: true, ', '') : rollout(i));
    const n = Math.min(perFile, rules - written);
    if (n <= 0) continue;
    const a = alerts(i, n);
    writeFileSync(join(dir, 'alerts', `bench-alerts-${i}.yaml`), a.yaml);
    prom += a.prom;
    written += n;
  }
  const promRules = join(dir, 'prometheus-rules.yml');
  writeFileSync(promRules, prom);
  return { rollouts, rules: written, promRules };
}
