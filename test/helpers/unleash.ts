import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort, waitFor } from './ports.ts';
import { createDatabase, type Postgres } from './postgres.ts';
import { missingError, UNLEASH_SERVER } from './servers.ts';

export { UNLEASH_SERVER };
export const ADMIN_TOKEN = '*:*.rollgate-test-admin-token';

export interface Unleash {
  url: string;
  token: string;
  stop(): Promise<void>;
}

/** A real Unleash (npm unleash-server, pinned in test/servers) on a fresh database, admin token seeded. */
export async function startUnleash(pg: Postgres): Promise<Unleash> {
  if (!existsSync(UNLEASH_SERVER)) throw missingError('unleash-server');
  const database = `unleash_${process.pid}_${Date.now()}`;
  createDatabase(pg, database);
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [UNLEASH_SERVER], {
    env: {
      ...process.env,
      DATABASE_URL: `postgres://${pg.user}@${pg.host}:${pg.port}/${database}`,
      DATABASE_SSL: 'false',
      INIT_ADMIN_API_TOKENS: ADMIN_TOKEN,
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      CHECK_VERSION: 'false',
      SEND_TELEMETRY: 'false',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d) => (log = (log + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (log = (log + d).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor('Unleash /health', async () => {
      if (child.exitCode !== null) throw new Error(`unleash-server exited ${child.exitCode}:\n${log}`);
      const r = await fetch(`${url}/health`);
      return r.ok;
    }, 120_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${log}`);
  }
  return {
    url,
    token: ADMIN_TOKEN,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    },
  };
}

/** One call to Unleash's admin API with the admin token; throws on a non-2xx answer, parses JSON when there is a body. */
export async function unleashApi<T>(unleash: Unleash, method: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(unleash.url + path, { method, headers: { authorization: unleash.token, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
