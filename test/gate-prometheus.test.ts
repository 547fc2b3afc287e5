import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Located } from '../scripts/config/model.ts';
import type { RolloutDocument } from '../scripts/config/schema/index.ts';
import { evaluateGate } from '../scripts/gates/evaluate-gate.ts';
import type { GateReport } from '../scripts/gates/report.ts';
import { HttpClient } from '../scripts/http/client.ts';
import { prometheusProvider } from '../scripts/metrics/prometheus.ts';
import { validateRepository } from '../scripts/rules/validate-repository.ts';
import { ROOT } from './helpers/cli.ts';
import { expectedQuantileMs, HEALTHY, history, QB_HEALTHY, type HistoryOptions, type Profile } from './helpers/metrics-history.ts';
import { startPrometheus, type Prometheus } from './helpers/prometheus.ts';

// The QB TD calculator's gates (seed 001) against real Prometheus over 73 hours of backfilled
// history: one environment label per scenario, so one backfill serves them all.
const END = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000);
const FLAG = 'qb-td-calculator-v2';
const CONTROL: Profile = { ...HEALTHY, conversionPercent: 12 };
const SCENARIOS: Record<string, Omit<HistoryOptions, 'flag' | 'env' | 'end' | 'hours'>> = {
  // In shadow the application exports the new path's numbers as variant="shadow" too.
  go: { treatment: { ...HEALTHY, conversionPercent: 12.3 }, control: CONTROL, shadow: { ...HEALTHY, conversionPercent: 12.3 } },
  'must-fail': { treatment: { ...HEALTHY, errorPercent: 1.5, conversionPercent: 12.3 }, control: CONTROL },
  conditional: { treatment: { ...HEALTHY, conversionPercent: 11.7 }, control: CONTROL, qb: { availabilityPercent: 99.5 } },
  'blocker-hit': { treatment: { ...HEALTHY, conversionPercent: 12.3 }, control: CONTROL, qb: { dataCoveragePercent: 60 } },
  'missing-series': { treatment: { ...HEALTHY, conversionPercent: 12.3 }, control: CONTROL, omit: ['qbtd_calculations_started_total'] },
};

let prometheus: Prometheus;
let qb: Located<RolloutDocument>;
let model: Awaited<ReturnType<typeof validateRepository>>['model'];

beforeAll(async () => {
  const parts = Object.entries(SCENARIOS).map(([env, s]) => history({ flag: FLAG, env, end: END, hours: 73, ...s }).replace(/# EOF\n?$/, ''));
  prometheus = await startPrometheus({ openMetrics: parts.join('') + '# EOF\n' });
  model = (await validateRepository(ROOT)).model;
  qb = model.rolloutByName.get(FLAG)!;
}, 240_000);
afterAll(() => prometheus?.stop());

const approvals = (gate: NonNullable<RolloutDocument['spec']['gates']>[string]) => ({
  members: new Map((gate.approvals ?? []).map((a) => [a.group, [`${a.group}-lead`]])),
  list: (gate.approvals ?? []).map((a) => ({ login: `${a.group}-lead`, state: 'APPROVED' as const, commitId: 'f'.repeat(40), submittedAt: END.toISOString() })),
  headSha: 'f'.repeat(40),
  author: 'someone-else',
});

async function gate(env: string, from: string, to: string, ticked: string[] = []): Promise<GateReport> {
  const g = qb.doc.spec.gates![to];
  // Each scenario is an environment of its own in the metrics; the rollout is the seed as written.
  const rollout: Located<RolloutDocument> = { ...qb, doc: { ...qb.doc, spec: { ...qb.doc.spec, environments: { ...qb.doc.spec.environments, [env]: { stage: from } } } } };
  return evaluateGate({
    model,
    rollout,
    env,
    from,
    to,
    gate: g,
    gateFrom: 'base',
    provider: prometheusProvider(new HttpClient({ baseUrl: prometheus.url, retries: 0 }), { time: END }),
    history: [{ env, to: from, sha: 'a'.repeat(40), author: 'x', date: '2026-01-01T00:00:00Z', subject: 'enter', revert: false }],
    now: END.getTime(),
    ticked: new Set(ticked),
    reviews: approvals(g),
  });
}
const measured = (r: GateReport, name: string) => [...r.mustPass, ...r.shouldPass.criteria, ...r.blockers].find((c) => c.name === name)!;
const ALL_CHECKS = ['v2 edges perceived as higher quality (user feedback)'];

describe('the QB TD gates on backfilled Prometheus history', () => {
  it('canary → staged is GO on healthy data, with every value measured as generated', async () => {
    const r = await gate('go', 'canary', 'staged', ALL_CHECKS);
    expect(r.decision).toBe('GO');
    expect(measured(r, 'Error rate < 1 % for 48 hours').measured).toBeCloseTo(HEALTHY.errorPercent, 2);
    const conversion = measured(r, 'Conversion rate >= 95 % of v1 baseline');
    expect(conversion.treatment).toBeCloseTo(12.3, 2);
    expect(conversion.control).toBeCloseTo(12, 2);
    expect(conversion.measured).toBeCloseTo(12.3 / 12, 3);
    expect(measured(r, 'Zero user complaints attributable to v2').measured).toBe(0);
    expect(measured(r, 'Fallback rate < 20 %').measured).toBeCloseTo(QB_HEALTHY.fallbackPercent, 2);
    expect(Math.abs(measured(r, 'Performance p95 < 500 ms').measured! - expectedQuantileMs(HEALTHY.latency, 0.95))).toBeLessThan(0.5);
    expect(measured(r, 'System stable under canary load').measured).toBeCloseTo(100, 2);
    expect(measured(r, 'No incidents requiring rollback').measured).toBe(0);
    expect(r.shouldPass.passed).toBe(4);
  });

  it('NO-GO when a must-pass fails: error rate 1.5 % over 48 h', async () => {
    const r = await gate('must-fail', 'canary', 'staged', ALL_CHECKS);
    expect(r.decision).toBe('NO-GO');
    expect(measured(r, 'Error rate < 1 % for 48 hours')).toMatchObject({ result: 'FAIL' });
    expect(measured(r, 'Error rate < 1 % for 48 hours').measured).toBeCloseTo(1.5, 2);
    expect(measured(r, 'Error rate > 2 % (code or data problem)')).toMatchObject({ result: 'PASS' });
  });

  it('NO-GO when a blocker is hit: data coverage 60 % on the gate into full', async () => {
    const r = await gate('blocker-hit', 'staged', 'full', ['Team confidence: "Ready for production"']);
    expect(r.decision).toBe('NO-GO');
    expect(measured(r, 'Data quality regressions')).toMatchObject({ result: 'FAIL' });
    expect(measured(r, 'Data quality regressions').measured).toBeCloseTo(60, 2);
    expect(r.mustPass.every((c) => c.result === 'PASS')).toBe(true);
  });

  it('CONDITIONAL when must-pass and blockers are clean but should-pass falls short', async () => {
    const r = await gate('conditional', 'canary', 'staged');
    expect(r.decision).toBe('CONDITIONAL');
    expect(measured(r, 'Conversion rate >= 95 % of v1 baseline').measured).toBeCloseTo(11.7 / 12, 3);
    expect(measured(r, 'Conversion rate >= 100 % of v1 baseline')).toMatchObject({ result: 'FAIL' });
    expect(measured(r, 'System stable under canary load').measured).toBeCloseTo(99.5, 1);
    expect(r.shouldPass).toMatchObject({ atLeast: 2, passed: 1 });
  });

  it('INCONCLUSIVE when a series is missing: never a pass', async () => {
    const r = await gate('missing-series', 'canary', 'staged', ALL_CHECKS);
    expect(r.decision).toBe('INCONCLUSIVE');
    expect(measured(r, 'Fallback rate < 20 %')).toMatchObject({ result: 'INCONCLUSIVE', why: expect.stringContaining('no data') });
  });

  it('the shadow → canary gate is GO too (agreement 60–85 %, completion 100 %, no critical errors over 24 h)', async () => {
    const r = await gate('go', 'shadow', 'canary');
    expect(r.decision).toBe('GO');
    expect(measured(r, 'Agreement rate 60-85 % (matches validation)').measured).toBeCloseTo(QB_HEALTHY.agreementPercent, 2);
    expect(measured(r, 'v2 completes 100 % of calculations (fallbacks included)').measured).toBeCloseTo(100, 5);
    expect(measured(r, 'Any critical errors').measured).toBe(0);
  });
});
