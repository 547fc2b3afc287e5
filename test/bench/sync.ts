// Benchmark: sync of 1,000 flags against a real Unleash (through a counting proxy) and the
// flagd file. Anchor: the first sync, which creates every flag, in the same run.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { rollgateAsync, tempRepo } from '../helpers/cli.ts';
import { FaultyProxy } from '../helpers/faulty-proxy.ts';
import { repoFrom } from '../helpers/git.ts';
import { startPostgres } from '../helpers/postgres.ts';
import { startUnleash } from '../helpers/unleash.ts';
import { generateRepository } from './generate.ts';
import { fmtMs } from './measure.ts';
import { cpuMs, findProcesses } from './proc-cpu.ts';

export async function benchSync(flags = 1000): Promise<void> {
  const pg = await startPostgres();
  const unleash = await startUnleash(pg);
  const proxy = new FaultyProxy(unleash.url);
  await proxy.start();
  try {
    const seed = tempRepo();
    generateRepository(seed, flags, 0, { shadow: false });
    const envFile = join(seed, 'rollout', 'environments.yaml');
    // Production on Unleash (through the proxy), staging on a flagd file: set as data, whatever else the seed's stores say.
    const environments = parseDocument(readFileSync(envFile, 'utf8'));
    environments.setIn(['spec', 'environments', 'production', 'store'], { type: 'unleash', url: proxy.url, project: 'default', environment: 'production', tokenEnv: 'UNLEASH_ADMIN_TOKEN' });
    environments.setIn(['spec', 'environments', 'staging', 'store'], { type: 'flagd', path: 'build/flags/staging.flagd.json' });
    writeFileSync(envFile, environments.toString());
    const repo = repoFrom(seed);
    const flagdFile = join(repo.dir, 'build', 'flags', 'staging.flagd.json');
    // The server and its database sessions, to say how much of a sync is theirs.
    const port = new URL(unleash.url).port;
    const server = findProcesses((cmd, environ) => cmd.includes('unleash-server') && environ.split('\0').includes(`HTTP_PORT=${port}`));
    const database = (cmd: string) => cmd.startsWith('postgres: ') && cmd.includes(` unleash_${process.pid}_`); // this process's Unleash database (test/helpers/unleash.ts)
    const sync = async (env: string) => {
      proxy.reset();
      const backends = findProcesses(database);
      const serverBefore = cpuMs(server);
      const databaseBefore = cpuMs(backends);
      const start = performance.now();
      const r = await rollgateAsync(['sync', '--dir', repo.dir, '--env', env, '--format', 'json'], { env: { UNLEASH_ADMIN_TOKEN: unleash.token } });
      const wallMs = performance.now() - start;
      const serverMs = cpuMs(server) - serverBefore;
      const databaseMs = cpuMs(findProcesses(database)) - databaseBefore; // sessions opened meanwhile count from 0
      if (r.code !== 0) throw new Error(`sync ${env} exited ${r.code}: ${r.stderr}${r.stdout.slice(0, 2000)}`);
      const out = JSON.parse(r.stdout).environments[0];
      return { wallMs, serverMs, databaseMs, maxInFlight: proxy.maxInFlight, requests: proxy.requests, writes: proxy.writes, changed: out.changes.length as number, reportedWrites: out.writes as number };
    };

    const anchorUnleash = await sync('production');
    const anchorFlagd = await sync('staging');
    const noopUnleash = await sync('production');
    const mtime = statSync(flagdFile).mtimeMs;
    const noopFlagd = await sync('staging');
    const untouched = statSync(flagdFile).mtimeMs === mtime;

    const advance = repo.commit('rollout/bench-rollout-7.yaml', (t) => t.replace('production: { stage: shadow }', 'production: { stage: canary }'), 'Advance bench-rollout-7');
    await sync('production');
    repo.git('revert', '--no-edit', advance);
    repo.git('push', '-q', 'origin', 'main');
    const revert = await sync('production');

    console.log(`\n## sync: ${flags} flags, cold processes; anchor = the first sync, which creates every flag`);
    console.log('| run | wall | ratio to anchor | requests | writes | flags changed |\n|---|---|---|---|---|---|');
    const row = (name: string, r: { wallMs: number; requests: number; writes: number; changed: number }, anchor: number) =>
      console.log(`| ${name} | ${fmtMs(r.wallMs)} | ${(r.wallMs / anchor).toFixed(2)}× | ${r.requests} | ${r.writes} | ${r.changed} |`);
    row('Unleash: first sync (anchor)', anchorUnleash, anchorUnleash.wallMs);
    row('Unleash: no-op sync', noopUnleash, anchorUnleash.wallMs);
    row('Unleash: one-flag revert', revert, anchorUnleash.wallMs);
    row('flagd file: first sync (anchor)', { ...anchorFlagd, requests: 0, writes: anchorFlagd.reportedWrites }, anchorFlagd.wallMs);
    row('flagd file: no-op sync', { ...noopFlagd, requests: 0, writes: noopFlagd.reportedWrites }, anchorFlagd.wallMs);
    const a = anchorUnleash;
    console.log(`target: the first Unleash sync of ${flags} flags ≤ 5.00 s, reached ${fmtMs(a.wallMs)}: ${a.requests} requests, at most ${a.maxInFlight} in flight (each flag's writes in order). Meanwhile Unleash used ${fmtMs(a.serverMs)} of CPU (${(a.serverMs / a.requests).toFixed(1)} ms a request) and its PostgreSQL sessions ${fmtMs(a.databaseMs)}; on ${availableParallelism()} cores no order of the same requests finishes before ${fmtMs((a.serverMs + a.databaseMs) / availableParallelism())}. The flagd file's first sync (the same CLI, no network) took ${fmtMs(anchorFlagd.wallMs)}.`);
    console.log(`targets: no-op writes = 0 (Unleash ${noopUnleash.writes}, flagd ${noopFlagd.reportedWrites}, file untouched: ${untouched}); revert writes only its flag (${revert.changed} flag changed, ${revert.writes} writes: the flag's strategy and state, then the recorded SHA)`);
  } finally {
    await proxy.stop();
    await unleash.stop();
    pg.stop();
  }
}
