import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeAtomic } from '../../scripts/files/write-atomic.ts';
import { ROOT } from './cli.ts';

const run = promisify(execFile);

export interface FlagService {
  url: string;
  /** The users (ids of user-0 … user-(users-1)) the service serves the flag to right now. */
  usersOn(flag: string, users: number): Promise<Set<number>>;
  stop(): Promise<void>;
}

/** test/helpers/flag-service-app.ts as its own process, on a free loopback port. */
export async function startFlagService(env: Record<string, string>): Promise<FlagService> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'helpers', 'flag-service-app.ts')], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (d) => (output = (output + d).slice(-20_000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the flag service did not start in 60 s:\n${output}`)), 60_000);
    let buffer = '';
    child.stdout.on('data', (d) => {
      buffer += d;
      output = (output + d).slice(-20_000);
      const line = buffer.split('\n').find((l) => l.includes('"listening"'));
      if (line) clearTimeout(timer), resolve(JSON.parse(line).url);
    });
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`the flag service exited ${code}:\n${output}`))));
  });
  return {
    url,
    async usersOn(flag, users) {
      const r = await fetch(`${url}/evaluate?flag=${encodeURIComponent(flag)}&users=${users}`);
      if (!r.ok) throw new Error(`flag service: HTTP ${r.status}`);
      return new Set(((await r.json()) as { on: number[] }).on);
    },
    stop: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM')))),
  };
}

export interface GitSync {
  /** Commits of the branch the sidecar has put in place so far, oldest first. */
  seen: string[];
  stop(): Promise<void>;
}

/**
 * What a git-sync sidecar does for flagd: every `periodMs`, fetch `branch` from `origin` and,
 * when it moved, put `path` of its tip in place at `dest` atomically (a reader never sees half
 * a file). Fetches into a clone of its own, as the sidecar does in its pod.
 */
export async function startGitSync(origin: string, branch: string, path: string, dest: string, clone: string, periodMs = 250): Promise<GitSync> {
  await run('git', ['init', '-q', '--bare', clone]);
  const seen: string[] = [];
  let stopped = false;
  const once = async () => {
    await run('git', ['--git-dir', clone, 'fetch', '-q', '--no-tags', origin, `+refs/heads/${branch}:refs/heads/${branch}`]);
    const tip = (await run('git', ['--git-dir', clone, 'rev-parse', `refs/heads/${branch}`])).stdout.trim();
    if (tip === seen.at(-1)) return;
    const { stdout } = await run('git', ['--git-dir', clone, 'show', `${tip}:${path}`], { maxBuffer: 64 * 1024 * 1024 });
    await writeAtomic(dest, stdout);
    seen.push(tip);
  };
  await once();
  const loop = (async () => {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, periodMs));
      if (!stopped) await once().catch(() => {});
    }
  })();
  return {
    seen,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
