import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollgate, ROOT } from './helpers/cli.ts';
import { repoFrom, setStage } from './helpers/git.ts';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'sync');
const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
const FILE = 'rollout/checkout.yaml';
const GATE = `  gates:\n    staged:\n      mustPass:\n        - { metric: time_in_stage, op: '>=', value: 24 }\n`;

/** A repository whose main was set up `hours` ago, and a PR branch off it. */
function pr(hours = 72) {
  const repo = repoFrom(FIXTURE, ago(hours));
  repo.git('checkout', '-q', '-b', 'pr');
  const plan = (...args: string[]) => {
    const r = rollgate(['plan', '--dir', repo.dir, '--base', 'origin/main', '--format', 'json', ...args]);
    return { ...r, out: r.stdout.startsWith('{') ? JSON.parse(r.stdout) : undefined };
  };
  const commit = (edit: (t: string) => string, message: string) => {
    repo.commit(FILE, edit, message);
  };
  return { repo, plan, commit };
}
const codes = (out: { refusals: { code: string }[] }) => out.refusals.map((r) => r.code);

describe('rollgate plan: the PR policy', () => {
  it('allows one stage forward after the bake, and lists it', () => {
    const { plan, commit } = pr();
    commit(setStage('production', 'staged'), 'Advance production');
    const r = plan();
    expect(r.code).toBe(0);
    expect(r.out.allowed).toBe(true);
    expect(r.out.changes).toEqual([expect.objectContaining({ kind: 'advance', rollout: 'checkout', env: 'production', from: 'canary', to: 'staged', file: FILE, line: 18, col: 14 })]);
  });

  it('refuses more than one stage forward', () => {
    const { repo, plan, commit } = pr();
    repo.git('checkout', '-q', 'main');
    repo.commit(FILE, setStage('staging', 'full'), 'Staging to full', ago(48));
    repo.git('checkout', '-q', '-B', 'pr');
    commit(setStage('production', 'full'), 'Skip ahead');
    const r = plan();
    expect(r.code).toBe(1);
    expect(codes(r.out)).toEqual(['policy/one-stage']);
    expect(r.out.refusals[0].message).toBe('checkout production: canary → full skips staged');
  });

  it('refuses production ahead of staging (validation runs first)', () => {
    const { repo, commit } = pr();
    commit(setStage('production', 'full'), 'Ahead of staging');
    const r = rollgate(['plan', '--dir', repo.dir, '--base', 'origin/main']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('rollout/promotion-order');
  });

  it('refuses an advance before the bake time has elapsed on the base branch', () => {
    const { repo, plan, commit } = pr(72);
    repo.git('checkout', '-q', 'main');
    repo.commit(FILE, setStage('production', 'shadow'), 'Back to shadow', ago(2));
    repo.commit(FILE, setStage('production', 'canary'), 'Canary again', ago(1));
    repo.git('checkout', '-q', '-B', 'pr');
    commit(setStage('production', 'staged'), 'Too early');
    const r = plan();
    expect(r.code).toBe(1);
    expect(r.out.refusals).toEqual([expect.objectContaining({ code: 'policy/bake', message: expect.stringContaining('of its 24h bake'), hint: expect.stringMatching(/^wait 22h5\dm|^wait 23h/) })]);
  });

  it('always allows a rollback, bake or not', () => {
    const { repo, plan, commit } = pr(72);
    repo.git('checkout', '-q', 'main');
    repo.commit(FILE, setStage('production', 'staged'), 'Advance', ago(0.1));
    repo.git('checkout', '-q', '-B', 'pr');
    commit(setStage('production', 'canary'), 'Roll back');
    const r = plan();
    expect(r.code).toBe(0);
    expect(r.out.changes).toEqual([expect.objectContaining({ kind: 'rollback', from: 'staged', to: 'canary' })]);
  });

  it('refuses changing a gate and advancing through it in one PR (the advance comes alone)', () => {
    const { repo, plan, commit } = pr();
    repo.git('checkout', '-q', 'main');
    repo.commit(FILE, (t) => t + GATE, 'Add a gate', ago(60));
    repo.git('checkout', '-q', '-B', 'pr');
    commit((t) => setStage('production', 'staged')(t.replace("value: 24 }", "value: 1 }")), 'Weaken the gate and pass it');
    const r = plan();
    expect(r.code).toBe(1);
    expect(codes(r.out)).toEqual(['policy/advance-alone']);
    expect(r.out.changes.map((c: { kind: string }) => c.kind).sort()).toEqual(['advance', 'gate']);
  });

  it('refuses changing the percentage of a live stage, not of one nobody is in', () => {
    const live = pr();
    live.commit((t) => t.replace('{ name: canary, percentage: 10,', '{ name: canary, percentage: 20,'), 'Canary to 20 %');
    const r = live.plan();
    expect(r.code).toBe(1);
    expect(r.out.refusals).toEqual([expect.objectContaining({ code: 'policy/live-stage', line: 11 })]);
    const idle = pr();
    idle.commit((t) => t.replace('{ name: shadow, percentage: 0, shadow: true, bake: 1h }', '{ name: shadow, percentage: 0, shadow: true, bake: 2h }'), 'Longer shadow bake');
    expect(idle.plan().code).toBe(0);
  });

  it('--format github annotates the refused line', () => {
    const { repo, commit } = pr();
    commit((t) => t.replace('{ name: canary, percentage: 10,', '{ name: canary, percentage: 20,'), 'Canary to 20 %');
    const r = rollgate(['plan', '--dir', repo.dir, '--base', 'origin/main', '--format', 'github']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`::error file=${FILE},line=11,endLine=11,col=35,endColumn=35,title=policy/live-stage::`);
  });
});

describe('rollgate plan: the freeze', () => {
  const ENVS = 'rollout/environments.yaml';
  const frozen = (until?: string, envs = 'production') => (t: string) => t.replace('spec:\n', `spec:\n  freeze:\n    reason: INC-42 checkout incident\n    environments: [${envs}]\n${until ? `    until: '${until}'\n` : ''}`);
  const onMain = (hours: number, until?: string, envs?: string) => {
    const p = pr(hours);
    p.repo.git('checkout', '-q', 'main');
    p.repo.commit(ENVS, frozen(until, envs), 'Freeze production', ago(48));
    p.repo.git('checkout', '-q', '-B', 'pr');
    return p;
  };

  it('refuses an advance in a frozen environment, with the reason; other environments and rollbacks pass', () => {
    const { plan, commit } = onMain(72);
    commit(setStage('production', 'staged'), 'Advance production');
    const r = plan();
    expect(r.code).toBe(1);
    expect(r.out.refusals).toEqual([expect.objectContaining({ code: 'policy/freeze', message: 'production is frozen: INC-42 checkout incident' })]);
    // Everything frozen: a rollback that serves fewer users still passes.
    const back = onMain(72, undefined, 'staging, production');
    back.commit(setStage('staging', 'canary'), 'Roll staging back');
    expect(back.plan().code).toBe(0);
  });

  it('a PR cannot lift the freeze it advances under: base decides', () => {
    const { repo, plan } = onMain(72);
    repo.commit(ENVS, (t) => t.replace(/  freeze:\n(    .*\n)+/, ''), 'Lift the freeze');
    repo.commit(FILE, setStage('production', 'staged'), 'and advance');
    const r = plan();
    expect(r.code).toBe(1);
    expect(codes(r.out)).toContain('policy/freeze');
    expect(r.out.changes.map((c: { kind: string; detail: string }) => c.detail)).toContain('freeze lifted');
  });

  it('a freeze whose until has passed no longer holds; setting a freeze is listed', () => {
    const { plan, commit } = onMain(72, ago(1));
    commit(setStage('production', 'staged'), 'Advance production');
    expect(plan().code).toBe(0);
    const setting = pr(72);
    setting.repo.commit(ENVS, frozen(), 'Freeze production');
    const r = setting.plan();
    expect(r.code).toBe(0);
    expect(r.out.changes).toEqual([expect.objectContaining({ kind: 'freeze', detail: 'freeze set: INC-42 checkout incident' })]);
  });
});
