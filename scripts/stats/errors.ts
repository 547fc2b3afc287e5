/**
 * Counts or options the statistics cannot use (NaN, negative, infinite, more successes than
 * trials, a level outside (0, 1)). Callers map it to INCONCLUSIVE: bad data never passes.
 */
export class StatsInputError extends Error {
  override name = 'StatsInputError';
  constructor(
    /** Which input: `treatment.successes`, `level`, `criterion.between`. */
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`${field} = ${String(value)}: ${reason}`);
  }
}
