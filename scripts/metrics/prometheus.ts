import { HttpError, type HttpClient } from '../http/client.ts';
import type { Measurement, MetricsProvider } from './port.ts';

/** How the Prometheus provider queries. */
export interface PrometheusOptions {
  /** Evaluate every query at this instant instead of the server's now: for gates over backfilled history. */
  time?: Date | number;
  /** Sent as Prometheus's `timeout` parameter, so the server also stops a slow query instead of finishing it for nobody. */
  timeoutMs?: number;
}

type Sample = [number, string];
type Series = { metric: Record<string, string>; value: Sample };
interface ApiResponse {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/** Measures with the Prometheus HTTP API (an instant query); Thanos, Mimir and VictoriaMetrics speak the same. */
export function prometheusProvider(http: HttpClient, options: PrometheusOptions = {}): MetricsProvider {
  const origin = originOf(http.options.baseUrl);
  const time = options.time === undefined ? undefined : (typeof options.time === 'number' ? options.time : options.time.getTime()) / 1000;
  return {
    name: `prometheus ${origin}`,
    async measure(request): Promise<Measurement> {
      const params = new URLSearchParams({ query: request.query });
      const at = request.at !== undefined ? request.at / 1000 : time;
      if (at !== undefined) params.set('time', String(at));
      if (options.timeoutMs !== undefined) params.set('timeout', `${Math.max(1, Math.round(options.timeoutMs))}ms`);
      const path = `/api/v1/query?${params}`;
      let status: number;
      let body: unknown;
      try {
        // Prometheus explains refusals in the body (400 bad_data, 422 execution, 503 timeout): read them instead of throwing.
        ({ status, body } = await http.request('GET', path, undefined, [400, 422, 503]));
      } catch (error) {
        return { ok: false, reason: failure(error, `GET ${path}: `, origin, http.options.timeoutMs) };
      }
      try {
        return interpret(status, body, options.timeoutMs);
      } catch {
        // A proxy or look-alike answering a shape we do not know: still a reason, never a crash mid-gate.
        return { ok: false, reason: `HTTP ${status} with an answer that is not the Prometheus API's` };
      }
    },
  };
}

function interpret(status: number, body: unknown, timeoutMs: number | undefined): Measurement {
  const response = (body && typeof body === 'object' ? body : {}) as ApiResponse;
  if (response.status === 'error') {
    const error = response.error ?? `HTTP ${status}`;
    // Where the deadline hits decides the wording: "timeout" in the engine, "execution ... deadline" in storage.
    if (response.errorType === 'timeout' || /context deadline exceeded/.test(error)) {
      return { ok: false, reason: `Prometheus timed out${timeoutMs !== undefined ? ` (limit ${timeoutMs} ms)` : ''}: ${error}` };
    }
    return { ok: false, reason: `Prometheus ${response.errorType ?? 'error'}: ${error}` };
  }
  if (response.status !== 'success' || !response.data) return { ok: false, reason: `HTTP ${status} without a Prometheus API answer: is the URL a Prometheus server?` };
  const { resultType, result } = response.data;
  if (resultType === 'scalar') return valueOf((result as Sample)[1]);
  if (resultType !== 'vector') return { ok: false, reason: `the query returned a ${resultType}, not one number: use an instant vector or scalar expression` };
  const series = result as Series[];
  if (series.length === 0) return { ok: false, reason: 'no data: the query returned no series' };
  if (series.length > 1) return { ok: false, reason: `the query returned ${series.length} series, not one (aggregate them, e.g. with sum): ${labelSets(series)}` };
  return valueOf(series[0].value[1]);
}

function valueOf(text: string): Measurement {
  // Prometheus writes non-finite values as NaN / +Inf / -Inf, which Number() does not all read.
  if (text === 'NaN') return { ok: false, reason: 'the query returned NaN (0/0: nothing was counted in the window)' };
  if (text === '+Inf' || text === '-Inf') return { ok: false, reason: `the query returned ${text} (a division by zero)` };
  const value = Number(text);
  if (!Number.isFinite(value)) return { ok: false, reason: `the query returned "${text}", not a number` };
  return { ok: true, value };
}

/** Only the labels that tell the series apart, so the reason stays one short line. */
function labelSets(series: Series[]): string {
  const keys = [...new Set(series.flatMap((s) => Object.keys(s.metric)))].sort();
  const differing = keys.filter((k) => new Set(series.map((s) => s.metric[k])).size > 1);
  const shown = series.slice(0, 3).map((s) => {
    const text = `{${(differing.length ? differing : keys)
      .filter((k) => s.metric[k] !== undefined)
      .map((k) => `${k}="${s.metric[k]}"`)
      .join(', ')}}`;
    return text.length > 80 ? `${text.slice(0, 77)}...}` : text;
  });
  return shown.join(', ') + (series.length > 3 ? ` and ${series.length - 3} more` : '');
}

function failure(error: unknown, prefix: string, origin: string, timeoutMs: number): string {
  if (!(error instanceof HttpError)) return `Prometheus query failed: ${(error as Error)?.message ?? String(error)}`;
  // The client's message starts with the whole URL, query included: too long for a report line.
  const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  if (error.status !== undefined) return `Prometheus at ${origin} answered ${detail}`;
  if (detail.startsWith('timed out')) return `Prometheus at ${origin} did not answer within ${timeoutMs} ms${detail.slice('timed out'.length)}`;
  return `cannot reach Prometheus at ${origin}: ${detail}`;
}

/** The base URL without credentials or query, fit for a report. */
function originOf(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return baseUrl;
  }
}
