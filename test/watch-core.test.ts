// The watch core on plain data and fakes of its ports: the decision per matrix outcome, how long
// a row waits for evidence from the current stage, `to: previous`, the Watch-Key trailer, the
// loop, and what a run reports when it cannot act (no issue, no GitHub, refused, a provider down).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RollbackRow } from '../scripts/config/schema/index.ts';
import { assess, type Assessment, type RowVerdict } from '../scripts/gates/assess.ts';
import type { Commit } from '../scripts/git/port.ts';
import type { GitHub } from '../scripts/github/port.ts';
import type { MetricsProvider } from '../scripts/metrics/port.ts';
import { RollbackRefused } from '../scripts/rollback/plan.ts';
import { validateRepository } from '../scripts/rules/validate-repository.ts';
import { decideWatch } from '../scripts/watch/decide.ts';
import { carriesKey, watchKey } from '../scripts/watch/key.ts';
import { watchLoop } from '../scripts/watch/loop.ts';
import { watchExitCode, watchOnce, type RollbackActions, type WatchPorts } from '../scripts/watch/run.ts';
import { evidenceSpanMs, waitingRows } from '../scripts/watch/settle.ts';
import { ROOT, tempRepo } from './helpers/cli.ts';
import { fakeGit } from './helpers/fake-git.ts';

const STAGES = ['off', 'canary', 'half', 'full'];
const SHA = 'a'.repeat(40);
const ENTERED = { sha: SHA, date: '2026-11-30T10:00:00Z' };
const FIXTURE = join(ROOT, 'test', 'fixtures', 'watch');

const verdict = (over: Partial<RowVerdict>): RowVerdict => ({ index: 0, severity: 'CRITICAL', action: 'rollback', state: 'matched', criteria: [], ...over });
const assessment = (decision: Assessment['decision'], row?: RowVerdict): Assessment => ({ rollout: 'svc', env: 'production', stage: 'half', decision, ...(row ? { row } : {}), advice: 'the advice', rows: row ? [row] : [] });

describe('decideWatch', () => {
  it.each([
    ['no row matches', assessment('no-action'), new Map(), 'none', undefined],
    ['a monitor row', assessment('no-action', verdict({ action: 'monitor' })), new Map(), 'none', undefined],
    ['a row above not measured', assessment('inconclusive', verdict({ state: 'unknown' })), new Map(), 'inconclusive', undefined],
    ['a row above still waiting for evidence from this stage', assessment('inconclusive', verdict({ state: 'unknown' })), new Map([[0, 'waiting: half was entered 3m ago']]), 'waiting', undefined],
    ['an emergency rollback below', assessment('action', verdict({ to: 'canary', mode: 'emergency' })), new Map(), 'rollback', { to: 'canary', mode: 'emergency', key: `svc/production/1/${SHA}` }],
    ['a rollback without a mode is gradual', assessment('action', verdict({ index: 2, to: 'off' })), new Map(), 'rollback', { to: 'off', mode: 'gradual', key: `svc/production/3/${SHA}` }],
    ['a rollback row at its target holds (never upward)', assessment('action', verdict({ to: 'half', mode: 'emergency' })), new Map(), 'hold', undefined],
    ['a rollback row below its target holds', assessment('action', verdict({ to: 'full', mode: 'emergency' })), new Map(), 'hold', undefined],
    ['previous at the first stage holds', assessment('action', verdict({ to: 'previous', mode: 'emergency' })), new Map(), 'hold', undefined],
    ['an investigate row holds', assessment('action', verdict({ action: 'investigate' })), new Map(), 'hold', undefined],
  ] as const)('%s → %s', (_, a, waiting, outcome, rollback) => {
    const d = decideWatch(a, STAGES, ENTERED, waiting);
    expect(d.outcome).toBe(outcome);
    expect(d.rollback).toEqual(rollback);
    if (outcome === 'waiting') expect(d.advice).toBe('row 1 (CRITICAL) waiting: half was entered 3m ago');
  });

  it('remembers the stage an advance came from, so the rollback can be its revert', () => {
    const a = assessment('action', verdict({ to: 'canary', mode: 'emergency' }));
    expect(decideWatch(a, STAGES, { ...ENTERED, from: 'canary' }, new Map()).enteredFrom).toBe('canary');
    // Entered by a rollback from above: nothing to revert.
    expect(decideWatch(a, STAGES, { ...ENTERED, from: 'full' }, new Map()).enteredFrom).toBeUndefined();
  });
});

describe('waiting for evidence from the current stage', () => {
  const row = (criteria: RollbackRow['when']['any'], during?: string[]): RollbackRow => ({ severity: 'CRITICAL', when: { any: criteria }, action: 'rollback', to: 'previous', mode: 'emergency', ...(during ? { during } : {}) });
  const metricOf = () => ({ unit: 'percent', defaultWindow: '5m' }) as never;

  it.each([
    ['for + window', [{ metric: 'error_rate', op: '>', value: 5, window: '5m', for: '10m' }], 15],
    ['the metric default window without for', [{ metric: 'error_rate', op: '>', value: 5 }], 5],
    ['the longest criterion', [{ metric: 'error_rate', op: '>', value: 5, window: '1m' }, { metric: 'error_rate', op: '>', value: 5, window: '30m', for: '1h' }], 90],
    ['built-ins reach back nowhere', [{ metric: 'time_in_stage', op: '>', value: 5 }], 0],
  ] as const)('%s', (_, criteria, minutes) => {
    expect(evidenceSpanMs(row(criteria as never), metricOf)).toBe(minutes * 60_000);
  });

  it('a row waits until its whole span lies in the current stage; rows for other stages never wait', () => {
    const rows = [row([{ metric: 'error_rate', op: '>', value: 5, window: '5m', for: '10m' }]), row([{ metric: 'error_rate', op: '>', value: 5, window: '5m', for: '10m' }], ['full'])];
    const entered = Date.parse('2026-12-01T12:00:00Z');
    const at = (minutes: number) => waitingRows(rows, 'half', entered, entered + minutes * 60_000, metricOf);
    expect([...at(3)]).toEqual([[0, 'waiting: half was entered 3m ago; this row reads 15m of evidence, all of which must come from half (12m to go)']]);
    expect(at(14.9).has(0)).toBe(true);
    expect(at(15).size).toBe(0);
    expect(at(-1).get(0)).toMatch(/^waiting: half was entered just now/);
  });
});

describe('to: previous', () => {
  const rows: RollbackRow[] = [{ severity: 'CRITICAL', when: { any: [{ metric: 'error_rate', op: '>', value: 5 }] }, action: 'rollback', to: 'previous', mode: 'emergency' }];
  const bad = [[[{ ok: true as const, value: 9, query: 'q' }]]];

  it('is the stage before the current one', () => {
    expect(assess({ name: 'svc', stages: STAGES }, 'production', 'full', rows, bad)).toMatchObject({ decision: 'action', row: { to: 'half' }, advice: 'CRITICAL: roll back to half (emergency)' });
    expect(assess({ name: 'svc', stages: STAGES }, 'production', 'canary', rows, bad).row!.to).toBe('off');
  });

  it('at the first stage there is nothing before it: hold', () => {
    expect(assess({ name: 'svc', stages: STAGES }, 'production', 'off', rows, bad)).toMatchObject({ decision: 'action', row: { to: 'previous' }, advice: 'CRITICAL: investigate (off is the first stage: nothing to go back to: hold)' });
  });

  it('validates; a stage named "previous" makes it ambiguous; an unknown stage is still refused', async () => {
    expect((await validateRepository(FIXTURE)).ok).toBe(true);
    const edit = (change: (text: string) => string) => {
      const dir = tempRepo(FIXTURE);
      const file = join(dir, 'rollout', 'emergency-svc.yaml');
      writeFileSync(file, change(readFileSync(file, 'utf8')));
      return validateRepository(dir).then((v) => v.diagnostics.filter((d) => d.code === 'rollback/unknown-stage'));
    };
    expect(await edit((t) => t.replace("name: 'off'", 'name: previous'))).toMatchObject([{ line: 22, message: 'a stage is named "previous", so `to: previous` could mean it or the stage before the current one' }]);
    expect(await edit((t) => t.replace('to: previous', 'to: prior'))).toMatchObject([{ line: 22, message: 'rollback to unknown stage "prior"', hint: 'stages: off, canary, half, full, or previous (the stage before the current one)' }]);
  });
});

describe('Watch-Key', () => {
  const key = watchKey('svc', 'production', 1, SHA);
  it('is read from the final trailer block only', () => {
    expect(key).toBe(`svc/production/1/${SHA}`);
    expect(carriesKey({ subject: 'Roll back', body: `Reason: x\nWatch-Key: ${key}` }, key)).toBe(true);
    expect(carriesKey({ subject: 'Roll back', body: `Watch-Key: ${key}\n\nReason: x` }, key)).toBe(false);
    expect(carriesKey({ subject: 'Roll back', body: `Reason: says Watch-Key: ${key}` }, key)).toBe(false);
  });
});

describe('watchLoop', () => {
  it('runs start to start every interval until aborted, and a slow run is followed at once', async () => {
    let t = 0;
    const slept: number[] = [];
    const stop = new AbortController();
    const durations = [1_000, 400_000, 2_000];
    const runs = await watchLoop(
      async () => {
        t += durations.shift() ?? 0;
        if (!durations.length) stop.abort();
      },
      300_000,
      stop.signal,
      { now: () => t, sleep: async (ms) => void slept.push(ms) },
    );
    expect(runs).toBe(3);
    expect(slept).toEqual([299_000, 0]);
  });
});

describe('watchOnce over fakes of its ports', async () => {
  // Every fixture rollout at half, entered by one commit (no advance to revert).
  const dir = tempRepo(FIXTURE);
  for (const name of ['brief-svc', 'emergency-svc', 'gradual-svc', 'hold-svc', 'nodata-svc']) {
    const file = join(dir, 'rollout', `${name}.yaml`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('stage: canary', 'stage: half'));
  }
  const model = (await validateRepository(dir)).model;
  const commit: Commit = { sha: SHA, date: '2026-12-01T09:00:00Z', author: 'a', subject: 'Initial config', body: '' };
  const git = fakeGit(SHA, { log: async () => [commit], firstParents: async () => [{ sha: SHA, date: commit.date }], show: async (_, path) => readFileSync(join(dir, path), 'utf8') });
  // 12 % errors everywhere: every row matches.
  const provider: MetricsProvider = { name: 'fake', measure: async () => ({ ok: true, value: 12 }) };
  const calls: string[] = [];
  const actions: RollbackActions = {
    emergency: async (path, request) => {
      calls.push(`emergency ${path} → ${request.to} from ${request.from}`);
      return { commit: 'c'.repeat(40), summary: '', attempts: 1, sync: { status: 'applied', writes: 1 } };
    },
    pullRequest: async (path, request) => {
      calls.push(`pr ${path} → ${request.to}`);
      return { number: 7, url: 'http://x/7', created: true, summary: '' };
    },
  };
  const ports = (over: Partial<WatchPorts> = {}): WatchPorts => ({ git, mainBranch: 'main', provider: () => provider, noGitHub: 'GITHUB_TOKEN is not set', actions, now: () => Date.parse('2026-12-01T12:00:00Z'), ...over });
  const by = (r: Awaited<ReturnType<typeof watchOnce>>) => Object.fromEntries(r.results.map((x) => [x.rollout, x]));

  it('without GitHub or an issue it still rolls back in an emergency, and says what it could not do (exit 1)', async () => {
    calls.length = 0;
    const report = await watchOnce(model, ports(), { dryRun: false });
    const r = by(report);
    expect(r['emergency-svc']).toMatchObject({ status: 'acted', rollback: { to: 'canary', mode: 'emergency', key: `emergency-svc/production/1/${SHA}` } });
    expect(r['brief-svc']).toMatchObject({ status: 'acted', rollback: { to: 'canary' } });
    expect(r['gradual-svc']).toMatchObject({ status: 'not-done', detail: 'a gradual rollback is a PR, and there is no GitHub to open it on: GITHUB_TOKEN is not set' });
    expect(r['hold-svc']).toMatchObject({ status: 'not-done', detail: 'hold: no --issue (or ROLLGATE_WATCH_ISSUE) to keep the hold comment on' });
    expect(calls).toEqual(['emergency rollout/brief-svc.yaml → canary from half', 'emergency rollout/emergency-svc.yaml → canary from half', 'emergency rollout/nodata-svc.yaml → canary from half']);
    expect(watchExitCode(report)).toBe(1);
  });

  it('--dry-run calls no action and no GitHub', async () => {
    calls.length = 0;
    const github = new Proxy({}, { get: (_, name) => () => Promise.reject(new Error(`GitHub ${String(name)} called`)) }) as GitHub;
    const report = await watchOnce(model, ports({ github }), { dryRun: true, issue: 3 });
    expect(new Set(report.results.map((r) => r.status))).toEqual(new Set(['would-act']));
    expect(calls).toEqual([]);
    expect(watchExitCode(report)).toBe(1);
  });

  it('a refusal (main moved on) is not done; a provider that cannot be opened is an error for its pairs only (exit 2)', async () => {
    const refusing: RollbackActions = { ...actions, emergency: async () => Promise.reject(new RollbackRefused('emergency-svc is at canary in production on the tip of main, not half where it was judged: main moved on meanwhile')) };
    const refused = await watchOnce(model, ports({ actions: refusing }), { rollout: 'emergency-svc', dryRun: false });
    expect(refused.results[0]).toMatchObject({ status: 'not-done', detail: expect.stringMatching(/^refused: .*main moved on meanwhile$/) });
    expect(watchExitCode(refused)).toBe(1);

    const broken = await watchOnce(model, ports({ provider: () => { throw new Error('environment variable PROM_TOKEN is not set'); } }), { rollout: 'hold-svc', dryRun: false, issue: 3 });
    expect(broken.results).toMatchObject([{ rollout: 'hold-svc', outcome: 'error', status: 'error', detail: 'environment variable PROM_TOKEN is not set' }]);
    expect(watchExitCode(broken)).toBe(2);
  });

  it('a stage no commit entered (a shallow clone) is an error, never an action without a key', async () => {
    const shallow = fakeGit(SHA, { log: async () => [], firstParents: async () => [] });
    const report = await watchOnce(model, ports({ git: shallow }), { rollout: 'emergency-svc', dryRun: false });
    expect(report.results[0]).toMatchObject({ status: 'error', detail: expect.stringContaining('fetch-depth 0') });
  });
});
