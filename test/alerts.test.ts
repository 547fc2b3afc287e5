import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conditionExpr, exportAlertmanager, ExportError, exportRules, prometheusRules, type PrometheusRule } from '../scripts/alerts/export.ts';
import { checkAlertmanagerConfig, checkRules, ToolMissingError } from '../scripts/alerts/promtool.ts';
import type { ConfigModel } from '../scripts/config/model.ts';
import type { AlertRule } from '../scripts/config/schema/index.ts';
import { promqlSyntaxError } from '../scripts/metrics/promql.ts';
import { validateRepository } from '../scripts/rules/validate-repository.ts';
import { ROOT, rollgate } from './helpers/cli.ts';
import { seedRepo } from './helpers/seed-repo.ts';

// Unique per run, so a match can only mean the export copied a value out of the environment.
const SECRETS: Record<string, string> = Object.fromEntries(
  ['PAGERDUTY_ROUTING_KEY', 'SLACK_ALERTS_WEBHOOK_URL', 'SLACK_DEPLOYMENTS_WEBHOOK_URL', 'ROLLGATE_WEBHOOK_TOKEN'].map((name) => [name, `secret-${name.toLowerCase()}-${process.pid}-${Date.now()}`]),
);
const saved = Object.fromEntries(Object.keys(SECRETS).map((k) => [k, process.env[k]]));
const OUT = mkdtempSync(join(tmpdir(), 'rollgate-alerts-out-'));
const RULE_FILES = ['batch-patch-system', 'cohort-analyzer', 'multi-sport-platform', 'qb-td-calculator-v2'].map((n) => join(OUT, 'alerts', `${n}.rules.yml`));
const AM = join(OUT, 'alertmanager.yml');

let model: ConfigModel;
let exported: ReturnType<typeof rollgate>;
beforeAll(async () => {
  Object.assign(process.env, SECRETS); // the CLI child inherits them
  exported = rollgate(['alerts', 'export', '--out', OUT, '--check']);
  model = (await validateRepository(ROOT)).model;
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
});

/** Every rule of the exported files, by alert name (one per environment for metric alerts). */
const exportedRules = () => {
  const rules = new Map<string, PrometheusRule[]>();
  for (const file of RULE_FILES) {
    const doc = parse(readFileSync(file, 'utf8')) as { groups: { name: string; rules: PrometheusRule[] }[] };
    expect(doc.groups).toHaveLength(1);
    for (const r of doc.groups[0].rules) rules.set(r.alert, [...(rules.get(r.alert) ?? []), r]);
  }
  return rules;
};
const ruleOf = (alert: string, env?: string) => {
  const found = exportedRules().get(alert)?.find((r) => env === undefined || r.labels.env === env);
  if (!found) throw new Error(`no exported rule ${alert} ${env ?? ''}`);
  return found;
};
const routes = (labels: Record<string, string>) =>
  execFileSync('amtool', ['config', 'routes', 'test', `--config.file=${AM}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .trim()
    .split(',');

describe('rollgate alerts export', () => {
  it('writes one rule file per alert file and alertmanager.yml, which pass promtool and amtool (--check)', async () => {
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    for (const f of [...RULE_FILES, AM]) expect(exported.stdout).toContain(`${relative(ROOT, f)}`);
    expect(exported.stdout).toMatch(/^wrote \S+\/alerts\/qb-td-calculator-v2\.rules\.yml \(35 rules\)$/m);
    expect(exported.stdout).toContain('promtool check rules: ok');
    expect(exported.stdout).toContain('amtool check-config: ok');
    // The same files through the ports, on the real binaries.
    const rules = await checkRules(RULE_FILES);
    expect(rules.output).toContain('SUCCESS: 35 rules found');
    expect(rules.ok).toBe(true);
    expect((await checkAlertmanagerConfig(AM)).ok).toBe(true);
  });

  it('a metric threshold: one rule per environment, the catalog query rendered, `for`, labels and annotations', () => {
    const perEnv = exportedRules().get('batch_error_rate_critical')!;
    expect(perEnv.map((r) => r.labels.env)).toEqual(['staging', 'production']);
    expect(ruleOf('batch_error_rate_critical', 'production')).toEqual({
      alert: 'batch_error_rate_critical',
      expr:
        '(100 * (sum(increase(app_requests_total{flag="batch-patches-v1",variant="treatment",env="production",outcome="error"}[5m])) ' +
        'or 0 * sum(increase(app_requests_total{flag="batch-patches-v1",variant="treatment",env="production"}[5m]))) / ' +
        '(sum(increase(app_requests_total{flag="batch-patches-v1",variant="treatment",env="production"}[5m])))) > 10',
      for: '5m',
      labels: {
        severity: 'critical',
        rollout: 'batch-patch-system',
        flag: 'batch-patches-v1',
        env: 'production',
        rollgate_notify: 'email-team,pagerduty-oncall,slack-alerts-critical',
        rollgate_rollback: 'true',
        rollback_to: 'off',
        rollback_mode: 'emergency',
      },
      annotations: {
        summary: 'Batch patches error rate above 10% (critical) - rolling back',
        description: 'Target < 2 %. Critical level of the metric table; any CRITICAL alert is a rollback trigger.',
        runbook_url: 'rollout/runbooks/batch-patch-system.md',
        runbook_steps: expect.stringMatching(/^Instant rollback \(< 30 s\).*\nVerify - batch_patches_total/),
        rollgate: 'alerts/batch-patch-system.yaml',
      },
    });
    // Every query is parenthesised whole: a catalog query may end in `or vector(0)`, which binds looser than `>`.
    expect(ruleOf('v2_database_connection_failure', 'staging').expr).toBe('(sum(increase(app_db_connection_errors_total{flag="qb-td-calculator-v2",env="staging"}[5m]))) > 0');
    // No window in the rule: the metric's defaultWindow. No `for`: none exported.
    const fresh = ruleOf('v2_data_freshness', 'production');
    expect(fresh.expr).toBe('((time() - max(qbtd_last_game_log_import_timestamp_seconds{env="production"})) / 3600) > 24');
    expect(fresh).not.toHaveProperty('for');
    expect(fresh.labels).toEqual({ severity: 'low', rollout: 'qb-td-calculator-v2', flag: 'qb-td-calculator-v2', env: 'production', rollgate_notify: 'slack-deployments' });
  });

  it('vsBaseline: treatment query ÷ control query against the ratio', () => {
    const q = (variant: string) =>
      `(100 * sum(increase(app_conversions_total{flag="qb-td-calculator-v2",variant="${variant}",env="production"}[1h])) / ` +
      `sum(increase(app_sessions_total{flag="qb-td-calculator-v2",variant="${variant}",env="production"}[1h])))`;
    expect(ruleOf('v2_conversion_rate_drop', 'production').expr).toBe(`${q('treatment')} / ${q('control')} < 0.95`);
  });

  it('a raw expr: exported once, as written, its env coming from the expression', () => {
    const raw = exportedRules().get('multisport_green_health_check_failing')!;
    expect(raw).toHaveLength(1);
    const written = model.alertRules.flatMap((a) => a.doc.spec.rules).find((r) => r.name === 'multisport_green_health_check_failing')!.when.expr!;
    expect(raw[0].expr).toBe(written.trim());
    expect(raw[0].expr).toMatch(/^max by \(env, service\) \(probe_success\{rollout_flag="multi-sport-platform-green",variant="treatment"\}\) == 0 unless on \(env\) \(\n/);
    expect(raw[0].for).toBe('3m');
    expect(raw[0].labels).not.toHaveProperty('env');
    expect(raw[0].annotations.summary).toBe('Green service {{ $labels.service }} failing its health check for 3 minutes - switching back to blue');
  });

  it('onFire.rollback: rollgate_rollback, rollback_to (absent = the previous stage), rollback_mode; none without it', () => {
    expect(ruleOf('v2_database_connection_failure', 'production').labels).toMatchObject({ rollgate_rollback: 'true', rollback_to: 'off', rollback_mode: 'emergency' });
    expect(ruleOf('v2_very_high_error_rate', 'production').labels).toMatchObject({ rollgate_rollback: 'true', rollback_to: 'off', rollback_mode: 'emergency' });
    // No seed rule leaves `to` out any more; the same rule without it exports no rollback_to.
    const qbAlerts = model.alertRules.find((a) => a.doc.metadata.name === 'qb-td-calculator-v2')!;
    const veryHigh = qbAlerts.doc.spec.rules.find((r) => r.name === 'v2_very_high_error_rate')!;
    const previous = prometheusRules(model, qbAlerts, { ...veryHigh, onFire: { rollback: { mode: 'emergency' } } })[0].labels;
    expect(previous).toMatchObject({ rollgate_rollback: 'true', rollback_mode: 'emergency' });
    expect(previous).not.toHaveProperty('rollback_to');
    expect(ruleOf('multisport_green_health_check_failing').labels).toMatchObject({ rollout: 'multi-sport-platform', rollgate_rollback: 'true', rollback_to: 'blue' });
    for (const alert of ['cohort_high_latency', 'v2_high_error_rate']) {
      const labels = ruleOf(alert, 'production').labels;
      for (const key of ['rollgate_rollback', 'rollback_to', 'rollback_mode']) expect(labels).not.toHaveProperty(key);
    }
    // A stage named "off" stays a string for Go's YAML 1.1 readers.
    expect(readFileSync(RULE_FILES[0], 'utf8')).toContain('rollback_to: "off"');
  });

  it('between and outside fire on the condition as written; every form parses as PromQL', () => {
    const rule = (when: Partial<AlertRule['when']>) => ({ name: 'x', severity: 'HIGH', notify: ['slack-deployments'], summary: 's', when: { metric: 'error_rate', window: '5m', ...when } }) as AlertRule;
    const q = '(100 * sum(rate(app_requests_total{flag="f",variant="treatment",env="staging",outcome="error"}[5m])) / sum(rate(app_requests_total{flag="f",variant="treatment",env="staging"}[5m])))';
    expect(conditionExpr(model, rule({ between: [1, 5] }), 'f', 'staging')).toBe(`(${q} >= 1) <= 5`);
    expect(conditionExpr(model, rule({ outside: [1, 5] }), 'f', 'staging')).toBe(`(${q} < 1 or ${q} > 5)`);
    for (const when of [{ between: [1, 5] }, { outside: [1, 5] }, { op: '<=', value: -0.5 }, { vsBaseline: { op: '>=', ratio: 1.05 } }] as const) {
      expect(promqlSyntaxError(conditionExpr(model, rule(when as Partial<AlertRule['when']>), 'f', 'staging'))).toBeUndefined();
    }
    expect(() => conditionExpr(model, rule({ metric: 'time_in_stage', op: '>', value: 1 }), 'f', 'staging')).toThrow(ExportError);
  });
});

describe('the Alertmanager config', () => {
  const config = () => parse(readFileSync(AM, 'utf8'));

  it('a critical rollback alert reaches rollgate’s webhook AND the pager and the incident channel', () => {
    const labels = ruleOf('v2_very_high_error_rate', 'production').labels;
    expect(routes({ alertname: 'v2_very_high_error_rate', ...labels })).toEqual(['rollgate_rollback', 'pagerduty-oncall', 'slack-engineering-alerts']);
    // Three channels in notify: all three, besides the webhook.
    expect(routes({ alertname: 'batch_error_rate_critical', ...ruleOf('batch_error_rate_critical', 'production').labels })).toEqual(['rollgate_rollback', 'email-team', 'pagerduty-oncall', 'slack-alerts-critical']);
  });

  it('alerts without onFire reach only their own channels, whatever else shares their severity', () => {
    expect(routes({ alertname: 'cohort_high_latency', ...ruleOf('cohort_high_latency', 'production').labels })).toEqual(['pagerduty-oncall', 'slack-engineering-alerts']);
    expect(routes({ alertname: 'v2_performance_degradation_critical', ...ruleOf('v2_performance_degradation_critical', 'production').labels })).toEqual(['slack-engineering-alerts']);
    expect(routes({ alertname: 'v2_slow_queries', ...ruleOf('v2_slow_queries', 'staging').labels })).toEqual(['slack-deployments']);
    expect(routes({ alertname: 'not_from_rollgate', severity: 'critical' })).toEqual(['rollgate_unrouted']);
  });

  it('receivers per channel, secrets only as *_file paths, the webhook with a bearer token file', () => {
    const receivers = Object.fromEntries((config().receivers as { name: string }[]).map((r) => [r.name, r]));
    expect(Object.keys(receivers).sort()).toEqual(['email-team', 'pagerduty-oncall', 'rollgate_rollback', 'rollgate_unrouted', 'slack-alerts-critical', 'slack-alerts-warnings', 'slack-deployments', 'slack-engineering-alerts']);
    expect(receivers['pagerduty-oncall']).toEqual({ name: 'pagerduty-oncall', pagerduty_configs: [{ routing_key_file: '/etc/alertmanager/secrets/PAGERDUTY_ROUTING_KEY', send_resolved: true }] });
    expect(receivers['slack-engineering-alerts']).toEqual({ name: 'slack-engineering-alerts', slack_configs: [{ api_url_file: '/etc/alertmanager/secrets/SLACK_ALERTS_WEBHOOK_URL', channel: '#engineering-alerts', send_resolved: true }] });
    expect(receivers.rollgate_rollback).toEqual({
      name: 'rollgate_rollback',
      webhook_configs: [{ url: 'http://127.0.0.1:9095/alertmanager', http_config: { authorization: { type: 'Bearer', credentials_file: '/etc/alertmanager/secrets/ROLLGATE_WEBHOOK_TOKEN' } }, send_resolved: false }],
    });
    expect(config().global).toEqual({ smtp_smarthost: 'smtp.invalid:587', smtp_from: 'rollgate-alerts@example.invalid' });
  });

  it('no secret value from the environment appears in any exported file', () => {
    const files = readdirSync(OUT, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(OUT, f)).isFile());
    expect(files.length).toBe(RULE_FILES.length + 1);
    for (const f of files) {
      const text = readFileSync(join(OUT, f), 'utf8');
      for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    }
    expect(readFileSync(AM, 'utf8')).not.toMatch(/^\s*(api_url|routing_key|service_key|credentials|auth_password):/m);
  });

  it('a higher severity of the same rollout and env inhibits the lower ones, never a rollback alert', () => {
    const same = ['rollout', 'env'];
    expect(config().inhibit_rules).toEqual([
      { source_matchers: ['severity="critical"'], target_matchers: ['severity=~"high|medium|low"', 'rollgate_rollback!="true"'], equal: same },
      { source_matchers: ['severity="high"'], target_matchers: ['severity=~"medium|low"', 'rollgate_rollback!="true"'], equal: same },
      { source_matchers: ['severity="medium"'], target_matchers: ['severity=~"low"', 'rollgate_rollback!="true"'], equal: same },
    ]);
  });

  it('--webhook-url, --secrets-dir and --group-wait override the defaults everywhere', () => {
    const out = mkdtempSync(join(tmpdir(), 'rollgate-alerts-out-'));
    const r = rollgate(['alerts', 'export', '--out', out, '--webhook-url', 'http://127.0.0.1:1/hook', '--secrets-dir', '/run/secrets', '--group-wait', '1s', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, files: expect.arrayContaining([expect.stringMatching(/alertmanager\.yml$/)]) });
    const text = readFileSync(join(out, 'alertmanager.yml'), 'utf8');
    const cfg = parse(text);
    const waits: string[] = [];
    const walk = (route: { group_wait?: string; routes?: unknown[] }) => {
      if (route.group_wait) waits.push(route.group_wait);
      (route.routes ?? []).forEach((child) => walk(child as typeof route));
    };
    walk(cfg.route);
    expect(waits.length).toBeGreaterThan(1);
    expect(new Set(waits)).toEqual(new Set(['1s']));
    expect(text).toContain('url: http://127.0.0.1:1/hook');
    expect(text).toContain('credentials_file: /run/secrets/ROLLGATE_WEBHOOK_TOKEN');
    expect(text).not.toContain('/etc/alertmanager/secrets');
  });

  it('--check exits 1 when a checker refuses the output; a zero interval is a usage error', () => {
    const out = mkdtempSync(join(tmpdir(), 'rollgate-alerts-out-'));
    const r = rollgate(['alerts', 'export', '--out', out, '--check'], { env: { AMTOOL: '/bin/false' } });
    expect(r.stdout).toContain('promtool check rules: ok');
    expect(r.stdout).toContain('amtool check-config: FAILED');
    expect(r.code).toBe(1);
    const zero = rollgate(['alerts', 'export', '--out', out, '--group-interval', '0s']);
    expect(zero.stderr).toContain('--group-interval must be longer than 0');
    expect(zero.code).toBe(2);
  });

  it('rollback rules without a webhook to send them to are an export error', () => {
    const channelCatalog = new Map([...model.channelCatalog].filter(([name]) => name !== 'rollgate-webhook'));
    expect(() => exportAlertmanager({ ...model, channelCatalog })).toThrow(/rollgate-webhook.*--webhook-url/);
    expect(exportAlertmanager({ ...model, channelCatalog }, { webhookUrl: 'http://hook.example/x' })).toContain('url: http://hook.example/x');
    // Rules export without any channel lookups.
    expect(exportRules({ ...model, channelCatalog }).map((f) => f.file)).toEqual(['alerts/batch-patch-system.rules.yml', 'alerts/cohort-analyzer.rules.yml', 'alerts/multi-sport-platform.rules.yml', 'alerts/qb-td-calculator-v2.rules.yml']);
  });
});

describe('rollgate alerts test', () => {
  it('runs promtool test rules over alerts/tests/*.yaml and passes on this repository', () => {
    const r = rollgate(['alerts', 'test']);
    expect(r.stderr).toBe('');
    for (const name of ['batch-patch-system', 'cohort-analyzer', 'multi-sport-platform', 'qb-td-calculator-v2']) expect(r.stdout).toContain(`Unit Testing:  alerts/tests/${name}.yaml`);
    expect(r.stdout).toContain('4 of 4 alert test files passed');
    expect(r.code).toBe(0);
  });

  it('exits 1 on a broken alert test, naming the repository file', () => {
    const repo = seedRepo();
    const file = join(repo.dir, 'alerts/tests/cohort-analyzer.yaml');
    // The "1.1 % fires" test fed 0.9 % errors: its expected alert at 2m never comes.
    const text = readFileSync(file, 'utf8');
    expect(text).toContain("values: '11+11x15'");
    writeFileSync(file, text.replace("values: '11+11x15'", "values: '9+9x15'"));
    const r = rollgate(['alerts', 'test', '--dir', repo.dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Unit Testing:  alerts/tests/cohort-analyzer.yaml');
    expect(r.stdout).toMatch(/FAILED:[\s\S]*name: error rate 1\.1 % fires after 1 minute,\s+alertname: cohort_critical_error_rate, time: 2m/);
    expect(r.stdout).toContain('3 of 4 alert test files passed');
  });

  it('a missing promtool is exit 2, naming the Debian package', async () => {
    const r = rollgate(['alerts', 'test'], { env: { PROMTOOL: '/nonexistent/promtool' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('apt-get install prometheus');
    await expect(checkRules([], { promtool: '/nonexistent/promtool' })).rejects.toThrow(ToolMissingError);
    await expect(checkAlertmanagerConfig(AM, { amtool: '/nonexistent/amtool' })).rejects.toThrow(/prometheus-alertmanager/);
  });

  it('usage errors exit 2', () => {
    const none = rollgate(['alerts']);
    expect(none.stderr).toContain('give a subcommand: export or test');
    expect(none.code).toBe(2);
    const misplaced = rollgate(['alerts', 'test', '--out', 'x']);
    expect(misplaced.stderr).toContain('--out applies to alerts export, not alerts test');
    expect(misplaced.code).toBe(2);
  });
});
