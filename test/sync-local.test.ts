import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, rollgate } from './helpers/cli.ts';
import { repoFrom } from './helpers/git.ts';

const IDENTITY = { GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Ada Tester', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada Tester', GIT_COMMITTER_EMAIL: 'ada@example.com' };
const git = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, ...IDENTITY }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const tryGit = (dir: string, ...args: string[]) => {
  try {
    return git(dir, ...args);
  } catch {
    return undefined;
  }
};

/** A repository made by `rollgate init`, its first commit on main, no remote. */
function initCommitted(): { dir: string; head: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-local-'));
  git(dir, 'init', '-q', '-b', 'main');
  expect(rollgate(['init'], { cwd: dir }).code).toBe(0);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'rollgate init');
  return { dir, head: git(dir, 'rev-parse', 'HEAD') };
}

/** The refusal line of the text report. */
const refusal = (stdout: string) => stdout.split('\n').find((l) => l.trim().startsWith('refused:'));

describe('sync in a repository without a remote', () => {
  const repo = initCommitted();

  it('refuses on main: names origin/main, the ref it compared with, and says what to do; writes nothing', () => {
    const r = rollgate(['sync'], { cwd: repo.dir });
    expect(r.code).toBe(1);
    const line = refusal(r.stdout);
    expect(line).toContain(`there is no origin/main to compare HEAD ${repo.head.slice(0, 7)} with`);
    expect(line).toContain('git push -u origin main');
    expect(line).toContain('rollgate sync --local');
    expect(r.stdout).not.toMatch(/is not the tip of main\b/);
    expect(tryGit(repo.dir, 'rev-parse', '--verify', '--quiet', 'refs/heads/rollgate/flags')).toBeUndefined();
  });

  it('--dry-run reports the same refusal, exit 1, and not "would apply"', () => {
    const real = rollgate(['sync'], { cwd: repo.dir });
    const dry = rollgate(['sync', '--dry-run'], { cwd: repo.dir });
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain('REFUSED');
    expect(dry.stdout).not.toContain('would apply');
    expect(refusal(dry.stdout)).toBe(refusal(real.stdout));
    const json = JSON.parse(rollgate(['sync', '--dry-run', '--format', 'json'], { cwd: repo.dir }).stdout);
    expect(json.ok).toBe(false);
    expect(json.environments.map((e: { status: string }) => e.status)).toEqual(['refused', 'refused']);
  });

  it('--local syncs the local main: the flagd files are committed to rollgate/flags at HEAD', () => {
    const dry = rollgate(['sync', '--local', '--dry-run'], { cwd: repo.dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('would apply');
    const r = rollgate(['sync', '--local', '--format', 'json'], { cwd: repo.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).environments.map((e: { status: string }) => e.status)).toEqual(['applied', 'applied']);
    for (const env of ['staging', 'production']) {
      const file = JSON.parse(git(repo.dir, 'show', `rollgate/flags:${env}.flagd.json`));
      expect(file.metadata.rollgateAppliedSha).toBe(repo.head);
      expect(file.flags['example-feature'].metadata.managedBy).toBe('rollgate');
    }
    const again = rollgate(['sync', '--local'], { cwd: repo.dir });
    expect(again.code).toBe(0);
  });

  it('--local still refuses a HEAD that is not the local main', () => {
    const { dir } = initCommitted();
    git(dir, 'switch', '-q', '-c', 'feature');
    writeFileSync(join(dir, 'rollout', 'example-feature.yaml'), git(dir, 'show', 'HEAD:rollout/example-feature.yaml').replace('flag: example-feature', 'flag: example-feature-2') + '\n');
    git(dir, 'commit', '-q', '-am', 'another flag');
    const r = rollgate(['sync', '--local'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(refusal(r.stdout)).toContain('is not the tip of the local main');
    expect(refusal(r.stdout)).toContain('git switch main');
  });

  it('--local with ROLLGATE_PUBLISH_REMOTE is a usage error: it would publish unpushed commits', () => {
    const r = rollgate(['sync', '--local'], { cwd: repo.dir, env: { ROLLGATE_PUBLISH_REMOTE: 'origin' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ROLLGATE_PUBLISH_REMOTE=origin');
  });
});

describe('sync in a clone whose main is ahead of origin/main', () => {
  it('refuses naming origin/main and its tip, says to push or use --local; the dry run says the same', () => {
    const repo = repoFrom(join(ROOT, 'test', 'fixtures', 'sync'));
    const pushed = repo.head();
    repo.git('commit', '-q', '--allow-empty', '-m', 'not pushed');
    const head = repo.head();
    const r = rollgate(['sync', '--dir', repo.dir]);
    expect(r.code).toBe(1);
    const line = refusal(r.stdout)!;
    expect(line).toContain(`HEAD ${head.slice(0, 7)} is not the tip of origin/main (${pushed.slice(0, 7)})`);
    expect(line).toContain('git push origin HEAD:main');
    expect(line).toContain('rollgate sync --local');
    const dry = rollgate(['sync', '--dir', repo.dir, '--dry-run']);
    expect(dry.code).toBe(1);
    expect(refusal(dry.stdout)).toBe(line);
    expect(rollgate(['sync', '--dir', repo.dir, '--local']).code).toBe(0);
  });
});
