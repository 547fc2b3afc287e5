/** What a provider is asked: one metric, rendered for one flag, environment, window and variant. */
export interface MetricRequest {
  metric: string;
  /** The catalog query with {{flag}}, {{window}}, {{variant}}, {{env}} substituted. */
  query: string;
  flag: string;
  env: string;
  window: string;
  /** The variant the query was rendered for: treatment (flag on), control (flag off), shadow (computed, not served). */
  variant?: 'treatment' | 'control' | 'shadow';
  /** Evaluate at this instant (ms since the epoch) instead of now: a baseline from history. */
  at?: number;
}

/** One number, or why there is none. Never a guess: no data is not a pass. */
export type Measurement = { ok: true; value: number } | { ok: false; reason: string };

/**
 * What a criterion rests on for one variant: the value, and when the metric can say so,
 * the samples (a ratio's denominator, or its `samples` query) and the counts of a ratio.
 */
export type Evidence =
  | { ok: true; value: number; samples?: number; counts?: { events: number; trials: number }; query: string }
  | { ok: false; reason: string; query?: string };

/** Where gate metrics come from: Prometheus, a static file, ... */
export interface MetricsProvider {
  readonly name: string;
  /**
   * False when the provider knows values, not the counts behind them (a metrics file): a
   * ratio metric is then asked for its value, judged as a point estimate, with no sample count.
   */
  readonly counts?: boolean;
  measure(request: MetricRequest): Promise<Measurement>;
}
