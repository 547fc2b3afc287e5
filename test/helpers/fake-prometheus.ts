import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One query a fake Prometheus was asked, with the bearer token it came with. */
export interface SeenQuery {
  query: string;
  authorization?: string;
}

/**
 * A Prometheus HTTP API that answers every instant query with one number (`value(query)`),
 * and records what it was asked and with which token: for tests about who may point the
 * gate where. Real gate numbers come from the real Prometheus in gate-prometheus.test.ts.
 */
export class FakePrometheus {
  readonly seen: SeenQuery[] = [];
  private server: Server | undefined;
  url = '';

  constructor(private readonly value: (query: string) => number) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const params = new URLSearchParams(req.method === 'POST' ? body : url.search);
        const query = params.get('query') ?? '';
        this.seen.push({ query, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
        if (!url.pathname.endsWith('/api/v1/query')) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [Date.now() / 1000, String(this.value(query))] }] } }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
