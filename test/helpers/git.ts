import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Repo {
  /** The clone's work tree. */
  dir: string;
  /** The bare "origin". */
  origin: string;
  git(...args: string[]): string;
  /** Rewrites `path` with `edit`, commits with `message` (and `date`, ISO), pushes to origin. Returns the SHA. */
  commit(path: string, edit: (text: string) => string, message: string, date?: string): string;
  head(): string;
}

const ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Ada Tester', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada Tester', GIT_COMMITTER_EMAIL: 'ada@example.com' };

function run(cwd: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...ENV, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** A temp bare origin and a clone of it holding `fixture`, committed on main and pushed. */
export function repoFrom(fixture: string, date = '2026-11-01T10:00:00Z'): Repo {
  const root = mkdtempSync(join(tmpdir(), 'rollgate-git-'));
  const origin = join(root, 'origin.git');
  const dir = join(root, 'work');
  run(root, ['init', '-q', '--bare', '-b', 'main', origin]);
  run(root, ['clone', '-q', origin, dir]);
  run(dir, ['checkout', '-q', '-B', 'main']);
  cpSync(fixture, dir, { recursive: true });
  writeFileSync(join(dir, '.gitignore'), 'build/\n');
  run(dir, ['add', '-A']);
  run(dir, ['commit', '-q', '-m', 'Initial config'], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  run(dir, ['push', '-q', '-u', 'origin', 'main']);
  const repo: Repo = {
    dir,
    origin,
    git: (...args) => run(dir, args),
    commit(path, edit, message, when = new Date().toISOString()) {
      const file = join(dir, path);
      writeFileSync(file, edit(readFileSync(file, 'utf8')));
      run(dir, ['add', path]);
      run(dir, ['commit', '-q', '-m', message], { GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when });
      run(dir, ['push', '-q', 'origin', 'main']);
      return repo.head();
    },
    head: () => run(dir, ['rev-parse', 'HEAD']),
  };
  return repo;
}

/** Sets `env`'s stage in a rollout file's text (the one-line change a PR makes). */
export const setStage = (env: string, stage: string) => (text: string) =>
  // A stage may be quoted ('off': YAML 1.1 readers take a bare off for false); off is written quoted too.
  text.replace(new RegExp(`(\\n    ${env}:\\n      stage: )(?:'[\\w-]+'|"[\\w-]+"|[\\w-]+)`), `$1${stage === 'off' ? "'off'" : stage}`);
