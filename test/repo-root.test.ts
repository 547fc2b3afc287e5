import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, rollgate } from './helpers/cli.ts';
import { repoFrom } from './helpers/git.ts';

// Run from a subdirectory, rollgate reads the repository around it, as git does.
describe('rollgate from a subdirectory of the repository', () => {
  const repo = repoFrom(join(ROOT, 'test', 'fixtures', 'sync'));
  const sub = join(repo.dir, 'rollout');
  const deeper = join(repo.dir, 'docs', 'notes');
  mkdirSync(deeper, { recursive: true });

  it('validate reads the whole repository', () => {
    const here = rollgate(['validate', '--format', 'json'], { cwd: repo.dir });
    const r = rollgate(['validate', '--format', 'json'], { cwd: sub });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(here.stdout));
    expect(JSON.parse(r.stdout).files).toBe(2);
  });

  it('sync applies, then status reads, from two levels down', () => {
    const sync = rollgate(['sync', '--format', 'json'], { cwd: deeper });
    expect(sync.stderr).not.toContain('internal error');
    expect(sync.code).toBe(0);
    const status = rollgate(['status', '--format', 'json'], { cwd: sub });
    expect(status.stderr).not.toContain('internal error');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('checkout');
  });

  it('gate finds the rollout', () => {
    const r = rollgate(['gate', 'checkout', '--env', 'production', '--metrics', join(ROOT, 'test', 'fixtures', 'missing-on-purpose.yaml')], { cwd: sub });
    expect(r.stderr).not.toContain('no rollout');
    expect(r.stderr).not.toContain('internal error');
  });

  it('--dir still wins over the working directory', () => {
    const r = rollgate(['validate', '--format', 'json', '--dir', repo.dir], { cwd: tmpdir() });
    expect(JSON.parse(r.stdout).files).toBe(2);
  });
});

describe('outside a rollgate repository', () => {
  const empty = mkdtempSync(join(tmpdir(), 'rollgate-empty-'));

  it.each(['validate', 'status', 'sync', 'history checkout', 'gate checkout'])('%s says where it looked and what to do, exit 2', (verb) => {
    const r = rollgate(verb.split(' '), { cwd: empty });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${empty}: no rollout/ or alerts/ folder`);
    expect(r.stderr).toContain('--dir');
    expect(r.stderr).not.toContain('internal error');
    expect(r.stdout).toBe('');
  });
});

describe('a repository with alert files only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-alerts-only-'));
  mkdirSync(join(dir, 'alerts'));
  cpSync(join(ROOT, 'test', 'fixtures', 'valid', 'minimal', 'alerts', 'channels.yaml'), join(dir, 'alerts', 'channels.yaml'));

  it.each(['status', 'sync', 'watch --dry-run'])('%s says environments.yaml is missing, exit 2', (verb) => {
    const r = rollgate([...verb.split(' '), '--dir', dir]);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).toContain('no Environments file (rollout/environments.yaml)');
    expect(r.code).toBe(2);
  });

  it('a ROLLOUT where there are none says so', () => {
    const r = rollgate(['history', 'checkout', '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no rollout "checkout": the repository has no rollouts yet');
  });
});
