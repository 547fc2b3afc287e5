/** What a provider is asked: one metric, rendered for one flag, environment, window and variant. */
export interface MetricRequest {
  metric: string;
  /** The catalog query with {{flag}}, {{window}}, {{variant}}, {{env}} substituted. */
  query: string;
  flag: string;
  env: string;
  window: string;
  /** Set for vsBaseline criteria: the query runs once per variant. */
  variant?: 'treatment' | 'control';
}

/** One number, or why there is none. Never a guess: no data is not a pass. */
export type Measurement = { ok: true; value: number } | { ok: false; reason: string };

/** Where gate metrics come from: Prometheus, a static file, ... */
export interface MetricsProvider {
  readonly name: string;
  measure(request: MetricRequest): Promise<Measurement>;
}
