// The QB TD calculator v2 seed (runbooks 000 and 001) as its runbook means it, item by item of
// issue 10. Behaviour against real servers lives beside the other tests of each kind:
// test/assess.test.ts (the phase matrices), test/gate-prometheus.test.ts (gates and the 100 %
// matrix on backfilled history), alerts/tests/qb-td-calculator-v2.yaml (promtool).
import { describe, expect, it } from 'vitest';
import { prometheusRules } from '../scripts/alerts/export.ts';
import type { ConfigModel, Located } from '../scripts/config/model.ts';
import type { Criterion, RolloutDocument } from '../scripts/config/schema/index.ts';
import { evaluateGate } from '../scripts/gates/evaluate-gate.ts';
import { valueTemplate } from '../scripts/metrics/catalog.ts';
import type { MetricsProvider } from '../scripts/metrics/port.ts';
import { promqlNoDataFallbacks } from '../scripts/metrics/promql-no-data.ts';
import { renderTemplate, SAMPLE_VALUES } from '../scripts/metrics/template.ts';
import { planRollback } from '../scripts/rollback/plan.ts';
import { validateRepository } from '../scripts/rules/validate-repository.ts';
import { desiredFlags } from '../scripts/sync/desired.ts';
import { ROOT } from './helpers/cli.ts';

const NAME = 'qb-td-calculator-v2';
const { model } = await validateRepository(ROOT);
const qb = model.rolloutByName.get(NAME)!;
const alerts = model.alertRules.find((a) => a.doc.spec.rollout === NAME)!;
const rules = alerts.doc.spec.rules;
const rule = (name: string) => rules.find((r) => r.name === name)!;
const spec = qb.doc.spec;

/** The model with the QB rollout at `stage` in production. */
const withStage = (stage: string): ConfigModel => {
  const moved: Located<RolloutDocument> = { ...qb, doc: { ...qb.doc, spec: { ...spec, environments: { ...spec.environments, production: { stage } } } } };
  return { ...model, rollouts: model.rollouts.map((r) => (r === qb ? moved : r)), rolloutByName: new Map([...model.rolloutByName, [NAME, moved]]) };
};

/** Every gate and matrix criterion of the rollout that measures a catalog metric. */
const criteria = (): Criterion[] => [
  ...Object.values(spec.gates ?? {}).flatMap((g) => [...(g.mustPass ?? []), ...(g.shouldPass?.criteria ?? []), ...(g.blockers ?? [])]),
  ...(spec.rollback ?? []).flatMap((row) => [...(row.when.any ?? []), ...(row.when.all ?? [])]),
];

describe('item 1: every full rollback lands on off, which serves nobody v2 and computes nothing', () => {
  it('off is the first stage, at 0 % and not shadow; production has not started', () => {
    expect(spec.stages.map((s) => [s.name, s.percentage, s.shadow])).toEqual([
      ['off', 0, false],
      ['shadow', 0, true],
      ['canary', 10, false],
      ['staged', 50, false],
      ['full', 100, false],
    ]);
    expect(spec.environments.production.stage).toBe('off');
  });

  it('the database alert, every CRITICAL alert and every emergency row of the matrix roll back to off', () => {
    expect(rule('v2_database_connection_failure').onFire?.rollback).toEqual({ to: 'off', mode: 'emergency' });
    for (const r of rules.filter((x) => x.severity === 'CRITICAL')) expect(r.onFire?.rollback?.to, r.name).toBe('off');
    const emergency = (spec.rollback ?? []).filter((row) => row.mode === 'emergency');
    expect(emergency.length).toBeGreaterThanOrEqual(4);
    for (const row of emergency) expect(row.to).toBe('off');
  });

  it.each(['v2_database_connection_failure', 'v2_very_high_error_rate', 'v2_unhandled_exceptions'])('%s: its rollback target turns both flags off in the sync’s desired state (v2_calculations_per_min = 0)', (name) => {
    const to = rule(name).onFire!.rollback!.to!;
    const flags = desiredFlags(withStage(to), 'production').filter((f) => f.rollout === NAME);
    expect(flags.map((f) => [f.key, f.enabled, f.percentage])).toEqual([
      ['qb-td-calculator-v2', false, 0],
      ['qb-td-calculator-v2.shadow', false, 0],
    ]);
  });

  it('the gate into shadow is the pre-deployment checklist (30 items) and Phase 5’s go/no-go (all 8; 2+ of 5), all manual', () => {
    const gate = spec.gates!.shadow;
    const must = gate.mustPass ?? [];
    expect(must.every((c) => c.check !== undefined && c.metric === undefined)).toBe(true);
    const phase5 = must.filter((c) => c.check!.startsWith('Phase 5 MUST PASS'));
    expect(must.length - phase5.length).toBe(30);
    expect(phase5.map((c) => /MUST PASS (\d) of 8/.exec(c.check!)![1])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(gate.shouldPass!.atLeast).toBe(2);
    expect(gate.shouldPass!.criteria.map((c) => /SHOULD PASS (\d) of 5/.exec(c.check ?? '')?.[1])).toEqual(['1', '2', '3', '4', '5']);
    expect(new Set([...must, ...gate.shouldPass!.criteria].map((c) => c.check)).size).toBe(43);
  });
});

describe('item 5: v2_very_high_error_rate at 100 % goes to 0 %, not one stage down', () => {
  it('the exported rule names off, and the rollback it asks for is full → off', () => {
    const atFull = withStage('full');
    const exported = prometheusRules(atFull, alerts, rule('v2_very_high_error_rate')).find((r) => r.labels.env === 'production')!;
    expect(exported.labels).toMatchObject({ rollgate_rollback: 'true', rollback_to: 'off', rollback_mode: 'emergency' });
    const history = [{ env: 'production', from: 'staged', to: 'full', sha: 'b'.repeat(40), author: 'x', date: '2026-11-01T00:00:00Z', subject: 'Advance to full', revert: false }];
    const plan = planRollback(atFull.rolloutByName.get(NAME)!.doc, 'production', history, exported.labels.rollback_to, 'v2_very_high_error_rate');
    expect(plan).toMatchObject({ from: 'full', to: 'off', percentage: { from: 100, to: 0 } });
  });
});

describe('item 8: the alerts the runbook’s dashboard defines', () => {
  it.each([
    ['v2_unhandled_exceptions', 'CRITICAL', { metric: 'qbtd_unhandled_exceptions', op: '>', value: 0 }],
    ['v2_p99_query_time_high', 'MEDIUM', { metric: 'v2_p99_query_time_ms', op: '>', value: 1000 }],
    ['v2_timeouts', 'MEDIUM', { metric: 'v2_timeout_rate', op: '>', value: 5 }],
    ['v2_error_rate_investigate', 'LOW', { metric: 'error_rate', op: '>', value: 1 }],
    ['v2_qbs_falling_back', 'MEDIUM', { metric: 'qbtd_qbs_falling_back', op: '>', value: 25 }],
    ['v2_avg_query_time_slow', 'MEDIUM', { metric: 'v2_avg_query_time_ms', op: '>', value: 500, for: '5m' }],
  ] as const)('%s: %s, %o', (name, severity, when) => {
    expect(rule(name)).toMatchObject({ severity, when });
  });

  it('v2 calculations dropping to 0 during a rollout, and complaints +20 %, are raw PromQL per environment', () => {
    expect(rule('v2_calculations_stopped')).toMatchObject({ severity: 'HIGH', when: { expr: expect.stringMatching(/qbtd_calculations_started_total[\s\S]*== 0\)[\s\S]*qbtd_rollout_percentage[\s\S]*qbtd_shadow_mode_enabled/) } });
    expect(rule('v2_user_complaints_increase')).toMatchObject({ severity: 'MEDIUM', when: { expr: expect.stringMatching(/> 1\.2 \* sum by \(env\) \(increase\(support_tickets_total\{flag="qb-td-calculator-v2"\}\[24h\] offset 7d\)\)/) } });
  });
});

describe('item 10: shadow → canary measures the v2 calculation, as the shadow variant', () => {
  it('its latency criteria read the v2 calculation time (v2_p95_query_time_ms, v2_avg_query_time_ms), never request latency', () => {
    const gate = spec.gates!.canary;
    const metrics = [...(gate.mustPass ?? []), ...(gate.shouldPass?.criteria ?? []), ...(gate.blockers ?? [])].map((c) => c.metric).filter(Boolean);
    expect(metrics).toContain('v2_p95_query_time_ms');
    expect(metrics).toContain('v2_avg_query_time_ms');
    expect(metrics.filter((m) => m!.startsWith('latency_'))).toEqual([]);
    // Every matrix row measures the same calculation time.
    expect(criteria().filter((c) => c.metric?.startsWith('latency_'))).toEqual([]);
  });
});

describe('the smaller ones', () => {
  it('no metric a QB gate or matrix row uses turns no data into a number, unless it declares samples or is a ratio', () => {
    for (const name of new Set(criteria().map((c) => c.metric).filter((m): m is string => m !== undefined))) {
      const metric = model.metricCatalog.get(name)?.metric;
      if (!metric || metric.samples !== undefined || metric.ratio) continue;
      expect(promqlNoDataFallbacks(renderTemplate(valueTemplate(metric), SAMPLE_VALUES).text), name).toEqual([]);
    }
  });

  it('"… for N hours" is a sustained criterion (for), measured at hourly rates', () => {
    const sustained = criteria().filter((c) => / for \d+ hours/.test(c.name ?? ''));
    expect(sustained.map((c) => c.name)).toEqual(['Error rate < 1 % for 48 hours', 'Error rate < 0.5 % for 72 hours']);
    for (const c of sustained) expect(c).toMatchObject({ for: `${/ for (\d+) hours/.exec(c.name!)![1]}h`, window: '1h' });
  });

  it('every exported QB rule carries runbook_url and the runbook’s steps; a `for` only where the runbook gives a duration', () => {
    const exported = rules.flatMap((r) => prometheusRules(model, alerts, r));
    for (const r of exported) {
      expect(r.annotations.runbook_url, r.alert).toBe('rollout/runbooks/qb-td-calculator-v2.md');
      expect(r.annotations.runbook_steps, r.alert).toMatch(/\S/);
    }
    expect(new Set(exported.filter((r) => r.for).map((r) => `${r.alert} ${r.for}`))).toEqual(new Set(['v2_avg_query_time_slow 5m']));
  });

  describe('critical incidents come from the rollout’s own CRITICAL alerts, and rules never loaded are no data', () => {
    const metric = () => model.metricCatalog.get('qbtd_critical_incidents')!.metric;

    it('the query matches the labels every exported CRITICAL rule of the rollout carries', () => {
      const query = renderTemplate(valueTemplate(metric()), { flag: spec.flag, env: 'production', window: '72h', variant: 'treatment' }).text;
      for (const r of rules.filter((x) => x.severity === 'CRITICAL').flatMap((x) => prometheusRules(model, alerts, x)).filter((x) => x.labels.env === 'production')) {
        for (const [k, v] of Object.entries({ severity: r.labels.severity, flag: r.labels.flag, env: r.labels.env })) expect(query).toContain(`${k}="${v}"`);
      }
      expect(metric().samples).toContain(`;${alerts.doc.metadata.name}"`);
    });

    it('zero firing alerts with zero rule evaluations is INCONCLUSIVE, never "zero critical incidents"', async () => {
      const gate = spec.gates!.full;
      const provider: MetricsProvider = {
        name: 'rules-not-loaded',
        async measure(r) {
          // No alert fired (the `or vector(0)` answers 0), and no evaluation of the rule group either.
          if (r.metric === 'qbtd_critical_incidents') return { ok: true, value: 0 };
          return { ok: false, reason: 'not asked here' };
        },
      };
      const report = await evaluateGate({ model, rollout: qb, env: 'staging', from: 'staged', to: 'full', gate: { mustPass: gate.mustPass!.filter((c) => c.metric === 'qbtd_critical_incidents') }, gateFrom: 'base', provider, history: [], now: Date.parse('2026-11-20T12:00:00Z'), ticked: new Set() });
      expect(report.mustPass[0]).toMatchObject({ name: 'Zero critical incidents in staged period', result: 'INCONCLUSIVE', why: expect.stringContaining('0 of 1 samples') });
    });
  });
});
