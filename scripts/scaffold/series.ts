import type { MetricRole } from './metric-roles.ts';
import type { RuleSeries, Series } from './alert-test.ts';

/** Twenty minutes, one sample a minute. */
const SPAN = 'x20';
const counter = (perMinute: number) => (perMinute ? `0+${perMinute}${SPAN}` : `0${SPAN}`);

/**
 * Series for the queries of init's own catalog (scripts/scaffold/templates/rollout/metrics.yaml):
 * used only for a metric whose definition is that template's, since another catalog reads
 * other series. `labels` is the treatment's label set in one environment.
 */
export const TEMPLATE_SERIES: Record<MetricRole['role'], (labels: string) => RuleSeries> = {
  // 10 % of requests fail (alert above 5 %), then 1 %.
  errors: (labels) => ({
    fires: [s(`app_requests_total{${labels},outcome="error"}`, counter(10)), s(`app_requests_total{${labels},outcome="ok"}`, counter(90))],
    quiet: [s(`app_requests_total{${labels},outcome="error"}`, counter(1)), s(`app_requests_total{${labels},outcome="ok"}`, counter(99))],
  }),
  // Every request between 0.25 s and 2.5 s: p95 ≈ 2.4 s (alert above 1000 ms); then all under 0.25 s.
  latency: (labels) => ({
    fires: buckets(labels, [0, 100, 100]),
    quiet: buckets(labels, [100, 100, 100]),
  }),
};

const s = (series: string, values: string): Series => ({ series, values });

function buckets(labels: string, perMinute: [number, number, number]): Series[] {
  return ['0.25', '2.5', '+Inf'].map((le, i) => s(`app_request_duration_seconds_bucket{${labels},le="${le}"}`, counter(perMinute[i])));
}
