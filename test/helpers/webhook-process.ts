import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './cli.ts';

export interface WebhookProcess {
  url: string;
  /** Every JSON log line so far. */
  logs: Record<string, unknown>[];
  waitForLog(match: (entry: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** `rollgate webhook` as a real process on a free loopback port. */
export async function startWebhookProcess(dir: string, env: Record<string, string>): Promise<WebhookProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'bin', 'rollgate.js'), 'webhook', '--port', '0', '--dir', dir], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let buffer = '';
  const waiters: { match: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }[] = [];
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => {
    buffer += d;
    let i: number;
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        for (const w of [...waiters]) if (w.match(entry)) waiters.splice(waiters.indexOf(w), 1), w.resolve(entry);
      } catch {
        // not a log line
      }
    }
  });
  const waitForLog = (match: (e: Record<string, unknown>) => boolean, timeoutMs = 60_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const found = logs.find(match);
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error(`no such log line in ${timeoutMs} ms; stderr: ${stderr}; logs: ${JSON.stringify(logs)}`)), timeoutMs);
      waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  const listening = await waitForLog((e) => e.msg === 'listening', 30_000);
  return {
    url: String(listening.url),
    logs,
    waitForLog,
    stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill('SIGTERM')))),
  };
}
