// Benchmark: `rollgate validate` on 5,000 rollouts and 20,000 alert rules, cold process,
// beside ajv-cli (the rollout files against schemas/rollout.schema.json) and
// `promtool check rules` (the same 20,000 expressions as Prometheus rules): the anchors.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRepository } from './generate.ts';
import { fmtCpu, fmtMb, fmtMs, measure, median, repeat } from './measure.ts';
import { topFunctions } from './profile.ts';
import { cliEntry } from './start.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export function benchValidate(options: { rollouts?: number; rules?: number; runs?: number } = {}): void {
  const rollouts = options.rollouts ?? 5000;
  const rules = options.rules ?? 20000;
  const runs = options.runs ?? 5;
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-bench-'));
  try {
    const gen = generateRepository(dir, rollouts, rules);
    console.log(`\n## validate: ${gen.rollouts} rollouts, ${gen.rules} alert rules with raw PromQL (plus 2 catalog-metric rules per alert file, watching the gate metrics), cold processes, median of ${runs}`);

    const validate = [cliEntry(), 'validate', '--dir', dir, '--format', 'json'];
    const rollgate = repeat(runs, process.execPath, [...validate, '--no-cache']);
    if (rollgate.codes.some((c) => c !== 0)) throw new Error(`rollgate validate exited ${rollgate.codes.join(',')} on the generated repository`);

    // Warm: the cache filled by one run, then each run after a one-file change (and one after none).
    const cacheDir = mkdtempSync(join(tmpdir(), 'rollgate-bench-cache-'));
    const cached = { env: { ...process.env, ROLLGATE_CACHE_DIR: cacheDir } };
    const fill = measure(process.execPath, validate, cached);
    const edited = join(dir, 'rollout', 'bench-rollout-7.yaml');
    const warmSamples = Array.from({ length: runs }, (_, i) => {
      appendFileSync(edited, `# edit ${i}\n`);
      return measure(process.execPath, validate, cached);
    });
    const noop = measure(process.execPath, validate, cached);
    rmSync(cacheDir, { recursive: true, force: true });
    if ([fill, noop, ...warmSamples].some((s) => s.code !== 0)) throw new Error('rollgate validate with the cache failed');
    const warm = { wallMs: median(warmSamples.map((s) => s.wallMs)), cpuMs: median(warmSamples.map((s) => s.cpuMs ?? 0)), peakKb: Math.max(...warmSamples.map((s) => s.peakKb ?? 0)) };

    const ajvCli = join(ROOT, 'node_modules', 'ajv-cli', 'dist', 'index.js');
    const ajv = repeat(Math.max(3, runs - 2), process.execPath, [ajvCli, 'validate', '--spec=draft2020', '--strict=false', '-s', join(ROOT, 'schemas', 'rollout.schema.json'), '-d', 'rollout/bench-rollout-*.yaml'], { cwd: dir });
    if (ajv.codes.some((c) => c !== 0)) throw new Error(`ajv-cli exited ${ajv.codes.join(',')}`);

    const hasPromtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
    const promtool = hasPromtool ? repeat(Math.max(3, runs - 2), 'promtool', ['check', 'rules', gen.promRules]) : undefined;
    if (promtool && promtool.codes.some((c) => c !== 0)) throw new Error(`promtool exited ${promtool.codes.join(',')}`);

    const anchor = ajv.wallMs + (promtool?.wallMs ?? 0);
    const anchorCpu = (ajv.cpuMs ?? 0) + (promtool?.cpuMs ?? 0);
    const rows: [string, string, string, string, string][] = [
      ['ajv-cli, rollout files only (anchor)', fmtMs(ajv.wallMs), fmtCpu(ajv.cpuMs), fmtMb(ajv.peakKb), ''],
      ['promtool check rules (anchor)', promtool ? fmtMs(promtool.wallMs) : 'not installed', fmtCpu(promtool?.cpuMs), fmtMb(promtool?.peakKb), ''],
      ['anchors together', fmtMs(anchor), fmtCpu(anchorCpu), '', '1.00×'],
      ['rollgate validate --no-cache (YAML, schema, every rule, PromQL)', fmtMs(rollgate.wallMs), fmtCpu(rollgate.cpuMs), fmtMb(rollgate.peakKb), `${(anchor / rollgate.wallMs).toFixed(2)}× faster (CPU: ${rollgate.cpuMs ? (anchorCpu / rollgate.cpuMs).toFixed(2) : 'n/a'}×)`],
      ['rollgate validate, filling the cache (one run)', fmtMs(fill.wallMs), fmtCpu(fill.cpuMs), fmtMb(fill.peakKb), `${(anchor / fill.wallMs).toFixed(2)}× faster`],
      ['rollgate validate, warm, after a one-file change', fmtMs(warm.wallMs), fmtCpu(warm.cpuMs), fmtMb(warm.peakKb), `${(anchor / warm.wallMs).toFixed(2)}× faster; ${(rollgate.wallMs / warm.wallMs).toFixed(2)}× the cold run`],
      ['rollgate validate, warm, nothing changed (one run)', fmtMs(noop.wallMs), fmtCpu(noop.cpuMs), fmtMb(noop.peakKb), `${(anchor / noop.wallMs).toFixed(2)}× faster`],
    ];
    console.log('| run | median wall | median CPU | peak memory | ratio (wall) |\n|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    console.log(`target: rollgate ≤ 1.50 s and ≤ 250 MB, ≥ 2× faster than the anchors together; reached: ${fmtMs(rollgate.wallMs)}, ${fmtMb(rollgate.peakKb)}, ${(anchor / rollgate.wallMs).toFixed(2)}×`);
    console.log(`target: warm validate after a one-file change ≤ 0.30 s; reached ${fmtMs(warm.wallMs)} (${fmtCpu(warm.cpuMs)} CPU)`);
    if (!promtool) console.log('promtool is not installed (Debian package prometheus): the anchor is ajv-cli alone.');

    // One more run under --cpu-prof (every thread writes a profile): where the time goes.
    const profiles = mkdtempSync(join(tmpdir(), 'rollgate-prof-'));
    try {
      const profiled = measure(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profiles}`, ...validate, '--no-cache']);
      const { top, totalMs } = topFunctions(profiles, 5);
      console.log(`\nprofile of a cold run (node --cpu-prof, all threads, ${fmtMs(totalMs)} sampled over ${fmtMs(profiled.wallMs)}): the top five functions by self time`);
      console.log('| function | where | self | share |\n|---|---|---|---|');
      for (const f of top) console.log(`| ${f.name} | ${f.where} | ${fmtMs(f.selfMs)} | ${(f.share * 100).toFixed(1)} % |`);
    } finally {
      rmSync(profiles, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
