import { spawn } from 'node:child_process';
import { waitFor } from './ports.ts';

export interface Running {
  /** The last 20 kB of its output. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts a server binary and waits until `readyUrl` answers 2xx; stops it (SIGTERM, then SIGKILL) on demand. */
export async function startProcess(name: string, cmd: string, args: string[], readyUrl: string, cwd?: string): Promise<Running> {
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await waitFor(`${name} ${readyUrl}`, async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode}`);
      return (await fetch(readyUrl)).ok;
    }, 60_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${out}`);
  }
  return { log: () => out, stop };
}
