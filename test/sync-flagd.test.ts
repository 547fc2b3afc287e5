import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core';
import { describe, expect, it } from 'vitest';
import { rollgate, ROOT } from './helpers/cli.ts';
import { repoFrom, setStage } from './helpers/git.ts';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'sync');
const quiet = { error() {}, warn() {}, info() {}, debug() {} };
const flagFile = (dir: string, env = 'production') => join(dir, 'build', 'flags', `${env}.flagd.json`);

/** Evaluates the flag for `users` user ids with flagd-core, as an application would. */
function usersOn(dir: string, key: string, users = 10_000, env = 'production'): Set<number> {
  const text = readFileSync(flagFile(dir, env), 'utf8');
  new MemoryStorage(quiet).setConfigurations(text, true); // flagd's strict schema check: throws if flagd would refuse the file
  const core = new FlagdCore(undefined, quiet);
  core.setConfigurations(text);
  const on = new Set<number>();
  for (let i = 0; i < users; i++) if (core.resolveBooleanEvaluation(key, false, { targetingKey: `t-${i}`, userId: `user-${i}` }, quiet).value) on.add(i);
  return on;
}

function sync(dir: string, ...args: string[]) {
  const r = rollgate(['sync', '--dir', dir, '--format', 'json', ...args]);
  return { ...r, out: r.stdout ? JSON.parse(r.stdout) : undefined };
}

describe('sync to the flagd file (the embedded default)', () => {
  it('advance → the new percentage; revert → the old one; users stay on as the percentage grows', () => {
    const repo = repoFrom(FIXTURE);
    const first = sync(repo.dir);
    expect(first.code).toBe(0);
    expect(first.out.environments.map((e: { status: string }) => e.status)).toEqual(['applied', 'applied']);

    const at10 = usersOn(repo.dir, 'checkout-v2');
    expect(Math.abs(at10.size / 100 - 10)).toBeLessThanOrEqual(1.5);

    const advance = repo.commit('rollout/checkout.yaml', setStage('production', 'staged'), 'Advance checkout to staged in production');
    const second = sync(repo.dir, '--env', 'production');
    expect(second.code).toBe(0);
    expect(second.out.environments[0].changes).toEqual([
      expect.objectContaining({ key: 'checkout-v2', steps: ['set-percentage'], from: expect.objectContaining({ percentage: 10 }), to: expect.objectContaining({ percentage: 50 }) }),
    ]);
    const at50 = usersOn(repo.dir, 'checkout-v2');
    expect(Math.abs(at50.size / 100 - 50)).toBeLessThanOrEqual(1.5);
    expect([...at10].filter((u) => !at50.has(u))).toEqual([]); // every user on at 10 % is still on at 50 %

    repo.git('revert', '--no-edit', advance);
    repo.git('push', '-q', 'origin', 'main');
    const third = sync(repo.dir, '--env', 'production');
    expect(third.code).toBe(0);
    const back = usersOn(repo.dir, 'checkout-v2');
    expect(back).toEqual(at10);
    expect(JSON.parse(readFileSync(flagFile(repo.dir), 'utf8')).metadata.rollgateAppliedSha).toBe(repo.head());
  });

  it('a no-op sync does not touch the file', () => {
    const repo = repoFrom(FIXTURE);
    expect(sync(repo.dir).code).toBe(0);
    const before = statSync(flagFile(repo.dir)).mtimeMs;
    const text = readFileSync(flagFile(repo.dir), 'utf8');
    const again = sync(repo.dir);
    expect(again.code).toBe(0);
    expect(again.out.environments.map((e: { writes: number }) => e.writes)).toEqual([0, 0]);
    expect(statSync(flagFile(repo.dir)).mtimeMs).toBe(before);
    expect(readFileSync(flagFile(repo.dir), 'utf8')).toBe(text);
  });

  it('the shadow stage turns on the companion flag: compute, do not serve', () => {
    const repo = repoFrom(FIXTURE);
    repo.commit('rollout/checkout.yaml', setStage('production', 'shadow'), 'Back to shadow');
    expect(sync(repo.dir, '--env', 'production').code).toBe(0);
    expect(usersOn(repo.dir, 'checkout-v2', 1000).size).toBe(0);
    expect(usersOn(repo.dir, 'checkout-v2.shadow', 1000).size).toBe(1000);
  });

  it('refuses an older SHA: a delayed run never undoes a newer change', () => {
    const repo = repoFrom(FIXTURE);
    const old = repo.head();
    repo.commit('rollout/checkout.yaml', setStage('production', 'staged'), 'Advance');
    expect(sync(repo.dir).code).toBe(0);
    const text = readFileSync(flagFile(repo.dir), 'utf8');
    // A late run of the old commit: its own main is the old commit.
    repo.git('checkout', '-q', '-B', 'main', old);
    repo.git('update-ref', 'refs/remotes/origin/main', old);
    const late = sync(repo.dir);
    expect(late.code).toBe(1);
    expect(late.out.environments[0]).toMatchObject({ status: 'refused', writes: 0 });
    expect(late.out.environments[0].reason).toContain('not an ancestor of HEAD');
    expect(readFileSync(flagFile(repo.dir), 'utf8')).toBe(text);
  });

  it('applies only the tip of main, and only committed config', () => {
    const repo = repoFrom(FIXTURE);
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit('rollout/checkout.yaml', setStage('staging', 'full'), 'On a branch');
    const branch = sync(repo.dir);
    expect(branch.code).toBe(1);
    expect(branch.out.environments[0].reason).toContain('is not the tip of origin/main');
    repo.git('checkout', '-q', 'main');
    writeFileSync(join(repo.dir, 'rollout', 'checkout.yaml'), setStage('staging', 'full')(readFileSync(join(repo.dir, 'rollout', 'checkout.yaml'), 'utf8')));
    const dirty = sync(repo.dir);
    expect(dirty.code).toBe(1);
    expect(dirty.out.environments[0].reason).toContain('uncommitted changes under rollout/');
  });

  it('--check exits 3 and names each drifted flag; --dry-run writes nothing', () => {
    const repo = repoFrom(FIXTURE);
    const dry = sync(repo.dir, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out.environments[0].status).toBe('planned');
    expect(() => statSync(flagFile(repo.dir))).toThrow();
    expect(sync(repo.dir).code).toBe(0);
    const file = JSON.parse(readFileSync(flagFile(repo.dir), 'utf8'));
    file.flags['checkout-v2'].targeting.if[2].fractional[1][1] = 90_000; // someone edited the store by hand
    file.flags['checkout-v2'].targeting.if[2].fractional[2][1] = 10_000;
    writeFileSync(flagFile(repo.dir), JSON.stringify(file));
    const check = rollgate(['sync', '--dir', repo.dir, '--check']);
    expect(check.code).toBe(3);
    expect(check.stdout).toContain('drift in 1 flag: production/checkout-v2');
    expect(sync(repo.dir).code).toBe(0);
    expect(rollgate(['sync', '--dir', repo.dir, '--check']).code).toBe(0);
  });

  it('a corrupt flag file is an infrastructure error, left as it is', () => {
    const repo = repoFrom(FIXTURE);
    expect(sync(repo.dir).code).toBe(0);
    writeFileSync(flagFile(repo.dir), '{"flags": [');
    const r = rollgate(['sync', '--dir', repo.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a flagd flag file');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(flagFile(repo.dir), 'utf8')).toBe('{"flags": [');
  });
});

describe('status and history', () => {
  it('status --format json follows the contract', () => {
    const repo = repoFrom(FIXTURE, '2026-11-01T10:00:00Z');
    const sha = repo.commit('rollout/checkout.yaml', setStage('production', 'staged'), 'Advance production', new Date(Date.now() - 3_600_000).toISOString());
    expect(sync(repo.dir, '--env', 'production').code).toBe(0);
    const r = rollgate(['status', '--dir', repo.dir, '--format', 'json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).rollouts;
    expect(rows).toEqual([
      { rollout: 'checkout', env: 'staging', stage: 'staged', percentage: 50, since: '2026-11-01T10:00:00+00:00', sinceCommit: expect.stringMatching(/^[0-9a-f]{40}$/), bakeLeft: '0s', store: null, drift: true, next: { stage: 'full', progression: 'manual', readyAt: '2026-11-03T10:00:00.000Z', waitsFor: [] } },
      { rollout: 'checkout', env: 'production', stage: 'staged', percentage: 50, since: expect.any(String), sinceCommit: sha, bakeLeft: expect.stringMatching(/^1d2[23]h/), store: { percentage: 50, enabled: true }, drift: false, next: { stage: 'full', progression: 'manual', readyAt: null, waitsFor: ['staging to reach full'] } },
    ]);
  });

  it('history lists every stage change with commit, author, time and reverts', () => {
    const repo = repoFrom(FIXTURE);
    const advance = repo.commit('rollout/checkout.yaml', setStage('production', 'staged'), 'Advance production');
    repo.git('revert', '--no-edit', advance);
    const r = rollgate(['history', 'checkout', '--dir', repo.dir, '--format', 'json']);
    expect(r.code).toBe(0);
    const changes = JSON.parse(r.stdout).changes.filter((c: { env: string }) => c.env === 'production');
    expect(changes.map((c: { from?: string; to: string; revert: boolean }) => [c.from ?? null, c.to, c.revert])).toEqual([
      [null, 'canary', false],
      ['canary', 'staged', false],
      ['staged', 'canary', true],
    ]);
    expect(changes[1]).toMatchObject({ sha: advance, author: 'Ada Tester <ada@example.com>' });
    const text = rollgate(['history', 'checkout', '--dir', repo.dir, '--env', 'production']);
    expect(text.stdout).toContain('staged → canary (10 %)');
    expect(text.stdout).toContain('[revert]');
  });
});
