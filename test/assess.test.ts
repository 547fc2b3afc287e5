import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollgate } from './helpers/cli.ts';
import { setStage } from './helpers/git.ts';
import { seedRepo } from './helpers/seed-repo.ts';

const metrics = (values: Record<string, unknown>) => {
  const file = join(mkdtempSync(join(tmpdir(), 'rollgate-metrics-')), 'metrics.json');
  writeFileSync(file, JSON.stringify(values));
  return file;
};

describe('rollgate assess: the QB TD decision matrices (seed 001), one block of rows per phase', () => {
  const repo = seedRepo();
  const FILE = 'rollout/qb-td-calculator-v2.yaml';
  repo.commit(FILE, (t) => setStage('production', 'full')(setStage('staging', 'full')(t)), 'Both at full');
  const assessIn = (dir: string, env: string, values: Record<string, unknown>) => {
    const r = rollgate(['assess', 'qb-td-calculator-v2', '--env', env, '--dir', dir, '--metrics', metrics(values), '--format', 'json']);
    return { ...r, out: r.stdout ? JSON.parse(r.stdout) : undefined };
  };
  const run = (values: Record<string, unknown>) => assessIn(repo.dir, 'production', values);
  // At full the conversion baseline is v1 before the rollout (from: history); a metrics file's control value stands for it.
  const healthy = { error_rate: 0.5, v2_p95_query_time_ms: 300, conversion_rate: { treatment: 5.1, control: 5.0 } };

  it.each([
    ['error rate 12 % → CRITICAL: emergency rollback to off (0 %, v2 neither served nor computed)', { ...healthy, error_rate: 12 }, 1, 'CRITICAL', 'roll back to off (emergency)'],
    ['v2 p95 1500 ms → HIGH: gradual rollback to canary', { ...healthy, v2_p95_query_time_ms: 1500 }, 1, 'HIGH', 'roll back to canary (gradual)'],
    ['conversion at 92 % of v1 before the rollout → MEDIUM: back to staged', { ...healthy, conversion_rate: { treatment: 4.6, control: 5.0 } }, 1, 'MEDIUM', 'roll back to staged (gradual)'],
    ['all healthy → LOW: monitor', healthy, 0, 'LOW', 'monitor'],
  ])('at full: %s', (_, values, code, severity, advice) => {
    const r = run(values);
    expect(r.code).toBe(code);
    expect(r.out.row.severity).toBe(severity);
    expect(r.out.advice).toContain(advice);
  });

  it('missing data in a row above is INCONCLUSIVE (exit 4), never "healthy"', () => {
    const r = run({ error_rate: 0.5, v2_p95_query_time_ms: 300 });
    expect(r.code).toBe(4);
    expect(r.out).toMatchObject({ decision: 'inconclusive', row: { severity: 'CRITICAL', state: 'unknown' } });
  });

  // Phase 1's own matrix: > 5 % errors is an emergency rollback to 0 % in the canary.
  const canary = seedRepo();
  it.each([
    ['error rate 7 % → CRITICAL: emergency rollback to off', { ...healthy, error_rate: 7 }, 1, 'CRITICAL', 'roll back to off (emergency)'],
    ['conversion at 78 % of control → CRITICAL: emergency rollback to off', { ...healthy, conversion_rate: { treatment: 3.9, control: 5.0 } }, 1, 'CRITICAL', 'roll back to off (emergency)'],
    ['error rate 3 % → HIGH: investigate and hold (the runbook\'s 5 % has no stage)', { ...healthy, error_rate: 3 }, 1, 'HIGH', 'investigate'],
    ['all healthy → LOW: monitor, proceed', healthy, 0, 'LOW', 'monitor'],
  ])('at canary: %s', (_, values, code, severity, advice) => {
    const r = assessIn(canary.dir, 'staging', values);
    expect(r.code).toBe(code);
    expect(r.out.stage).toBe('canary');
    expect(r.out.row.severity).toBe(severity);
    expect(r.out.advice).toContain(advice);
    // The other phases' rows do not apply in the canary.
    expect(r.out.rows.filter((row: { state: string }) => row.state !== 'not-applicable').length).toBe(3);
  });

  it('at staged, Phase 2 matrix: 3 % errors is MEDIUM, hold at 50 % and investigate (no 25 % stage)', () => {
    const staged = seedRepo();
    staged.commit(FILE, setStage('staging', 'staged'), 'Staging at staged');
    const r = assessIn(staged.dir, 'staging', { ...healthy, error_rate: 3 });
    expect(r.code).toBe(1);
    expect(r.out.row).toMatchObject({ severity: 'MEDIUM', action: 'investigate' });
    expect(r.out.advice).toBe('MEDIUM: investigate — Reduce to 25 %, investigate (Phase 2 matrix). There is no 25 % stage; hold at 50 % and investigate.');
    expect(assessIn(staged.dir, 'staging', { ...healthy, error_rate: 7 }).out.advice).toContain('HIGH: roll back to canary (gradual)');
  });
});
