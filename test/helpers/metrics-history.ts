// OpenMetrics history for backfilling a real Prometheus (promtool tsdb create-blocks-from
// openmetrics): the series rollout/metrics.yaml queries, one sample a minute, shaped so a
// test knows what every catalog query must answer.

export type Variant = 'treatment' | 'control' | 'shadow';

/** Latency of one variant, in ms: histogram_quantile answers p95/p99 exactly, and _sum / _count is avgMs. */
export interface Latency {
  p95Ms: number;
  p99Ms: number;
  avgMs: number;
}

/** What one variant does each minute. Percentages are 0–100, as the catalog reports them. */
export interface Profile {
  requestsPerSecond: number;
  errorPercent: number;
  latency: Latency;
  sessionsPerMinute: number;
  conversionPercent: number;
  /** QB TD calculator time of the calculator serving this variant (qbtd_query_duration_seconds), one calculation per request; written when given. */
  queryTime?: Latency;
}

/** The QB TD calculator's own series (not per variant, as the catalog queries them). */
export interface QbProfile {
  calculationsPerMinute: number;
  /** Completed (fallbacks included) / ended; the rest failed (qbtd_calculations_failed_total). */
  completionPercent: number;
  /** Calculations started but not yet ended at this minute (counted as started only). */
  inFlight: number;
  fallbackPercent: number;
  comparisonsPerMinute: number;
  agreementPercent: number;
  /** qbtd_qbs_with_v2_data_ratio × 100. */
  dataCoveragePercent: number;
  /** qbtd_qbs_falling_back_to_v1_ratio × 100. */
  qbsFallingBackPercent: number;
  /** Whether Prometheus evaluated the rollout's rule group this minute (prometheus_rule_evaluations_total). */
  rulesEvaluated: boolean;
  /** Share of minutes `up` is 1; the down minutes are spread evenly. */
  availabilityPercent: number;
}

/** A profile, or one that changes over time (`ts` in unix seconds): spikes, recoveries. */
export type Over<T> = T | ((ts: number) => T);

export interface HistoryOptions {
  flag: string;
  env: string;
  /** How far back the history reaches; default 80. */
  hours?: number;
  /** The last sample, aligned to the minute. */
  end: Date;
  treatment: Over<Profile>;
  control: Over<Profile>;
  /** The new path computed in a shadow stage (served to nobody), as `variant="shadow"`: written only when given. */
  shadow?: Over<Profile>;
  /** Defaults: QB_HEALTHY. */
  qb?: Over<Partial<QbProfile>>;
  /** One event each, this many hours before `end` (fractions allowed). */
  events?: {
    unhandledExceptions?: number[];
    dbConnectionErrors?: number[];
    supportTickets?: number[];
    /** A CRITICAL alert of the flag firing for 10 minutes (the ALERTS series critical_incidents counts). */
    criticalAlerts?: number[];
  };
  /** Game log imports: every `everyHours`, the last `lastHoursAgo` before `end`. Default 24 and 2. */
  imports?: { everyHours: number; lastHoursAgo: number };
  /**
   * Series not to write, for INCONCLUSIVE scenarios: a family name (SERIES), optionally for one
   * variant only, as `app_sessions_total{variant="control"}`.
   */
  omit?: string[];
  /** More sample lines for minute `ts`, complete with their timestamp: `name{labels} value ts`. */
  extra?: (ts: number) => string[];
}

/** Every family the generator writes, by the name omit takes. */
export const SERIES = [
  'app_requests_total',
  'app_request_duration_seconds',
  'app_sessions_total',
  'app_conversions_total',
  'qbtd_calculations_started_total',
  'qbtd_calculations_completed_total',
  'qbtd_calculations_failed_total',
  'qbtd_fallbacks_total',
  'qbtd_shadow_comparisons_total',
  'qbtd_qbs_with_v2_data_ratio',
  'qbtd_qbs_falling_back_to_v1_ratio',
  'qbtd_query_duration_seconds',
  'qbtd_last_game_log_import_timestamp_seconds',
  'app_unhandled_exceptions_total',
  'app_db_connection_errors_total',
  'support_tickets_total',
  'up',
  'ALERTS',
  'prometheus_rule_evaluations_total',
] as const;

/** Histogram bucket bounds in seconds, an application's usual set (dense where gates look: 100 ms–1 s). */
export const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5];

/** A healthy variant: 20 req/s, 0.3 % errors, p95 250 ms, 12 % conversion. */
export const HEALTHY: Profile = {
  requestsPerSecond: 20,
  errorPercent: 0.3,
  latency: { p95Ms: 250, p99Ms: 400, avgMs: 110 },
  sessionsPerMinute: 200,
  conversionPercent: 12,
};

/** A healthy QB TD calculation time (Profile.queryTime): p95 120 ms, well inside the runbook's 500 ms. */
export const QB_QUERY_TIME: Latency = { p95Ms: 120, p99Ms: 300, avgMs: 60 };

/** A QB calculator that passes every gate of rollout/qb-td-calculator-v2.yaml. */
export const QB_HEALTHY: QbProfile = {
  calculationsPerMinute: 120,
  completionPercent: 100,
  inFlight: 0,
  fallbackPercent: 5,
  comparisonsPerMinute: 120,
  agreementPercent: 72,
  dataCoveragePercent: 85,
  qbsFallingBackPercent: 10,
  availabilityPercent: 100,
  rulesEvaluated: true,
};

const TYPES: Record<(typeof SERIES)[number], [family: string, type: string]> = {
  app_requests_total: ['app_requests', 'counter'],
  app_request_duration_seconds: ['app_request_duration_seconds', 'histogram'],
  app_sessions_total: ['app_sessions', 'counter'],
  app_conversions_total: ['app_conversions', 'counter'],
  qbtd_calculations_started_total: ['qbtd_calculations_started', 'counter'],
  qbtd_calculations_completed_total: ['qbtd_calculations_completed', 'counter'],
  qbtd_calculations_failed_total: ['qbtd_calculations_failed', 'counter'],
  qbtd_fallbacks_total: ['qbtd_fallbacks', 'counter'],
  qbtd_shadow_comparisons_total: ['qbtd_shadow_comparisons', 'counter'],
  qbtd_qbs_with_v2_data_ratio: ['qbtd_qbs_with_v2_data_ratio', 'gauge'],
  qbtd_qbs_falling_back_to_v1_ratio: ['qbtd_qbs_falling_back_to_v1_ratio', 'gauge'],
  qbtd_query_duration_seconds: ['qbtd_query_duration_seconds', 'histogram'],
  qbtd_last_game_log_import_timestamp_seconds: ['qbtd_last_game_log_import_timestamp_seconds', 'gauge'],
  app_unhandled_exceptions_total: ['app_unhandled_exceptions', 'counter'],
  app_db_connection_errors_total: ['app_db_connection_errors', 'counter'],
  support_tickets_total: ['support_tickets', 'counter'],
  up: ['up', 'gauge'],
  ALERTS: ['ALERTS', 'gauge'],
  prometheus_rule_evaluations_total: ['prometheus_rule_evaluations', 'counter'],
};

/**
 * The cumulative share of requests at each bucket bound (seconds; the last is +Inf), such that
 * histogram_quantile's linear interpolation answers p95Ms and p99Ms exactly. Elsewhere the
 * shape is a log-normal through those two quantiles.
 */
export function latencyBuckets({ p95Ms, p99Ms }: Latency): { le: number; fraction: number }[] {
  if (!(0 < p95Ms && p95Ms < p99Ms)) throw new Error(`latency needs 0 < p95 < p99, got p95 ${p95Ms}, p99 ${p99Ms}`);
  const bounds = LATENCY_BUCKETS.map((le) => le * 1000);
  if (p99Ms > bounds.at(-1)!) throw new Error(`p99 ${p99Ms} ms is beyond the largest bucket (${bounds.at(-1)} ms)`);
  const sigma = Math.log(p99Ms / p95Ms) / (Z99 - Z95);
  const mu = Math.log(p95Ms) - Z95 * sigma;
  const cdf = (ms: number) => normalCdf((Math.log(ms) - mu) / sigma);
  const pdf = (ms: number) => Math.exp(-(((Math.log(ms) - mu) / sigma) ** 2) / 2) / (Math.sqrt(2 * Math.PI) * ms * sigma);

  // Bucket i spans (bounds[i-1], bounds[i]]; pinned[i + 1] holds the value at bounds[i], pinned[0] the 0 at 0 ms.
  const pinned = new Map<number, number>([[0, 0]]);
  const bucketOf = (ms: number) => bounds.findIndex((b) => ms <= b);
  const targets = [
    { x: p95Ms, q: 0.95, bucket: bucketOf(p95Ms) },
    { x: p99Ms, q: 0.99, bucket: bucketOf(p99Ms) },
  ];
  const groups = targets[0].bucket === targets[1].bucket ? [targets] : [[targets[0]], [targets[1]]];
  groups.forEach((group, g) => {
    const i = group[0].bucket;
    const [l, h] = [i > 0 ? bounds[i - 1] : 0, bounds[i]];
    const next = groups[g + 1];
    const cap = next && next[0].bucket === i + 1 ? next[0].q : 1;
    const floor = Math.max(...[...pinned].filter(([k]) => k <= i).map(([, v]) => v));
    const low = pinned.get(i);
    let slope: number;
    if (group.length === 2) slope = (group[1].q - group[0].q) / (group[1].x - group[0].x);
    else if (low !== undefined) slope = (group[0].q - low) / (group[0].x - l);
    else slope = Math.min(pdf(group[0].x), h > group[0].x ? (cap - group[0].q) / (h - group[0].x) : Infinity, (group[0].q - floor) / (group[0].x - l));
    const at = (ms: number) => group[0].q + slope * (ms - group[0].x);
    const eps = 1e-12;
    if ((low !== undefined && Math.abs(at(l) - low) > eps) || at(l) < floor - eps || at(h) > cap + eps) {
      throw new Error(`p95 ${p95Ms} ms and p99 ${p99Ms} ms cannot both land exactly on buckets ${LATENCY_BUCKETS.join(', ')} s: move one of them`);
    }
    pinned.set(i, at(l));
    pinned.set(i + 1, at(h));
  });

  const fractions: number[] = [];
  bounds.forEach((b, i) => {
    const pin = pinned.get(i + 1);
    if (pin !== undefined) return fractions.push(pin);
    const nextPin = Math.min(1, ...[...pinned].filter(([k]) => k > i + 1).map(([, v]) => v));
    fractions.push(Math.min(Math.max(cdf(b), fractions[i - 1] ?? 0), nextPin));
  });
  return [...LATENCY_BUCKETS.map((le, i) => ({ le, fraction: fractions[i] })), { le: Infinity, fraction: 1 }];
}

/** What Prometheus's histogram_quantile answers for these buckets, in ms: its linear interpolation inside the bucket. */
export function expectedQuantileMs(latency: Latency, q: number): number {
  const buckets = latencyBuckets(latency);
  const rank = q * buckets.at(-1)!.fraction;
  const b = buckets.findIndex((bucket, i) => i === buckets.length - 1 || bucket.fraction >= rank);
  if (b === buckets.length - 1) return buckets[b - 1].le * 1000;
  const start = b > 0 ? buckets[b - 1].le : 0;
  const below = b > 0 ? buckets[b - 1].fraction : 0;
  return 1000 * (start + ((buckets[b].le - start) * (rank - below)) / (buckets[b].fraction - below));
}

const Z95 = 1.6448536269514722;
const Z99 = 2.3263478740408408;

function normalCdf(z: number): number {
  // erfc after Numerical Recipes (erfcc): relative error below 1.2e-7, plenty for bucket shapes.
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** The OpenMetrics text: `# TYPE` lines, one sample per series per minute from end − hours to end, `# EOF`. */
export function history(options: HistoryOptions): string {
  const { flag, env, hours = 80, end } = options;
  if (end.getTime() % 60_000 !== 0) throw new Error(`end must be aligned to the minute, got ${end.toISOString()}`);
  const endTs = end.getTime() / 1000;
  const startTs = endTs - Math.round(hours * 60) * 60;
  const omit = parseOmit(options.omit ?? []);
  const writes = (name: string, variant?: Variant) => !omit.has(name) && !(variant && omit.has(`${name}{variant="${variant}"}`));
  const at = <T>(p: Over<T>, ts: number): T => (typeof p === 'function' ? (p as (ts: number) => T)(ts) : p);

  // OpenMetrics names a counter's family without _total; promtool also takes untyped lines (extra).
  const lines = SERIES.filter((name) => !omit.has(name)).map((name) => `# TYPE ${TYPES[name][0]} ${TYPES[name][1]}`);

  const base = `env="${env}",flag="${flag}"`;
  const variants = (options.shadow ? (['treatment', 'control', 'shadow'] as const) : (['treatment', 'control'] as const)).map((variant) => ({
    variant,
    profile: options[variant]!,
    labels: `${base},variant="${variant}"`,
    // Float accumulators; samples write their floor, so counters stay whole and monotonic.
    acc: { ok: 0, error: 0, count: 0, sum: 0, buckets: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0), sessions: 0, conversions: 0 },
    calc: { count: 0, sum: 0, buckets: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0) },
  }));
  const qb = { started: 0, completed: 0, failed: 0, fallbacks: 0, agree: 0, disagree: 0, down: 0, evaluations: 0 };
  const events = options.events ?? {};
  const eventTimes = (list: number[] = []) => list.map((h) => endTs - h * 3600).sort((a, b) => a - b);
  const exceptions = eventTimes(events.unhandledExceptions);
  const dbErrors = eventTimes(events.dbConnectionErrors);
  const tickets = eventTimes(events.supportTickets);
  const alerts = eventTimes(events.criticalAlerts);
  const imports = options.imports ?? { everyHours: 24, lastHoursAgo: 2 };
  const lastImport = endTs - imports.lastHoursAgo * 3600;
  const bucketCache = new Map<Latency, { le: number; fraction: number }[]>();

  for (let ts = startTs; ts <= endTs; ts += 60) {
    const first = ts === startTs;
    const out = (name: string, labels: string, value: number) => lines.push(`${name}{${labels}} ${value} ${ts}`);
    for (const v of variants) {
      const p = at(v.profile, ts);
      const a = v.acc;
      if (!first) {
        const requests = p.requestsPerSecond * 60;
        a.error += (requests * p.errorPercent) / 100;
        a.ok += requests * (1 - p.errorPercent / 100);
        a.count += requests;
        a.sum += (requests * p.latency.avgMs) / 1000;
        let buckets = bucketCache.get(p.latency);
        if (!buckets) bucketCache.set(p.latency, (buckets = latencyBuckets(p.latency)));
        buckets.forEach((b, i) => (a.buckets[i] += requests * b.fraction));
        a.sessions += p.sessionsPerMinute;
        a.conversions += (p.sessionsPerMinute * p.conversionPercent) / 100;
        if (p.queryTime) {
          let calcBuckets = bucketCache.get(p.queryTime);
          if (!calcBuckets) bucketCache.set(p.queryTime, (calcBuckets = latencyBuckets(p.queryTime)));
          v.calc.count += requests;
          v.calc.sum += (requests * p.queryTime.avgMs) / 1000;
          calcBuckets.forEach((b, i) => (v.calc.buckets[i] += requests * b.fraction));
        }
      }
      if (writes('app_requests_total', v.variant)) {
        out('app_requests_total', `${v.labels},outcome="ok"`, Math.floor(a.ok));
        out('app_requests_total', `${v.labels},outcome="error"`, Math.floor(a.error));
      }
      if (writes('app_request_duration_seconds', v.variant)) {
        LATENCY_BUCKETS.forEach((le, i) => out('app_request_duration_seconds_bucket', `${v.labels},le="${le}"`, Math.floor(a.buckets[i])));
        // +Inf and _count must agree exactly, so both come from the same accumulator.
        out('app_request_duration_seconds_bucket', `${v.labels},le="+Inf"`, Math.floor(a.count));
        out('app_request_duration_seconds_sum', v.labels, Math.round(a.sum * 1000) / 1000);
        out('app_request_duration_seconds_count', v.labels, Math.floor(a.count));
      }
      if (p.queryTime && writes('qbtd_query_duration_seconds', v.variant)) {
        LATENCY_BUCKETS.forEach((le, i) => out('qbtd_query_duration_seconds_bucket', `${v.labels},le="${le}"`, Math.floor(v.calc.buckets[i])));
        out('qbtd_query_duration_seconds_bucket', `${v.labels},le="+Inf"`, Math.floor(v.calc.count));
        out('qbtd_query_duration_seconds_sum', v.labels, Math.round(v.calc.sum * 1000) / 1000);
        out('qbtd_query_duration_seconds_count', v.labels, Math.floor(v.calc.count));
      }
      if (writes('app_sessions_total', v.variant)) out('app_sessions_total', v.labels, Math.floor(a.sessions));
      if (writes('app_conversions_total', v.variant)) out('app_conversions_total', v.labels, Math.floor(a.conversions));
    }

    const q = { ...QB_HEALTHY, ...at(options.qb ?? {}, ts) };
    if (!first) {
      qb.started += q.calculationsPerMinute;
      qb.completed += (q.calculationsPerMinute * q.completionPercent) / 100;
      qb.failed += q.calculationsPerMinute * (1 - q.completionPercent / 100);
      qb.fallbacks += (q.calculationsPerMinute * q.fallbackPercent) / 100;
      qb.agree += (q.comparisonsPerMinute * q.agreementPercent) / 100;
      qb.disagree += q.comparisonsPerMinute * (1 - q.agreementPercent / 100);
    }
    // Bresenham: a down minute whenever accumulated downtime crosses a whole minute.
    const downBefore = Math.floor(qb.down);
    qb.down += 1 - q.availabilityPercent / 100;
    const isDown = Math.floor(qb.down) > downBefore;

    // In flight: started, not yet ended, so in neither of the ended counts.
    if (writes('qbtd_calculations_started_total')) out('qbtd_calculations_started_total', base, Math.floor(qb.started + q.inFlight));
    if (writes('qbtd_calculations_completed_total')) out('qbtd_calculations_completed_total', base, Math.floor(qb.completed));
    if (writes('qbtd_calculations_failed_total')) out('qbtd_calculations_failed_total', base, Math.floor(qb.failed + 1e-9));
    if (writes('qbtd_fallbacks_total')) out('qbtd_fallbacks_total', base, Math.floor(qb.fallbacks));
    if (writes('qbtd_shadow_comparisons_total')) {
      out('qbtd_shadow_comparisons_total', `${base},result="agree"`, Math.floor(qb.agree));
      out('qbtd_shadow_comparisons_total', `${base},result="disagree"`, Math.floor(qb.disagree));
    }
    // The importer's gauges carry env only, as the catalog queries them.
    if (writes('qbtd_qbs_with_v2_data_ratio')) out('qbtd_qbs_with_v2_data_ratio', `env="${env}"`, q.dataCoveragePercent / 100);
    if (writes('qbtd_qbs_falling_back_to_v1_ratio')) out('qbtd_qbs_falling_back_to_v1_ratio', `env="${env}"`, q.qbsFallingBackPercent / 100);
    if (writes('qbtd_last_game_log_import_timestamp_seconds')) {
      const every = imports.everyHours * 3600;
      const last = lastImport - Math.max(0, Math.ceil((lastImport - ts) / every)) * every;
      out('qbtd_last_game_log_import_timestamp_seconds', `env="${env}"`, Math.floor(last));
    }
    if (writes('app_unhandled_exceptions_total')) out('app_unhandled_exceptions_total', base, countUpTo(exceptions, ts));
    if (writes('app_db_connection_errors_total')) out('app_db_connection_errors_total', base, countUpTo(dbErrors, ts));
    // Tickets carry the variant of the user who filed them (the QB metric counts treatment's).
    if (writes('support_tickets_total')) out('support_tickets_total', `${base},variant="treatment"`, countUpTo(tickets, ts));
    if (writes('up')) out('up', `env="${env}",instance="${flag}-1",job="${flag}",rollout_flag="${flag}"`, isDown ? 0 : 1);
    if (writes('ALERTS')) {
      alerts.forEach((from, i) => {
        if (ts >= from && ts < from + 600) out('ALERTS', `alertname="RollgateCritical${i + 1}",alertstate="firing",${base},severity="critical"`, 1);
      });
    }
    // Prometheus's own counter has no env; the label keeps one backfill able to hold several scenarios.
    if (q.rulesEvaluated) qb.evaluations += 1;
    if (writes('prometheus_rule_evaluations_total')) out('prometheus_rule_evaluations_total', `env="${env}",rule_group="/etc/prometheus/rules/qb-td-calculator-v2.rules.yml;qb-td-calculator-v2"`, qb.evaluations);
    if (options.extra) lines.push(...options.extra(ts));
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

function countUpTo(sorted: number[], ts: number): number {
  let n = 0;
  while (n < sorted.length && sorted[n] <= ts) n++;
  return n;
}

function parseOmit(entries: string[]): Set<string> {
  for (const entry of entries) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(\{variant="(treatment|control|shadow)"\})?$/.exec(entry);
    if (!m || !(SERIES as readonly string[]).includes(m[1])) {
      throw new Error(`omit: "${entry}" is not a series of the history (${SERIES.join(', ')}), optionally with {variant="treatment|control"}`);
    }
  }
  return new Set(entries);
}
