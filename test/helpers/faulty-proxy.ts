import { createServer, request, type IncomingMessage, type Server } from 'node:http';

export type Fault = 'fail' | 'drop';

/** A request that changes the store: anything but GET and the export read. */
export const isWrite = (method: string, url: string) => method !== 'GET' && !url.startsWith('/api/admin/features-batch/export');

/**
 * An HTTP proxy on 127.0.0.1 in front of a server. It counts requests and writes, and can
 * break the Nth write: `fail` answers 503 without forwarding; `drop` forwards it (the
 * server applies it) and then cuts the connection before the answer.
 */
export class FaultyProxy {
  requests = 0;
  writes = 0;
  private fault?: { n: number; kind: Fault };
  private server?: Server;
  url = '';

  constructor(private readonly target: string) {}

  /** Breaks write number `n` (1-based, counted from now). */
  breakWrite(n: number, kind: Fault): void {
    this.fault = { n: this.writes + n, kind };
  }

  heal(): void {
    this.fault = undefined;
  }

  reset(): void {
    this.requests = 0;
    this.writes = 0;
    this.fault = undefined;
  }

  async start(): Promise<string> {
    const target = new URL(this.target);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        this.requests++;
        const write = isWrite(req.method!, req.url!);
        if (write) this.writes++;
        const fault = write && this.fault && this.fault.n === this.writes ? this.fault.kind : undefined;
        if (fault === 'fail') {
          res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"injected failure"}');
          return;
        }
        const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer: IncomingMessage) => {
          const body: Buffer[] = [];
          answer.on('data', (c) => body.push(c));
          answer.on('end', () => {
            if (fault === 'drop') {
              req.socket.destroy();
              return;
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(body));
          });
        });
        upstream.on('error', () => res.writeHead(502).end());
        upstream.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this.url;
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
