import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Metric } from '../scripts/config/schema/index.ts';
import { HttpClient } from '../scripts/http/client.ts';
import { valueTemplate } from '../scripts/metrics/catalog.ts';
import { MetricsProviderError, openProvider } from '../scripts/metrics/open-provider.ts';
import type { Measurement, MetricRequest, MetricsProvider } from '../scripts/metrics/port.ts';
import { prometheusProvider } from '../scripts/metrics/prometheus.ts';
import { MetricsFileError, staticFileProvider } from '../scripts/metrics/static-file.ts';
import { renderTemplate } from '../scripts/metrics/template.ts';
import { ROOT } from './helpers/cli.ts';
import { expectedQuantileMs, HEALTHY, history, type Profile } from './helpers/metrics-history.ts';
import { freePort } from './helpers/ports.ts';
import { PROMETHEUS, PROMTOOL, startPrometheus, type Prometheus } from './helpers/prometheus.ts';

const FLAG = 'qb-td-calculator-v2';
const ENV = 'production';
const CATALOG = (parse(readFileSync(join(ROOT, 'rollout', 'metrics.yaml'), 'utf8')) as { spec: { metrics: Record<string, Metric> } }).spec.metrics;

/** A rendered catalog value query (a ratio metric's is numerator ÷ denominator), as the gate evaluator sends it. */
function request(metric: string, window: string, variant: 'treatment' | 'control' = 'treatment', flag = FLAG): MetricRequest {
  const query = renderTemplate(valueTemplate(CATALOG[metric]), { flag, window, variant, env: ENV }).text;
  return { metric, query, flag, env: ENV, window, variant };
}

const valueOf = (m: Measurement): number => {
  if (!m.ok) throw new Error(`expected a value, got: ${m.reason}`);
  return m.value;
};


describe('prometheus provider on a real, backfilled Prometheus', () => {
  // A few minutes back, so "now" of the server and the history's end never race.
  const END = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000);
  const endTs = END.getTime() / 1000;
  const CONTROL: Profile = { requestsPerSecond: 40, errorPercent: 0.35, latency: { p95Ms: 260, p99Ms: 420, avgMs: 115 }, sessionsPerMinute: 300, conversionPercent: 12 };
  const TREATMENT: Profile = { requestsPerSecond: 15, errorPercent: 0.8, latency: { p95Ms: 340, p99Ms: 620, avgMs: 150 }, sessionsPerMinute: 120, conversionPercent: 11.4 };
  // 72h–48h before the end the treatment failed more: a 72h window must see the mix, a 48h one must not.
  const EARLY_ERROR_PERCENT = 1.4;
  const QB = { fallbackPercent: 4.5, agreementPercent: 73.5, availabilityPercent: 99.5, dataCoveragePercent: 82 };

  let prom: Prometheus;
  let provider: MetricsProvider;

  beforeAll(async () => {
    const openMetrics = history({
      flag: FLAG,
      env: ENV,
      end: END,
      treatment: (ts) => (ts <= endTs - 48 * 3600 ? { ...TREATMENT, errorPercent: EARLY_ERROR_PERCENT } : TREATMENT),
      control: CONTROL,
      qb: QB,
      events: { criticalAlerts: [60], unhandledExceptions: [30] },
      imports: { everyHours: 24, lastHoursAgo: 3 },
    });
    prom = await startPrometheus({ openMetrics });
    provider = prometheusProvider(new HttpClient({ baseUrl: prom.url, retries: 0 }), { time: END });
  }, 180_000);

  afterAll(async () => {
    await prom?.stop();
  });

  const measure = (metric: string, window: string, variant?: 'treatment' | 'control') => provider.measure(request(metric, window, variant));

  it.each([
    ['error_rate', '48h', 'treatment', TREATMENT.errorPercent],
    ['error_rate', '72h', 'treatment', (24 * EARLY_ERROR_PERCENT + 48 * TREATMENT.errorPercent) / 72],
    ['error_rate', '48h', 'control', CONTROL.errorPercent],
    ['conversion_rate', '48h', 'treatment', TREATMENT.conversionPercent],
    ['conversion_rate', '48h', 'control', CONTROL.conversionPercent],
    ['conversion_rate', '72h', 'control', CONTROL.conversionPercent],
    ['agreement_rate', '48h', 'treatment', QB.agreementPercent],
    ['fallback_rate', '72h', 'treatment', QB.fallbackPercent],
    ['completion_rate', '48h', 'treatment', 100],
    ['data_coverage', '72h', 'treatment', QB.dataCoveragePercent],
  ] as const)('%s over %s (%s) is what the history generated', async (metric, window, variant, expected) => {
    expect(Math.abs(valueOf(await measure(metric, window, variant)) - expected)).toBeLessThanOrEqual(0.02);
  });

  it.each([
    ['latency_p95_ms', 0.95, TREATMENT],
    ['latency_p99_ms', 0.99, TREATMENT],
    ['latency_p95_ms', 0.95, CONTROL],
  ] as const)('%s lands where histogram_quantile interpolates the generated buckets', async (metric, q, profile) => {
    // Prometheus's interpolation over the generated buckets, recomputed here; the generator shapes them so it is the asked value.
    const expected = expectedQuantileMs(profile.latency, q);
    expect(expected).toBeCloseTo(q === 0.95 ? profile.latency.p95Ms : profile.latency.p99Ms, 6);
    for (const window of ['48h', '72h']) {
      expect(Math.abs(valueOf(await measure(metric, window, profile === CONTROL ? 'control' : 'treatment')) - expected)).toBeLessThanOrEqual(0.5);
    }
  });

  it('latency_avg_ms is the generated mean', async () => {
    expect(Math.abs(valueOf(await measure('latency_avg_ms', '48h', 'treatment')) - TREATMENT.latency.avgMs)).toBeLessThanOrEqual(0.01);
  });

  it('availability is the share of up samples, within one down minute', async () => {
    for (const window of ['48h', '72h']) {
      const samples = Number.parseInt(window) * 60;
      expect(Math.abs(valueOf(await measure('availability', window)) - QB.availabilityPercent)).toBeLessThanOrEqual(100 / samples + 1e-9);
    }
  });

  it('critical_incidents counts the alert 60 h back in 72h, and answers 0 (or vector(0)) in 48h', async () => {
    expect(await measure('critical_incidents', '72h')).toEqual({ ok: true, value: 1 });
    expect(await measure('critical_incidents', '48h')).toEqual({ ok: true, value: 0 });
  });

  it('unhandled_exceptions counts the one 30 h back in 48h, none in 24h', async () => {
    expect(valueOf(await measure('unhandled_exceptions', '48h'))).toBeCloseTo(1, 2);
    expect(await measure('unhandled_exceptions', '24h')).toEqual({ ok: true, value: 0 });
  });

  it('data_freshness_hours reads time() at the fixed evaluation time', async () => {
    expect(valueOf(await measure('data_freshness_hours', '1h'))).toBeCloseTo(3, 6);
  });

  it('a scalar result is a value', async () => {
    expect(await provider.measure({ ...request('error_rate', '48h'), query: 'time()' })).toEqual({ ok: true, value: endTs });
  });

  it('no series is not ok: "no data"', async () => {
    const m = await provider.measure(request('error_rate', '48h', 'treatment', 'no-such-flag'));
    expect(m).toEqual({ ok: false, reason: 'no data: the query returned no series' });
  });

  it('two series (a query without sum) is not ok, naming the label sets that differ', async () => {
    const query = `rate(app_requests_total{flag="${FLAG}",variant="treatment",env="${ENV}"}[48h])`;
    const m = await provider.measure({ ...request('error_rate', '48h'), query });
    expect(m.ok).toBe(false);
    expect(!m.ok && m.reason).toBe('the query returned 2 series, not one (aggregate them, e.g. with sum): {outcome="error"}, {outcome="ok"}');
  });

  it('NaN and Inf are not ok', async () => {
    const nan = await provider.measure({ ...request('error_rate', '48h'), query: 'vector(0) / vector(0)' });
    expect(!nan.ok && nan.reason).toMatch(/^the query returned NaN/);
    const inf = await provider.measure({ ...request('error_rate', '48h'), query: 'vector(1) / vector(0)' });
    expect(!inf.ok && inf.reason).toBe('the query returned +Inf (a division by zero)');
  });

  it("a PromQL error is not ok, with Prometheus's own text", async () => {
    const m = await provider.measure({ ...request('error_rate', '48h'), query: 'sum(rate(app_requests_total[48h])' });
    expect(m).toEqual({ ok: false, reason: 'Prometheus bad_data: invalid parameter "query": 1:34: parse error: unclosed left parenthesis' });
  });

  it('a query past its timeout is not ok: Prometheus stops it', async () => {
    const slow = prometheusProvider(new HttpClient({ baseUrl: prom.url, retries: 0 }), { time: END, timeoutMs: 1 });
    const query = 'sum(count_over_time(app_request_duration_seconds_bucket[3d:1s]))';
    const m = await slow.measure({ ...request('error_rate', '48h'), query });
    expect(!m.ok && m.reason).toMatch(/^Prometheus timed out \(limit 1 ms\): /);
  });

  it('openProvider wires settings to a working provider; a missing token env is a setup error', async () => {
    const opened = openProvider(ROOT, { type: 'prometheus', url: prom.url, timeout: '5s' }, {});
    expect(valueOf(await opened.measure({ ...request('error_rate', '48h'), query: 'vector(42)' }))).toBe(42);
    expect(() => openProvider(ROOT, { type: 'prometheus', url: prom.url, timeout: '5s', tokenEnv: 'ROLLGATE_TEST_PROM_TOKEN' }, {})).toThrow(MetricsProviderError);
  });
});

describe('prometheus provider without a server', () => {
  const sockets = new Set<Socket>();
  let blackHole: Server;
  beforeAll(async () => {
    // Accepts and never answers: what a hung Prometheus or a dropped route looks like.
    blackHole = createServer((socket) => sockets.add(socket));
    await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => blackHole.close(r));
  });

  it('an unreachable URL is not ok', async () => {
    const port = await freePort();
    const m = await prometheusProvider(new HttpClient({ baseUrl: `http://127.0.0.1:${port}`, retries: 0, timeoutMs: 2_000 })).measure(request('error_rate', '48h'));
    expect(m).toEqual({ ok: false, reason: `cannot reach Prometheus at http://127.0.0.1:${port}: ECONNREFUSED (after 1 attempts)` });
  });

  it('a server that does not answer in time is not ok', async () => {
    const { port } = blackHole.address() as { port: number };
    const started = Date.now();
    const m = await prometheusProvider(new HttpClient({ baseUrl: `http://127.0.0.1:${port}`, retries: 0, timeoutMs: 300 })).measure(request('error_rate', '48h'));
    expect(m).toEqual({ ok: false, reason: `Prometheus at http://127.0.0.1:${port} did not answer within 300 ms (after 1 attempts)` });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("the none provider never measures", async () => {
    const none = openProvider(ROOT, { type: 'none', timeout: '10s' }, {});
    expect(await none.measure(request('error_rate', '48h'))).toEqual({ ok: false, reason: 'no metrics provider for this environment' });
  });
});

describe('static file provider (--metrics FILE)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rollgate-metrics-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const ask = (p: MetricsProvider, metric: string, variant?: 'treatment' | 'control') => p.measure({ metric, query: '', flag: FLAG, env: ENV, window: '48h', ...(variant ? { variant } : {}) });

  it.each([
    ['metrics.yaml', '# measured by hand\nerror_rate: 0.4\nconversion_rate: { treatment: 11.5, control: 12 }\n'],
    ['metrics.json', '{ "error_rate": 0.4, "conversion_rate": { "treatment": 11.5, "control": 12 } }\n'],
  ])('%s: plain numbers, per-variant values, treatment when no variant is asked', async (name, text) => {
    const p = staticFileProvider(file(name, text));
    expect(await ask(p, 'error_rate')).toEqual({ ok: true, value: 0.4 });
    expect(await ask(p, 'error_rate', 'treatment')).toEqual({ ok: true, value: 0.4 });
    expect(await ask(p, 'conversion_rate', 'control')).toEqual({ ok: true, value: 12 });
    expect(await ask(p, 'conversion_rate', 'treatment')).toEqual({ ok: true, value: 11.5 });
    expect(await ask(p, 'conversion_rate')).toEqual({ ok: true, value: 11.5 });
  });

  it('a missing metric, a missing variant and a plain number asked for its baseline are not ok', async () => {
    const p = staticFileProvider(file('partial.yaml', 'error_rate: 0.4\nconversion_rate: { treatment: 11.5 }\n'), 'partial.yaml');
    expect(await ask(p, 'latency_p95_ms')).toEqual({ ok: false, reason: 'no value for latency_p95_ms in partial.yaml' });
    expect(await ask(p, 'conversion_rate', 'control')).toEqual({ ok: false, reason: 'no control value for conversion_rate in partial.yaml' });
    expect(await ask(p, 'error_rate', 'control')).toMatchObject({ ok: false, reason: expect.stringContaining('no control baseline') });
  });

  it.each([
    ['broken.yaml', 'error_rate: 0.4\nconversion_rate: [1, 2\n', 3, 1, /flow sequence/i],
    ['broken.json', '{\n  "error_rate": 0.4,\n  "p95": }\n', 3, 10, /./],
    ['dupe.yaml', 'error_rate: 0.4\nerror_rate: 0.5\n', 2, 1, /unique/i],
    ['text.yaml', 'error_rate: "0.4"\n', 1, 13, /error_rate must be a number or \{treatment: number, control: number\}, got "0.4"/],
    ['variant.yaml', 'conversion_rate:\n  treatment: 11\n  baseline: 12\n', 3, 3, /"baseline" is not a variant/],
    ['list.yaml', '- error_rate\n', 1, 1, /expected a mapping/],
  ])('%s is a MetricsFileError with line:col', (name, text, line, col, message) => {
    const path = file(name, text);
    let error: unknown;
    try {
      staticFileProvider(path, name);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MetricsFileError);
    const e = error as MetricsFileError;
    expect({ file: e.file, line: e.line, col: e.col }).toEqual({ file: name, line, col });
    expect(e.message.startsWith(`${name}:${line}:${col}: `)).toBe(true);
    expect(e.reason).toMatch(message);
  });

  it('a file that does not exist is a MetricsFileError; openProvider resolves static files against the repository', async () => {
    expect(() => staticFileProvider(join(dir, 'nope.yaml'), 'nope.yaml')).toThrow(new MetricsFileError('cannot read the metrics file (no such file)', 'nope.yaml'));
    file('repo-metrics.yaml', 'error_rate: 0.25\n');
    const p = openProvider(dir, { type: 'static', file: 'repo-metrics.yaml', timeout: '10s' }, {});
    expect(await ask(p, 'error_rate')).toEqual({ ok: true, value: 0.25 });
    const wins = openProvider(dir, { type: 'prometheus', url: 'http://127.0.0.1:1', timeout: '10s' }, {}, join(dir, 'repo-metrics.yaml'));
    expect(await ask(wins, 'error_rate')).toEqual({ ok: true, value: 0.25 });
  });
});

describe('metrics history generator', () => {
  const end = new Date(Date.UTC(2030, 0, 1, 12, 0));
  const endTs = end.getTime() / 1000;
  const samples = (text: string) => {
    const series = new Map<string, { value: number; ts: number }[]>();
    for (const line of text.split('\n')) {
      const m = /^(\S+) (\S+) (\d+)$/.exec(line);
      if (!m) continue;
      series.set(m[1], [...(series.get(m[1]) ?? []), { value: Number(m[2]), ts: Number(m[3]) }]);
    }
    return series;
  };

  it('writes typed families, a sample a minute per series, monotonic counters, and # EOF', () => {
    const busy = { ...HEALTHY, requestsPerSecond: 50, errorPercent: 3 };
    const text = history({ flag: 'f', env: 'e', hours: 2, end, treatment: (ts) => (ts < endTs - 3600 ? busy : HEALTHY), control: HEALTHY, events: { supportTickets: [0.5] } });
    expect(text).toMatch(/^# TYPE app_requests counter\n/m);
    expect(text).toMatch(/^# TYPE app_request_duration_seconds histogram\n/m);
    expect(text.endsWith('# EOF\n')).toBe(true);
    const series = samples(text);
    expect(series.size).toBeGreaterThan(40);
    for (const [name, list] of series) {
      expect(list.map((s) => s.ts), name).toEqual(Array.from({ length: 121 }, (_, i) => endTs - 7200 + 60 * i));
      if (/_(total|bucket|count|sum)\{/.test(name)) expect(list.every((s, i) => i === 0 || s.value >= list[i - 1].value), name).toBe(true);
    }
    expect(series.get('support_tickets_total{env="e",flag="f",variant="treatment"}')!.at(-1)!.value).toBe(1);
  });

  it('omits a family, or one variant of it, and refuses a name it does not write', () => {
    const names = (omit: string[]) => new Set([...samples(history({ flag: 'f', env: 'e', hours: 1, end, treatment: HEALTHY, control: HEALTHY, omit })).keys()].map((k) => k.replace(/,?outcome="\w+"|,?le="[^"]+"/g, '')));
    const some = names(['qbtd_shadow_comparisons_total', 'app_sessions_total{variant="control"}']);
    expect([...some].some((k) => k.startsWith('qbtd_shadow_comparisons_total'))).toBe(false);
    expect(some.has('app_sessions_total{env="e",flag="f",variant="control"}')).toBe(false);
    expect(some.has('app_sessions_total{env="e",flag="f",variant="treatment"}')).toBe(true);
    expect(() => names(['app_session_total'])).toThrow(/not a series of the history/);
    expect(() => history({ flag: 'f', env: 'e', end: new Date(end.getTime() + 1000), treatment: HEALTHY, control: HEALTHY })).toThrow(/aligned to the minute/);
  });
});
