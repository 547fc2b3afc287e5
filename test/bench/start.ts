// Benchmark: start-up. `rollgate --help` and `rollgate validate` of this repository's own
// config through the bin, which runs the build (build/cli) when it is fresh. Anchor: a bare
// `node -e 0` in the same run, i.e. what Node's own start-up costs.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BUILD_DIR, freshBuild } from '../../scripts/bin/built.js';
import { fmtCpu, fmtMb, fmtMs, repeat } from './measure.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'scripts', 'bin', 'rollgate.js');

let built = false;

/** Builds build/cli from the sources as they are now; says when it cannot. */
export function buildCli(): boolean {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bin', 'build.js')], { encoding: 'utf8' });
  if (r.status !== 0) console.log(`npm run build failed, so the runs below are from the sources: ${r.stderr.trim()}`);
  built = r.status === 0;
  return built;
}

/**
 * What the benchmarks run: the build made at their start, called directly, so that sources
 * edited meanwhile (the bin would then run them through tsx) do not change what is measured.
 * The bin's own check costs a stat per source file: the start-up benchmark runs the bin.
 */
export function cliEntry(): string {
  return built ? join(BUILD_DIR, 'rollgate.js') : BIN;
}

export function benchStart(runs = 10): void {
  const node = repeat(runs, process.execPath, ['-e', '0']);
  const help = repeat(runs, process.execPath, [BIN, '--help']);
  const fresh = freshBuild() !== undefined; // sources edited during the runs send the bin to the sources
  const direct = repeat(runs, process.execPath, [cliEntry(), '--help']);
  const sources = repeat(Math.max(3, runs / 2), process.execPath, [BIN, '--help'], { env: { ...process.env, ROLLGATE_FROM_SOURCES: '1' } });
  const own = repeat(runs, process.execPath, [cliEntry(), 'validate', '--dir', ROOT, '--format', 'json', '--no-cache']);
  if (own.codes.some((c) => c > 1)) throw new Error(`rollgate validate of this repository exited ${own.codes.join(',')}`);

  console.log(`\n## start-up: cold processes, median of ${runs}; anchor = bare \`node -e 0\` in the same run`);
  console.log('| run | median wall | median CPU | peak memory | ratio to anchor (wall) |\n|---|---|---|---|---|');
  const row = (name: string, r: { wallMs: number; cpuMs?: number; peakKb?: number }) =>
    console.log(`| ${name} | ${fmtMs(r.wallMs)} | ${fmtCpu(r.cpuMs)} | ${fmtMb(r.peakKb)} | ${(r.wallMs / node.wallMs).toFixed(2)}× |`);
  row('node -e 0 (anchor)', node);
  row(`rollgate --help through the bin (${fresh ? 'it ran build/cli' : 'it ran the sources: they changed during the runs'})`, help);
  row('build/cli/rollgate.js --help (the build without the bin\'s freshness check)', direct);
  row('rollgate --help from the sources through tsx (ROLLGATE_FROM_SOURCES=1)', sources);
  row("rollgate validate --no-cache of this repository's own config", own);
  console.log(`targets: --help ≤ 0.10 s, reached ${fmtMs(help.wallMs)} (${(help.wallMs / node.wallMs).toFixed(2)}× bare Node, ${(sources.wallMs / help.wallMs).toFixed(2)}× faster than through tsx); own config ≤ 0.30 s, reached ${fmtMs(own.wallMs)}`);
}
