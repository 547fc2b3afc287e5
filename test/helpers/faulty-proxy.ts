import { createServer, request, type IncomingMessage, type Server } from 'node:http';

export type Fault = 'fail' | 'drop';

/** A request that changes the store: anything but GET and the export read. */
export const isWrite = (method: string, url: string) => method !== 'GET' && !url.startsWith('/api/admin/features-batch/export');

/** One request through the proxy; `arrived` and `answered` are ticks of one counter, so they order events across requests. */
export interface Exchange {
  method: string;
  url: string;
  /** The request body as text. */
  body: string;
  arrived: number;
  answered?: number;
}

/**
 * An HTTP proxy on 127.0.0.1 in front of a server. It counts requests and writes, and can
 * break the Nth write: `fail` answers 503 without forwarding; `drop` forwards it (the
 * server applies it) and then cuts the connection before the answer. It logs every
 * exchange and the most requests it held at once; `delayMs` holds each answer that long.
 */
export class FaultyProxy {
  requests = 0;
  writes = 0;
  inFlight = 0;
  maxInFlight = 0;
  log: Exchange[] = [];
  delayMs = 0;
  private tick = 0;
  private fault?: { n: number; kind: Fault; match?: (method: string, url: string) => boolean };
  private matched = 0;
  private server?: Server;
  url = '';

  constructor(private readonly target: string) {}

  /** Breaks write number `n` (1-based, counted from now); with `match`, the nth write that matches. */
  breakWrite(n: number, kind: Fault, match?: (method: string, url: string) => boolean): void {
    this.matched = 0;
    this.fault = match ? { n, kind, match } : { n: this.writes + n, kind };
  }

  heal(): void {
    this.fault = undefined;
  }

  reset(): void {
    this.requests = 0;
    this.writes = 0;
    this.fault = undefined;
    this.maxInFlight = 0;
    this.log = [];
  }

  async start(): Promise<string> {
    const target = new URL(this.target);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        this.requests++;
        const exchange: Exchange = { method: req.method!, url: req.url!, body: Buffer.concat(chunks).toString(), arrived: ++this.tick };
        this.log.push(exchange);
        this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
        res.once('close', () => {
          this.inFlight--;
          exchange.answered = ++this.tick;
        });
        const write = isWrite(req.method!, req.url!);
        if (write) this.writes++;
        const counted = this.fault?.match ? (write && this.fault.match(req.method!, req.url!) ? ++this.matched : 0) : this.writes;
        const fault = write && this.fault && this.fault.n === counted ? this.fault.kind : undefined;
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
            const send = () => res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(body));
            if (this.delayMs > 0) setTimeout(send, this.delayMs);
            else send();
          });
        });
        upstream.on('error', () => res.writeHead(502).end());
        upstream.end(Buffer.concat(chunks));
      });
    });
    // Idle connections stay open: on a busy machine the client's own 4 s idle timer can fire late, and a
    // connection the proxy closed meanwhile would fail a request the proxy never saw (ECONNRESET).
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this.url;
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
