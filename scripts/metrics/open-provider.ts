import { resolve } from 'node:path';
import { durationMs } from '../config/duration.ts';
import type { MetricsProvider as MetricsSettings } from '../config/schema/environments.ts';
import { HttpClient } from '../http/client.ts';
import type { MetricsProvider } from './port.ts';
import { prometheusProvider } from './prometheus.ts';
import { staticFileProvider } from './static-file.ts';

/** The metrics provider cannot be set up (a secret missing, a setting absent): exit 2, nothing measured. */
export class MetricsProviderError extends Error {
  override name = 'MetricsProviderError';
}

/**
 * The metrics provider of one environment, from its settings in environments.yaml;
 * `--metrics FILE` (resolved against the working directory) wins over them. Secrets come from `env`;
 * `settings` must come from the trusted model (base's in a PR), so a token goes only where base says.
 */
export function openProvider(dir: string, settings: MetricsSettings, env: NodeJS.ProcessEnv, metricsFile?: string, staticText?: string): MetricsProvider {
  if (metricsFile !== undefined) return staticFileProvider(resolve(metricsFile), metricsFile);
  if (settings.type === 'static') {
    if (!settings.file) throw new MetricsProviderError('the static metrics provider has no file');
    // In a PR the file is base's, read from git: `staticText`; a PR cannot supply its own numbers.
    return staticFileProvider(resolve(dir, settings.file), settings.file, staticText);
  }
  if (settings.type === 'none') return { name: 'none', measure: async () => ({ ok: false, reason: 'no metrics provider for this environment' }) };

  if (!settings.url) throw new MetricsProviderError('the prometheus metrics provider has no url');
  const headers: Record<string, string> = {};
  if (settings.tokenEnv) {
    const token = env[settings.tokenEnv];
    if (!token) throw new MetricsProviderError(`environment variable ${settings.tokenEnv} is not set: it holds the Prometheus bearer token`);
    headers.authorization = `Bearer ${token}`;
  }
  const retries = env.ROLLGATE_HTTP_RETRIES === undefined ? 2 : Number(env.ROLLGATE_HTTP_RETRIES);
  if (!(Number.isInteger(retries) && retries >= 0)) throw new MetricsProviderError(`ROLLGATE_HTTP_RETRIES must be a whole number ≥ 0, got "${env.ROLLGATE_HTTP_RETRIES}"`);
  const timeoutMs = durationMs(settings.timeout) ?? 10_000;
  // Prometheus gets the timeout itself and answers "timed out" in time; the client waits a little longer to hear it.
  const http = new HttpClient({ baseUrl: settings.url, headers, retries, timeoutMs: timeoutMs + 2_000 });
  return prometheusProvider(http, { timeoutMs });
}
