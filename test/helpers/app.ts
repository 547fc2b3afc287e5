import { createServer, type Server } from 'node:http';
import { Counter, Registry } from 'prom-client';

export interface App {
  url: string;
  /** Sets the share of treatment requests that fail, in percent. */
  setErrorPercent(percent: number): void;
  stop(): Promise<void>;
}

/**
 * A small application behind a flag, on 127.0.0.1: it serves 50 requests a second per
 * variant and counts them with prom-client as `app_requests_total{flag, variant, env, outcome}`,
 * the series rollout/metrics.yaml's error_rate reads.
 */
export async function startApp(flag: string, env: string): Promise<App> {
  const registry = new Registry();
  const requests = new Counter({ name: 'app_requests_total', help: 'Requests by flag variant and outcome', labelNames: ['flag', 'variant', 'env', 'outcome'], registers: [registry] });
  let errorPercent = 0;
  const tick = setInterval(() => {
    for (const variant of ['treatment', 'control']) {
      const errors = variant === 'treatment' ? Math.round((5 * errorPercent) / 100) : 0;
      requests.inc({ flag, variant, env, outcome: 'error' }, errors);
      requests.inc({ flag, variant, env, outcome: 'ok' }, 5 - errors);
    }
  }, 100);
  const server: Server = createServer(async (req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    setErrorPercent: (p) => (errorPercent = p),
    stop: () => {
      clearInterval(tick);
      return new Promise((r) => server.close(() => r()));
    },
  };
}
