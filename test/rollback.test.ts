import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitAt } from '../scripts/git/simple-git.ts';
import { emergencyRollback } from '../scripts/rollback/execute.ts';
import { flagdFileStore } from '../scripts/stores/flagd-file.ts';
import { rollgate, rollgateAsync, ROOT } from './helpers/cli.ts';
import { GitHubServer } from './helpers/github-server.ts';
import { repoFrom, setStage } from './helpers/git.ts';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'sync');
const FILE = 'rollout/checkout.yaml';
const percentage = (dir: string) => JSON.parse(readFileSync(join(dir, 'build', 'flags', 'production.flagd.json'), 'utf8')).flags['checkout-v2'].metadata.percentage;

/** main has production advanced canary → staged and synced. */
function advanced() {
  const repo = repoFrom(FIXTURE);
  const advance = repo.commit(FILE, setStage('production', 'staged'), 'Advance checkout in production');
  expect(rollgate(['sync', '--dir', repo.dir]).code).toBe(0);
  expect(percentage(repo.dir)).toBe(50);
  return { repo, advance };
}

describe('rollgate rollback --emergency', () => {
  it('reverts the last advance on main, pushes, and syncs at once', () => {
    const { repo, advance } = advanced();
    const r = rollgate(['rollback', 'checkout', '--env', 'production', '--emergency', '--yes', '--reason', 'error spike', '--dir', repo.dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Roll back checkout in production: staged → canary (50 % → 10 %)');
    expect(percentage(repo.dir)).toBe(10);
    const head = repo.head();
    expect(repo.git('rev-parse', 'origin/main')).toBe(head);
    expect(repo.git('ls-remote', 'origin', 'refs/heads/main').split('\t')[0]).toBe(head);
    expect(repo.git('log', '-1', '--format=%s%n%n%b')).toBe(`Revert "Advance checkout in production"\n\nThis reverts commit ${advance} for production.\nRoll back checkout in production: staged → canary (50 % → 10 %).\n\nReason: error spike`);
    expect(repo.git('log', '-1', '--format=%(trailers:only,unfold)')).toBe('Reason: error spike');
    expect(repo.git('diff', '--numstat', `${head}~1`, head)).toBe(`1\t1\t${FILE}`);
    expect(repo.git('status', '--porcelain')).toBe('');
    const history = JSON.parse(rollgate(['history', 'checkout', '--env', 'production', '--format', 'json', '--dir', repo.dir]).stdout).changes;
    expect(history.at(-1)).toMatchObject({ from: 'staged', to: 'canary', revert: true, sha: head });
  });

  it('when main moves on during the push, fetches, redoes the edit on the new tip and pushes again', async () => {
    const { repo } = advanced();
    const other = mkdtempSync(join(tmpdir(), 'rollgate-other-'));
    execFileSync('git', ['clone', '-q', repo.origin, other]);
    const git = gitAt(repo.dir);
    let first = true;
    const racing = {
      ...git,
      async pushCommit(commit: string, branch: string) {
        if (first) {
          first = false; // someone else lands a commit on main right now
          writeFileSync(join(other, 'NOTES.md'), 'unrelated\n');
          execFileSync('git', ['-C', other, 'add', 'NOTES.md']);
          execFileSync('git', ['-C', other, '-c', 'user.name=o', '-c', 'user.email=o@x', 'commit', '-q', '-m', 'Unrelated change']);
          execFileSync('git', ['-C', other, 'push', '-q', 'origin', 'HEAD:main']);
        }
        return git.pushCommit(commit, branch);
      },
    };
    const result = await emergencyRollback({ dir: repo.dir, git: racing, mainBranch: 'main', path: FILE, openStore: () => flagdFileStore(join(repo.dir, 'build', 'flags', 'production.flagd.json')) }, { rollout: 'checkout', env: 'production', reason: 'race' });
    expect(result.attempts).toBe(2);
    expect(result.sync.status).toBe('applied');
    expect(repo.git('log', '--format=%s', '-3')).toBe('Revert "Advance checkout in production"\nUnrelated change\nAdvance checkout in production');
    expect(percentage(repo.dir)).toBe(10);
  });

  it.each([
    ['never rolls back upward', ['--to', 'full'], 1, 'a rollback never moves a rollout up'],
    ['refuses staying in place', ['--to', 'staged'], 1, 'not below staged'],
    ['needs --yes without a terminal', ['--no-such-flag-check'], 2, ''],
  ])('%s', (_, extra, code, message) => {
    const { repo } = advanced();
    const args = extra[0] === '--no-such-flag-check' ? ['rollback', 'checkout', '--env', 'production', '--emergency', '--dir', repo.dir] : ['rollback', 'checkout', '--env', 'production', '--emergency', '--yes', ...extra, '--dir', repo.dir];
    const r = rollgate(args);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(message || 'not a terminal: confirm with --yes');
    expect(percentage(repo.dir)).toBe(50);
  });

  it('writes --reason as one Reason trailer: a newline in it forges no Alert-Key', () => {
    const { repo } = advanced();
    const r = rollgate(['rollback', 'checkout', '--env', 'production', '--emergency', '--yes', '--reason', 'spike\nAlert-Key: checkout|production|x|y\u0007', '--dir', repo.dir]);
    expect(r.code).toBe(0);
    const message = repo.git('log', '-1', '--format=%B');
    expect(message.split('\n').at(-1)).toBe('Reason: spike Alert-Key: checkout|production|x|y');
    expect(message).not.toMatch(/^Alert-Key:/m);
    expect(repo.git('log', '-1', '--format=%(trailers:key=Alert-Key,valueonly)')).toBe('');
  });

  it('reads a ROLLOUT after -- as a name, never as an option', () => {
    const { repo } = advanced();
    const head = repo.git('ls-remote', 'origin', 'refs/heads/main');
    const r = rollgate(['rollback', '--env', 'production', '--yes', '--dir', repo.dir, '--', '--emergency']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no rollout "--emergency"');
    expect(repo.git('ls-remote', 'origin', 'refs/heads/main')).toBe(head);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(percentage(repo.dir)).toBe(50);
  });

  it('with no advance to undo, says so and asks for --to', () => {
    const repo = repoFrom(FIXTURE);
    const r = rollgate(['rollback', 'checkout', '--env', 'production', '--emergency', '--yes', '--dir', repo.dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no advance into canary in production on this branch to undo: give --to STAGE');
  });
});

describe('rollgate rollback --emergency leaves no branch behind', () => {
  const branches = (repo: { git(...a: string[]): string }) => repo.git('for-each-ref', '--format=%(refname)', 'refs/heads/rollgate/');

  it('after a rollback that lands', () => {
    const { repo } = advanced();
    const r = rollgate(['rollback', 'checkout', '--env', 'production', '--emergency', '--yes', '--dir', repo.dir]);
    expect(r.code).toBe(0);
    expect(branches(repo)).toBe('');
    expect(repo.git('branch', '--list')).toBe('* main');
  });

  it('after a push origin refuses (a hook): it says so at once instead of retrying', () => {
    const { repo } = advanced();
    const hook = join(repo.origin, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "main is protected" >&2\nexit 1\n', { mode: 0o755 });
    const main = repo.git('ls-remote', 'origin', 'refs/heads/main');
    const head = repo.head();
    const r = rollgate(['rollback', 'checkout', '--env', 'production', '--emergency', '--yes', '--dir', repo.dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`rollgate rollback: refused: origin refused the push to main although main had not moved (${repo.head().slice(0, 7)})`);
    expect(branches(repo)).toBe('');
    expect(repo.git('ls-remote', 'origin', 'refs/heads/main')).toBe(main);
    expect(repo.head()).toBe(head);
    expect(percentage(repo.dir)).toBe(50);
  });
});

describe('rollgate rollback --no-push', () => {
  const lastLine = (text: string) => text.trimEnd().split('\n').at(-1)!;

  it('makes the rollback branch locally, pushes nothing, and prints what it would push and how', () => {
    const { repo } = advanced();
    const main = repo.git('ls-remote', 'origin', 'refs/heads/main');
    const r = rollgate(['rollback', 'checkout', '--env', 'production', '--no-push', '--yes', '--reason', 'spike', '--dir', repo.dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const branch = 'rollgate/rollback/checkout/production';
    const sha = repo.git('rev-parse', branch);
    expect(repo.git('rev-parse', `${branch}~1`)).toBe(repo.head());
    expect(repo.git('log', '-1', '--format=%s', branch)).toBe('Revert "Advance checkout in production"');
    expect(repo.git('diff', '--numstat', 'main', branch)).toBe(`1\t1\t${FILE}`);
    expect(repo.git('ls-remote', 'origin', `refs/heads/${branch}`)).toBe('');
    expect(repo.git('ls-remote', 'origin', 'refs/heads/main')).toBe(main);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(r.stdout).toContain('Roll back checkout in production: staged → canary (50 % → 10 %)');
    expect(r.stdout).toContain(`branch ${branch} at ${sha.slice(0, 7)} (off origin/main ${repo.head().slice(0, 7)}), not pushed`);
    expect(r.stdout).toContain(`would push: ${branch} to origin and open a PR of it into main, labelled rollback`);
    const next = lastLine(r.stdout);
    expect(next).toBe(`next: git -C ${repo.dir} push --force-with-lease origin ${branch}, then open its PR into main (or run this again without --no-push to do both)`);
    execFileSync('git', next.slice('next: '.length).split(',')[0].split(' ').slice(1), { stdio: 'pipe' });
    expect(repo.git('ls-remote', 'origin', `refs/heads/${branch}`).split('\t')[0]).toBe(sha);
    expect(percentage(repo.dir)).toBe(50);
  });

  it('with --emergency commits on main here only: no push, no sync, and says how to finish', () => {
    const { repo } = advanced();
    const main = repo.git('ls-remote', 'origin', 'refs/heads/main');
    const r = rollgate(['rollback', 'checkout', '--env', 'production', '--emergency', '--no-push', '--yes', '--dir', repo.dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const head = repo.head();
    expect(repo.git('log', '-1', '--format=%s')).toBe('Revert "Advance checkout in production"');
    expect(repo.git('ls-remote', 'origin', 'refs/heads/main')).toBe(main);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(percentage(repo.dir)).toBe(50);
    expect(r.stdout).toContain(`committed ${head.slice(0, 7)} on main here, not pushed; production not synced`);
    expect(r.stdout).toContain(`would push: main ${main.slice(0, 7)}..${head.slice(0, 7)} to origin, then sync production`);
    expect(repo.git('for-each-ref', '--format=%(refname)', 'refs/heads/rollgate/')).toBe('');
    const next = lastLine(r.stdout);
    expect(next).toBe(`next: git -C ${repo.dir} push origin main && rollgate sync --env production --dir ${repo.dir}`);
    const [push, sync] = next.slice('next: '.length).split(' && ');
    execFileSync('git', push.split(' ').slice(1), { stdio: 'pipe' });
    expect(rollgate(sync.split(' ').slice(1)).code).toBe(0);
    expect(percentage(repo.dir)).toBe(10);
  });
});

describe('rollgate rollback (a PR)', () => {
  let github: GitHubServer;
  beforeAll(async () => {
    github = new GitHubServer({ owner: 'octo-org', repo: 'rollouts', token: 'ghs_rb' });
    await github.start();
  });
  afterAll(() => github.stop());

  it('opens a PR labelled rollback and leaves main alone', async () => {
    const { repo } = advanced();
    const main = repo.head();
    const r = await rollgateAsync(['rollback', 'checkout', '--env', 'production', '--to', 'shadow', '--yes', '--dir', repo.dir], { env: { GITHUB_REPOSITORY: 'octo-org/rollouts', GITHUB_TOKEN: 'ghs_rb', GITHUB_API_URL: github.url } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('opened PR #');
    expect(repo.git('ls-remote', 'origin', 'refs/heads/main').split('\t')[0]).toBe(main);
    const pr = github.pullRequestOf(Number(/#(\d+)/.exec(r.stdout)![1]));
    expect(pr).toMatchObject({ head: 'rollgate/rollback/checkout/production', base: 'main', title: 'Roll back checkout in production: staged → shadow (50 % → 0 %)' });
    expect(pr.labels.sort()).toEqual(['rollback', 'rollgate']);
    expect(percentage(repo.dir)).toBe(50);
  });
});
