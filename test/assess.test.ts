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

describe('rollgate assess: the QB TD decision matrix (seed 001)', () => {
  const repo = seedRepo();
  const FILE = 'rollout/qb-td-calculator-v2.yaml';
  repo.commit(FILE, (t) => setStage('production', 'full')(setStage('staging', 'full')(t)), 'Both at full');
  const run = (values: Record<string, unknown>) => {
    const r = rollgate(['assess', 'qb-td-calculator-v2', '--env', 'production', '--dir', repo.dir, '--metrics', metrics(values), '--format', 'json']);
    return { ...r, out: r.stdout ? JSON.parse(r.stdout) : undefined };
  };
  const healthy = { error_rate: 0.5, latency_p95_ms: 300, conversion_rate: { treatment: 5.1, control: 5.0 } };

  it.each([
    ['error rate 12 % → CRITICAL: emergency rollback to shadow', { ...healthy, error_rate: 12 }, 1, 'CRITICAL', 'roll back to shadow (emergency)'],
    ['p95 1500 ms → HIGH: gradual rollback to canary', { ...healthy, latency_p95_ms: 1500 }, 1, 'HIGH', 'roll back to canary (gradual)'],
    ['conversion at 92 % of baseline → MEDIUM: back to staged', { ...healthy, conversion_rate: { treatment: 4.6, control: 5.0 } }, 1, 'MEDIUM', 'roll back to staged (gradual)'],
    ['all healthy → LOW: monitor', healthy, 0, 'LOW', 'monitor'],
  ])('%s', (_, values, code, severity, advice) => {
    const r = run(values);
    expect(r.code).toBe(code);
    expect(r.out.row.severity).toBe(severity);
    expect(r.out.advice).toContain(advice);
  });

  it('missing data in a row above is INCONCLUSIVE (exit 4), never "healthy"', () => {
    const r = run({ error_rate: 0.5, latency_p95_ms: 300 });
    expect(r.code).toBe(4);
    expect(r.out).toMatchObject({ decision: 'inconclusive', row: { severity: 'CRITICAL', state: 'unknown' } });
  });

  it('never rolls back upward: at canary the HIGH row holds and investigates', () => {
    const low = seedRepo();
    const r = rollgate(['assess', 'qb-td-calculator-v2', '--env', 'staging', '--dir', low.dir, '--metrics', metrics({ ...healthy, error_rate: 6 }), '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).advice).toBe('HIGH: investigate (already at or below canary: hold) — Gradual rollback to 10 % within 1 hour; status updates every 2 hours.');
  });
});
