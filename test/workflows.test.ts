import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.ts';
import { repoFrom, setStage } from './helpers/git.ts';

const dir = join(ROOT, '.github', 'workflows');
const workflows = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

describe.each(workflows)('.github/workflows/%s', (name) => {
  const text = readFileSync(join(dir, name), 'utf8');
  const wf = parse(text) as { on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, { steps?: { uses?: string }[]; permissions?: unknown }> };

  // pull_request_target runs with secrets and a write token: only gate.yml may use it, and
  // only to run base's code (no PR ref checked out, no install scripts). attacks.test.ts runs it.
  it('uses pull_request_target only to run base code', () => {
    if (!Object.keys(wf.on ?? {}).includes('pull_request_target')) return;
    expect(name).toBe('gate.yml');
    const steps = Object.values(wf.jobs).flatMap((j) => (j.steps ?? []) as { uses?: string; run?: string; with?: Record<string, unknown> }[]);
    for (const s of steps.filter((x) => x.uses?.startsWith('actions/checkout@'))) expect(s.with?.ref, 'checkout of another ref than base').toBeUndefined();
    for (const s of steps.filter((x) => /\bnpm (ci|install)\b/.test(x.run ?? ''))) expect(s.run).toContain('--ignore-scripts');
    expect(text).not.toMatch(/github\.event\.pull_request\.head\.(ref|sha)/);
  });

  it('a workflow run for a PR review has no permissions at all', () => {
    if (!Object.keys(wf.on ?? {}).includes('pull_request_review')) return;
    expect(wf.permissions).toEqual({});
    for (const job of Object.values(wf.jobs)) expect(job.permissions).toBeUndefined();
  });

  it('sets least-privilege permissions at the top (read-only contents unless a job widens it)', () => {
    expect(wf.permissions).toBeDefined();
    expect(wf.permissions).not.toBe('write-all');
    expect(Object.values(wf.permissions!).every((v) => v === 'read' || v === 'none')).toBe(true);
  });

  it('pins every action to a full commit SHA', () => {
    const uses = Object.values(wf.jobs).flatMap((j) => (j.steps ?? []).map((s) => s.uses).filter((u): u is string => Boolean(u)));
    for (const u of uses) expect(u, u).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
  });

  it('never echoes a secret', () => {
    expect(text).not.toMatch(/echo[^\n]*\$\{\{\s*secrets\./);
  });
});

/** Shell words of a command line, quotes kept: enough for the commands our workflows run. */
function words(line: string): string[] {
  return line.match(/(?:[^\s"']|"(?:[^"\\]|\\.)*"|'[^']*')+/g) ?? [];
}

/** Every `rollgate` command line in a workflow's run scripts (continuation lines joined). */
function rollgateCalls(file: string): string[] {
  const wf = parse(readFileSync(join(dir, file), 'utf8')) as { jobs: Record<string, { steps?: { run?: string }[] }> };
  const scripts = Object.values(wf.jobs).flatMap((j) => (j.steps ?? []).map((s) => s.run).filter((r): r is string => Boolean(r)));
  return scripts.flatMap((r) => r.replace(/\\\n\s*/g, ' ').split('\n')).filter((l) => /\brollgate\b/.test(l) && !/^\s*git config/.test(l));
}

// Inputs such as a workflow_dispatch rollout name are untrusted: "--emergency" as a name must
// stay a name. So options come first, each value bound with "=", then "--", then positionals.
describe.each(['rollback.yml', 'sync.yml', 'validate.yml', 'gate.yml', 'watch.yml', 'propose.yml'])('rollgate calls in .github/workflows/%s', (file) => {
  const calls = rollgateCalls(file);

  it('has rollgate calls', () => expect(calls.length).toBeGreaterThan(0));

  it.each(calls)('%s: a literal verb, options bound with "=", then "--" before any positional', (line) => {
    const w = words(line.trim().replace(/^run:\s*/, ''));
    const at = w.indexOf('rollgate');
    expect(w.slice(0, at), line).toEqual(['npx']);
    expect(w[at + 1], `${line}: the verb`).toMatch(/^[a-z]+$/);
    const end = w.indexOf('--', at + 2);
    expect(end, `${line}: no "--"`).toBeGreaterThan(at);
    for (const option of w.slice(at + 2, end)) expect(option, `${line}: before "--"`).toMatch(/^--[a-z][a-z-]*(=\S.*)?$/);
  });
});

describe("rollback.yml's script, run by bash against a repository", () => {
  const step = (parse(readFileSync(join(dir, 'rollback.yml'), 'utf8')) as { jobs: { rollback: { steps: { name?: string; run?: string }[] } } }).jobs.rollback.steps.find((s) => s.name === 'rollback --emergency')!;
  const BIN = join(ROOT, 'scripts', 'bin', 'rollgate.js');
  const runStep = (repoDir: string, inputs: Record<string, string>) =>
    spawnSync('bash', ['-e', '-c', `npx() { [ "$1" = rollgate ] || exit 99; shift; node "$BIN" "$@"; }\n${step.run}`], {
      cwd: repoDir,
      env: { ...process.env, BIN, GITHUB_ACTIONS: '', NO_COLOR: '1', ...inputs },
      encoding: 'utf8',
      timeout: 60_000,
    });
  const percentage = (repoDir: string) => JSON.parse(readFileSync(join(repoDir, 'build', 'flags', 'production.flagd.json'), 'utf8')).flags['checkout-v2'].metadata.percentage;

  it('a rollout named --emergency is an unknown rollout: exit 2, nothing committed', () => {
    const repo = repoFrom(join(ROOT, 'test', 'fixtures', 'sync'));
    const head = repo.git('ls-remote', 'origin', 'refs/heads/main');
    const r = runStep(repo.dir, { ROLLOUT: '--emergency', ENV_NAME: 'production', TO: '', REASON: 'drill' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no rollout "--emergency"');
    expect(repo.git('ls-remote', 'origin', 'refs/heads/main')).toBe(head);
  });

  it('an empty TO undoes the last advance, and a reason starting with "--" is a reason', () => {
    const repo = repoFrom(join(ROOT, 'test', 'fixtures', 'sync'));
    repo.commit('rollout/checkout.yaml', setStage('production', 'staged'), 'Advance checkout in production');
    const r = runStep(repo.dir, { ROLLOUT: 'checkout', ENV_NAME: 'production', TO: '', REASON: '--to=shadow paged at 3am' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Roll back checkout in production: staged → canary');
    expect(percentage(repo.dir)).toBe(10);
    expect(repo.git('log', '-1', '--format=%(trailers:key=Reason,valueonly)', 'origin/main')).toBe('--to=shadow paged at 3am');
  });
});

// Issue 13's warm path in CI: validate.yml restores the folder `rollgate validate` caches in
// (no XDG_CACHE_HOME on a runner: ~/.cache/rollgate), and the trusted gate job never does.
describe('the validate cache in the workflows', () => {
  const steps = (file: string) => {
    const wf = parse(readFileSync(join(dir, file), 'utf8')) as { jobs: Record<string, { steps?: { uses?: string; run?: string; with?: Record<string, string> }[] }> };
    return Object.values(wf.jobs).flatMap((j) => j.steps ?? []);
  };

  it('validate.yml restores ~/.cache/rollgate before validate runs', () => {
    const all = steps('validate.yml');
    const cache = all.findIndex((s) => s.uses?.startsWith('actions/cache@'));
    const validate = all.findIndex((s) => /\brollgate validate\b/.test(s.run ?? ''));
    expect(cache, 'an actions/cache step').toBeGreaterThanOrEqual(0);
    expect(cache).toBeLessThan(validate);
    expect(all[cache].with?.path).toBe('~/.cache/rollgate');
    expect(all[cache].with?.key).toMatch(/hashFiles\(/);
  });

  it('the gate job never restores a cache', () => {
    expect(steps('gate.yml').filter((s) => s.uses?.startsWith('actions/cache@'))).toEqual([]);
  });
});
