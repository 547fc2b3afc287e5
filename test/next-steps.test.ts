import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GateReport } from '../scripts/gates/report.ts';
import { gateNextStep } from '../scripts/report/gate.ts';
import { rollgate, ROOT } from './helpers/cli.ts';
import { repoFrom, setStage } from './helpers/git.ts';
import { seedRepo } from './helpers/seed-repo.ts';

// Every report says where its numbers came from and ends with the next command to run.
const ago = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const metricsFile = (values: Record<string, unknown>) => {
  const file = join(mkdtempSync(join(tmpdir(), 'rollgate-metrics-')), 'metrics.json');
  writeFileSync(file, JSON.stringify(values));
  return file;
};
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1)!;
const QB = 'qb-td-calculator-v2';
const GOOD = { error_rate: 0.3, conversion_rate: { treatment: 5.1, control: 5.0 }, qbtd_critical_incidents: 0, fallback_rate: 12, v2_p95_query_time_ms: 320, data_coverage: 90 };

describe('the text gate report', () => {
  // staging entered staged an hour ago: 71h of its 72h bake left.
  const repo = seedRepo(ago(10));
  const entered = repo.commit(`rollout/${QB}.yaml`, setStage('staging', 'staged'), 'Advance QB in staging', ago(1));
  const gate = (values: Record<string, unknown>) => {
    const file = metricsFile(values);
    return { file, ...rollgate(['gate', QB, '--env', 'staging', '--metrics', file, '--dir', repo.dir]) };
  };

  it('names the metrics source, words should-pass as "N of M passed, K required", and shows when the bake ends', () => {
    const r = gate({ ...GOOD, error_rate: 0.6 });
    expect(r.stdout).toContain(`metrics from file ${r.file}`);
    expect(r.stdout).toContain('\nshould pass: 1 of 4 passed, 2 required\n');
    expect(r.stdout).not.toContain('(1/2 required)');
    const since = repo.git('log', '-1', '--format=%cI', entered);
    const ends = new Date(Date.parse(since) + 72 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(r.stdout).toMatch(new RegExp(`\\nbake: 72h in staged, 2d2[23]h\\w* left, ends ${ends}\\n`));
  });

  it('the markdown report (the PR comment) charts the stage history from git and ends with the next step', () => {
    const r = rollgate(['gate', QB, '--env', 'staging', '--metrics', metricsFile({ ...GOOD, error_rate: 0.6 }), '--dir', repo.dir, '--format', 'markdown']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('#### Pictures');
    // one chart per measured criterion and one stage chart per environment, the staging one with the advance an hour ago
    expect(r.stdout.match(/```mermaid\n[^`]*?xychart-beta/g)?.length).toBeGreaterThan(2);
    expect(r.stdout).toMatch(/title "qb-td-calculator-v2 in staging[^"]*"/);
    expect(r.stdout).toContain(`**Next:** fix what failed (above), then run the gate again: rollgate gate ${QB} --env staging`);
  });

  it('NO-GO ends with what to fix and the command that runs the gate again', () => {
    const r = gate({ ...GOOD, error_rate: 0.6 });
    expect(r.code).toBe(1);
    expect(lastLine(r.stdout)).toBe(`next: fix what failed (above), then run the gate again: rollgate gate ${QB} --env staging --metrics ${r.file} --dir ${repo.dir}`);
  });

  it('INCONCLUSIVE ends with what could not be measured and the command to run again later', () => {
    const { qbtd_critical_incidents: _, ...partial } = GOOD;
    const r = gate(partial);
    expect(r.code).toBe(4);
    expect(lastLine(r.stdout)).toBe(`next: measure what could not be measured (metrics from file ${r.file}), or wait for the data, then run the gate again: rollgate gate ${QB} --env staging --metrics ${r.file} --dir ${repo.dir}`);
  });

  it('CONDITIONAL for approvals and checks ends with the advance command that opens the PR for them, and when the bake ends', () => {
    // staging in canary since the first commit, ten hours ago: 38h of its 48h bake left; the metrics are fine.
    const fresh = seedRepo(ago(10));
    const file = metricsFile({ error_rate: 0.6, conversion_rate: { treatment: 5.1, control: 5.0 }, qbtd_user_complaints: 0, fallback_rate: 12, v2_p95_query_time_ms: 320, availability: 99.95 });
    const r = rollgate(['gate', QB, '--env', 'staging', '--metrics', file, '--dir', fresh.dir]);
    expect(r.code).toBe(3);
    const since = fresh.git('log', '-1', '--format=%cI');
    const ends = new Date(Date.parse(since) + 48 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(r.stdout).toContain(`\nbake: 48h in canary, 1d1`);
    expect(lastLine(r.stdout)).toBe(`next: open the PR where the approvals and manual checks are given (the bake ends ${ends}): rollgate advance ${QB} --env staging --metrics ${file} --dir ${fresh.dir}`);
  });

  it('GO ends with the advance command, which then opens the branch', () => {
    const sync = repoFrom(join(ROOT, 'test', 'fixtures', 'sync'), ago(72));
    const r = rollgate(['gate', 'checkout', '--env', 'production', '--dir', sync.dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('metrics: none (production has no metrics provider in environments.yaml)');
    const next = lastLine(r.stdout);
    expect(next).toBe(`next: open the PR that advances it: rollgate advance checkout --env production --dir ${sync.dir}`);
    const advance = rollgate([...next.split(': ').at(-1)!.split(' ').slice(1), '--no-push']);
    expect(advance.code).toBe(0);
    expect(sync.git('branch', '--list', 'rollgate/advance/*')).toContain('rollgate/advance/checkout/production');
  });
});

describe('assess text', () => {
  const repo = seedRepo();
  repo.commit(`rollout/${QB}.yaml`, (t) => setStage('production', 'full')(setStage('staging', 'full')(t)), 'Both at full');
  const healthy = { error_rate: 0.5, v2_p95_query_time_ms: 300, conversion_rate: { treatment: 5.1, control: 5.0 } };
  const assess = (values: Record<string, unknown>) => {
    const file = metricsFile(values);
    return { file, ...rollgate(['assess', QB, '--env', 'production', '--metrics', file, '--dir', repo.dir]) };
  };

  it('prints values with their units and the metrics source', () => {
    const r = assess({ ...healthy, error_rate: 12 });
    expect(r.stdout).toContain(`metrics from file ${r.file}`);
    expect(r.stdout).toMatch(/MATCH +Error rate > 10 % \(> 10\): 12 % — 12 % is > 10/);
    expect(r.stdout).toMatch(/p95 > 2000 ms \(> 2000\): 300 ms — 300 ms is not > 2000/);
  });

  it('an emergency rollback advice ends with the exact rollback command', () => {
    const r = assess({ ...healthy, error_rate: 12 });
    expect(r.code).toBe(1);
    expect(lastLine(r.stdout)).toBe(`next: rollgate rollback ${QB} --env production --to off --emergency --dir ${repo.dir}`);
  });

  it('a gradual rollback advice ends with the rollback command that opens the PR', () => {
    const r = assess({ ...healthy, v2_p95_query_time_ms: 1500 });
    expect(r.code).toBe(1);
    expect(lastLine(r.stdout)).toBe(`next: rollgate rollback ${QB} --env production --to canary --dir ${repo.dir}`);
  });

  it('no action and inconclusive end with the command that runs it again', () => {
    const quiet = assess(healthy);
    expect(quiet.code).toBe(0);
    expect(lastLine(quiet.stdout)).toBe(`next: nothing to do now; run it again later: rollgate assess ${QB} --env production --metrics ${quiet.file} --dir ${repo.dir}`);
    const r = assess({ error_rate: 0.5, v2_p95_query_time_ms: 300 });
    expect(r.code).toBe(4);
    expect(lastLine(r.stdout)).toBe(`next: find out why row 9 could not be measured (metrics from file ${r.file}), then run again: rollgate assess ${QB} --env production --metrics ${r.file} --dir ${repo.dir}`);
  });
});

describe('the gate\'s next step for every decision, in a terminal and on a PR', () => {
  const report = (over: Partial<GateReport>): GateReport => ({
    rollout: 'checkout', flag: 'checkout-v2', env: 'production', file: 'rollout/checkout.yaml',
    from: { stage: 'canary', percentage: 10 }, to: { stage: 'staged', percentage: 50 },
    decision: 'GO', reasons: [], mustPass: [], shouldPass: { atLeast: 0, passed: 0, criteria: [] }, blockers: [],
    bake: { ok: true }, approvals: [], checks: [], gateFrom: 'HEAD (1234567)', provider: 'prometheus http://127.0.0.1:9090', evaluatedAt: '2026-12-01T10:00:00.000Z',
    ...over,
  });
  const baking = { required: '24h', since: '2026-12-01T09:00:00Z', left: '23h', elapsed: '1h', ok: false };
  const unapproved = [{ group: 'sre', required: 1, approvedBy: [], ok: false }];

  it.each([
    ['GO', report({}), {}, 'open the PR that advances it: rollgate advance checkout --env production'],
    ['GO on a PR', report({}), { pr: 7 }, 'merge PR #7; the sync then applies it'],
    ['GO with --to and --dir kept', report({}), { to: 'staged', carried: { dir: 'my repo' } }, "open the PR that advances it: rollgate advance checkout --env production --to staged --dir 'my repo'"],
    ['NO-GO on a PR', report({ decision: 'NO-GO' }), { pr: 7 }, 'fix what failed (above) and push to PR #7: the gate runs again'],
    ['INCONCLUSIVE on a PR', report({ decision: 'INCONCLUSIVE' }), { pr: 7 }, 'measure what could not be measured (metrics from prometheus http://127.0.0.1:9090), or wait for the data, then run the gate again on PR #7'],
    ['CONDITIONAL on bake only', report({ decision: 'CONDITIONAL', bake: baking }), {}, 'wait until the bake ends 2026-12-02T09:00:00Z, then run the gate again: rollgate gate checkout --env production'],
    ['CONDITIONAL on should-pass only', report({ decision: 'CONDITIONAL' }), {}, 'wait for more should-pass criteria to pass, then run the gate again: rollgate gate checkout --env production'],
    ['CONDITIONAL on approvals and bake, on a PR', report({ decision: 'CONDITIONAL', bake: baking, approvals: unapproved }), { pr: 7 }, 'get the approvals and tick the manual checks on PR #7; wait until the bake ends 2026-12-02T09:00:00Z, then run the gate again there'],
    ['CONDITIONAL on a bake not started', report({ decision: 'CONDITIONAL', bake: { required: '24h', left: '24h', ok: false } }), {}, 'wait until the bake of 24h starts once canary is committed, then run the gate again: rollgate gate checkout --env production'],
  ] as const)('%s', (_, r, next, expected) => {
    expect(gateNextStep(r, next)).toBe(expected);
  });
});
