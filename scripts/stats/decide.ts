import type { SequenceInterval } from './confidence-sequence.ts';
import { StatsInputError } from './errors.ts';

/** A condition on the true value, in the interval's units (fractions for rates: 0.01, not 1). */
export type StatsCriterion = { op: '<' | '<=' | '>' | '>='; value: number } | { between: [number, number] } | { outside: [number, number] };

export type StatsVerdict = 'PASS' | 'FAIL' | 'INCONCLUSIVE';

/**
 * PASS when every value in the closed interval satisfies the criterion, FAIL when every
 * value violates it, INCONCLUSIVE when it straddles — or when there is nothing to go on
 * (no trials, no estimate, NaN bounds), so that no data never reads as PASS.
 */
export function decide(interval: Pick<SequenceInterval, 'estimate' | 'lower' | 'upper' | 'n'>, criterion: StatsCriterion): StatsVerdict {
  checkCriterion(criterion);
  const { lower: lo, upper: hi } = interval;
  if (interval.estimate === null || !(interval.n > 0) || Number.isNaN(lo) || Number.isNaN(hi) || lo > hi) return 'INCONCLUSIVE';
  const [all, none] = judge(lo, hi, criterion);
  return all ? 'PASS' : none ? 'FAIL' : 'INCONCLUSIVE';
}

/** Whether n reaches a configured minimum sample size (callers report INCONCLUSIVE below it). */
export function enoughSamples(n: number, minSamples: number): boolean {
  return n >= minSamples;
}

/** [every value in [lo, hi] satisfies it, no value does]. */
function judge(lo: number, hi: number, c: StatsCriterion): [boolean, boolean] {
  if ('between' in c) {
    const [a, b] = c.between;
    return [a <= lo && hi <= b, hi < a || lo > b];
  }
  if ('outside' in c) {
    const [a, b] = c.outside;
    return [hi < a || lo > b, a <= lo && hi <= b];
  }
  const v = c.value;
  switch (c.op) {
    case '<':
      return [hi < v, lo >= v];
    case '<=':
      return [hi <= v, lo > v];
    case '>':
      return [lo > v, hi <= v];
    case '>=':
      return [lo >= v, hi < v];
  }
}

function checkCriterion(c: StatsCriterion): void {
  const range = 'between' in c ? c.between : 'outside' in c ? c.outside : undefined;
  if (range) {
    const field = 'between' in c ? 'criterion.between' : 'criterion.outside';
    if (!Array.isArray(range) || range.length !== 2 || !range.every((x) => typeof x === 'number' && !Number.isNaN(x))) throw new StatsInputError(field, range, 'must be two numbers');
    if (range[0] > range[1]) throw new StatsInputError(field, range, 'the first bound is above the second');
    return;
  }
  if (!['<', '<=', '>', '>='].includes((c as { op: string }).op)) throw new StatsInputError('criterion.op', (c as { op: unknown }).op, 'must be <, <=, > or >=');
  const v = (c as { value: unknown }).value;
  if (typeof v !== 'number' || Number.isNaN(v)) throw new StatsInputError('criterion.value', v, 'not a number');
}
