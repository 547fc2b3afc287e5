import type { Criterion, Metric } from '../config/schema/index.ts';
import type { Evidence } from '../metrics/port.ts';
import { DEFAULT_LEVEL, proportionSequence, ratioSequence } from '../stats/confidence-sequence.ts';
import { decide } from '../stats/decide.ts';
import type { Result } from './report.ts';

const OPS: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};
const SHOW_OP: Record<string, string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '==': '=', '!=': '≠' };

/** The condition as a reader would say it. */
export function threshold(c: Criterion): string {
  if (c.check !== undefined) return 'manual check';
  if (c.between) return `between ${c.between[0]} and ${c.between[1]}`;
  if (c.outside) return `outside ${c.outside[0]}–${c.outside[1]}`;
  if (c.vsBaseline) {
    const baseline = c.vsBaseline.from === 'history' ? 'baseline from history' : 'control';
    const direction = baselineDirection(c);
    if (direction) return `no ${direction} over ${baseline}`;
    return `${SHOW_OP[c.vsBaseline.op]} ${c.vsBaseline.ratio} × ${baseline}`;
  }
  return `${SHOW_OP[c.op!]} ${c.value}`;
}

/** Whether the comparison holds for `value` (for vsBaseline, value is treatment ÷ control). */
export function holds(c: Criterion, value: number): boolean {
  if (c.between) return value >= c.between[0] && value <= c.between[1];
  if (c.outside) return value < c.outside[0] || value > c.outside[1];
  if (c.vsBaseline) return OPS[c.vsBaseline.op](value, c.vsBaseline.ratio);
  return OPS[c.op!](value, c.value!);
}

/** `increase` for vsBaseline noIncrease, `decrease` for noDecrease: "not shown worse" rather than "shown within a ratio". */
export function baselineDirection(c: Criterion): 'increase' | 'decrease' | undefined {
  return c.vsBaseline?.noIncrease ? 'increase' : c.vsBaseline?.noDecrease ? 'decrease' : undefined;
}

export interface Judged {
  result: Result;
  measured?: number;
  treatment?: number;
  control?: number;
  why: string;
  /** The samples the value rests on (the smaller side's, for a comparison). */
  samples?: number;
  /** The confidence sequence's bounds, in the metric's unit (a ratio for vsBaseline). */
  interval?: [number, number];
  /** How it was decided: a confidence-sequence construction at a level, or `point estimate`. */
  method?: string;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : Math.abs(n) >= 1e6 ? n.toExponential(3) : n.toPrecision(4).replace(/\.?0+$/, ''));
const pct = (level: number) => `${fmt(level * 100)} %`;

export interface JudgeOptions {
  /** Blockers and rollback conditions: the comparison describes the bad case, so a match is a FAIL. */
  bad: boolean;
  /** Shown after values: `%`, `ms`, … */
  unit?: string;
  /** The catalog metric, for its unit and default minSamples. */
  metric?: Metric;
}

/**
 * Judges one metric criterion from its evidence: the new path's, then the baseline's for
 * vsBaseline. Not measured, or fewer samples than `minSamples`: INCONCLUSIVE, never PASS or
 * FAIL. Ratio metrics (counts) are decided on an always-valid confidence sequence: PASS when
 * the whole interval satisfies the comparison, FAIL when the whole interval violates it,
 * INCONCLUSIVE in between. Anything else is a point estimate, and says so.
 */
export function judge(c: Criterion, evidence: Evidence[], options: JudgeOptions): Judged {
  const { bad, metric } = options;
  const u = options.unit ? ` ${options.unit}` : '';
  const [t, k] = evidence;
  if (!t?.ok) return { result: 'INCONCLUSIVE', why: c.vsBaseline ? `treatment not measured: ${t ? t.reason : 'no request'}` : t ? t.reason : 'not measured' };
  if (c.vsBaseline && !k?.ok) return { result: 'INCONCLUSIVE', treatment: t.value, why: `baseline (${c.vsBaseline.from}) not measured: ${k ? k.reason : 'no request'}` };
  const sides = c.vsBaseline ? [t, k as Extract<Evidence, { ok: true }>] : [t];

  const minSamples = c.minSamples ?? metric?.minSamples;
  const known = sides.map((e) => e.samples);
  const samples = known.every((n) => n !== undefined) ? Math.min(...(known as number[])) : undefined;
  if (minSamples !== undefined) {
    if (samples === undefined) return { result: 'INCONCLUSIVE', measured: t.value, why: metric?.ratio || metric?.samples ? `minSamples ${minSamples} needs a sample count, and the provider gave none (a metrics file has values, not counts)` : `minSamples ${minSamples} needs a sample count, and ${c.metric} declares neither samples nor ratio` };
    if (samples < minSamples) return { result: 'INCONCLUSIVE', measured: t.value, samples, why: `not enough traffic yet: ${fmt(samples)} of ${minSamples} samples` };
  }
  const level = c.confidence ?? DEFAULT_LEVEL;
  const verdict = (holdsAll: 'PASS' | 'FAIL' | 'INCONCLUSIVE'): Result => (holdsAll === 'INCONCLUSIVE' ? 'INCONCLUSIVE' : (holdsAll === 'PASS') !== bad ? 'PASS' : 'FAIL');
  const withSamples = samples !== undefined ? { samples } : {};

  if (c.vsBaseline) {
    const b = sides[1];
    const from = c.vsBaseline.from === 'history' ? 'baseline (history)' : 'control';
    const direction = baselineDirection(c);
    if (direction && t.counts && b.counts && !c.for) {
      // "No increase": FAIL only when an increase is shown (the whole interval beyond 1), else
      // PASS — minSamples above keeps a handful of requests from passing on a wide interval.
      const cs = ratioSequence(asCounts(t.counts), asCounts(b.counts), { level });
      const ratio = cs.estimate ?? NaN;
      const shown = decide(cs, direction === 'increase' ? { op: '>', value: 1 } : { op: '<', value: 1 });
      const result: Result = cs.estimate === null ? 'INCONCLUSIVE' : shown === 'PASS' ? 'FAIL' : 'PASS';
      const words = result === 'INCONCLUSIVE' ? 'no events in either arm: nothing to compare' : result === 'FAIL' ? `wholly ${direction === 'increase' ? 'above' : 'below'} 1: ${direction === 'increase' ? 'an increase' : 'a decrease'} is shown` : `${direction === 'increase' ? 'an increase' : 'a decrease'} is not shown`;
      return { result, measured: ratio, treatment: t.value, control: b.value, ...withSamples, interval: [cs.lower, cs.upper], method: `${cs.method} ${pct(level)}`, why: `treatment ${fmt(t.value)}${u} ÷ ${from} ${fmt(b.value)}${u} = ${fmt(ratio)}, ${pct(level)} interval ${fmt(cs.lower)}–${fmt(cs.upper)}: ${words}` };
    }
    if (t.counts && b.counts && !c.for && isInequality(c.vsBaseline.op)) {
      const cs = ratioSequence(asCounts(t.counts), asCounts(b.counts), { level });
      const holdsAll = decide(cs, { op: c.vsBaseline.op, value: c.vsBaseline.ratio });
      const ratio = cs.estimate ?? NaN;
      return { result: verdict(holdsAll), measured: ratio, treatment: t.value, control: b.value, ...withSamples, interval: [cs.lower, cs.upper], method: `${cs.method} ${pct(level)}`, why: `treatment ${fmt(t.value)}${u} ÷ ${from} ${fmt(b.value)}${u} = ${fmt(ratio)}, ${pct(level)} interval ${fmt(cs.lower)}–${fmt(cs.upper)}: ${explain(holdsAll, threshold(c), bad)}` };
    }
    if (b.value === 0) return { result: 'INCONCLUSIVE', treatment: t.value, control: 0, ...withSamples, why: `${from} is 0: there is no baseline to compare with` };
    const ratio = t.value / b.value;
    const match = holds(c, ratio);
    const said = direction ? `${match ? 'no' : direction === 'increase' ? 'an' : 'a'} ${direction}` : `${match ? '' : 'not '}${threshold(c)}`;
    return { result: verdict(match ? 'PASS' : 'FAIL'), measured: ratio, treatment: t.value, control: b.value, ...withSamples, method: 'point estimate', why: `treatment ${fmt(t.value)}${u} ÷ ${from} ${fmt(b.value)}${u} = ${fmt(ratio)}, ${said} (point estimate)${bad && match ? ' (blocker hit)' : ''}` };
  }

  if (t.counts && !c.for && (c.between || c.outside || isInequality(c.op))) {
    const scale = metric?.unit === 'percent' ? 100 : 1;
    const cs = proportionSequence(asCounts(t.counts), { level });
    const lo = cs.lower * scale;
    const hi = cs.upper * scale;
    const criterion = c.between ? { between: c.between } : c.outside ? { outside: c.outside } : { op: c.op as '<' | '<=' | '>' | '>=', value: c.value! };
    const holdsAll = decide({ ...cs, lower: lo, upper: hi }, criterion);
    return { result: verdict(holdsAll), measured: t.value, ...withSamples, interval: [lo, hi], method: `${cs.method} ${pct(level)}`, why: `${fmt(t.value)}${u} (${fmt(t.counts.events)} of ${fmt(t.counts.trials)}), ${pct(level)} interval ${fmt(lo)}–${fmt(hi)}${u}: ${explain(holdsAll, threshold(c), bad)}` };
  }

  const match = holds(c, t.value);
  const how = c.for ? `throughout the last ${c.for}` : 'point estimate';
  return { result: verdict(match ? 'PASS' : 'FAIL'), measured: t.value, ...withSamples, method: c.for ? `sustained over ${c.for}` : 'point estimate', why: `${fmt(t.value)}${u} is ${match ? '' : 'not '}${threshold(c)}${c.for ? ` ${how} (the ${c.op === '<' || c.op === '<=' ? 'highest' : c.between ? 'worst' : 'lowest'} value)` : ' (point estimate)'}${bad && match ? ' (blocker hit)' : ''}` };
}

const isInequality = (op: string | undefined): op is '<' | '<=' | '>' | '>=' => op === '<' || op === '<=' || op === '>' || op === '>=';
const asCounts = (c: { events: number; trials: number }) => ({ successes: Math.min(c.events, c.trials), trials: c.trials });

function explain(holdsAll: 'PASS' | 'FAIL' | 'INCONCLUSIVE', condition: string, bad: boolean): string {
  if (holdsAll === 'INCONCLUSIVE') return `straddles ${condition}: not enough evidence either way yet`;
  if (holdsAll === 'PASS') return `wholly ${condition}${bad ? ' (blocker hit)' : ''}`;
  return `wholly not ${condition}`;
}
