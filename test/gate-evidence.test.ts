// Gates that decide on evidence, against a real Prometheus over backfilled history: too few
// samples, noise that a point estimate would call FAIL or PASS, a bad hour inside a good 48 h
// average, a 100 % stage compared with history, and the shadow variant. The catalog is
// test/fixtures/evidence (ratio metrics from counts, and one point metric).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigModel, Located } from '../scripts/config/model.ts';
import type { Criterion, RolloutDocument } from '../scripts/config/schema/index.ts';
import { evaluateGate } from '../scripts/gates/evaluate-gate.ts';
import type { CriterionReport } from '../scripts/gates/report.ts';
import type { StageChange } from '../scripts/git/stage-history.ts';
import { HttpClient } from '../scripts/http/client.ts';
import { prometheusProvider } from '../scripts/metrics/prometheus.ts';
import { validateRepository } from '../scripts/rules/validate-repository.ts';
import { ROOT } from './helpers/cli.ts';
import { HEALTHY, history, type HistoryOptions, type Profile } from './helpers/metrics-history.ts';
import { startPrometheus, type Prometheus } from './helpers/prometheus.ts';

const END = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000);
const endTs = END.getTime() / 1000;
const FLAG = 'svc-v2';
/** When the rollout first served anyone (its history's canary commit), for the 100 % scenarios. */
const SERVED = endTs - 24 * 3600;
const IDLE: Profile = { ...HEALTHY, requestsPerSecond: 0, sessionsPerMinute: 0 };
const BUSY: Profile = { ...HEALTHY, sessionsPerMinute: 1000 };
const before = (a: Profile, b: Profile) => (ts: number) => (ts < SERVED ? a : b);

const SCENARIOS: Record<string, Omit<HistoryOptions, 'flag' | 'env' | 'end' | 'hours'>> = {
  small: { treatment: { ...HEALTHY, requestsPerSecond: 0.2, errorPercent: 0 }, control: HEALTHY },
  noisy: { treatment: { ...HEALTHY, requestsPerSecond: 0.7, errorPercent: 1.5 }, control: HEALTHY },
  'zero-of-twelve': { treatment: { ...HEALTHY, requestsPerSecond: 0.04, errorPercent: 0 }, control: HEALTHY },
  'clear-bad': { treatment: { ...HEALTHY, errorPercent: 5 }, control: HEALTHY },
  'clear-good': { treatment: HEALTHY, control: HEALTHY },
  // 0.3 % errors for 48 hours but one hour at 8 %, five hours ago: 0.46 % on average.
  'bad-hour': { treatment: (ts) => (ts > endTs - 6 * 3600 && ts <= endTs - 5 * 3600 ? { ...HEALTHY, errorPercent: 8 } : HEALTHY), control: HEALTHY },
  // At 100 %: control served everyone before the rollout, nobody since; treatment the reverse.
  full: { treatment: before(IDLE, { ...BUSY, conversionPercent: 12.3 }), control: before(BUSY, IDLE) },
  'full-bad': { treatment: before(IDLE, { ...BUSY, conversionPercent: 10 }), control: before(BUSY, IDLE) },
  // In shadow the new path serves nobody; the application reports what it computed as variant="shadow".
  shadow: { treatment: IDLE, control: HEALTHY, shadow: { ...HEALTHY, errorPercent: 0.2 } },
};

let prometheus: Prometheus;
let model: ConfigModel;
let svc: Located<RolloutDocument>;
beforeAll(async () => {
  const parts = Object.entries(SCENARIOS).map(([env, s]) => history({ flag: FLAG, env, end: END, hours: 50, ...s }).replace(/# EOF\n?$/, ''));
  prometheus = await startPrometheus({ openMetrics: parts.join('') + '# EOF\n' });
  model = (await validateRepository(join(ROOT, 'test', 'fixtures', 'evidence'))).model;
  svc = model.rolloutByName.get('svc')!;
}, 240_000);
afterAll(() => prometheus?.stop());

/** One must-pass criterion, judged in `env` with the rollout at `stage` there. */
async function judge(env: string, c: Criterion, stage = 'canary', blocker = false): Promise<CriterionReport> {
  const stages = [...svc.doc.spec.stages, { name: 'shadow', percentage: 0, shadow: true }];
  const rollout: Located<RolloutDocument> = { ...svc, doc: { ...svc.doc, spec: { ...svc.doc.spec, stages, environments: { [env]: { stage } } } } };
  const history: StageChange[] = [{ env, to: 'canary', sha: 'a'.repeat(40), author: 'x', date: new Date(SERVED * 1000).toISOString(), subject: 'canary', revert: false }];
  const report = await evaluateGate({
    model,
    rollout,
    env,
    from: stage,
    to: 'full',
    gate: blocker ? { blockers: [c] } : { mustPass: [c] },
    gateFrom: 'base',
    provider: prometheusProvider(new HttpClient({ baseUrl: prometheus.url, retries: 0 }), { time: END }),
    history,
    now: END.getTime(),
    ticked: new Set(),
  });
  return blocker ? report.blockers[0] : report.mustPass[0];
}

describe('samples and confidence (real Prometheus, backfilled)', { timeout: 60_000 }, () => {
  it('too few samples: INCONCLUSIVE, "not enough traffic yet", never PASS', async () => {
    const r = await judge('small', { metric: 'error_rate', op: '<', value: 1, window: '5m', minSamples: 500 });
    expect(r.result).toBe('INCONCLUSIVE');
    expect(r.why).toMatch(/^not enough traffic yet: (5\d|6\d) of 500 samples$/);
    expect(r.samples).toBeGreaterThan(50);
  });

  it('3 errors in ~200 requests (1.5 %) is INCONCLUSIVE on the confidence sequence, where the point estimate says FAIL', async () => {
    const cs = await judge('noisy', { metric: 'error_rate', op: '<', value: 1, window: '5m' });
    expect(cs.result).toBe('INCONCLUSIVE');
    expect(cs.method).toBe('asymptotic-cs/wilson 95 %');
    expect(cs.interval![0]).toBeLessThan(1);
    expect(cs.interval![1]).toBeGreaterThan(1);
    expect(cs.why).toContain('straddles < 1');
    const point = await judge('noisy', { metric: 'error_rate_point', op: '<', value: 1, window: '5m' });
    expect(point.result).toBe('FAIL');
    expect(point.method).toBe('point estimate');
  });

  it('0 errors in ~12 requests is not a PASS', async () => {
    const r = await judge('zero-of-twelve', { metric: 'error_rate', op: '<', value: 1, window: '5m' });
    expect(r.result).toBe('INCONCLUSIVE');
    expect(r.measured).toBe(0);
  });

  it('plenty of traffic decides: 5 % errors is FAIL, 0.3 % is PASS, with the interval in the report', async () => {
    const bad = await judge('clear-bad', { metric: 'error_rate', op: '<', value: 1, window: '1h' });
    expect(bad.result).toBe('FAIL');
    expect(bad.interval![0]).toBeGreaterThan(4);
    const good = await judge('clear-good', { metric: 'error_rate', op: '<', value: 1, window: '1h' });
    expect(good.result).toBe('PASS');
    expect(good.interval![1]).toBeLessThan(0.5);
    expect(good.samples).toBeGreaterThan(70_000);
    // A blocker on the same evidence: the whole interval is above 2 % → hit.
    const blocker = await judge('clear-bad', { metric: 'error_rate', op: '>', value: 2, window: '1h' }, 'canary', true);
    expect(blocker.result).toBe('FAIL');
  });
});

describe('sustained conditions: for', { timeout: 60_000 }, () => {
  it('a bad hour inside a good 48 h average: PASS as an average, FAIL under for: 48h', async () => {
    const average = await judge('bad-hour', { metric: 'error_rate', op: '<', value: 1, window: '48h' });
    expect(average.result).toBe('PASS');
    expect(average.measured).toBeGreaterThan(0.4);
    expect(average.measured).toBeLessThan(0.55);
    const sustained = await judge('bad-hour', { metric: 'error_rate', op: '<', value: 1, window: '5m', for: '48h' });
    expect(sustained.result).toBe('FAIL');
    expect(sustained.measured).toBeGreaterThan(7);
    expect(sustained.method).toBe('sustained over 48h');
    expect(sustained.why).toContain('throughout the last 48h (the highest value)');
    // The same healthy service holds for 48 h.
    expect((await judge('clear-good', { metric: 'error_rate', op: '<', value: 1, window: '5m', for: '48h' })).result).toBe('PASS');
  });
});

describe('a baseline at 100 %: from history', { timeout: 60_000 }, () => {
  const criterion = (from: 'control' | 'history'): Criterion => ({ metric: 'conversion_rate', vsBaseline: { op: '>=', ratio: 0.95, from }, window: '1h' });

  it('against control at 100 %: INCONCLUSIVE (nobody is in control any more)', async () => {
    const r = await judge('full', criterion('control'), 'full');
    expect(r.result).toBe('INCONCLUSIVE');
    expect(r.why).toContain('no samples');
  });

  it('against history: PASS at 12.3 % vs 12 % before the rollout, FAIL at 10 %', async () => {
    const ok = await judge('full', criterion('history'), 'full');
    expect(ok.result, ok.why).toBe('PASS');
    expect(ok.control).toBeCloseTo(12, 0);
    expect(ok.interval![0]).toBeGreaterThan(0.95);
    const bad = await judge('full-bad', criterion('history'), 'full');
    expect(bad.result, bad.why).toBe('FAIL');
    expect(bad.interval![1]).toBeLessThan(0.95);
  });

  it('a pinned time works the same, and a time before any data is INCONCLUSIVE', async () => {
    const pinned = await judge('full', { ...criterion('history'), vsBaseline: { op: '>=', ratio: 0.95, from: 'history', at: new Date((SERVED - 3600) * 1000).toISOString() } }, 'full');
    expect(pinned.result).toBe('PASS');
    const early = await judge('full', { ...criterion('history'), vsBaseline: { op: '>=', ratio: 0.95, from: 'history', at: new Date((endTs - 60 * 24 * 3600) * 1000).toISOString() } }, 'full');
    expect(early.result).toBe('INCONCLUSIVE');
  });
});

describe('shadow', { timeout: 60_000 }, () => {
  it('in a shadow stage the gate measures the shadow variant (the new path computed, not served)', async () => {
    const r = await judge('shadow', { metric: 'error_rate', op: '<', value: 1, window: '1h' }, 'shadow');
    expect(r.result).toBe('PASS');
    expect(r.measured).toBeCloseTo(0.2, 1);
    // The same criterion outside shadow reads the treatment variant, which served nobody.
    expect((await judge('shadow', { metric: 'error_rate', op: '<', value: 1, window: '1h' }, 'canary')).result).toBe('INCONCLUSIVE');
  });
});

describe('no evidence is not a pass', { timeout: 60_000 }, () => {
  it('vsBaseline from control on a metric without {{variant}} is INCONCLUSIVE (the query compared with itself)', async () => {
    const own = { ...model, metricCatalog: new Map(model.metricCatalog) };
    own.metricCatalog.set('complaints', { name: 'complaints', file: model.metricCatalog.get('error_rate')!.file, metric: { unit: 'count', query: 'vector(5)', defaultWindow: '5m' } });
    const report = await evaluateGate({
      model: own,
      rollout: svc,
      env: 'clear-good',
      from: 'canary',
      to: 'full',
      gate: { mustPass: [{ metric: 'complaints', vsBaseline: { op: '<=', ratio: 1, from: 'control' } }] },
      gateFrom: 'base',
      provider: prometheusProvider(new HttpClient({ baseUrl: prometheus.url, retries: 0 }), { time: END }),
      history: [],
      now: END.getTime(),
      ticked: new Set(),
    });
    expect(report.mustPass[0].result).toBe('INCONCLUSIVE');
    expect(report.mustPass[0].why).toContain('has no {{variant}} in its query');
  });
});
