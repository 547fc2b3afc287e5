import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { bearerMatches } from './auth.ts';
import { parsePayload, rollbackAsk, type RollbackAsk } from './payload.ts';

export interface WebhookOptions {
  host: string;
  port: number;
  token: string;
  /** Larger bodies are refused with 413 before they are read. */
  maxBytes?: number;
  /** Decides whether a rollout/env exists (the config as it is now). */
  known(rollout: string, env: string): Promise<boolean>;
  /** Rolls back; called one at a time, in arrival order. */
  rollback(ask: RollbackAsk): Promise<Record<string, unknown>>;
  log(entry: Record<string, unknown>): void;
  /** A second rollback of one rollout/env without an explicit target waits this long (ms). */
  cooldownMs?: number;
  now?: () => number;
}

export interface WebhookServer {
  url: string;
  /** Resolves once every accepted rollback has run. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const MAX_SEEN = 10_000;

/**
 * Alertmanager's webhook receiver. Acts only on firing alerts that ask for a rollback and name
 * a known rollout and environment; deduplicates (an alert is acted on once, however often it
 * is delivered); runs git work one rollback at a time; answers at once so Alertmanager does
 * not retry while git and the sync run.
 */
export async function startWebhook(options: WebhookOptions): Promise<WebhookServer> {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const now = options.now ?? Date.now;
  const seen = new Set<string>();
  const lastRollback = new Map<string, number>();
  let queue: Promise<void> = Promise.resolve();

  const enqueue = (ask: RollbackAsk) => {
    queue = queue.then(async () => {
      const pair = `${ask.rollout}|${ask.env}`;
      const last = lastRollback.get(pair);
      if (!ask.to && last !== undefined && now() - last < (options.cooldownMs ?? 10 * 60_000)) {
        options.log({ level: 'info', msg: 'skipped: this rollout was rolled back moments ago; a second alert does not roll it back further', rollout: ask.rollout, env: ask.env, alertname: ask.alertname });
        return;
      }
      const started = now();
      try {
        const result = await options.rollback(ask);
        lastRollback.set(pair, now());
        options.log({ level: 'info', msg: 'rolled back', rollout: ask.rollout, env: ask.env, alertname: ask.alertname, ms: now() - started, ...result });
      } catch (error) {
        const name = (error as Error).name;
        options.log({ level: name === 'RollbackRefused' ? 'info' : 'error', msg: name === 'RollbackRefused' ? 'not rolled back' : 'rollback failed', reason: (error as Error).message, rollout: ask.rollout, env: ask.env, alertname: ask.alertname });
      }
    });
  };

  const reply = (res: ServerResponse, status: number, body: Record<string, unknown>) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === '/healthz') return reply(res, 200, { ok: true });
    if (req.method !== 'POST') return reply(res, 405, { error: 'POST an Alertmanager webhook payload' });
    if (!bearerMatches(req.headers.authorization, options.token)) {
      options.log({ level: 'warn', msg: 'unauthorized request', remote: req.socket.remoteAddress });
      req.resume();
      return reply(res, 401, { error: 'missing or wrong bearer token' });
    }
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
      req.resume();
      return reply(res, 413, { error: `body over ${maxBytes} bytes` });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) return reply(res, 413, { error: `body over ${maxBytes} bytes` });
      chunks.push(chunk as Buffer);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(res, 400, { error: 'malformed JSON' });
    }
    const parsed = parsePayload(body);
    if ('error' in parsed) return reply(res, 400, { error: parsed.error });
    let accepted = 0;
    let ignored = 0;
    for (const alert of parsed.alerts) {
      const ask = rollbackAsk(alert);
      if (!ask || seen.has(ask.key)) {
        ignored++;
        continue;
      }
      if (!(await options.known(ask.rollout, ask.env))) {
        options.log({ level: 'warn', msg: 'ignored: unknown rollout or environment', rollout: ask.rollout, env: ask.env, alertname: ask.alertname });
        ignored++;
        continue;
      }
      if (seen.has(ask.key)) {
        ignored++;
        continue;
      }
      if (seen.size >= MAX_SEEN) seen.delete(seen.values().next().value!);
      seen.add(ask.key);
      options.log({ level: 'info', msg: 'rollback requested', rollout: ask.rollout, env: ask.env, alertname: ask.alertname, to: ask.to ?? 'previous stage' });
      enqueue(ask);
      accepted++;
    }
    reply(res, 202, { accepted, ignored });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      options.log({ level: 'error', msg: 'request failed', reason: (error as Error).message });
      if (!res.headersSent) reply(res, 500, { error: 'internal error' });
    });
  });
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    idle: () => queue,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
