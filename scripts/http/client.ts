
export interface HttpOptions {
  baseUrl: string;
  headers?: Record<string, string>;
  /** Per request. */
  timeoutMs?: number;
  /** Attempts after the first, on connection errors, 429 and 5xx. */
  retries?: number;
  /** First backoff; doubles each retry (a Retry-After header wins, up to 10 s). */
  backoffMs?: number;
  fetch?: typeof fetch;
}

export interface HttpResponse<T> {
  status: number;
  body: T;
}

/** A request that failed: the server said no, or could not be reached. `status` is absent for the latter. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A JSON client with bounded retries. Counts its requests; never prints its headers (tokens). */
export class HttpClient {
  requests = 0;
  readonly options: Required<Omit<HttpOptions, 'headers'>> & { headers: Record<string, string> };

  constructor(options: HttpOptions) {
    this.options = { timeoutMs: 10_000, retries: 4, backoffMs: 250, fetch: globalThis.fetch, headers: {}, ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') };
  }

  /**
   * Sends one request; 2xx and the statuses in `accept` return, anything else throws an
   * HttpError with the server's message. Retries transient failures with backoff.
   */
  async request<T = unknown>(method: string, path: string, body?: unknown, accept: number[] = []): Promise<HttpResponse<T>> {
    const { retries, backoffMs, timeoutMs } = this.options;
    for (let attempt = 0; ; attempt++) {
      this.requests++;
      let response: Response;
      try {
        response = await this.options.fetch(this.options.baseUrl + path, {
          method,
          headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...this.options.headers },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        if (attempt < retries) {
          await sleep(backoffMs * 2 ** attempt);
          continue;
        }
        throw new HttpError(`${method} ${path}: ${describeNetworkError(error)} (after ${attempt + 1} attempts)`);
      }
      const text = await response.text().catch(() => '');
      if ((response.status === 429 || response.status >= 500) && attempt < retries) {
        const after = Number(response.headers.get('retry-after'));
        await sleep(Number.isFinite(after) && after > 0 ? Math.min(after * 1000, 10_000) : backoffMs * 2 ** attempt);
        continue;
      }
      const parsed = text ? safeJson(text) : undefined;
      if (response.ok || accept.includes(response.status)) return { status: response.status, body: parsed as T };
      throw new HttpError(`${method} ${path}: HTTP ${response.status}${serverMessage(parsed, text)}`, response.status);
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function serverMessage(parsed: unknown, text: string): string {
  if (parsed && typeof parsed === 'object') {
    const p = parsed as { message?: string; error?: string; details?: { message?: string }[] };
    const detail = p.details?.map((d) => d.message).filter(Boolean).join('; ');
    const message = p.message ?? p.error;
    if (message) return `: ${message}${detail && detail !== message ? ` (${detail})` : ''}`;
  }
  return text ? `: ${text.slice(0, 200)}` : '';
}

function describeNetworkError(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
