import { durationMs } from '../config/duration.ts';
import type { ConfigModel, Located } from '../config/model.ts';
import type { Criterion, Metric, RolloutDocument } from '../config/schema/index.ts';
import type { StageChange } from '../git/stage-history.ts';
import { samplesTemplate, valueTemplate } from '../metrics/catalog.ts';
import type { Evidence, Measurement, MetricRequest, MetricsProvider } from '../metrics/port.ts';
import { renderTemplate } from '../metrics/template.ts';
import { builtinMetric, BUILTIN_UNITS } from './builtins.ts';

/** What measuring needs: the rollout, where it is, and where numbers come from. */
export interface MeasureContext {
  model: ConfigModel;
  rollout: Located<RolloutDocument>;
  env: string;
  /** The stage the environment is in (for the built-ins, and shadow). */
  stage: string;
  provider: MetricsProvider;
  history: StageChange[];
  now: number;
}

/** One side of a comparison: the new path now, or the baseline (control now, or control in history). */
interface Side {
  variant: NonNullable<MetricRequest['variant']>;
  at?: number;
}

/**
 * The evidence a criterion rests on: one entry, or two for vsBaseline (the new path, then the
 * baseline). In a shadow stage the new path is the `shadow` variant: computed, not served.
 * A baseline `from: history` is the control variant as it was just before the rollout first
 * served anyone in this environment (or at `at`, or `offset` before that), from git history.
 */
export async function gatherEvidence(ctx: MeasureContext, c: Criterion): Promise<Evidence[]> {
  const name = c.metric!;
  const stage = ctx.rollout.doc.spec.stages.find((s) => s.name === ctx.stage);
  if (BUILTIN_UNITS[name]) {
    const m = builtinMetric(name, ctx.history, ctx.env, ctx.stage, ctx.rollout.doc.spec.stages.map((s) => s.name), ctx.now);
    return [m.ok ? { ok: true, value: m.value, query: `built-in ${name}` } : { ok: false, reason: m.reason }];
  }
  const entry = ctx.model.metricCatalog.get(name);
  if (!entry) return [{ ok: false, reason: `unknown metric ${name}` }];
  const sides: Side[] = [{ variant: stage?.shadow ? 'shadow' : 'treatment' }];
  // A ratio's value template is numerator ÷ denominator, so one look covers both.
  if (c.vsBaseline && c.vsBaseline.from !== 'history' && !valueTemplate(entry.metric).includes('{{variant}}')) {
    // Validation refuses this (gate/baseline-variant); if it slips through, the query compared with itself is no evidence.
    return [{ ok: false, reason: `${name} has no {{variant}} in its query: treatment and control would be the same number` }];
  }
  if (c.vsBaseline) {
    if (c.vsBaseline.from === 'history') {
      const at = historyTime(ctx, c);
      if (typeof at === 'string') return [await measureSide(ctx, c, entry.metric, sides[0]), { ok: false, reason: at }];
      sides.push({ variant: 'control', at });
    } else sides.push({ variant: 'control' });
  }
  return Promise.all(sides.map((side) => measureSide(ctx, c, entry.metric, side)));
}

/** When the baseline from history is measured, or why it cannot be. */
function historyTime(ctx: MeasureContext, c: Criterion): number | string {
  const b = c.vsBaseline!;
  if (b.at) return Date.parse(b.at);
  const serving = new Set(ctx.rollout.doc.spec.stages.filter((s) => s.percentage > 0).map((s) => s.name));
  const first = ctx.history.find((h) => h.env === ctx.env && serving.has(h.to));
  if (!first) return `no baseline from history: ${ctx.env} has never been in a serving stage on this branch (measure from: control, or pin vsBaseline.at)`;
  return Date.parse(first.date) - (b.offset ? (durationMs(b.offset) ?? 0) : 0) - 60_000;
}

async function measureSide(ctx: MeasureContext, c: Criterion, metric: Metric, side: Side): Promise<Evidence> {
  const window = c.window ?? metric.defaultWindow;
  const flag = ctx.rollout.doc.spec.flag;
  const render = (template: string, w = window) => renderTemplate(template, { flag, window: w, variant: side.variant, env: ctx.env }).text.trim();
  const ask = (query: string): Promise<Measurement> =>
    ctx.provider
      .measure({ metric: c.metric!, query, flag, env: ctx.env, window, variant: side.variant, ...(side.at !== undefined ? { at: side.at } : {}) })
      .catch((error: unknown) => ({ ok: false as const, reason: `provider error: ${(error as Error).message}` }));
  const when = side.at !== undefined ? ` (at ${new Date(side.at).toISOString()})` : '';

  let value: number;
  let query: string;
  let counts: { events: number; trials: number } | undefined;
  if (c.for) {
    // Sustained: the comparison held at every evaluation step over `for`, so the extreme that
    // is hardest to satisfy decides (max for an upper bound, min for a lower bound, both for a range).
    const step = (durationMs(c.for) ?? 0) <= 6 * 3_600_000 ? '1m' : '5m';
    const over = (fn: 'max' | 'min') => `${fn}_over_time((${render(valueTemplate(metric))})[${c.for}:${step}])`;
    const fns: ('max' | 'min')[] = c.between ? ['max', 'min'] : c.op === '<' || c.op === '<=' ? ['max'] : ['min'];
    const got = await Promise.all(fns.map((fn) => ask(over(fn))));
    const failed = got.find((g) => !g.ok);
    query = fns.map(over).join(' ; ');
    if (failed && !failed.ok) return { ok: false, reason: `${failed.reason}${when}`, query };
    const values = got.map((g) => (g as { value: number }).value);
    value = c.between ? (values[1] < c.between[0] ? values[1] : values[0]) : values[0];
  } else if (metric.ratio && ctx.provider.counts !== false) {
    const [num, den] = await Promise.all([ask(render(metric.ratio.numerator)), ask(render(metric.ratio.denominator))]);
    query = `${render(metric.ratio.numerator)} ÷ ${render(metric.ratio.denominator)}`;
    if (!num.ok) return { ok: false, reason: `numerator: ${num.reason}${when}`, query };
    if (!den.ok) return { ok: false, reason: `denominator: ${den.reason}${when}`, query };
    if (den.value <= 0) return { ok: false, reason: `no samples: the denominator is ${den.value}${when}`, query };
    counts = { events: num.value, trials: den.value };
    value = (num.value / den.value) * (metric.unit === 'percent' ? 100 : 1);
  } else {
    query = render(valueTemplate(metric));
    const m = await ask(query);
    if (!m.ok) return { ok: false, reason: `${m.reason}${when}`, query };
    value = m.value;
  }
  let samples = counts?.trials;
  const samplesQuery = samplesTemplate(metric);
  if (samples === undefined && samplesQuery !== undefined && ctx.provider.counts !== false) {
    const s = await ask(render(samplesQuery, c.for ?? window));
    if (!s.ok) return { ok: false, reason: `samples: ${s.reason}${when}`, query };
    samples = s.value;
  }
  return { ok: true, value, query, ...(samples !== undefined ? { samples } : {}), ...(counts ? { counts } : {}) };
}
