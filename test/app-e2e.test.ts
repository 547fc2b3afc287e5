// The flag reaches an application. A small Node service (test/helpers/flag-service-app.ts, its
// own process) serves a fixed set of 2,000 users, and the test measures from the merge of an
// advance to main (and of its `git revert`) to the service answering with the new
// percentage — the exact users the store's own evaluator puts on:
// - flagd: `rollgate sync` publishes the file to rollgate/flags on origin; a git-sync sidecar
//   puts it in place; the OpenFeature server SDK with @openfeature/flagd-provider in-process
//   watches it. Bound: 5 s after the sync.
// - Unleash: the sync writes a real Unleash 8; the service runs unleash-client with a 1 s
//   refresh. Bound: the refresh interval + 2 s after the sync.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlagdCore } from '@openfeature/flagd-core';
import { normalizedStrategyValue } from 'unleash-client/lib/strategy/util.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollgateAsync, ROOT } from './helpers/cli.ts';
import { startFlagService, startGitSync, type FlagService } from './helpers/flag-service.ts';
import { repoFrom, setStage, type Repo } from './helpers/git.ts';
import { startPostgres, type Postgres } from './helpers/postgres.ts';
import { startUnleash, type Unleash } from './helpers/unleash.ts';
import { clientToken } from './helpers/unleash-client.ts';

const USERS = 2000;
const FLAG = 'checkout-v2';
const BRANCH = 'rollgate/flags';
const FLAGD_BOUND_MS = 5000;
const UNLEASH_REFRESH_MS = 1000;
const UNLEASH_BOUND_MS = UNLEASH_REFRESH_MS + 2000;
const quiet = { error() {}, warn() {}, info() {}, debug() {} };

interface Latency {
  what: string;
  mergeToSyncedMs: number;
  syncedToServiceMs: number;
  mergeToServiceMs: number;
}

/** Polls the service every 20 ms until it answers `expected`; the time that took. */
async function until(service: FlagService, flag: string, expected: Set<number>, timeoutMs: number): Promise<number> {
  const start = performance.now();
  let last = new Set<number>();
  while (performance.now() - start < timeoutMs) {
    last = await service.usersOn(flag, USERS);
    if (last.size === expected.size && [...expected].every((u) => last.has(u))) return performance.now() - start;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the service still answers ${last.size} users on, not the ${expected.size} expected, after ${timeoutMs} ms`);
}

/** Merge (push to main), then the sync the workflow runs on that push, then the service: each step timed. */
async function measure(what: string, flag: string, merge: () => void, sync: () => Promise<void>, service: FlagService, expected: () => Set<number>, timeoutMs: number): Promise<Latency> {
  const merged = performance.now();
  merge();
  await sync();
  const synced = performance.now();
  const syncedToServiceMs = await until(service, flag, expected(), timeoutMs);
  const latency = { what, mergeToSyncedMs: synced - merged, syncedToServiceMs, mergeToServiceMs: performance.now() - merged };
  console.log(`${what}: merge → sync done ${latency.mergeToSyncedMs.toFixed(0)} ms, sync done → service answers ${latency.syncedToServiceMs.toFixed(0)} ms (merge → service ${latency.mergeToServiceMs.toFixed(0)} ms)`);
  return latency;
}

const mergeAdvance = (repo: Repo) => () => void repo.commit('rollout/checkout.yaml', setStage('production', 'staged'), 'Advance checkout to staged in production');
const mergeRevert = (repo: Repo) => () => {
  repo.git('revert', '--no-edit', 'HEAD');
  repo.git('push', '-q', 'origin', 'main');
};

describe('the flagd file published to a branch reaches a service (OpenFeature + flagd provider, in-process)', () => {
  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  });

  it(`advance 10 % → 50 % and its git revert: the service answers with the new users within ${FLAGD_BOUND_MS / 1000} s of the sync`, async () => {
    const repo = repoFrom(join(ROOT, 'test', 'fixtures', 'sync'));
    repo.commit('rollout/environments.yaml', (t) => t.replace('store: { type: flagd, path: build/flags/production.flagd.json }', `store: { type: flagd, publish: { branch: ${BRANCH}, path: production.flagd.json } }`), 'Publish production');
    const sync = async () => {
      const r = await rollgateAsync(['sync', '--dir', repo.dir, '--env', 'production'], { env: { ROLLGATE_PUBLISH_REMOTE: 'origin' } });
      if (r.code !== 0) throw new Error(`sync exited ${r.code}: ${r.stdout}${r.stderr}`);
    };
    await sync();
    // What flagd-core says for the published file: the users the service must answer with.
    const published = () => {
      const core = new FlagdCore(undefined, quiet);
      core.setConfigurations(execFileSync('git', ['--git-dir', repo.origin, 'show', `${BRANCH}:production.flagd.json`], { encoding: 'utf8' }));
      const on = new Set<number>();
      for (let i = 0; i < USERS; i++) if (core.resolveBooleanEvaluation(FLAG, false, { targetingKey: `user-${i}`, userId: `user-${i}` }, quiet).value) on.add(i);
      return on;
    };

    const pod = mkdtempSync(join(tmpdir(), 'rollgate-pod-'));
    const file = join(pod, 'flags', 'production.flagd.json');
    const sidecar = await startGitSync(repo.origin, BRANCH, 'production.flagd.json', file, join(pod, 'git-sync.git'), 250);
    stops.push(sidecar.stop);
    const service = await startFlagService({ FLAG_SOURCE: 'flagd', FLAGD_FILE: file, FILE_POLL_MS: '100' });
    stops.push(service.stop);
    const at10 = published();
    expect(Math.abs((at10.size / USERS) * 100 - 10)).toBeLessThanOrEqual(2);
    await until(service, FLAG, at10, 10_000);

    const advance = await measure('flagd, advance 10 % → 50 %', FLAG, mergeAdvance(repo), sync, service, published, 30_000);
    const at50 = published();
    expect(Math.abs((at50.size / USERS) * 100 - 50)).toBeLessThanOrEqual(3);
    expect([...at10].filter((u) => !at50.has(u))).toEqual([]);
    const revert = await measure('flagd, git revert 50 % → 10 %', FLAG, mergeRevert(repo), sync, service, () => at10, 30_000);
    expect(published()).toEqual(at10);
    for (const l of [advance, revert]) expect(l.syncedToServiceMs, l.what).toBeLessThanOrEqual(FLAGD_BOUND_MS);
    expect(sidecar.seen.length).toBe(3); // one published commit per applied sync, and only those
  }, 180_000);
});

describe('Unleash reaches a service (unleash-client, short refresh)', () => {
  let pg: Postgres;
  let unleash: Unleash;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    pg = await startPostgres();
    unleash = await startUnleash(pg);
  }, 180_000);

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await unleash?.stop();
    pg?.stop();
  });

  it(`advance 10 % → 50 % and its git revert: the service answers with the new users within the refresh interval + 2 s of the sync`, async () => {
    const id = randomBytes(4).toString('hex');
    const flag = `checkout-${id}`;
    const repo = repoFrom(join(ROOT, 'test', 'fixtures', 'sync'));
    repo.commit('rollout/checkout.yaml', (t) => t.replace(`flag: ${FLAG}`, `flag: ${flag}`), 'Own flag key');
    repo.commit('rollout/environments.yaml', (t) => t.replace('store: { type: flagd, path: build/flags/production.flagd.json }', `store: { type: unleash, url: '${unleash.url}', project: default, environment: production, tokenEnv: UNLEASH_ADMIN_TOKEN }`), 'Production on Unleash');
    const sync = async () => {
      const r = await rollgateAsync(['sync', '--dir', repo.dir, '--env', 'production'], { env: { UNLEASH_ADMIN_TOKEN: unleash.token } });
      if (r.code !== 0) throw new Error(`sync exited ${r.code}: ${r.stdout}${r.stderr}`);
    };
    await sync();
    // What Unleash's SDK computes for a flexibleRollout at `percentage` %: its own hash.
    const expected = (percentage: number) => new Set(Array.from({ length: USERS }, (_, i) => i).filter((i) => normalizedStrategyValue(`user-${i}`, flag) <= percentage));
    const service = await startFlagService({ FLAG_SOURCE: 'unleash', UNLEASH_URL: unleash.url, UNLEASH_CLIENT_TOKEN: await clientToken(unleash, 'production'), UNLEASH_REFRESH_MS: String(UNLEASH_REFRESH_MS) });
    stops.push(service.stop);
    await until(service, flag, expected(10), 20_000);

    const advance = await measure('Unleash, advance 10 % → 50 %', flag, mergeAdvance(repo), sync, service, () => expected(50), 30_000);
    const revert = await measure('Unleash, git revert 50 % → 10 %', flag, mergeRevert(repo), sync, service, () => expected(10), 30_000);
    for (const l of [advance, revert]) expect(l.syncedToServiceMs, l.what).toBeLessThanOrEqual(UNLEASH_BOUND_MS);
  }, 180_000);
});
