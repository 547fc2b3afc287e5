// The flagd file delivered GitOps style: `rollgate sync` publishes each environment's flag file
// to a branch of the repository (one commit per applied sync, the applied SHA in the commit's
// trailer and in the file's metadata, a ConfigMap manifest beside it), pushed to origin with a
// lease, so an older run never overwrites a newer one. The scheduled check of sync.yml, run as
// Actions runs it on a fresh runner, reads what is published.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage } from '@openfeature/flagd-core';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validateRepository } from '../scripts/rules/validate-repository.ts';
import { branchFile } from '../scripts/stores/flagd-branch.ts';
import { flagdStore } from '../scripts/stores/flagd-file.ts';
import { gitBranch } from '../scripts/stores/git-branch.ts';
import { StoreError } from '../scripts/stores/port.ts';
import { desiredFlags } from '../scripts/sync/desired.ts';
import { planEnvironment } from '../scripts/sync/sync.ts';
import { rollgateAsync, ROOT } from './helpers/cli.ts';
import { repoFrom, setStage, type Repo } from './helpers/git.ts';
import { runJob } from './helpers/workflow-runner.ts';

const quiet = { error() {}, warn() {}, info() {}, debug() {} };
const BRANCH = 'rollgate/flags';
const PUBLISHED = { env: { ROLLGATE_PUBLISH_REMOTE: 'origin' } };

/** The sync fixture with both environments published to one branch; production also as a ConfigMap. */
function publishingRepo(): Repo {
  const repo = repoFrom(join(ROOT, 'test', 'fixtures', 'sync'));
  repo.commit(
    'rollout/environments.yaml',
    (t) =>
      t
        .replace('store: { type: flagd, path: build/flags/staging.flagd.json }', `store: { type: flagd, publish: { branch: ${BRANCH}, path: staging.flagd.json } }`)
        .replace('store: { type: flagd, path: build/flags/production.flagd.json }', `store: { type: flagd, publish: { branch: ${BRANCH}, path: production.flagd.json, configMap: { path: deploy/production/flags.yaml, name: rollgate-flags, namespace: production } } }`),
    'Publish the flag files to a branch',
  );
  return repo;
}

/** `git` in the bare origin. */
const atOrigin = (repo: Repo, ...args: string[]) => execFileSync('git', ['--git-dir', repo.origin, ...args], { encoding: 'utf8' }).trim();
const publishedFile = (repo: Repo, path: string) => JSON.parse(atOrigin(repo, 'show', `${BRANCH}:${path}`));

async function sync(repo: Repo, ...args: string[]) {
  const r = await rollgateAsync(['sync', '--dir', repo.dir, '--format', 'json', ...args], PUBLISHED);
  return { ...r, out: r.stdout ? JSON.parse(r.stdout) : undefined };
}

describe('sync publishes the flagd file to a branch of the repository', () => {
  it('one commit per applied sync, the SHA in the trailer and the metadata, a ConfigMap beside it; work tree and index untouched', async () => {
    const repo = publishingRepo();
    const first = await sync(repo);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.out.environments.map((e: { store: string }) => e.store)).toEqual([`flagd file staging.flagd.json on branch ${BRANCH} of origin`, `flagd file production.flagd.json on branch ${BRANCH} of origin`]);
    const head = repo.head();
    expect(atOrigin(repo, 'log', '--format=%s', BRANCH).split('\n')).toEqual([`rollgate: production flags at ${head.slice(0, 7)}`, `rollgate: staging flags at ${head.slice(0, 7)}`]);
    expect(atOrigin(repo, 'log', '--format=%(trailers:key=Rollgate-Applied-Sha,valueonly)%(trailers:key=Rollgate-Environment,valueonly)', '-1', BRANCH)).toBe(`${head}\nproduction`);
    const text = atOrigin(repo, 'show', `${BRANCH}:production.flagd.json`) + '\n';
    new MemoryStorage(quiet).setConfigurations(text, true); // flagd's strict schema check
    expect(JSON.parse(text).metadata.rollgateAppliedSha).toBe(head);
    const manifest = parse(atOrigin(repo, 'show', `${BRANCH}:deploy/production/flags.yaml`));
    expect(manifest).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rollgate-flags', namespace: 'production', annotations: { 'rollgate.dev/applied-sha': head } } });
    expect(manifest.data['production.flagd.json']).toBe(text);
    expect(atOrigin(repo, 'ls-tree', '-r', '--name-only', BRANCH).split('\n')).toEqual(['deploy/production/flags.yaml', 'production.flagd.json', 'staging.flagd.json']);
    // The user's checkout is as it was.
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(repo.git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');

    // Nothing changed: no commit.
    const again = await sync(repo);
    expect(again.out.environments.map((e: { writes: number }) => e.writes)).toEqual([0, 0]);
    expect(atOrigin(repo, 'rev-list', '--count', BRANCH)).toBe('2');

    // An advance in production: one commit, touching production's files only; revert: one more.
    const advance = repo.commit('rollout/checkout.yaml', setStage('production', 'staged'), 'Advance production');
    expect((await sync(repo, '--env', 'production')).code).toBe(0);
    expect(atOrigin(repo, 'diff', '--name-only', `${BRANCH}~1`, BRANCH).split('\n')).toEqual(['deploy/production/flags.yaml', 'production.flagd.json']);
    expect(publishedFile(repo, 'production.flagd.json').flags['checkout-v2'].metadata.percentage).toBe(50);
    repo.git('revert', '--no-edit', advance);
    repo.git('push', '-q', 'origin', 'main');
    expect((await sync(repo, '--env', 'production')).code).toBe(0);
    expect(publishedFile(repo, 'production.flagd.json').flags['checkout-v2'].metadata.percentage).toBe(10);
    expect(atOrigin(repo, 'rev-list', '--count', BRANCH)).toBe('4');
    expect(publishedFile(repo, 'staging.flagd.json').metadata.rollgateAppliedSha).toBe(head); // staging's file as its own last sync left it
  });

  it('without ROLLGATE_PUBLISH_REMOTE the branch stays in this repository, and nothing is pushed', async () => {
    const repo = publishingRepo();
    const r = await rollgateAsync(['sync', '--dir', repo.dir, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).environments[0].store).toContain('local branch, not pushed');
    expect(JSON.parse(repo.git('show', `${BRANCH}:production.flagd.json`)).metadata.rollgateAppliedSha).toBe(repo.head());
    expect(atOrigin(repo, 'branch', '--list', BRANCH)).toBe('');
    expect((await rollgateAsync(['sync', '--dir', repo.dir, '--check'])).code).toBe(0);
  });
});

describe('the lease: an older run never overwrites a newer one', () => {
  /** A second clone of the same origin: another runner. */
  function otherRunner(repo: Repo): string {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-runner-'));
    execFileSync('git', ['clone', '-q', repo.origin, dir]);
    return dir;
  }

  /** Reads origin's branch and plans production the way a sync does, and returns the store to apply with. */
  async function planned(dir: string) {
    const { model } = await validateRepository(dir);
    const store = flagdStore(branchFile(gitBranch(dir, BRANCH, 'origin'), { env: 'production', path: 'production.flagd.json' }));
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
    return { store, plan: await planEnvironment(store, desiredFlags(model, 'production'), 'production', head) };
  }

  it('a run that read the branch before another published this environment is refused and publishes nothing', async () => {
    const repo = publishingRepo();
    expect((await sync(repo)).code).toBe(0);
    repo.commit('rollout/checkout.yaml', setStage('production', 'staged'), 'Advance production');
    const late = otherRunner(repo); // checked out before the revert below: it would put 50 % back
    const slow = await planned(late);
    expect(slow.plan.changes.find((c) => c.key === 'checkout-v2')?.steps).toEqual(['set-percentage']);
    // Meanwhile a newer commit is synced by another runner.
    repo.git('revert', '--no-edit', 'HEAD');
    repo.git('push', '-q', 'origin', 'main');
    expect((await sync(repo, '--env', 'production')).code).toBe(0);
    const tip = atOrigin(repo, 'rev-parse', BRANCH);
    // The slow run now writes: origin's branch is not what it read.
    await expect(slow.store.apply(slow.plan)).rejects.toThrow(StoreError);
    await expect(slow.store.apply(slow.plan)).rejects.toThrow(/moved since this sync read it, and production.flagd.json with it/);
    expect(atOrigin(repo, 'rev-parse', BRANCH)).toBe(tip);
    expect(publishedFile(repo, 'production.flagd.json').metadata.rollgateAppliedSha).toBe(repo.head());
    // Run again from scratch, the old run is refused by the recorded SHA.
    const rerun = await rollgateAsync(['sync', '--dir', late, '--env', 'production', '--format', 'json'], PUBLISHED);
    expect(rerun.code).toBe(1);
    expect(JSON.parse(rerun.stdout).environments[0].reason).toContain('not an ancestor of HEAD');
    expect(atOrigin(repo, 'rev-parse', BRANCH)).toBe(tip);
  });

  it("when only another environment's file moved, the publish is made again on the new tip and keeps it", async () => {
    const repo = publishingRepo();
    expect((await sync(repo)).code).toBe(0);
    repo.commit('rollout/checkout.yaml', (t) => setStage('production', 'staged')(setStage('staging', 'full')(t)), 'Advance both');
    const runner = otherRunner(repo);
    const production = await planned(runner);
    expect((await sync(repo, '--env', 'staging')).code).toBe(0); // staging publishes first
    const staging = atOrigin(repo, 'rev-parse', BRANCH);
    await production.store.apply(production.plan);
    expect(atOrigin(repo, 'rev-parse', `${BRANCH}~1`)).toBe(staging);
    expect(publishedFile(repo, 'staging.flagd.json').flags['checkout-v2'].metadata.percentage).toBe(100);
    expect(publishedFile(repo, 'production.flagd.json').flags['checkout-v2'].metadata.percentage).toBe(50);
  });
});

describe('.github/workflows/sync.yml as Actions runs it, with the default environments.yaml', () => {
  /** This repository's tooling and default environments, with the sync fixture's rollout. */
  function actionsRepo(): Repo {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-actions-repo-'));
    for (const f of ['scripts', 'schemas', 'package.json', 'package-lock.json', 'tsconfig.json']) cpSync(join(ROOT, f), join(dir, f), { recursive: true });
    cpSync(join(ROOT, 'rollout', 'environments.yaml'), join(dir, 'rollout', 'environments.yaml'));
    cpSync(join(ROOT, 'test', 'fixtures', 'sync', 'rollout', 'checkout.yaml'), join(dir, 'rollout', 'checkout.yaml'));
    return repoFrom(dir);
  }
  const job = (repo: Repo, name: 'sync' | 'check', env: string) =>
    runJob({ workflow: 'sync.yml', job: name, eventName: name === 'check' ? 'schedule' : 'push', event: {}, origin: repo.origin, matrix: { env } });
  const out = (r: { steps: { stdout: string; stderr: string }[] }) => r.steps.map((s) => s.stdout + s.stderr).join('\n');

  it('the push job publishes to origin; the scheduled check on a fresh runner is green, and exits 3 naming the flag once the branch drifts', async () => {
    const repo = actionsRepo();
    for (const env of ['staging', 'production']) {
      const run = await job(repo, 'sync', env);
      expect(run.ok, out(run)).toBe(true);
    }
    expect(atOrigin(repo, 'ls-tree', '-r', '--name-only', BRANCH).split('\n')).toEqual(['deploy/production/flags.yaml', 'deploy/staging/flags.yaml', 'production.flagd.json', 'staging.flagd.json']);

    const green = await job(repo, 'check', 'production');
    expect(green.ok, out(green)).toBe(true);
    expect(out(green)).toContain('no drift');

    // Someone edits the published file by hand: the next scheduled check names the flag.
    const hand = mkdtempSync(join(tmpdir(), 'rollgate-hand-'));
    execFileSync('git', ['clone', '-q', '-b', BRANCH, repo.origin, hand]);
    const file = JSON.parse(readFileSync(join(hand, 'production.flagd.json'), 'utf8'));
    file.flags['checkout-v2'].targeting.if[2].fractional[1][1] = 90_000;
    file.flags['checkout-v2'].targeting.if[2].fractional[2][1] = 10_000;
    writeFileSync(join(hand, 'production.flagd.json'), JSON.stringify(file, null, 2));
    execFileSync('git', ['-c', 'user.name=someone', '-c', 'user.email=s@example.com', 'commit', '-q', '-am', 'by hand'], { cwd: hand });
    execFileSync('git', ['push', '-q', 'origin', BRANCH], { cwd: hand });
    const red = await job(repo, 'check', 'production');
    expect(red.ok).toBe(false);
    const step = red.steps.find((s) => s.name === 'sync --check')!;
    expect(step.code).toBe(3);
    expect(step.stdout).toContain('drift in 1 flag: production/checkout-v2');
    // An advance merged and not synced yet is drift too, named the same way.
    const staging = await job(repo, 'check', 'staging');
    expect(staging.ok, out(staging)).toBe(true);
    repo.commit('rollout/checkout.yaml', setStage('staging', 'full'), 'Advance staging');
    const behind = await job(repo, 'check', 'staging');
    expect(behind.steps.find((s) => s.name === 'sync --check')!.code).toBe(3);
    expect(out(behind)).toContain('drift in 1 flag: staging/checkout-v2');
  }, 300_000);
});
