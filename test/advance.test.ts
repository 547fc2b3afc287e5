import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setStage as editStage } from '../scripts/git/edit-stage.ts';
import { rollgateAsync, ROOT } from './helpers/cli.ts';
import { GitHubServer } from './helpers/github-server.ts';
import { repoFrom } from './helpers/git.ts';

const TOKEN = 'ghs_test_token_for_rollgate';
let github: GitHubServer;
beforeAll(async () => {
  github = new GitHubServer({ owner: 'octo-org', repo: 'rollouts', token: TOKEN });
  await github.start();
});
afterAll(() => github.stop());

const env = () => ({ GITHUB_REPOSITORY: 'octo-org/rollouts', GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url });
const ago = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

describe('editing a stage keeps every other byte', () => {
  it.each(['qb-td-calculator-v2', 'cohort-analyzer', 'batch-patch-system', 'multi-sport-platform'])('%s: the diff is exactly one line', (name) => {
    const text = readFileSync(join(ROOT, 'rollout', `${name}.yaml`), 'utf8');
    const edited = editStage(text, 'production', 'next-stage');
    const [a, b] = [text.split('\n'), edited.split('\n')];
    expect(b.length).toBe(a.length);
    const changed = a.map((line, i) => (line === b[i] ? undefined : [line, b[i]])).filter(Boolean);
    expect(changed).toHaveLength(1);
    expect(changed[0]![1]).toMatch(/^ {6}stage: '?next-stage'?$/);
  });
});

describe('rollgate advance', () => {
  it('pushes a one-line branch and opens one PR with the gate report; a rerun updates it', async () => {
    const repo = repoFrom(join(ROOT, 'test', 'fixtures', 'sync'), ago(72));
    const base = repo.head();
    const first = await rollgateAsync(['advance', 'checkout', '--env', 'production', '--dir', repo.dir], { env: env() });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('GO: Advance checkout in production: canary → staged (50 %)');
    const branch = 'rollgate/advance/checkout/production';
    expect(repo.git('ls-remote', 'origin', `refs/heads/${branch}`)).toMatch(/^[0-9a-f]{40}/);
    expect(repo.git('diff', '--numstat', `${base}..origin/${branch}`.replace('origin/', ''))).toBe('1\t1\trollout/checkout.yaml');
    expect(repo.git('diff', '-U0', base, branch)).toContain('-    production:\n-      stage: canary'.split('\n')[1].replace('-', '-'));
    expect(repo.git('status', '--porcelain')).toBe(''); // the work tree is untouched

    const created = github.requestsTo('POST', /\/pulls$/);
    expect(created).toHaveLength(1);
    expect(created[0].body).toMatchObject({ head: branch, base: 'main', title: 'Advance checkout in production: canary → staged (50 %)' });
    expect((created[0].body as { body: string }).body).toContain('<!-- rollgate:gate checkout production -->');
    expect(created[0].authorization).toContain(TOKEN);
    const number = github.pullRequestOf(1).number;
    expect(github.pullRequestOf(number).labels.sort()).toEqual(['advance', 'rollgate']);

    const again = await rollgateAsync(['advance', 'checkout', '--env', 'production', '--dir', repo.dir], { env: env() });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`updated PR #${number}`);
    expect(github.requestsTo('POST', /\/pulls$/)).toHaveLength(1);
    expect(github.requestsTo('PATCH', new RegExp(`/pulls/${number}$`))).toHaveLength(1);
  });

  it('--no-push makes the branch locally and talks to nobody', async () => {
    const repo = repoFrom(join(ROOT, 'test', 'fixtures', 'sync'), ago(72));
    github.clearRequests();
    const r = await rollgateAsync(['advance', 'checkout', '--env', 'staging', '--no-push', '--dir', repo.dir], { env: { GITHUB_TOKEN: undefined } });
    expect(r.code).toBe(0);
    expect(repo.git('log', '--format=%s', '-1', 'rollgate/advance/checkout/staging')).toBe('Advance checkout in staging: staged → full (100 %)');
    expect(repo.git('ls-remote', 'origin', 'refs/heads/rollgate/advance/checkout/staging')).toBe('');
    expect(github.requests).toHaveLength(0);
  });

  it('refuses to run past the last stage or without GitHub settings, with no stack trace', async () => {
    const repo = repoFrom(join(ROOT, 'test', 'fixtures', 'sync'), ago(72));
    const noToken = await rollgateAsync(['advance', 'checkout', '--env', 'production', '--dir', repo.dir], { env: { GITHUB_TOKEN: undefined, GITHUB_REPOSITORY: 'octo-org/rollouts' } });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('GITHUB_TOKEN');
    expect(noToken.stderr).not.toMatch(/\n\s+at /);
    const backwards = await rollgateAsync(['advance', 'checkout', '--env', 'production', '--to', 'shadow', '--no-push', '--dir', repo.dir]);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain('not ahead of canary');
  });

  // The sync fixture with a gate into staged (error_rate < 1, the attack fixture's catalog), and
  // a static metrics file that fails it (5 %): NO-GO.
  const gated = () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-gated-'));
    cpSync(join(ROOT, 'test', 'fixtures', 'sync'), dir, { recursive: true });
    cpSync(join(ROOT, 'test', 'fixtures', 'attack', 'rollout', 'metrics.yaml'), join(dir, 'rollout', 'metrics.yaml'));
    appendFileSync(join(dir, 'rollout', 'checkout.yaml'), "  gates:\n    staged:\n      mustPass:\n        - { metric: error_rate, op: '<', value: 1 }\n");
    return repoFrom(dir, ago(72));
  };
  const failing = () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rollgate-metrics-')), 'metrics.yaml');
    writeFileSync(file, 'error_rate: 5\n');
    return file;
  };

  it('refuses on NO-GO: exit 1, the reasons, no branch, no PR', async () => {
    const repo = gated();
    github.clearRequests();
    const r = await rollgateAsync(['advance', 'checkout', '--env', 'production', '--metrics', failing(), '--dir', repo.dir], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('rollgate advance: NO-GO for checkout in production (canary → staged): not advancing\n  - ');
    expect(r.stderr).toContain('error_rate');
    expect(r.stderr).toContain('--force');
    expect(repo.git('branch', '--list', 'rollgate/advance/*')).toBe('');
    expect(repo.git('ls-remote', 'origin', 'refs/heads/rollgate/advance/checkout/production')).toBe('');
    expect(github.requestsTo('POST', /\/pulls$/)).toHaveLength(0);
  });

  it('--force opens the PR anyway, and its title and stdout say NO-GO', async () => {
    const repo = gated();
    const r = await rollgateAsync(['advance', 'checkout', '--env', 'production', '--metrics', failing(), '--force', '--no-push', '--dir', repo.dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('NO-GO: Advance checkout in production: canary → staged (50 %)');
    expect(r.stderr).toContain('--force');
    expect(repo.git('log', '--format=%B', '-1', 'rollgate/advance/checkout/production')).toContain('Gate: NO-GO');
  });
});
