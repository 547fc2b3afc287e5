// Benchmark: sync of 1,000 flags against a real Unleash (through a counting proxy) and the
// flagd file. Anchor: the first sync, which creates every flag through Unleash's batch import
// (a personal access token), in the same run; beside it the same first sync one flag at a time
// (an admin API token, which Unleash refuses the import), on flag keys of its own.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { rollgateAsync, tempRepo } from '../helpers/cli.ts';
import { FaultyProxy } from '../helpers/faulty-proxy.ts';
import { repoFrom } from '../helpers/git.ts';
import { startPostgres } from '../helpers/postgres.ts';
import { startUnleash } from '../helpers/unleash.ts';
import { personalAccessToken } from '../helpers/unleash-pat.ts';
import { generateRepository } from './generate.ts';
import { fmtMs } from './measure.ts';
import { cpuMs, findProcesses } from './proc-cpu.ts';

export async function benchSync(flags = 1000): Promise<void> {
  const pg = await startPostgres();
  const unleash = await startUnleash(pg);
  const proxy = new FaultyProxy(unleash.url);
  await proxy.start();
  try {
    const pat = await personalAccessToken(unleash.url);
    const seeded = (flagPrefix: string, stateFeature: string) => {
      const seed = tempRepo();
      generateRepository(seed, flags, 0, { shadow: false });
      const envFile = join(seed, 'rollout', 'environments.yaml');
      // Production on Unleash (through the proxy), staging on a flagd file: set as data, whatever else the seed's stores say.
      const environments = parseDocument(readFileSync(envFile, 'utf8'));
      environments.setIn(['spec', 'environments', 'production', 'store'], { type: 'unleash', url: proxy.url, project: 'default', environment: 'production', tokenEnv: 'UNLEASH_ADMIN_TOKEN', stateFeature });
      environments.setIn(['spec', 'environments', 'staging', 'store'], { type: 'flagd', path: 'build/flags/staging.flagd.json' });
      writeFileSync(envFile, environments.toString());
      for (const f of readdirSync(join(seed, 'rollout')).filter((n) => n.startsWith('bench-rollout-'))) {
        const file = join(seed, 'rollout', f);
        writeFileSync(file, readFileSync(file, 'utf8').replace('flag: bench-rollout-', `flag: ${flagPrefix}`));
      }
      return repoFrom(seed);
    };
    const repo = seeded('bench-rollout-', 'rollgate.applied-sha.production');
    const oneByOne = seeded('bench-one-', 'rollgate.bench.one-by-one');
    const flagdFile = join(repo.dir, 'build', 'flags', 'staging.flagd.json');
    // The server and its database sessions, to say how much of a sync is theirs.
    const port = new URL(unleash.url).port;
    const server = findProcesses((cmd, environ) => cmd.includes('unleash-server') && environ.split('\0').includes(`HTTP_PORT=${port}`));
    const database = (cmd: string) => cmd.startsWith('postgres: ') && cmd.includes(` unleash_${process.pid}_`); // this process's Unleash database (test/helpers/unleash.ts)
    const sync = async (env: string, token = pat, dir = repo.dir) => {
      proxy.reset();
      const backends = findProcesses(database);
      const serverBefore = cpuMs(server);
      const databaseBefore = cpuMs(backends);
      const start = performance.now();
      const r = await rollgateAsync(['sync', '--dir', dir, '--env', env, '--format', 'json'], { env: { UNLEASH_ADMIN_TOKEN: token } });
      const wallMs = performance.now() - start;
      const serverMs = cpuMs(server) - serverBefore;
      const databaseMs = cpuMs(findProcesses(database)) - databaseBefore; // sessions opened meanwhile count from 0
      if (r.code !== 0) throw new Error(`sync ${env} exited ${r.code}: ${r.stderr}${r.stdout.slice(0, 2000)}`);
      const out = JSON.parse(r.stdout).environments[0];
      const imports = proxy.log.filter((e) => e.url === '/api/admin/features-batch/import').length;
      return { wallMs, serverMs, databaseMs, imports, maxInFlight: proxy.maxInFlight, requests: proxy.requests, writes: proxy.writes, changed: out.changes.length as number, reportedWrites: out.writes as number };
    };

    const anchorUnleash = await sync('production');
    const anchorFlagd = await sync('staging');
    const perFlagUnleash = await sync('production', unleash.token, oneByOne.dir);
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
    console.log('| run | wall | ratio to anchor | Unleash CPU | PostgreSQL CPU | requests | writes | flags changed |\n|---|---|---|---|---|---|---|---|');
    const row = (name: string, r: { wallMs: number; requests: number; writes: number; changed: number; serverMs?: number; databaseMs?: number }, anchor: number) =>
      console.log(`| ${name} | ${fmtMs(r.wallMs)} | ${(r.wallMs / anchor).toFixed(2)}× | ${r.serverMs === undefined ? '–' : fmtMs(r.serverMs)} | ${r.databaseMs === undefined ? '–' : fmtMs(r.databaseMs)} | ${r.requests} | ${r.writes} | ${r.changed} |`);
    row('Unleash: first sync, batch import (anchor)', anchorUnleash, anchorUnleash.wallMs);
    row('Unleash: first sync, one flag at a time (admin API token)', perFlagUnleash, anchorUnleash.wallMs);
    row('Unleash: no-op sync', noopUnleash, anchorUnleash.wallMs);
    row('Unleash: one-flag revert', revert, anchorUnleash.wallMs);
    const noServer = { serverMs: undefined, databaseMs: undefined, requests: 0 };
    row('flagd file: first sync (anchor)', { ...anchorFlagd, ...noServer, writes: anchorFlagd.reportedWrites }, anchorFlagd.wallMs);
    row('flagd file: no-op sync', { ...noopFlagd, ...noServer, writes: noopFlagd.reportedWrites }, anchorFlagd.wallMs);
    const a = anchorUnleash;
    const p = perFlagUnleash;
    console.log(`target: the first Unleash sync of ${flags} flags ≤ 5.00 s, reached ${fmtMs(a.wallMs)}: ${a.requests} requests, ${a.imports} of them imports of up to 100 new flags (one Unleash transaction each, one after another). Meanwhile Unleash used ${fmtMs(a.serverMs)} of CPU (${(a.serverMs / flags).toFixed(1)} ms a flag) and its PostgreSQL sessions ${fmtMs(a.databaseMs)}; on ${availableParallelism()} cores no order of the same requests finishes before ${fmtMs((a.serverMs + a.databaseMs) / availableParallelism())}. The same first sync one flag at a time: ${fmtMs(p.wallMs)} (${(p.wallMs / a.wallMs).toFixed(2)}× the import), ${p.requests} requests, at most ${p.maxInFlight} in flight, Unleash ${fmtMs(p.serverMs)} and PostgreSQL ${fmtMs(p.databaseMs)} of CPU. The flagd file's first sync (the same CLI, no network) took ${fmtMs(anchorFlagd.wallMs)}.`);
    console.log(`targets: no-op writes = 0 (Unleash ${noopUnleash.writes}, flagd ${noopFlagd.reportedWrites}, file untouched: ${untouched}); revert writes only its flag (${revert.changed} flag changed, ${revert.writes} writes: the flag's strategy and state, then the recorded SHA)`);
  } finally {
    await proxy.stop();
    await unleash.stop();
    pg.stop();
  }
}
