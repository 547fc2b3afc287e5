import { StatsInputError } from './errors.ts';

/**
 * Always-valid confidence sequences for proportions (error rate, conversion), for one
 * variant and for treatment vs control. A gate looks again on every PR event and every
 * scheduled run; a fixed-n 95 % interval checked at each look would be wrong far more than
 * 5 % of the time, so these intervals hold at every look at once.
 *
 * Method: the asymptotic confidence sequence (Gaussian-mixture form) of Waudby-Smith,
 * Arbour, Sinha, Kennedy & Ramdas, "Time-uniform central limit theory and asymptotic
 * confidence sequences", Annals of Statistics 2024, arXiv:2103.06476 — Robbins' normal
 * mixture applied to the Gaussian process that strongly approximates the running mean:
 *
 *   C_t = μ̂_t ± σ̂_t · sqrt( 2(tρ² + 1) / (t²ρ²) · ln( sqrt(tρ² + 1) / α ) )
 *
 * with P(∃t: μ ∉ C_t) ≤ α as t grows. Written as μ̂_t ± z_t · σ̂_t / √t it is the usual CLT
 * interval with the normal quantile z_{1−α/2} replaced by
 *
 *   z_t = sqrt( (tρ² + 1) / (tρ²) · ( ln(tρ² + 1) + 2 ln(1/α) ) )       (`sequenceMultiplier`)
 *
 * which is above sqrt(2 ln(1/α)) > z_{1−α/2} at every t, so it is always wider than the
 * fixed-n interval, and grows only like sqrt(ln t). ρ sets where it is tightest:
 *
 *   ρ² = ( −2 ln α + ln(−2 ln α + 1) ) / N                              (`mixingRho`)
 *
 * the paper's closed-form near-minimiser of the width at t = N; GrowthBook's sequential
 * testing and safe rollouts use the same formulas, with N called the tuning parameter
 * (their default 5,000; ours 10,000 trials, `DEFAULT_TUNING`).
 *
 * Why this one: it is what GrowthBook computes, so numbers are comparable with a tool
 * people know; it is closed-form (no root-finding on every gate run); and, being CLT-like,
 * the same multiplier serves one proportion, a difference and a log ratio. The closed-form
 * nonasymptotic sequences (the sub-Gaussian normal mixture of Howard, Ramdas, McAuliffe &
 * Sekhon 2021) must assume the worst Bernoulli variance ¼ and come out about five times
 * wider at a 1 % error rate; their variance-adaptive ones (empirical Bernstein, betting) and
 * Robbins' beta-binomial mixture need numerical work per look, and the latter has no form
 * for two variants. The price is that validity is asymptotic: with a handful of events the
 * normal approximation is rough, which is why the simulation tests measure false FAILs and
 * false PASSes at the counts gates see, rare events included.
 *
 * How σ̂ is taken for proportions (each choice keeps 0 successes from giving a zero-width
 * interval that would PASS any `<` threshold after 0 errors in 12 requests):
 * - one proportion: σ evaluated at the candidate p, not at p̂ (score inversion, Wilson 1927),
 *   with the usual continuity correction of half an event (Newcombe 1998, "Two-sided
 *   confidence intervals for the single proportion", method 4):
 *   C_t = { p : |x − tp| − ½ ≤ z_t · sqrt(t p(1 − p)) }, solved in closed form. Without the
 *   correction, 2 events in the first 200 trials at a true 0.1 % already clears "> 0.1 %";
 *   measured over 200 looks that PASSed 5–7 % of runs with a small `tuning`;
 * - difference T − C: the half-widths z_t·σ_T/√n_T and z_t·σ_C/√n_C are recovered from each
 *   arm's score bounds (l, u) at the same z_t and combined as in the Wald formula —
 *   MOVER (Newcombe 1998, "Interval estimation for the difference between independent
 *   proportions", method 10; Zou & Donner 2008):
 *     lower = p̂_T − p̂_C − sqrt((p̂_T − l_T)² + (u_C − p̂_C)²)
 *     upper = p̂_T − p̂_C + sqrt((u_T − p̂_T)² + (p̂_C − l_C)²)
 *   With many events it is the plain z_t · sqrt(σ̂_T²/n_T + σ̂_C²/n_C); with few events in
 *   one arm it does not trust that arm's p̂(1 − p̂), which a plug-in would (measured: a
 *   plug-in let 10 % of runs PASS "treatment no worse" on a 5-request-a-look arm);
 * - ratio T / C: delta method on the log scale, ln(p̂_T/p̂_C) ± z_t · sqrt((1 − p̃_T)/(n_T p̃_T)
 *   + (1 − p̃_C)/(n_C p̃_C)), exponentiated; when one arm has 0 successes the centre uses
 *   p̃ too (the Haldane–Anscombe correction), and 0 in both arms says nothing about the
 *   ratio (estimate null). On the log scale the interval stays positive and skewed like the
 *   ratio itself, which a ratio derived from the difference interval would not. Its
 *   variance, about 1/(x_T + ½) + 1/(x_C + ½), is already large when events are few.
 * For comparisons t = n_T + n_C: both arms together index the sequence, as in the paper's
 * randomized-experiment sequence and in GrowthBook's gbstats.
 *
 * Counts are non-negative reals (Prometheus `increase()` extrapolates), not only integers.
 */

/** Where the sequence is tightest unless told otherwise: trials (both arms together for a comparison). */
export const DEFAULT_TUNING = 10_000;
export const DEFAULT_LEVEL = 0.95;
/** Half an event: counts are discrete, and the normal curve undershoots a few events' right tail. */
const CONTINUITY = 0.5;

/** Successes out of trials: errors of requests, conversions of sessions. */
export interface Counts {
  successes: number;
  trials: number;
}

export interface SequenceOptions {
  /** Coverage over all looks together, in (0, 1); default 0.95. */
  level?: number;
  /** Planned trials N at which the sequence is tightest (ρ is tuned for it); default 10,000. */
  tuning?: number;
}

/** One look's interval: plain data. Fractions (0–1) for rates and differences; a ratio is unitless. */
export interface SequenceInterval {
  /** The point estimate; null when there is nothing to estimate from (no trials in an arm; a ratio of 0 to 0). */
  estimate: number | null;
  lower: number;
  upper: number;
  /** Which construction, for reports: `asymptotic-cs/wilson`, `asymptotic-cs/difference`, `asymptotic-cs/log-ratio`. */
  method: string;
  /** The time index t: trials, or both arms' trials together. */
  n: number;
  level: number;
}

/** ρ for planned sample size `tuning` at error rate `alpha`. */
export function mixingRho(tuning: number, alpha: number): number {
  const twoLogInvAlpha = -2 * Math.log(alpha);
  return Math.sqrt((twoLogInvAlpha + Math.log(twoLogInvAlpha + 1)) / tuning);
}

/** z_t: what replaces the fixed-n normal quantile at time t (Infinity when t is too small to say anything). */
export function sequenceMultiplier(t: number, alpha: number, rho: number): number {
  // The paper's half-width for σ = 1, times √t.
  const trho2 = t * rho * rho;
  const halfWidth = Math.sqrt(((2 * (trho2 + 1)) / (t * trho2)) * Math.log(Math.sqrt(trho2 + 1) / alpha));
  return halfWidth * Math.sqrt(t);
}

/** The confidence sequence for one proportion (continuity-corrected score inversion). */
export function proportionSequence(counts: Counts, options: SequenceOptions = {}): SequenceInterval {
  const { successes: x, trials: t } = checkCounts(counts, 'counts');
  const { alpha, rho, level } = settings(options);
  const method = 'asymptotic-cs/wilson';
  if (t === 0) return { estimate: null, lower: 0, upper: 1, method, n: 0, level };
  const [lower, upper] = scoreBounds(x, t, sequenceMultiplier(t, alpha, rho));
  return { estimate: x / t, lower, upper, method, n: t, level };
}

/** The confidence sequence for treatment's rate minus control's (MOVER over each arm's score bounds). */
export function differenceSequence(treatment: Counts, control: Counts, options: SequenceOptions = {}): SequenceInterval {
  const T = checkCounts(treatment, 'treatment');
  const C = checkCounts(control, 'control');
  const { alpha, rho, level } = settings(options);
  const method = 'asymptotic-cs/difference';
  const n = T.trials + C.trials;
  if (T.trials === 0 || C.trials === 0) return { estimate: null, lower: -1, upper: 1, method, n, level };
  const [pt, pc] = [T.successes / T.trials, C.successes / C.trials];
  const z = sequenceMultiplier(n, alpha, rho);
  const [lt, ut] = scoreBounds(T.successes, T.trials, z);
  const [lc, uc] = scoreBounds(C.successes, C.trials, z);
  const estimate = pt - pc;
  const lower = Math.max(-1, estimate - Math.hypot(pt - lt, uc - pc));
  const upper = Math.min(1, estimate + Math.hypot(ut - pt, pc - lc));
  return { estimate, lower, upper, method, n, level };
}

/**
 * The continuity-corrected score (Wilson) set { q : |x − tq| − ½ ≤ z · sqrt(t q(1 − q)) }:
 * its lower end is the plain score set's lower end for x − ½, its upper end the upper end
 * for x + ½. Each end comes from the smaller root of a quadratic, a²/((1 + k) · larger root),
 * which avoids cancellation at tiny rates.
 */
function scoreBounds(x: number, t: number, z: number): [number, number] {
  const k = (z * z) / t;
  if (!Number.isFinite(k)) return [0, 1];
  const nearEnd = (count: number) => {
    if (count <= 0) return 0;
    const [a, b] = [count / t, (t - count) / t];
    return (a * a) / (a + k / 2 + Math.sqrt(k * a * b + (k * k) / 4));
  };
  const p = x / t;
  return [Math.min(p, nearEnd(x - CONTINUITY)), Math.max(p, 1 - nearEnd(t - x - CONTINUITY))];
}

/** The confidence sequence for treatment's rate divided by control's (delta method on the log scale). */
export function ratioSequence(treatment: Counts, control: Counts, options: SequenceOptions = {}): SequenceInterval {
  const T = checkCounts(treatment, 'treatment');
  const C = checkCounts(control, 'control');
  const { alpha, rho, level } = settings(options);
  const method = 'asymptotic-cs/log-ratio';
  const n = T.trials + C.trials;
  // 0 of anything over 0 of anything: no information about the ratio, however many trials.
  if (T.trials === 0 || C.trials === 0 || (T.successes === 0 && C.successes === 0)) return { estimate: null, lower: 0, upper: Infinity, method, n, level };
  const shrunk = (c: Counts) => (c.successes + 0.5) / (c.trials + 1);
  const [st, sc] = [shrunk(T), shrunk(C)];
  const zero = T.successes === 0 || C.successes === 0;
  const logRatio = zero ? Math.log(st) - Math.log(sc) : Math.log(T.successes / T.trials) - Math.log(C.successes / C.trials);
  const se = Math.sqrt((1 - st) / (T.trials * st) + (1 - sc) / (C.trials * sc));
  const width = sequenceMultiplier(n, alpha, rho) * se;
  const estimate = Math.exp(logRatio);
  if (!Number.isFinite(width)) return { estimate, lower: 0, upper: Infinity, method, n, level };
  return { estimate, lower: Math.exp(logRatio - width), upper: Math.exp(logRatio + width), method, n, level };
}

function settings(options: SequenceOptions): { alpha: number; rho: number; level: number } {
  const level = options.level ?? DEFAULT_LEVEL;
  const tuning = options.tuning ?? DEFAULT_TUNING;
  if (typeof level !== 'number' || !(level > 0 && level < 1)) throw new StatsInputError('level', level, 'must be a fraction strictly between 0 and 1 (0.95, not 95)');
  if (typeof tuning !== 'number' || !(tuning > 0) || !Number.isFinite(tuning)) throw new StatsInputError('tuning', tuning, 'must be a positive, finite number of trials');
  const alpha = 1 - level;
  return { alpha, rho: mixingRho(tuning, alpha), level };
}

function checkCounts(counts: Counts, name: string): Counts {
  const { successes, trials } = counts;
  for (const [field, value] of [
    ['successes', successes],
    ['trials', trials],
  ] as const) {
    if (typeof value !== 'number' || Number.isNaN(value)) throw new StatsInputError(`${name}.${field}`, value, 'not a number');
    if (!Number.isFinite(value)) throw new StatsInputError(`${name}.${field}`, value, 'not finite');
    if (value < 0) throw new StatsInputError(`${name}.${field}`, value, 'negative');
  }
  if (successes > trials) throw new StatsInputError(`${name}.successes`, successes, `more than the ${trials} trials`);
  return { successes, trials };
}
