import { describe, expect, it } from 'vitest';
import type { Located } from '../scripts/config/model.ts';
import type { Criterion, RolloutDocument } from '../scripts/config/schema/index.ts';
import { holds } from '../scripts/gates/criteria.ts';
import { evaluateGate, gateStages } from '../scripts/gates/evaluate-gate.ts';
import type { StageChange } from '../scripts/git/stage-history.ts';
import type { Review } from '../scripts/github/port.ts';
import { samplesTemplate, valueTemplate } from '../scripts/metrics/catalog.ts';
import type { MetricRequest, MetricsProvider } from '../scripts/metrics/port.ts';
import { renderTemplate } from '../scripts/metrics/template.ts';
import { validateRepository } from '../scripts/rules/validate-repository.ts';
import { ROOT } from './helpers/cli.ts';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const { model } = await validateRepository(ROOT);

/** Samples behind every value the table gives: enough that a confidence sequence is narrow and minSamples is met. */
const SAMPLES = 1e9;

/**
 * A provider answering from a table: `metric` or `metric|variant` → number; absent → no data.
 * A catalog metric's other queries get what that number implies: a ratio's denominator is
 * SAMPLES and its numerator the share of them, a `samples` query is SAMPLES.
 */
function table(values: Map<string, number>): MetricsProvider & { requests: MetricRequest[] } {
  const requests: MetricRequest[] = [];
  return {
    name: 'table',
    requests,
    async measure(r) {
      requests.push(r);
      // In a shadow stage the new path is measured as the shadow variant: the table's treatment value.
      const v = values.get(`${r.metric}|${r.variant}`) ?? (r.variant === 'shadow' ? values.get(`${r.metric}|treatment`) : undefined) ?? values.get(r.metric);
      if (v === undefined) return { ok: false, reason: 'no data: the query returned no series' };
      const m = model.metricCatalog.get(r.metric)?.metric;
      if (!m) return { ok: true, value: v };
      const render = (template: string) => renderTemplate(template, { flag: r.flag, env: r.env, window: r.window, variant: r.variant ?? 'treatment' }).text.trim();
      if (m.ratio && r.query === render(m.ratio.denominator)) return { ok: true, value: SAMPLES };
      if (m.ratio && r.query === render(m.ratio.numerator)) return { ok: true, value: (v / (m.unit === 'percent' ? 100 : 1)) * SAMPLES };
      // The value, or a sustained subquery around it; anything else asked about this metric is its samples.
      if (samplesTemplate(m) !== undefined && !r.query.includes(render(valueTemplate(m)))) return { ok: true, value: SAMPLES };
      return { ok: true, value: v };
    },
  };
}

type Want = { c: Criterion; holds: boolean };

/** `ok` holds at x; on a ratio metric (decided on a confidence sequence) also just around it, clear of a threshold where the verdict is rightly INCONCLUSIVE. */
const clear = (c: Criterion, ok: (x: number) => boolean, x: number) => (model.metricCatalog.get(c.metric ?? '')?.metric.ratio ? [0.999, 1, 1.001] : [1]).every((k) => ok(x * k));
/** Positive values first (metrics are mostly rates and counts), then 0, then negatives. */
const rank = (x: number) => (x > 0 ? 0 : x === 0 ? 1 : 2);

/** Values that make every must-pass and should-pass hold and no blocker match (a GO), found from the thresholds. */
function solve(wants: Want[]): Map<string, number> {
  const byMetric = new Map<string, Want[]>();
  for (const w of wants) if (w.c.metric) byMetric.set(w.c.metric, [...(byMetric.get(w.c.metric) ?? []), w]);
  const out = new Map<string, number>();
  for (const [metric, list] of byMetric) {
    const plain = list.filter((w) => !w.c.vsBaseline);
    const relative = list.filter((w) => w.c.vsBaseline);
    const numbers = list.flatMap((w) => [w.c.value, ...(w.c.between ?? []), ...(w.c.outside ?? []), w.c.vsBaseline ? w.c.vsBaseline.ratio * 100 : undefined]).filter((n): n is number => n !== undefined);
    const candidates = [...new Set([...numbers.flatMap((n) => [n, n - 0.01, n + 0.01, n / 2, n * 2, n * 0.99, n * 1.01]), 0, 1, 50, 100, -0.5])].sort((a, b) => rank(a) - rank(b) || a - b);
    const t = candidates.find((x) => clear(list[0].c, (y) => plain.every((w) => holds(w.c, y) === w.holds), x));
    if (t === undefined) throw new Error(`no value of ${metric} satisfies ${JSON.stringify(plain.map((w) => [w.c, w.holds]))}`);
    out.set(`${metric}|treatment`, t);
    if (relative.length) {
      const controls = [...new Set([t, 1, 100, ...relative.flatMap((w) => [t / w.c.vsBaseline!.ratio, t / (w.c.vsBaseline!.ratio * 1.01), t / (w.c.vsBaseline!.ratio * 0.99)])])].filter((x) => x > 0);
      const k = controls.find((x) => relative.every((w) => holds(w.c, t / x) === w.holds));
      if (k === undefined) throw new Error(`no control for ${metric} (treatment ${t}): ${JSON.stringify(relative.map((w) => [w.c.vsBaseline, w.holds]))}`);
      out.set(`${metric}|control`, k);
    }
  }
  return out;
}

const gates = model.rollouts.flatMap((r) => Object.keys(r.doc.spec.gates ?? {}).map((to) => ({ r, to })));

/** Everything a GO needs besides metrics: the history, reviews by every required group, every check ticked. */
function context(r: Located<RolloutDocument>, to: string) {
  const names = r.doc.spec.stages.map((s) => s.name);
  const from = names[names.indexOf(to) - 1];
  const gate = r.doc.spec.gates![to];
  const history: StageChange[] = [{ env: 'production', to: from, sha: 'a'.repeat(40), author: 'x', date: '2026-10-01T00:00:00Z', subject: 'enter', revert: false }];
  const groups = [...new Set((gate.approvals ?? []).map((a) => a.group))];
  const members = new Map(groups.map((g) => [g, Array.from({ length: 3 }, (_, i) => `${g}-${i}`)]));
  const list: Review[] = (gate.approvals ?? []).flatMap((a) => Array.from({ length: a.count }, (_, i) => ({ login: `${a.group}-${i}`, state: 'APPROVED' as const, commitId: 'h'.repeat(40), submittedAt: '2026-11-20T10:00:00Z' })));
  const all = [...(gate.mustPass ?? []), ...(gate.shouldPass?.criteria ?? []), ...(gate.blockers ?? [])];
  const ticked = new Set(all.map((c) => c.check).filter((c): c is string => c !== undefined));
  const wants: Want[] = [...(gate.mustPass ?? []).map((c) => ({ c, holds: true })), ...(gate.shouldPass?.criteria ?? []).map((c) => ({ c, holds: true })), ...(gate.blockers ?? []).map((c) => ({ c, holds: false }))].filter((w) => w.c.metric && w.c.metric !== 'time_in_stage' && w.c.metric !== 'rollbacks_in_stage');
  return { from, gate, history, reviews: { members, list, headSha: 'h'.repeat(40), author: 'someone' }, ticked, wants };
}

async function run(r: Located<RolloutDocument>, to: string, values: Map<string, number>, over: Partial<ReturnType<typeof context>> = {}) {
  const ctx = { ...context(r, to), ...over };
  return evaluateGate({ model, rollout: r, env: 'production', from: ctx.from, to, gate: ctx.gate, gateFrom: 'base', provider: table(values), history: ctx.history, now: NOW, ticked: ctx.ticked, reviews: ctx.reviews });
}

describe.each(gates.map(({ r, to }) => [`${r.doc.metadata.name} → ${to}`, r, to] as const))('gate %s', (_, r, to) => {
  const ctx = context(r, to);
  const go = solve(ctx.wants);

  it('GO when every criterion holds, with every measured value in the report', async () => {
    const report = await run(r, to, go);
    expect(report.reasons).toEqual([expect.stringContaining('every must-pass passed')]);
    expect(report.decision).toBe('GO');
    for (const c of [...report.mustPass, ...report.blockers].filter((x) => x.metric && x.metric !== 'time_in_stage' && x.metric !== 'rollbacks_in_stage')) {
      expect(c.measured, c.name).toBeDefined();
      expect(c.result, c.name).toBe('PASS');
    }
  });

  const failing = (ctx.gate.mustPass ?? []).map((c, i) => ({ c, i })).filter(({ c }) => c.metric && c.metric !== 'rollbacks_in_stage' && c.metric !== 'time_in_stage');
  it.each(failing.map(({ c, i }) => [c.name ?? c.metric, i] as const))('NO-GO when must-pass "%s" fails', async (_, i) => {
    const c = ctx.gate.mustPass![i];
    const values = new Map(go);
    const key = `${c.metric}|treatment`;
    const bad = [0, 0.001, 1, 10, 49, 99, 101, 1e3, 1e4, 1e6, -1, 1.5e9, 2e9, go.get(key)! * 10, go.get(key)! / 10].find((x) => clear(c, (y) => (c.vsBaseline ? !holds(c, y / (go.get(`${c.metric}|control`) ?? 1)) : !holds(c, y)), x));
    values.set(key, bad!);
    const report = await run(r, to, values);
    expect(report.decision).toBe('NO-GO');
    expect(report.mustPass[i].result).toBe('FAIL');
    expect(report.reasons.join('\n')).toContain(report.mustPass[i].name);
  });

  const blockers = (ctx.gate.blockers ?? []).map((c, i) => ({ c, i })).filter(({ c }) => c.metric && c.metric !== 'rollbacks_in_stage');
  it.each(blockers.map(({ c, i }) => [c.name ?? c.metric, i] as const))('NO-GO when blocker "%s" is hit', async (_, i) => {
    const c = ctx.gate.blockers![i];
    const values = new Map(go);
    const key = `${c.metric}|treatment`;
    const hit = [0, 0.001, 1, 10, 45, 49, 95, 101, 1e3, 1e4, 1e6, -1, 2e9].find((x) => clear(c, (y) => (c.vsBaseline ? holds(c, y / (go.get(`${c.metric}|control`) ?? 1)) : holds(c, y)), x));
    values.set(key, hit!);
    const report = await run(r, to, values);
    expect(report.decision).toBe('NO-GO');
    expect(report.blockers[i].result).toBe('FAIL');
  });

  it.each(failing.slice(0, 1).map(({ i }) => [i] as const))('INCONCLUSIVE when must-pass #%i has no data — never a pass', async (i) => {
    const c = ctx.gate.mustPass![i];
    const values = new Map([...go].filter(([k]) => !k.startsWith(`${c.metric}|`)));
    const report = await run(r, to, values);
    expect(['INCONCLUSIVE', 'NO-GO']).toContain(report.decision);
    expect(report.decision).toBe('INCONCLUSIVE');
    expect(report.mustPass[i]).toMatchObject({ result: 'INCONCLUSIVE', why: expect.stringContaining('no data') });
  });

  it('CONDITIONAL when approvals, checks or should-pass fall short', async () => {
    const short = await run(r, to, go, { reviews: { ...ctx.reviews, list: [] }, ticked: new Set() });
    const needsSomething = (ctx.gate.approvals?.length ?? 0) > 0 || ctx.ticked.size > 0;
    expect(short.decision).toBe(needsSomething ? 'CONDITIONAL' : 'GO');
  });
});

describe('gate verdicts, by hand, for the QB TD canary → staged gate (seed 001)', () => {
  const qb = model.rolloutByName.get('qb-td-calculator-v2')!;
  const base = new Map(Object.entries({
    'error_rate|treatment': 0.6, 'conversion_rate|treatment': 4.9, 'conversion_rate|control': 5.0, 'qbtd_user_complaints|treatment': 0,
    'fallback_rate|treatment': 12, 'v2_p95_query_time_ms|treatment': 320, 'availability|treatment': 99.95,
  }));
  it.each([
    ['all good', {}, 'GO'],
    ['error rate 1.5 % fails "Error rate < 1 %" (no blocker)', { 'error_rate|treatment': 1.5 }, 'NO-GO'],
    ['error rate 2.5 % also hits the "> 2 %" blocker', { 'error_rate|treatment': 2.5 }, 'NO-GO'],
    ['conversion 88 % of baseline hits the blocker', { 'conversion_rate|treatment': 4.4 }, 'NO-GO'],
    ['conversion at 96 % of baseline: must-pass ok, should-pass "≥ 100 %" short but 2 of 4 still pass', { 'conversion_rate|treatment': 4.8 }, 'GO'],
    ['availability 99 %, conversion below baseline, feedback check not ticked: 1 of 2 should-pass', { 'conversion_rate|treatment': 4.8, 'availability|treatment': 99, untick: 1 }, 'CONDITIONAL'],
    ['no complaints data: INCONCLUSIVE, never a pass', { 'qbtd_user_complaints|treatment': undefined }, 'INCONCLUSIVE'],
  ] as const)('%s → %s', async (_, change, decision) => {
    const values = new Map(base);
    const { untick, ...metrics } = change as Record<string, number | undefined>;
    for (const [k, v] of Object.entries(metrics)) (v === undefined ? values.delete(k) : values.set(k, v));
    const ctx = context(qb, 'staged');
    const ticked = new Set(untick ? [] : ['v2 edges perceived as higher quality (user feedback)']);
    const report = await evaluateGate({ model, rollout: qb, env: 'production', from: 'canary', to: 'staged', gate: ctx.gate, gateFrom: 'base', provider: table(values), history: ctx.history, now: NOW, ticked, reviews: ctx.reviews });
    expect(report.decision).toBe(decision);
  });

  it('runs a vsBaseline criterion once per variant and divides', async () => {
    const provider = table(base);
    const ctx = context(qb, 'staged');
    const report = await evaluateGate({ model, rollout: qb, env: 'production', from: 'canary', to: 'staged', gate: ctx.gate, gateFrom: 'base', provider, history: ctx.history, now: NOW, ticked: new Set(), reviews: ctx.reviews });
    const conversion = report.mustPass.find((c) => c.metric === 'conversion_rate')!;
    expect(conversion).toMatchObject({ treatment: 4.9, control: 5.0, result: 'PASS', window: '48h' });
    expect(conversion.measured).toBeCloseTo(0.98, 10);
    const queries = provider.requests.filter((q) => q.metric === 'conversion_rate' && q.window === '48h');
    // must-pass ≥ 0.95, should-pass ≥ 1.0 and the blocker < 0.9: each measures both variants
    expect(queries.map((q) => q.variant).sort()).toEqual(['control', 'control', 'control', 'treatment', 'treatment', 'treatment']);
    expect(queries[0].query).toContain('flag="qb-td-calculator-v2"');
    expect(queries[0].query).toContain('[48h]');
  });

  it('the first stage has no gate and a gate never runs backwards', () => {
    expect(() => gateStages(qb.doc, 'production', 'staged', 'canary')).toThrow('not ahead');
    expect(gateStages(qb.doc, 'production', 'shadow', undefined)).toEqual({ from: 'shadow', to: 'canary' });
    // Production starts at off: its first advance is the pre-deployment checklist's gate into shadow.
    expect(gateStages(qb.doc, 'production', 'off', undefined)).toEqual({ from: 'off', to: 'shadow' });
  });
});
