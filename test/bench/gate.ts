// Benchmark: one gate of 20 criteria against a backfilled Prometheus, concurrent (the default
// bound) against sequential evaluation. Anchor: the sequential run, in the same process.
import { join } from 'node:path';
import type { Criterion } from '../../scripts/config/schema/index.ts';
import { evaluateGate } from '../../scripts/gates/evaluate-gate.ts';
import { HttpClient } from '../../scripts/http/client.ts';
import { prometheusProvider } from '../../scripts/metrics/prometheus.ts';
import { validateRepository } from '../../scripts/rules/validate-repository.ts';
import { ROOT } from '../helpers/cli.ts';
import { HEALTHY, history } from '../helpers/metrics-history.ts';
import { startPrometheus } from '../helpers/prometheus.ts';
import { fmtMs, median } from './measure.ts';

export async function benchGate(runs = 7): Promise<void> {
  const end = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000);
  const flag = 'qb-td-calculator-v2';
  const prometheus = await startPrometheus({ openMetrics: history({ flag, env: 'production', end, hours: 73, treatment: HEALTHY, control: HEALTHY }) });
  try {
    const { model } = await validateRepository(ROOT);
    const qb = model.rolloutByName.get(flag)!;
    // Every metric criterion of the three QB gates, with windows spread over 1h–72h: 20 criteria.
    const candidates = Object.values(qb.doc.spec.gates!).flatMap((g) => [...(g.mustPass ?? []), ...(g.shouldPass?.criteria ?? []), ...(g.blockers ?? [])]).filter((c) => c.metric && c.metric !== 'rollbacks_in_stage' && c.metric !== 'time_in_stage');
    const provider = prometheusProvider(new HttpClient({ baseUrl: prometheus.url, retries: 0 }), { time: end });
    // Only the criteria this history can measure (the generator writes the app's and QB's usual series).
    const probe = await evaluateGate({ model, rollout: qb, env: 'production', from: 'canary', to: 'staged', gate: { mustPass: candidates }, gateFrom: 'bench', provider, history: [], now: end.getTime(), ticked: new Set() });
    const all = candidates.filter((_, i) => probe.mustPass[i].result !== 'INCONCLUSIVE');
    if (all.length < 5) throw new Error(`only ${all.length} QB criteria are measurable on the benchmark's history`);
    const criteria: Criterion[] = Array.from({ length: 20 }, (_, i) => ({ ...all[i % all.length], name: `criterion ${i + 1}`, window: ['1h', '6h', '24h', '48h', '72h'][i % 5] }));
    const queries = criteria.reduce((n, c) => n + (c.vsBaseline ? 2 : 1), 0);
    const evaluate = async (concurrency: number) => {
      const start = performance.now();
      const r = await evaluateGate({ model, rollout: qb, env: 'production', from: 'canary', to: 'staged', gate: { mustPass: criteria }, gateFrom: 'bench', provider, history: [], now: end.getTime(), ticked: new Set(), concurrency });
      if (r.mustPass.some((c) => c.result === 'INCONCLUSIVE')) throw new Error(`a criterion was not measured: ${r.mustPass.find((c) => c.result === 'INCONCLUSIVE')!.why}`);
      return performance.now() - start;
    };
    await evaluate(8); // warm the server's caches and the JIT once
    const sequential = median(await serial(runs, () => evaluate(1)));
    const concurrent = median(await serial(runs, () => evaluate(8)));
    console.log(`\n## gate: 20 criteria (${queries} PromQL queries over 1h–72h windows) on 73 h of backfilled history, median of ${runs}`);
    console.log('| run | median wall | ratio |\n|---|---|---|');
    console.log(`| sequential, one query at a time (anchor) | ${fmtMs(sequential)} | 1.00× |`);
    console.log(`| concurrent, at most 8 in flight (default) | ${fmtMs(concurrent)} | ${(sequential / concurrent).toFixed(2)}× faster |`);
    console.log(`target: ≤ 1 s; reached ${fmtMs(concurrent)}`);
  } finally {
    await prometheus.stop();
  }
  await benchGateEvidence(runs);
}

/**
 * The same gate size on evidence: 20 criteria on ratio metrics (numerator and denominator
 * queried apart, decided on the confidence sequence), vsBaseline ratios (four queries each),
 * and sustained criteria (a subquery over 6–48 h). Anchor: sequential, in the same process.
 */
async function benchGateEvidence(runs: number): Promise<void> {
  const end = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000);
  const flag = 'svc-v2';
  const prometheus = await startPrometheus({ openMetrics: history({ flag, env: 'production', end, hours: 50, treatment: HEALTHY, control: HEALTHY }) });
  try {
    const { model } = await validateRepository(join(ROOT, 'test', 'fixtures', 'evidence'));
    const svc = model.rolloutByName.get('svc')!;
    const shapes: Criterion[] = [
      { metric: 'error_rate', op: '<', value: 1, window: '1h' },
      { metric: 'error_rate', op: '<', value: 1, window: '24h', minSamples: 1000 },
      { metric: 'conversion_rate', vsBaseline: { op: '>=', ratio: 0.9, from: 'control' }, window: '6h' },
      { metric: 'error_rate', op: '<', value: 1, window: '5m', for: '6h' },
      { metric: 'error_rate_point', op: '<', value: 1, window: '48h' },
    ];
    const criteria: Criterion[] = Array.from({ length: 20 }, (_, i) => ({ ...shapes[i % shapes.length], name: `criterion ${i + 1}` }));
    const provider = prometheusProvider(new HttpClient({ baseUrl: prometheus.url, retries: 0 }), { time: end });
    const evaluate = async (concurrency: number) => {
      const start = performance.now();
      const r = await evaluateGate({ model, rollout: svc, env: 'production', from: 'canary', to: 'full', gate: { mustPass: criteria }, gateFrom: 'bench', provider, history: [], now: end.getTime(), ticked: new Set(), concurrency });
      const bad = r.mustPass.find((c) => c.result !== 'PASS');
      if (bad) throw new Error(`${bad.name} is ${bad.result}: ${bad.why}`);
      if (!r.mustPass.some((c) => c.interval)) throw new Error('no criterion was decided on an interval');
      return performance.now() - start;
    };
    await evaluate(8);
    const sequential = median(await serial(runs, () => evaluate(1)));
    const concurrent = median(await serial(runs, () => evaluate(8)));
    console.log(`\n## gate on evidence: 20 criteria with counts, confidence sequences, vsBaseline and sustained subqueries, median of ${runs}`);
    console.log('| run | median wall | ratio |\n|---|---|---|');
    console.log(`| sequential, one criterion at a time (anchor) | ${fmtMs(sequential)} | 1.00× |`);
    console.log(`| concurrent, at most 8 in flight (default) | ${fmtMs(concurrent)} | ${(sequential / concurrent).toFixed(2)}× faster |`);
    console.log(`target: ≤ 1 s; reached ${fmtMs(concurrent)}`);
  } finally {
    await prometheus.stop();
  }
}

async function serial(n: number, f: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await f());
  return out;
}
