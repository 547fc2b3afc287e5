import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Counts, DEFAULT_TUNING, differenceSequence, mixingRho, proportionSequence, ratioSequence, type SequenceInterval, sequenceMultiplier } from '../scripts/stats/confidence-sequence.ts';
import { decide, enoughSamples, type StatsCriterion } from '../scripts/stats/decide.ts';
import { StatsInputError } from '../scripts/stats/errors.ts';

// Standard normal quantiles (Abramowitz & Stegun 26.2; checked against scipy.stats.norm.ppf).
const Z_975 = 1.959963984540054; // fixed-n two-sided 95 %
const Z_BONFERRONI_200 = 3.662259930887615; // two-sided 95 % split over 200 looks: z_{1 − 0.05/400}

/** ρ from its definition, written out again rather than imported. */
const rhoOf = (N: number, alpha: number) => Math.sqrt((-2 * Math.log(alpha) + Math.log(-2 * Math.log(alpha) + 1)) / N);

/**
 * z_t from first principles: Robbins' two-sided normal mixture M_t(S) = exp(ρ²S²/(2(1 + tρ²))) / sqrt(1 + tρ²)
 * is a nonnegative martingale for standard Gaussian increments, so by Ville's inequality
 * P(∃t: M_t ≥ 1/α) ≤ α; the boundary is the S where M_t = 1/α, found by bisection, over √t.
 */
function villeMultiplier(t: number, alpha: number, rho: number): number {
  const logM = (S: number) => (rho * rho * S * S) / (2 * (1 + t * rho * rho)) - 0.5 * Math.log(1 + t * rho * rho);
  let [lo, hi] = [0, 1e12];
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (logM(mid) < Math.log(1 / alpha)) lo = mid;
    else hi = mid;
  }
  return lo / Math.sqrt(t);
}

/** The set { q : |x − tq| − ½ ≤ z sqrt(t q(1 − q)) } found by bisection on each side of x/t. */
function scoreSet(x: number, t: number, z: number): [number, number] {
  const p = x / t;
  const inside = (q: number) => Math.abs(x - t * q) - 0.5 <= z * Math.sqrt(t * q * (1 - q));
  const edge = (inner: number, outer: number) => {
    if (inside(outer)) return outer;
    for (let i = 0; i < 200; i++) {
      const mid = (inner + outer) / 2;
      if (inside(mid)) inner = mid;
      else outer = mid;
    }
    return inner;
  };
  return [edge(p, 0), edge(p, 1)];
}

/** Wilson's interval with continuity correction at quantile z, in Newcombe's closed form (1998, method 4). */
function wilsonCC(x: number, t: number, z: number): [number, number] {
  const p = x / t;
  const d = 2 * (t + z * z);
  const lower = p === 0 ? 0 : (2 * t * p + z * z - 1 - z * Math.sqrt(z * z - 2 - 1 / t + 4 * p * (t * (1 - p) + 1))) / d;
  const upper = p === 1 ? 1 : (2 * t * p + z * z + 1 + z * Math.sqrt(z * z + 2 - 1 / t + 4 * p * (t * (1 - p) - 1))) / d;
  return [Math.max(0, lower), Math.min(1, upper)];
}

/** Fixed-n Wilson interval at normal quantile z. */
function wilson(x: number, t: number, z: number): [number, number] {
  const p = x / t;
  const k = (z * z) / t;
  if (!Number.isFinite(k)) return [0, 1];
  const centre = (p + k / 2) / (1 + k);
  const half = Math.sqrt(k * p * (1 - p) + (k * k) / 4) / (1 + k);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

const close = (actual: number, expected: number, rel = 1e-8) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(Math.abs(expected), 1e-12));

describe('the sequence multiplier z_t', () => {
  it.each([
    [12, 0.05, 10_000],
    [200, 0.05, 10_000],
    [10_000, 0.05, 10_000],
    [1e9, 0.05, 10_000],
    [5_000, 0.01, 5_000],
    [1_000, 0.2, 1_000],
    [0.3, 0.05, 10_000],
  ])('t = %d, α = %d, N = %d: equals the Ville boundary of the normal mixture', (t, alpha, N) => {
    close(mixingRho(N, alpha), rhoOf(N, alpha), 1e-12);
    close(sequenceMultiplier(t, alpha, rhoOf(N, alpha)), villeMultiplier(t, alpha, rhoOf(N, alpha)), 1e-9);
  });

  it('is always wider than the fixed-n quantile, and narrower than Bonferroni over 200 looks from N/4 to 100·N', () => {
    const rho = rhoOf(DEFAULT_TUNING, 0.05);
    for (let t = 1; t <= 1e9; t *= 1.5) {
      const z = sequenceMultiplier(t, 0.05, rho);
      expect(z).toBeGreaterThan(Math.sqrt(2 * Math.log(1 / 0.05))); // 2.448 > 1.96
      if (t >= DEFAULT_TUNING / 4 && t <= 100 * DEFAULT_TUNING) expect(z).toBeLessThan(Z_BONFERRONI_200);
    }
    // Early looks pay for being allowed: well before N it is wider than Bonferroni-200.
    expect(sequenceMultiplier(DEFAULT_TUNING / 10, 0.05, rho)).toBeGreaterThan(Z_BONFERRONI_200);
  });

  it('ρ tuned for N nearly minimises the width at t = N', () => {
    const N = 10_000;
    const tuned = sequenceMultiplier(N, 0.05, rhoOf(N, 0.05));
    let best = Infinity;
    for (let r = rhoOf(N, 0.05) / 10; r < rhoOf(N, 0.05) * 10; r *= 1.01) best = Math.min(best, sequenceMultiplier(N, 0.05, r));
    expect(tuned).toBeLessThan(best * 1.01);
  });
});

describe('proportionSequence: known values', () => {
  // Expected bounds from an independent scipy script (brentq on the mixture boundary, then on
  // the continuity-corrected score set), and again here two ways: bisection on the set, and
  // Newcombe's closed form, both at the Ville multiplier.
  it.each([
    // successes, trials, level, tuning, lower, upper
    [3, 200, 0.95, 10_000, 0.0006292691567, 0.2104603236],
    [0, 12, 0.95, 10_000, 0, 0.9829953439],
    [12, 12, 0.95, 10_000, 0.01700465612, 1],
    [50, 5_000, 0.95, 10_000, 0.006417737423, 0.01548424751],
    [100, 10_000, 0.95, 10_000, 0.007356324045, 0.01356043237],
    [130, 10_000, 0.9, 10_000, 0.01017605927, 0.01657923264],
    [1e7, 1e9, 0.95, 10_000, 0.009986087851, 0.01001393133],
    [2.5, 199.7, 0.95, 10_000, 0.000410695858, 0.2071126499],
    [100, 10_000, 0.99, 5_000, 0.006960631206, 0.01432211617],
    [40, 1_000, 0.8, 1_000, 0.02694239424, 0.05873589188],
    [3, 200, 0.95, 1_000, 0.001965355648, 0.08319058178],
    [0, 12, 0.95, 1_000, 0, 0.8654794194],
    [0.3, 50, 0.95, 10_000, 0, 0.7672304788],
  ])('%d of %d at %d, N = %d → [%d, %d]', (x, t, level, tuning, lower, upper) => {
    const got = proportionSequence({ successes: x, trials: t }, { level, tuning });
    close(got.lower, lower, 1e-9);
    close(got.upper, upper, 1e-9);
    const z = villeMultiplier(t, 1 - level, rhoOf(tuning, 1 - level));
    const [bl, bu] = scoreSet(x, t, z);
    close(got.lower, bl, 1e-9);
    close(got.upper, bu, 1e-9);
    if (x >= 0.5 && t - x >= 0.5) {
      const [nl, nu] = wilsonCC(x, t, z);
      close(got.lower, nl, 1e-7);
      close(got.upper, nu, 1e-7);
    }
    expect(got).toMatchObject({ estimate: x / t, n: t, level, method: 'asymptotic-cs/wilson' });
  });

  it.each([
    [0, 2_500],
    [25, 2_500],
    [100, 10_000],
    [1_000, 100_000],
    [9_000, 1_000_000],
  ])('%d of %d: wider than the fixed-n 95 % interval, narrower than Bonferroni over 200 looks (both Wilson, continuity-corrected)', (x, t) => {
    const got = proportionSequence({ successes: x, trials: t });
    const [fl, fu] = wilsonCC(x, t, Z_975);
    const [bl, bu] = wilsonCC(x, t, Z_BONFERRONI_200);
    expect(got.lower).toBeLessThanOrEqual(fl);
    expect(got.upper).toBeGreaterThan(fu);
    expect(got.upper - got.lower).toBeLessThan(bu - bl);
  });

  it('always holds its estimate and the fixed-n interval, inside [0, 1]', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (t, share) => {
        const x = Math.min(t, t * share);
        const got = proportionSequence({ successes: x, trials: t });
        if (t === 0) return got.estimate === null && got.lower === 0 && got.upper === 1;
        const [fl, fu] = wilson(x, t, Z_975);
        return got.lower >= 0 && got.upper <= 1 && got.lower <= got.estimate! && got.estimate! <= got.upper && got.lower <= fl + 1e-12 && got.upper >= fu - 1e-12;
      }),
    );
  });
});

describe('two variants: known values', () => {
  // Expected from the same independent scipy script. Here again: the difference by MOVER over
  // Newcombe's closed-form arm bounds; the ratio through the per-observation form gbstats
  // uses, s² = SE²·n and half-width s · sqrt(2(nρ²+1)/(n²ρ²) · ln(sqrt(nρ²+1)/α)).
  const shrunk = (c: Counts) => (c.successes + 0.5) / (c.trials + 1);
  const halfWidth = (se: number, n: number, alpha: number, N: number) => {
    const r = rhoOf(N, alpha);
    return Math.sqrt(se * se * n) * Math.sqrt(((2 * (n * r * r + 1)) / (n * n * r * r)) * Math.log(Math.sqrt(n * r * r + 1) / alpha));
  };

  it.each([
    // xt, nt, xc, nc, level, tuning, lower, upper
    [3, 200, 10, 1_800, 0.95, 10_000, -0.007063457297, 0.07773505082],
    [0, 200, 0, 1_800, 0.95, 10_000, -0.006788037848, 0.05817955342],
    [130, 10_000, 100, 10_000, 0.95, 10_000, -0.001736479203, 0.007812381037],
    [1_200, 50_000, 1_000, 50_000, 0.9, 20_000, 0.00130591942, 0.006703090091],
  ])('difference %d/%d − %d/%d → [%d, %d]', (xt, nt, xc, nc, level, tuning, lower, upper) => {
    const got = differenceSequence({ successes: xt, trials: nt }, { successes: xc, trials: nc }, { level, tuning });
    close(got.lower, lower, 1e-9);
    close(got.upper, upper, 1e-9);
    const z = villeMultiplier(nt + nc, 1 - level, rhoOf(tuning, 1 - level));
    const [[lt, ut], [lc, uc]] = [xt > 0 ? wilsonCC(xt, nt, z) : scoreSet(xt, nt, z), xc > 0 ? wilsonCC(xc, nc, z) : scoreSet(xc, nc, z)];
    const d = xt / nt - xc / nc;
    close(got.lower, d - Math.hypot(xt / nt - lt, uc - xc / nc), 1e-7);
    close(got.upper, d + Math.hypot(ut - xt / nt, xc / nc - lc), 1e-7);
    expect(got).toMatchObject({ estimate: d, n: nt + nc, method: 'asymptotic-cs/difference' });
  });

  it('with many events in both arms the difference is the plain z_t · SE interval of the paper', () => {
    const [T, C] = [{ successes: 12_000, trials: 500_000 }, { successes: 10_000, trials: 500_000 }];
    const got = differenceSequence(T, C);
    const [pt, pc] = [T.successes / T.trials, C.successes / C.trials];
    const h = halfWidth(Math.sqrt((pt * (1 - pt)) / T.trials + (pc * (1 - pc)) / C.trials), 1e6, 0.05, DEFAULT_TUNING);
    close(got.upper - got.lower, 2 * h, 0.01);
  });

  it.each([
    [3, 200, 10, 1_800, 0.95, 10_000, 0.342373557, 21.29253224],
    [130, 10_000, 100, 10_000, 0.95, 10_000, 0.8679297054, 1.947162298],
    [0, 5_000, 20, 5_000, 0.95, 10_000, 0.0003165442459, 1.87930757],
    [20, 5_000, 0, 5_000, 0.95, 10_000, 0.5321108773, 3159.116026],
    [1_200, 50_000, 1_000, 50_000, 0.9, 20_000, 1.061841888, 1.356134106],
  ])('ratio %d/%d ÷ %d/%d → [%d, %d]', (xt, nt, xc, nc, level, tuning, lower, upper) => {
    const [T, C] = [{ successes: xt, trials: nt }, { successes: xc, trials: nc }];
    const got = ratioSequence(T, C, { level, tuning });
    close(got.lower, lower, 1e-9);
    close(got.upper, upper, 1e-9);
    const [pt, pc] = [shrunk(T), shrunk(C)];
    const h = halfWidth(Math.sqrt((1 - pt) / (nt * pt) + (1 - pc) / (nc * pc)), nt + nc, 1 - level, tuning);
    close(Math.log(got.upper) - Math.log(got.lower), 2 * h, 1e-9);
    close(Math.sqrt(got.lower * got.upper), got.estimate!, 1e-9); // symmetric on the log scale
    expect(got.method).toBe('asymptotic-cs/log-ratio');
  });

  it('comparisons always hold their estimate, inside their range', () => {
    const arm = fc.tuple(fc.double({ min: 0, max: 1e8, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })).map(([t, share]) => ({ successes: Math.min(t, t * share), trials: t }));
    fc.assert(
      fc.property(arm, arm, (T, C) => {
        const d = differenceSequence(T, C);
        const r = ratioSequence(T, C);
        const dOk = d.estimate === null ? d.lower === -1 && d.upper === 1 : -1 <= d.lower && d.lower <= d.estimate + 1e-12 && d.estimate - 1e-12 <= d.upper && d.upper <= 1;
        const rOk = r.estimate === null ? r.lower === 0 && r.upper === Infinity : 0 <= r.lower && r.lower <= r.estimate * (1 + 1e-12) && r.estimate <= r.upper * (1 + 1e-12);
        return dOk && rOk;
      }),
    );
  });
});

describe('decide', () => {
  const iv = (lower: number, upper: number): SequenceInterval => ({ estimate: (lower + upper) / 2, lower, upper, method: 'test', n: 1000, level: 0.95 });
  it.each<[number, number, StatsCriterion, string]>([
    [0.002, 0.008, { op: '<', value: 0.01 }, 'PASS'],
    [0.002, 0.01, { op: '<', value: 0.01 }, 'INCONCLUSIVE'],
    [0.002, 0.01, { op: '<=', value: 0.01 }, 'PASS'],
    [0.01, 0.02, { op: '<', value: 0.01 }, 'FAIL'],
    [0.01, 0.02, { op: '<=', value: 0.01 }, 'INCONCLUSIVE'],
    [0.011, 0.02, { op: '<=', value: 0.01 }, 'FAIL'],
    [0.005, 0.015, { op: '<', value: 0.01 }, 'INCONCLUSIVE'],
    [0.96, 0.99, { op: '>', value: 0.95 }, 'PASS'],
    [0.95, 0.99, { op: '>', value: 0.95 }, 'INCONCLUSIVE'],
    [0.95, 0.99, { op: '>=', value: 0.95 }, 'PASS'],
    [0.9, 0.95, { op: '>', value: 0.95 }, 'FAIL'],
    [0.9, 0.95, { op: '>=', value: 0.95 }, 'INCONCLUSIVE'],
    [0.9, 0.94, { op: '>=', value: 0.95 }, 'FAIL'],
    [0.6, 0.8, { between: [0.6, 0.85] }, 'PASS'],
    [0.5, 0.7, { between: [0.6, 0.85] }, 'INCONCLUSIVE'],
    [0.9, 0.95, { between: [0.6, 0.85] }, 'FAIL'],
    [0.1, 0.59, { between: [0.6, 0.85] }, 'FAIL'],
    [0.9, 0.95, { outside: [0.6, 0.85] }, 'PASS'],
    [0.6, 0.85, { outside: [0.6, 0.85] }, 'FAIL'],
    [0.55, 0.65, { outside: [0.6, 0.85] }, 'INCONCLUSIVE'],
    [1.2, 1.4, { op: '<', value: 1.5 }, 'PASS'],
    [0.8, Infinity, { op: '<', value: 1.5 }, 'INCONCLUSIVE'],
  ])('[%d, %d] against %j → %s', (lower, upper, criterion, want) => {
    expect(decide(iv(lower, upper), criterion)).toBe(want);
  });

  it('no data never passes: no trials, no estimate, NaN bounds', () => {
    const always: StatsCriterion = { op: '<=', value: 1 }; // every proportion satisfies it
    expect(decide(proportionSequence({ successes: 0, trials: 0 }), always)).toBe('INCONCLUSIVE');
    expect(decide({ ...iv(0, 1), estimate: null }, always)).toBe('INCONCLUSIVE');
    expect(decide({ ...iv(0, 1), n: 0 }, always)).toBe('INCONCLUSIVE');
    expect(decide({ ...iv(0, 1), lower: NaN }, always)).toBe('INCONCLUSIVE');
    expect(decide(differenceSequence({ successes: 0, trials: 0 }, { successes: 5, trials: 100 }), { op: '<', value: 2 })).toBe('INCONCLUSIVE');
  });

  it('a malformed criterion is a typed error', () => {
    expect(() => decide(iv(0, 1), { between: [0.9, 0.1] })).toThrow(StatsInputError);
    expect(() => decide(iv(0, 1), { op: '<', value: NaN })).toThrow(StatsInputError);
    expect(() => decide(iv(0, 1), { op: '==', value: 1 } as unknown as StatsCriterion)).toThrow(StatsInputError);
  });

  it('enoughSamples', () => {
    expect(enoughSamples(99.5, 100)).toBe(false);
    expect(enoughSamples(100, 100)).toBe(true);
  });
});

describe('edge cases', () => {
  const underOnePercent: StatsCriterion = { op: '<', value: 0.01 };

  it('3 errors in 200 requests (1.5 %) against < 1 %: INCONCLUSIVE, not FAIL', () => {
    const got = proportionSequence({ successes: 3, trials: 200 });
    expect(got.estimate).toBe(0.015);
    expect(got.lower).toBeLessThan(0.01);
    expect(decide(got, underOnePercent)).toBe('INCONCLUSIVE');
  });

  it('0 errors in 12 requests against < 1 %: INCONCLUSIVE, not PASS', () => {
    const got = proportionSequence({ successes: 0, trials: 12 });
    expect(got).toMatchObject({ estimate: 0, lower: 0 });
    expect(got.upper).toBeGreaterThan(0.5);
    expect(decide(got, underOnePercent)).toBe('INCONCLUSIVE');
  });

  it('0 trials: nothing to estimate, full range', () => {
    expect(proportionSequence({ successes: 0, trials: 0 })).toMatchObject({ estimate: null, lower: 0, upper: 1, n: 0 });
    expect(differenceSequence({ successes: 0, trials: 0 }, { successes: 0, trials: 0 })).toMatchObject({ estimate: null, lower: -1, upper: 1 });
    expect(ratioSequence({ successes: 1, trials: 10 }, { successes: 0, trials: 0 })).toMatchObject({ estimate: null, lower: 0, upper: Infinity });
  });

  it('all successes: the upper bound is exactly 1', () => {
    const got = proportionSequence({ successes: 5_000, trials: 5_000 });
    expect(got.upper).toBe(1);
    expect(got.lower).toBeGreaterThan(0.99);
    expect(decide(got, { op: '>=', value: 0.99 })).toBe('PASS');
  });

  it('huge counts stay finite and tight', () => {
    const none = proportionSequence({ successes: 0, trials: 1e9 });
    expect(none.upper).toBeGreaterThan(0);
    expect(none.upper).toBeLessThan(1e-7);
    expect(decide(none, underOnePercent)).toBe('PASS');
    const some = proportionSequence({ successes: 3, trials: 1e12 });
    expect(some.lower).toBeGreaterThan(0);
    expect(some.lower).toBeLessThan(3e-12);
    expect(some.upper).toBeGreaterThan(3e-12);
    const d = differenceSequence({ successes: 1.1e7, trials: 1e9 }, { successes: 1e7, trials: 1e9 });
    expect(d.lower).toBeGreaterThan(0.0009);
    expect(d.upper).toBeLessThan(0.0011);
    expect(decide(ratioSequence({ successes: 1.1e7, trials: 1e9 }, { successes: 1e7, trials: 1e9 }), { between: [1.09, 1.11] })).toBe('PASS');
  });

  it('non-integer counts from increase() are accepted', () => {
    const got = proportionSequence({ successes: 2.5, trials: 199.7 });
    expect(got.estimate).toBeCloseTo(2.5 / 199.7, 12);
    expect(differenceSequence({ successes: 0.4, trials: 10.2 }, { successes: 0.1, trials: 90.7 }).estimate).toBeCloseTo(0.4 / 10.2 - 0.1 / 90.7, 12);
  });

  it('a sliver of a trial says nothing', () => {
    expect(proportionSequence({ successes: 0, trials: 1e-300 })).toMatchObject({ lower: 0, upper: 1 });
    expect(differenceSequence({ successes: 0, trials: 1e-300 }, { successes: 0, trials: 1e-300 })).toMatchObject({ lower: -1, upper: 1 });
    expect(ratioSequence({ successes: 1e-301, trials: 1e-300 }, { successes: 1e-301, trials: 1e-300 })).toMatchObject({ lower: 0, upper: Infinity });
  });

  it('0 errors in both arms: no zero-width difference, no ratio', () => {
    const d = differenceSequence({ successes: 0, trials: 50 }, { successes: 0, trials: 450 });
    expect(d.estimate).toBe(0);
    expect(d.upper).toBeGreaterThan(0.01);
    expect(decide(d, { op: '<', value: 0.005 })).toBe('INCONCLUSIVE');
    expect(decide(ratioSequence({ successes: 0, trials: 1e6 }, { successes: 0, trials: 1e6 }), { op: '<', value: 1.5 })).toBe('INCONCLUSIVE');
    // All errors in both arms is not a zero-width ratio either.
    expect(decide(ratioSequence({ successes: 12, trials: 12 }, { successes: 12, trials: 12 }), { op: '<', value: 1.1 })).toBe('INCONCLUSIVE');
  });

  it.each<[string, () => unknown, string]>([
    ['NaN successes', () => proportionSequence({ successes: NaN, trials: 10 }), 'counts.successes'],
    ['negative trials', () => proportionSequence({ successes: 0, trials: -1 }), 'counts.trials'],
    ['infinite trials', () => proportionSequence({ successes: 0, trials: Infinity }), 'counts.trials'],
    ['more successes than trials', () => proportionSequence({ successes: 11, trials: 10 }), 'counts.successes'],
    ['a string', () => proportionSequence({ successes: '1' as unknown as number, trials: 10 }), 'counts.successes'],
    ['negative control', () => differenceSequence({ successes: 1, trials: 10 }, { successes: -1, trials: 10 }), 'control.successes'],
    ['NaN treatment trials', () => ratioSequence({ successes: 1, trials: NaN }, { successes: 1, trials: 10 }), 'treatment.trials'],
    ['level in percent', () => proportionSequence({ successes: 1, trials: 10 }, { level: 95 }), 'level'],
    ['level 1', () => proportionSequence({ successes: 1, trials: 10 }, { level: 1 }), 'level'],
    ['tuning 0', () => proportionSequence({ successes: 1, trials: 10 }, { tuning: 0 }), 'tuning'],
  ])('%s: a StatsInputError naming the field', (_, call, field) => {
    let caught: unknown;
    try {
      call();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StatsInputError);
    expect((caught as StatsInputError).field).toBe(field);
  });
});

describe('simulation: looking after every batch', () => {
  // Deterministic: mulberry32 streams and exact binomial draws by inversion.
  const RUNS = 300;
  const LOOKS = 200;

  function mulberry32(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function binomial(rand: () => number, m: number, p: number): number {
    const odds = p / (1 - p);
    let pmf = (1 - p) ** m;
    let cdf = pmf;
    let k = 0;
    const u = rand();
    while (u > cdf && k < m) {
      pmf *= ((m - k) / (k + 1)) * odds;
      k++;
      cdf += pmf;
    }
    return k;
  }

  /** For each run, the first look whose interval gets `verdict` on the criterion (Infinity: never). */
  function firstLook(seed: number, arms: { p: number; batch: number }[], interval: (counts: Counts[]) => Pick<SequenceInterval, 'estimate' | 'lower' | 'upper' | 'n'>, criterion: StatsCriterion, verdict: 'FAIL' | 'PASS' = 'FAIL', runs = RUNS): number[] {
    const rand = mulberry32(seed);
    const out: number[] = [];
    for (let run = 0; run < runs; run++) {
      const counts = arms.map(() => ({ successes: 0, trials: 0 }));
      let first = Infinity;
      for (let look = 1; look <= LOOKS && first === Infinity; look++) {
        arms.forEach((arm, i) => {
          counts[i].successes += binomial(rand, arm.batch, arm.p);
          counts[i].trials += arm.batch;
        });
        if (decide(interval(counts), criterion) === verdict) first = look;
      }
      out.push(first);
    }
    return out;
  }

  /** Share of runs that ever reached the verdict; share that reached it by `look`. */
  const everReached = (firsts: number[]) => firsts.filter(Number.isFinite).length / firsts.length;
  const reachedBy = (firsts: number[], look: number) => firsts.filter((f) => f <= look).length / firsts.length;
  const one = ([c]: Counts[]) => proportionSequence(c);
  const diff = ([t, c]: Counts[]) => differenceSequence(t, c);
  const ratio = ([t, c]: Counts[]) => ratioSequence(t, c);
  const underOnePercent: StatsCriterion = { op: '<', value: 0.01 };

  // Measured with these seeds (share of 300 runs that ever FAIL, in 200 looks): one variant
  // 0.0 % at a true 0.9 %, 1.0 % at 1.0 %, and 1.3 % FAILs by look 49 in 95 % of runs (median
  // 18); difference 0.0 % / 1.3 %, 2.2 % vs 1 % by look 35 (median 14); ratio 0.7 % / 0.3 %,
  // 2.5× by look 24 (median 10). The bounds below leave room for a change of seed.
  it('one variant, 500 requests a look, "< 1 %": true 0.9 % and even 1.0 % almost never FAIL; 1.3 % FAILs within 60 looks (30,000 requests) in ≥ 95 % of runs', () => {
    expect(everReached(firstLook(1, [{ p: 0.009, batch: 500 }], one, underOnePercent))).toBeLessThan(0.05);
    expect(everReached(firstLook(2, [{ p: 0.01, batch: 500 }], one, underOnePercent))).toBeLessThan(0.05);
    expect(reachedBy(firstLook(3, [{ p: 0.013, batch: 500 }], one, underOnePercent), 60)).toBeGreaterThanOrEqual(0.95);
  });

  it('a small service, 10 requests a look, true rate at the threshold: still under α', () => {
    expect(everReached(firstLook(11, [{ p: 0.01, batch: 10 }], one, underOnePercent))).toBeLessThan(0.05);
    expect(everReached(firstLook(12, [{ p: 0.05, batch: 10 }], one, { op: '<', value: 0.05 }))).toBeLessThan(0.05);
  });

  it('the same looks with a fixed-n 95 % Wilson interval FAIL far more often than 5 % (why a sequence is needed)', () => {
    const naive = ([c]: Counts[]) => {
      const [lower, upper] = wilson(c.successes, c.trials, Z_975);
      return { estimate: c.successes / c.trials, lower, upper, n: c.trials };
    };
    expect(everReached(firstLook(2, [{ p: 0.01, batch: 500 }], naive, underOnePercent))).toBeGreaterThan(0.15);
  });

  it('treatment vs control (250 / 750 requests a look), difference "< 0.5 points": 1.4 % and 1.5 % vs 1 % rarely FAIL; 2.2 % FAILs within 45 looks in ≥ 95 % of runs', () => {
    const criterion: StatsCriterion = { op: '<', value: 0.005 };
    const arms = (pt: number) => [
      { p: pt, batch: 250 },
      { p: 0.01, batch: 750 },
    ];
    expect(everReached(firstLook(4, arms(0.014), diff, criterion))).toBeLessThan(0.05);
    expect(everReached(firstLook(5, arms(0.015), diff, criterion))).toBeLessThan(0.05);
    expect(reachedBy(firstLook(6, arms(0.022), diff, criterion), 45)).toBeGreaterThanOrEqual(0.95);
    // No difference at all against "treatment no worse than control" (< 0).
    expect(everReached(firstLook(10, arms(0.01), diff, { op: '<', value: 0 }))).toBeLessThan(0.05);
  });

  it('treatment vs control, ratio "< 1.5×": 1.4× and 1.5× rarely FAIL; 2.5× FAILs within 30 looks in ≥ 95 % of runs', () => {
    const criterion: StatsCriterion = { op: '<', value: 1.5 };
    const arms = (pt: number) => [
      { p: pt, batch: 250 },
      { p: 0.01, batch: 750 },
    ];
    expect(everReached(firstLook(7, arms(0.014), ratio, criterion))).toBeLessThan(0.05);
    expect(everReached(firstLook(8, arms(0.015), ratio, criterion))).toBeLessThan(0.05);
    expect(reachedBy(firstLook(9, arms(0.025), ratio, criterion), 30)).toBeGreaterThanOrEqual(0.95);
  });

  // The direction that lets a rollout advance: a PASS when the truth sits on the threshold.
  // Rare events are where a normal approximation is weakest; without the continuity
  // correction the conversion case below PASSed 6.7 % of runs, and a plug-in variance for
  // the difference let 10.7 % of runs PASS "no worse than control" on a 5-request arm.
  it('a true value on the threshold rarely PASSes, rare events and small tuning included', () => {
    expect(everReached(firstLook(21, [{ p: 0.01, batch: 500 }], one, underOnePercent, 'PASS'))).toBeLessThan(0.05);
    const smallTuning = ([c]: Counts[]) => proportionSequence(c, { tuning: 1_000 });
    // The worst case found: about 20 events in all, tuned for 1,000 trials. 3.4 % over 3,000
    // runs; 1,000 here so that the estimate's noise stays well clear of 5 %.
    expect(everReached(firstLook(1_300, [{ p: 0.001, batch: 100 }], smallTuning, { op: '>', value: 0.001 }, 'PASS', 1_000))).toBeLessThan(0.05);
    const smallArm = (pt: number) => [
      { p: pt, batch: 5 },
      { p: 0.01, batch: 45 },
    ];
    expect(everReached(firstLook(10_400, smallArm(0.01), diff, { op: '<', value: 0 }, 'PASS'))).toBeLessThan(0.05);
    expect(everReached(firstLook(10_700, smallArm(0.01), ratio, { op: '>', value: 1 }, 'PASS'))).toBeLessThan(0.05);
    // …while a clearly better treatment does PASS.
    expect(everReached(firstLook(22, [{ p: 0.007, batch: 500 }], one, underOnePercent, 'PASS'))).toBeGreaterThanOrEqual(0.95);
  });
});
