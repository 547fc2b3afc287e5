// The servers the integration tests start, found in one place. The vitest global setup
// (test/global-setup.ts) provisions what is missing before any test runs, so a test never
// skips for a missing server: it runs, or the run stops at once saying what to install.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';
export const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
export const AMTOOL = '/usr/bin/amtool';
/**
 * The browser the HTML report's test drives headless (playwright-core): $ROLLGATE_CHROMIUM, else
 * Debian's Chromium, else a Chrome already on the machine (GitHub's Ubuntu runners ship
 * google-chrome; their `chromium-browser` is a snap stub, never used). Debian's path when none is.
 */
export const CHROMIUM =
  process.env.ROLLGATE_CHROMIUM || ['/usr/bin/chromium', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'].find((p) => existsSync(p)) || '/usr/bin/chromium';
/** Installed apart from rollgate's own dependencies, from test/servers' lock file. */
export const SERVERS_DIR = join(ROOT, 'build', 'servers');
export const UNLEASH_SERVER = join(SERVERS_DIR, 'node_modules', 'unleash-server', 'dist', 'server.js');
const PINNED = join(ROOT, 'test', 'servers');

/** Debian packages, then what npm installs under build/servers. */
export type Need = 'postgresql' | 'prometheus' | 'prometheus-alertmanager' | 'chromium' | 'unleash-server';
const DEBIAN: readonly Need[] = ['postgresql', 'prometheus', 'prometheus-alertmanager', 'chromium'];

/** The newest PostgreSQL server binaries Debian installed, if any. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

/** unleash-server is there and installed from the lock file test/servers pins now (a new pin reinstalls). */
function unleashInstalled(): boolean {
  if (!existsSync(UNLEASH_SERVER)) return false;
  const lock = (dir: string) => readFileSync(join(dir, 'package-lock.json'), 'utf8');
  return existsSync(join(SERVERS_DIR, 'package-lock.json')) && lock(SERVERS_DIR) === lock(PINNED);
}

/** What this machine lacks, probed on the file system. */
export function missingServers(): Need[] {
  const has: Record<Need, () => boolean> = {
    postgresql: () => postgresBin() !== undefined,
    prometheus: () => existsSync(PROMETHEUS) && existsSync(PROMTOOL),
    'prometheus-alertmanager': () => existsSync(ALERTMANAGER) && existsSync(AMTOOL),
    chromium: () => existsSync(CHROMIUM),
    'unleash-server': unleashInstalled,
  };
  return (Object.keys(has) as Need[]).filter((n) => !has[n]());
}

/** What may be done about it here. */
export interface Machine {
  missing: Need[];
  root: boolean;
  /** /etc/os-release says Debian or a derivative (ID_LIKE=debian), and apt-get is there. */
  debian: boolean;
}

/** Either what to install, or why it cannot be done from here and the command that does it. */
export type Provision = { ok: true; apt: Need[]; unleash: boolean; commands: string[] } | { ok: false; message: string };

export const UNLEASH_COMMANDS = [
  'mkdir -p build/servers',
  'cp test/servers/package.json test/servers/package-lock.json build/servers/',
  'npm ci --prefix build/servers --no-audit --no-fund',
];
const aptCommands = (apt: Need[], sudo: string) => [`${sudo}apt-get update`, `${sudo}apt-get install -y ${apt.join(' ')}`];

/** The provisioning decision, pure: apt as root on Debian, npm for unleash-server anywhere, else the command to run. */
export function provisionPlan(machine: Machine): Provision {
  const apt = DEBIAN.filter((n) => machine.missing.includes(n));
  const unleash = machine.missing.includes('unleash-server');
  const unleashCommands = unleash ? UNLEASH_COMMANDS : [];
  if (apt.length === 0 || (machine.root && machine.debian)) {
    return { ok: true, apt, unleash, commands: [...(apt.length ? aptCommands(apt, '') : []), ...unleashCommands] };
  }
  const then = unleash ? ' (npm test installs unleash-server under build/servers itself)' : '';
  const message = machine.debian
    ? `the tests need ${apt.join(', ')}; installing Debian packages needs root. Run:\n\n  ${aptCommands(apt, 'sudo ').join(' && ')}\n\nthen npm test again${then}.`
    : `the tests need ${apt.join(', ')} (${apt.map(binariesOf).join('; ')}), and this is not Debian, so npm test cannot install them. On Debian or Ubuntu:\n\n  ${aptCommands(apt, 'sudo ').join(' && ')}\n\nthen npm test again${then}.`;
  return { ok: false, message };
}

function binariesOf(need: Need): string {
  if (need === 'postgresql') return 'initdb and pg_ctl under /usr/lib/postgresql/VERSION/bin';
  if (need === 'prometheus') return `${PROMETHEUS} and ${PROMTOOL}`;
  if (need === 'prometheus-alertmanager') return `${ALERTMANAGER} and ${AMTOOL}`;
  if (need === 'chromium') return CHROMIUM;
  return UNLEASH_SERVER;
}

/** Thrown by a helper asked to start a server that is not there (the global setup should have installed it). */
export function missingError(need: Need): Error {
  return new Error(`${need} is missing (${binariesOf(need)}): npm test installs it (test/global-setup.ts); run the tests through the vitest config`);
}

export function thisMachine(missing = missingServers()): Machine {
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const ids = [...osRelease.matchAll(/^(?:ID|ID_LIKE)=["']?([^"'\n]*)/gm)].flatMap((m) => m[1].split(/\s+/));
  const aptGet = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  return { missing, root: process.getuid?.() === 0, debian: ids.includes('debian') && aptGet };
}

/** Installs what is missing, or throws the command to run. Idempotent; a second run finds nothing to do. */
export function ensureServers(log: (line: string) => void = (l) => process.stderr.write(l + '\n')): void {
  const missing = missingServers();
  if (missing.length === 0) return;
  const plan = provisionPlan(thisMachine(missing));
  if (!plan.ok) throw new Error(`rollgate tests: ${plan.message}`);
  const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    log(`rollgate tests: ${argv.join(' ')}`);
    const r = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
    if (r.status !== 0) throw new Error(`rollgate tests: ${argv.join(' ')} failed (${r.status ?? r.signal}); run it by hand to see why`);
  };
  if (plan.apt.length) {
    log(`rollgate tests: installing the Debian packages ${plan.apt.join(', ')}`);
    run(['apt-get', 'update', '-qq']);
    run(['apt-get', 'install', '-y', '-qq', ...plan.apt], { DEBIAN_FRONTEND: 'noninteractive' });
  }
  if (plan.unleash) withLock(join(ROOT, 'build', 'servers.lock'), () => {
    if (unleashInstalled()) return; // another run installed it while this one waited
    log('rollgate tests: installing unleash-server (pinned in test/servers) under build/servers, once');
    mkdirSync(SERVERS_DIR, { recursive: true });
    for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(PINNED, f), join(SERVERS_DIR, f));
    run(['npm', 'ci', '--prefix', SERVERS_DIR, '--no-audit', '--no-fund', '--loglevel=error']);
  });
  const still = missingServers();
  if (still.length) throw new Error(`rollgate tests: still missing after installing: ${still.map((n) => `${n} (${binariesOf(n)})`).join(', ')}`);
}

/** Two test runs at once (two shells in one checkout) must not both run npm ci in build/servers. */
function withLock(lock: string, body: () => void): void {
  mkdirSync(join(lock, '..'), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const pid = lockHolder(lock);
      if (pid && !alive(pid)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`rollgate tests: ${lock} is held by another run (pid ${pid}); remove it if that run is gone`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }
  }
  try {
    writeFileSync(join(lock, 'pid'), String(process.pid));
    body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function lockHolder(lock: string): number {
  try {
    return Number(readFileSync(join(lock, 'pid'), 'utf8')) || 0;
  } catch {
    return 0; // just taken (no pid yet) or just released
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
