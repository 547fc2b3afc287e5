import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollgate, ROOT, tempRepo } from './helpers/cli.ts';
import { repoFrom, setStage } from './helpers/git.ts';
import { seedRepo } from './helpers/seed-repo.ts';

// One rule for every verb that takes --env: an acting or evaluating verb (gate, advance, assess,
// rollback) takes the rollout's only environment and refuses when it is in several; a reading
// verb (status, history, watch) shows every environment. Never "the first" or "the last".
const FIXTURE = join(ROOT, 'test', 'fixtures', 'sync');
const FILE = 'rollout/checkout.yaml';
const ago = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const dropEnv = (env: string) => (text: string) => text.replace(new RegExp(`\\n    ${env}:\\n      stage: \\w+`), '');
const addEnv = (env: string, stage: string) => (text: string) => text.replace('  environments:\n', `  environments:\n    ${env}:\n      stage: ${stage}\n`);

/** A copy of the fixture with the rollout file edited. */
function fixtureWith(edit: (text: string) => string): string {
  const dir = tempRepo(FIXTURE);
  writeFileSync(join(dir, FILE), edit(readFileSync(join(dir, FILE), 'utf8')));
  return dir;
}

/** checkout in staging only (no production), advanced canary → staged in staging three days ago. */
function stagingOnly() {
  const repo = repoFrom(fixtureWith((t) => setStage('staging', 'canary')(dropEnv('production')(t))), ago(100));
  repo.commit(FILE, setStage('staging', 'staged'), 'Advance checkout in staging', ago(72));
  return repo;
}

/** checkout in staging and production (the fixture as it is), production advanced canary → staged. */
function bothEnvs() {
  const repo = repoFrom(FIXTURE, ago(100));
  repo.commit(FILE, setStage('production', 'staged'), 'Advance checkout in production', ago(72));
  return repo;
}

const json = (args: string[]) => {
  const r = rollgate([...args, '--format', 'json']);
  return { ...r, out: r.stdout ? JSON.parse(r.stdout) : undefined };
};

describe('a rollout in exactly one environment: every verb takes that one', () => {
  const repo = stagingOnly();

  it('gate evaluates staging', () => {
    const r = json(['gate', 'checkout', '--dir', repo.dir]);
    expect(r.stderr).toBe('');
    expect(r.out).toMatchObject({ env: 'staging', from: { stage: 'staged' }, to: { stage: 'full' } });
  });

  it('assess reads staging', () => {
    const r = json(['assess', 'checkout', '--dir', repo.dir]);
    expect(r.stderr).toBe('');
    expect(r.out).toMatchObject({ env: 'staging', stage: 'staged' });
  });

  it('advance --no-push branches for staging', () => {
    const r = rollgate(['advance', 'checkout', '--no-push', '--dir', repo.dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Advance checkout in staging: staged → full');
    expect(repo.git('branch', '--list', 'rollgate/advance/*')).toContain('rollgate/advance/checkout/staging');
  });

  it('status and history show it (in staging only)', () => {
    expect(json(['status', '--dir', repo.dir]).out.rollouts.map((r: { env: string }) => r.env)).toEqual(['staging']);
    expect([...new Set(json(['history', 'checkout', '--dir', repo.dir]).out.changes.map((c: { env: string }) => c.env))]).toEqual(['staging']);
  });

  it('rollback undoes the last advance in staging', () => {
    const r = rollgate(['rollback', 'checkout', '--emergency', '--yes', '--reason', 'test', '--dir', repo.dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Roll back checkout in staging: staged → canary (50 % → 10 %)');
  });
});

describe('a rollout in several environments: acting verbs ask for --env, reading verbs show all', () => {
  const repo = bothEnvs();

  it.each([
    ['gate', ['gate', 'checkout']],
    ['assess', ['assess', 'checkout', '--format', 'json']],
    ['advance', ['advance', 'checkout', '--no-push']],
    ['rollback', ['rollback', 'checkout', '--emergency', '--yes']],
  ])('%s refuses (exit 2), names the environments and the exact commands, and changes nothing', (verb, args) => {
    const main = repo.git('ls-remote', 'origin', 'refs/heads/main');
    const r = rollgate([...args, '--dir', repo.dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`rollgate ${verb}: checkout is in 2 environments (staging, production): name one with --env`);
    const rest = args.slice(2).join(' ');
    for (const env of ['staging', 'production']) expect(r.stderr).toContain(`\n  rollgate ${verb} checkout${rest ? ` ${rest}` : ''} --dir ${repo.dir} --env ${env}\n`);
    expect(r.stderr).not.toContain('internal error');
    expect(repo.git('ls-remote', 'origin', 'refs/heads/main')).toBe(main);
    expect(repo.git('branch', '--list', 'rollgate/*')).toBe('');
  });

  it('the command it prints keeps a ROLLOUT given after -- a name', () => {
    const r = rollgate(['rollback', '--yes', '--dir', repo.dir, '--', 'checkout']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`\n  rollgate rollback --yes --dir ${repo.dir} --env production -- checkout\n`);
  });

  it('with --env each acting verb works on the environment named', () => {
    expect(json(['gate', 'checkout', '--env', 'production', '--dir', repo.dir]).out).toMatchObject({ env: 'production', from: { stage: 'staged' } });
    expect(json(['assess', 'checkout', '--env', 'staging', '--dir', repo.dir]).out).toMatchObject({ env: 'staging', stage: 'staged' });
  });

  it('status, history and watch show every environment', () => {
    expect(json(['status', '--dir', repo.dir]).out.rollouts.map((r: { env: string }) => r.env)).toEqual(['staging', 'production']);
    expect(json(['status', 'checkout', '--dir', repo.dir]).out.rollouts.map((r: { env: string }) => r.env)).toEqual(['staging', 'production']);
    expect(json(['history', 'checkout', '--dir', repo.dir]).out.changes.map((c: { env: string }) => c.env).sort()).toEqual(['production', 'production', 'staging']);
    const watch = rollgate(['watch', '--dry-run', '--format', 'json', '--dir', repo.dir]);
    expect(JSON.parse(watch.stdout).results.map((r: { env: string }) => r.env)).toEqual(['staging', 'production']);
  });

  it('an unknown --env says which environments there are and the nearest one', () => {
    const r = rollgate(['gate', 'checkout', '--env', 'prodution', '--dir', repo.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--env prodution: no such environment; did you mean production? (known: staging, production)');
  });
});

describe('adding an environment never quietly changes what rollback targets', () => {
  it('rollback X rolls back the one environment; once a second is added it asks, and main is untouched', () => {
    const repo = repoFrom(fixtureWith(dropEnv('staging')), ago(100));
    repo.commit(FILE, setStage('production', 'staged'), 'Advance checkout in production', ago(72));
    const dry = rollgate(['rollback', 'checkout', '--no-push', '--yes', '--dir', repo.dir]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Roll back checkout in production: staged → canary');

    repo.commit(FILE, addEnv('staging', 'full'), 'checkout in staging too', ago(1));
    const main = repo.git('ls-remote', 'origin', 'refs/heads/main');
    const r = rollgate(['rollback', 'checkout', '--emergency', '--yes', '--dir', repo.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('checkout is in 2 environments (staging, production): name one with --env');
    expect(r.stderr).toContain(`rollgate rollback checkout --emergency --yes --dir ${repo.dir} --env production`);
    expect(repo.git('ls-remote', 'origin', 'refs/heads/main')).toBe(main);
  });
});

describe('a rollout in no environment', () => {
  it('acting verbs say so and where to add one', () => {
    const repo = repoFrom(fixtureWith((t) => dropEnv('production')(dropEnv('staging')(t)).replace('  environments:\n', '  environments: {}\n')), ago(100));
    const r = rollgate(['gate', 'checkout', '--dir', repo.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`checkout is in no environment yet: add one under spec.environments in ${FILE}`);
  });
});

describe('status ROLLOUT', () => {
  const repo = seedRepo();

  it('shows that rollout in every environment it is in, and no other rollout', () => {
    const r = json(['status', 'qb-td-calculator-v2', '--dir', repo.dir]);
    expect(r.code).toBe(0);
    expect(r.out.rollouts.map((x: { rollout: string; env: string }) => `${x.rollout} ${x.env}`)).toEqual(['qb-td-calculator-v2 staging', 'qb-td-calculator-v2 production']);
    expect(r.out.orphans).toEqual([]);
    const text = rollgate(['status', 'qb-td-calculator-v2', '--env', 'staging', '--dir', repo.dir]);
    expect(text.stdout).toMatch(/\nqb-td-calculator-v2 +staging +canary +10 /);
    expect(text.stdout).not.toContain('production');
    expect(text.stdout).not.toContain('cohort-analyzer');
    // It ends with the next step: the seeds' first commit is a month old, so the bake allows the gate now.
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(`next in staging: rollgate gate qb-td-calculator-v2 --env staging --dir ${repo.dir}`);
  });

  it('an unknown ROLLOUT is a usage error with the nearest name', () => {
    const r = rollgate(['status', 'qb-td-calculator', '--dir', repo.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rollgate status: no rollout "qb-td-calculator"; did you mean qb-td-calculator-v2? (known: ');
    expect(r.stdout).toBe('');
  });
});
