// Benchmark: `rollgate validate` on 5,000 rollouts and 20,000 alert rules, cold process,
// beside ajv-cli (the rollout files against schemas/rollout.schema.json) and
// `promtool check rules` (the same 20,000 expressions as Prometheus rules): the anchors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRepository } from './generate.ts';
import { fmtMb, fmtMs, repeat } from './measure.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export function benchValidate(options: { rollouts?: number; rules?: number; runs?: number } = {}): void {
  const rollouts = options.rollouts ?? 5000;
  const rules = options.rules ?? 20000;
  const runs = options.runs ?? 5;
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-bench-'));
  try {
    const gen = generateRepository(dir, rollouts, rules);
    console.log(`\n## validate: ${gen.rollouts} rollouts, ${gen.rules} alert rules with raw PromQL (plus 2 catalog-metric rules per alert file, watching the gate metrics), cold processes, median of ${runs}`);

    const rollgate = repeat(runs, process.execPath, [join(ROOT, 'scripts', 'bin', 'rollgate.js'), 'validate', '--dir', dir, '--format', 'json']);
    if (rollgate.codes.some((c) => c !== 0)) throw new Error(`rollgate validate exited ${rollgate.codes.join(',')} on the generated repository`);

    const ajvCli = join(ROOT, 'node_modules', 'ajv-cli', 'dist', 'index.js');
    const ajv = repeat(Math.max(3, runs - 2), process.execPath, [ajvCli, 'validate', '--spec=draft2020', '--strict=false', '-s', join(ROOT, 'schemas', 'rollout.schema.json'), '-d', 'rollout/bench-rollout-*.yaml'], { cwd: dir });
    if (ajv.codes.some((c) => c !== 0)) throw new Error(`ajv-cli exited ${ajv.codes.join(',')}`);

    const hasPromtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
    const promtool = hasPromtool ? repeat(Math.max(3, runs - 2), 'promtool', ['check', 'rules', gen.promRules]) : undefined;
    if (promtool && promtool.codes.some((c) => c !== 0)) throw new Error(`promtool exited ${promtool.codes.join(',')}`);

    const anchor = ajv.wallMs + (promtool?.wallMs ?? 0);
    const rows: [string, string, string, string][] = [
      ['ajv-cli, rollout files only (anchor)', fmtMs(ajv.wallMs), fmtMb(ajv.peakKb), ''],
      ['promtool check rules (anchor)', promtool ? fmtMs(promtool.wallMs) : 'not installed', fmtMb(promtool?.peakKb), ''],
      ['anchors together', fmtMs(anchor), '', '1.00×'],
      ['rollgate validate (YAML, schema, every rule, PromQL)', fmtMs(rollgate.wallMs), fmtMb(rollgate.peakKb), `${(anchor / rollgate.wallMs).toFixed(2)}× faster`],
    ];
    console.log('| run | median wall | peak memory | ratio |\n|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    console.log(`target: rollgate ≤ 1.50 s and ≤ 300 MB, ≥ 5× faster than the anchors together; reached: ${fmtMs(rollgate.wallMs)}, ${fmtMb(rollgate.peakKb)}, ${(anchor / rollgate.wallMs).toFixed(2)}×`);
    if (!promtool) console.log('promtool is not installed (Debian package prometheus): the anchor is ajv-cli alone.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
