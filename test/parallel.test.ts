import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARALLEL_THRESHOLD } from '../scripts/rules/check-pool.ts';
import { generateRepository } from './bench/generate.ts';
import { rollgate, tempRepo } from './helpers/cli.ts';

describe('checking files on several threads', () => {
  const dir = tempRepo();
  const generated = generateRepository(dir, 320, 640);
  // Broken files spread through the list, so main thread and worker both meet some.
  writeFileSync(join(dir, 'rollout', 'bench-rollout-7.yaml'), 'apiVersion: rollgate/v1\nkind: Rollout\nmetadata: {name: bench-rollout-7}\nspec:\n  flag: [x\n');
  appendFileSync(join(dir, 'rollout', 'bench-rollout-250.yaml'), '  colour: red\n');
  writeFileSync(join(dir, 'alerts', 'bench-alerts-300.yaml'), 'kind: AlertRules\n\tbad: tab\n');

  it('has enough files to use the worker', () => {
    expect(generated.rollouts * 2).toBeGreaterThan(PARALLEL_THRESHOLD);
  });

  it('gives the same diagnostics, in the same order, on one thread and on two', () => {
    const one = rollgate(['validate', '--dir', dir, '--format', 'json'], { env: { ROLLGATE_THREADS: '1' } });
    const two = rollgate(['validate', '--dir', dir, '--format', 'json'], { env: { ROLLGATE_THREADS: '2' } });
    expect(one.code).toBe(1);
    expect(two.code).toBe(1);
    expect(two.stderr).toBe('');
    expect(JSON.parse(two.stdout)).toEqual(JSON.parse(one.stdout));
    const found = JSON.parse(two.stdout).diagnostics.map((d: { file: string; code: string; line: number }) => `${d.file}:${d.line} ${d.code}`);
    expect(found).toEqual(expect.arrayContaining(['rollout/bench-rollout-7.yaml:5 yaml/syntax', 'rollout/bench-rollout-250.yaml:53 schema/unknown-field', 'alerts/bench-alerts-300.yaml:2 yaml/tab']));
    expect(JSON.parse(two.stdout).files).toBe(generated.rollouts * 2 + 3); // rollouts, one alert file each, three shared files
  });

  it('refuses a thread count that is not a number', () => {
    const r = rollgate(['validate', '--dir', dir], { env: { ROLLGATE_THREADS: 'many' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ROLLGATE_THREADS');
  });
});
