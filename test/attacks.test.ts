// The gate is the trust boundary. Each test is one attack from the trust issue, made the way
// an attacker would: a real PR branch pushed to a bare origin as refs/pull/N/head, with a
// Prometheus whose numbers fail the gate and a local GitHub, and judged by gate.yml's job as
// Actions runs it (base checked out, the PR read as git objects, base's rollgate). Every
// attack must end refused or NO-GO; the legitimate one-line advance on passing data is GO.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.ts';
import { FakePrometheus } from './helpers/fake-prometheus.ts';
import { repoFrom, setStage, type Repo } from './helpers/git.ts';
import { GitHubServer } from './helpers/github-server.ts';
import { runJob, type JobResult } from './helpers/workflow-runner.ts';

const TOKEN = 'ghs_attack_test_token';
const PROM_TOKEN = 'prom-secret-token';
const FILE = 'rollout/checkout.yaml';
const ENVS = 'rollout/environments.yaml';
const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

let github: GitHubServer;
let failing: FakePrometheus; // error_rate 5 %: every gate on it fails
let passing: FakePrometheus; // error_rate 0.2 %
let attacker: FakePrometheus; // the PR author's server: must never be asked anything
beforeAll(async () => {
  github = new GitHubServer({ owner: 'octo-org', repo: 'rollouts', token: TOKEN });
  await github.start();
  [failing, passing, attacker] = [new FakePrometheus(() => 5), new FakePrometheus(() => 0.2), new FakePrometheus(() => 0)];
  await Promise.all([failing.start(), passing.start(), attacker.start()]);
});
afterAll(async () => {
  await Promise.all([github.stop(), failing.stop(), passing.stop(), attacker.stop()]);
});

/** A repository holding rollgate itself (the base code the gate job runs) and the attack fixture's config. */
function baseRepo(prometheus: FakePrometheus, edit?: (dir: string) => void): Repo {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-attack-'));
  for (const f of ['scripts', 'schemas', 'package.json', 'package-lock.json', 'tsconfig.json']) cpSync(join(ROOT, f), join(dir, f), { recursive: true });
  cpSync(join(ROOT, 'test', 'fixtures', 'attack'), dir, { recursive: true });
  const envs = join(dir, ENVS);
  writeFileSync(envs, readFileSync(envs, 'utf8').replaceAll('PROMETHEUS_URL', prometheus.url));
  edit?.(dir);
  const repo = repoFrom(dir, ago(72));
  writeFileSync(join(repo.dir, '.gitignore'), 'build/\nnode_modules\n');
  return repo;
}

interface Pr {
  number: number;
  sha: string;
}

/** A PR off origin/main: `change` edits the work tree, then it is committed and pushed as refs/pull/N/head. */
function openPr(repo: Repo, name: string, change: (dir: string) => void, body = 'Please merge.', date?: string): Pr {
  repo.git('checkout', '-q', '-B', name, 'origin/main');
  change(repo.dir);
  repo.git('add', '-A');
  const env = date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {};
  execFileSync('git', ['commit', '-q', '--allow-empty', '-m', name], { cwd: repo.dir, env: { ...process.env, GIT_AUTHOR_NAME: 'Mallory', GIT_AUTHOR_EMAIL: 'm@example.com', GIT_COMMITTER_NAME: 'Mallory', GIT_COMMITTER_EMAIL: 'm@example.com', ...env } });
  const sha = repo.head();
  const number = github.addPullRequest({ head: name, headSha: sha, author: 'mallory', body });
  repo.git('push', '-q', '-f', 'origin', `HEAD:refs/pull/${number}/head`);
  repo.git('checkout', '-q', 'main');
  return { number, sha };
}

const edit = (path: string, f: (text: string) => string) => (dir: string) => writeFileSync(join(dir, path), f(readFileSync(join(dir, path), 'utf8')));

/** gate.yml's job on a pull_request_target event for `pr`. */
function gateJob(repo: Repo, pr: Pr): Promise<JobResult> {
  return runJob({
    workflow: 'gate.yml',
    job: 'gate',
    eventName: 'pull_request_target',
    event: { pull_request: { number: pr.number, base: { ref: 'main' }, head: { sha: pr.sha } }, repository: { default_branch: 'main' } },
    origin: repo.origin,
    secrets: { GITHUB_TOKEN: TOKEN },
    env: { GITHUB_API_URL: github.url, PROM_TOKEN },
  });
}

const runsOf = (pr: Pr) => github.checkRuns().filter((r) => r.headSha === pr.sha);
const step = (job: JobResult, name: RegExp) => job.steps.find((s) => name.test(s.name))!;
const output = (job: JobResult) => job.steps.map((s) => s.stdout + s.stderr).join('\n');

/** The job refused the PR: it failed, no check run says success, and at least one says failure. */
function expectRefused(job: JobResult, pr: Pr, ...codes: string[]) {
  expect(job.ok, output(job)).toBe(false);
  const runs = runsOf(pr);
  expect(runs.some((r) => r.conclusion === 'success' && r.name !== 'rollgate plan'), JSON.stringify(runs)).toBe(false);
  expect(runs.find((r) => r.name === 'rollgate plan')?.conclusion).toBe('failure');
  for (const code of codes) expect(output(job)).toContain(code);
}

describe('the gate job against attacks (gate.yml as Actions runs it)', { timeout: 180_000 }, () => {
  it('the legitimate one-line advance on passing data, approved by sre: GO', async () => {
    const repo = baseRepo(passing);
    const pr = openPr(repo, 'advance', edit(FILE, setStage('staging', 'staged')));
    github.addReview(pr.number, { login: 'bob', state: 'APPROVED', commitId: pr.sha });
    const job = await gateJob(repo, pr);
    expect(job.ok, output(job)).toBe(true);
    expect(runsOf(pr).map((r) => [r.name, r.conclusion]).sort()).toEqual([
      ['rollgate gate: checkout staging', 'success'],
      ['rollgate plan', 'success'],
    ]);
    expect(passing.seen.at(-1)?.authorization).toBe(`Bearer ${PROM_TOKEN}`);
  });

  it('the same advance on failing data: NO-GO, measured with base’s query', async () => {
    const repo = baseRepo(failing);
    const pr = openPr(repo, 'advance', edit(FILE, setStage('staging', 'staged')));
    github.addReview(pr.number, { login: 'bob', state: 'APPROVED', commitId: pr.sha });
    const job = await gateJob(repo, pr);
    expect(job.ok).toBe(false);
    expect(runsOf(pr).find((r) => r.name === 'rollgate gate: checkout staging')?.conclusion).toBe('failure');
    expect(step(job, /gate every move/).stdout).toContain('NO-GO');
  });

  it('PR code never runs: a PR replacing bin, scripts/ and adding an install script gets base code’s verdict', async () => {
    const repo = baseRepo(failing);
    const marker = join(mkdtempSync(join(tmpdir(), 'rollgate-pwned-')), 'pwned');
    const evil = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran'); console.log('GO'); process.exit(0);\n`;
    const pr = openPr(repo, 'evil', (dir) => {
      edit(FILE, setStage('staging', 'staged'))(dir);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      pkg.bin = { rollgate: 'evil.cjs' };
      pkg.scripts = { ...pkg.scripts, preinstall: 'node evil.cjs', postinstall: 'node evil.cjs' };
      writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
      writeFileSync(join(dir, 'evil.cjs'), evil);
      writeFileSync(join(dir, 'scripts', 'bin', 'rollgate.js'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nconsole.log('GO');\n`);
      writeFileSync(join(dir, 'scripts', 'gates', 'decide.ts'), `export const decide = () => ({ decision: 'GO', reasons: [], shouldPassed: 0 });\n`);
    });
    github.addReview(pr.number, { login: 'bob', state: 'APPROVED', commitId: pr.sha });
    const job = await gateJob(repo, pr);
    expect(existsSync(marker)).toBe(false);
    expect(job.ok).toBe(false);
    expect(runsOf(pr).find((r) => r.name === 'rollgate gate: checkout staging')?.conclusion).toBe('failure');
    expect(step(job, /gate every move/).stdout).toContain('NO-GO');
    // The work tree the job ran in is base's, byte for byte.
    expect(readFileSync(join(job.workdir, 'scripts', 'bin', 'rollgate.js'), 'utf8')).toBe(readFileSync(join(ROOT, 'scripts', 'bin', 'rollgate.js'), 'utf8'));
  });

  it('advancing into a stage base does not have (a new stage, without a gate): refused', async () => {
    const repo = baseRepo(failing);
    const pr = openPr(repo, 'new-stage', edit(FILE, (t) => setStage('staging', 'blast')(t.replace("    - { name: staged,", "    - { name: blast, percentage: 50 }\n    - { name: staged,"))));
    const job = await gateJob(repo, pr);
    expectRefused(job, pr, 'policy/no-base-gate', 'stage blast does not exist on base');
  });

  it('a PR whose config does not validate is refused on the PR (a check run), not only in the log', async () => {
    const repo = baseRepo(failing);
    const pr = openPr(repo, 'invalid', edit(FILE, (t) => setStage('staging', 'blast')(t.replace("    - { name: staged,", "    - { name: blast, percentage: 100 }\n    - { name: staged,"))));
    const job = await gateJob(repo, pr);
    expectRefused(job, pr, 'rollout/percentage-order');
  });

  it('renaming the next stage and dropping its gate: refused', async () => {
    const repo = baseRepo(failing);
    const pr = openPr(repo, 'rename-stage', edit(FILE, (t) => setStage('staging', 'wide')(t.replace('{ name: staged,', '{ name: wide,').replace(/    staged:\n      mustPass:\n.*\n      approvals:\n.*\n/, ''))));
    const job = await gateJob(repo, pr);
    expectRefused(job, pr, 'policy/no-base-gate');
    expect(runsOf(pr).find((r) => r.name.startsWith('rollgate gate'))?.conclusion).toBe('failure');
  });

  it('renaming a rollout and keeping its flag, at 100 %: refused (a rename is a rename)', async () => {
    const repo = baseRepo(failing);
    const pr = openPr(repo, 'rename-rollout', (dir) => {
      const text = readFileSync(join(dir, FILE), 'utf8');
      rmSync(join(dir, FILE));
      writeFileSync(join(dir, 'rollout/checkout2.yaml'), setStage('production', 'full')(setStage('staging', 'full')(text.replace('name: checkout', 'name: checkout-two'))));
    });
    const job = await gateJob(repo, pr);
    expectRefused(job, pr, 'renamed-rollout', 'policy/no-base-gate', 'renamed from checkout');
  });

  it('a brand-new rollout starting at its last stage: refused', async () => {
    const repo = baseRepo(failing);
    const pr = openPr(repo, 'new-rollout', (dir) => {
      const text = readFileSync(join(dir, FILE), 'utf8');
      writeFileSync(join(dir, 'rollout/fresh.yaml'), setStage('production', 'full')(setStage('staging', 'full')(text.replace('name: checkout', 'name: fresh').replace('flag: checkout-v2', 'flag: fresh-v1'))));
    });
    const job = await gateJob(repo, pr);
    expectRefused(job, pr, 'new-rollout', 'a new rollout starts every environment at its first stage');
  });

  it('deleting a stage nobody is in and skipping over it: refused (one stage in base’s list)', async () => {
    const repo = baseRepo(failing);
    const pr = openPr(repo, 'skip', edit(FILE, (t) => setStage('staging', 'full')(t.replace(/    - \{ name: staged.*\n/, '').replace(/    staged:\n      mustPass:\n.*\n      approvals:\n.*\n/, ''))));
    const job = await gateJob(repo, pr);
    expectRefused(job, pr, 'policy/one-stage', 'skips staged');
  });

  it('the PR’s metric catalog (error_rate: vector(0)) is never read: refused, and the gate measures base’s query', async () => {
    const repo = baseRepo(failing);
    const pr = openPr(repo, 'catalog', (dir) => {
      edit('rollout/metrics.yaml', (t) => t.replace(/query: >-\n(.*\n){2}/, 'query: vector(0)\n'))(dir);
      edit(FILE, setStage('staging', 'staged'))(dir);
    });
    github.addReview(pr.number, { login: 'bob', state: 'APPROVED', commitId: pr.sha });
    failing.seen.length = 0;
    const job = await gateJob(repo, pr);
    expectRefused(job, pr, 'policy/advance-alone', 'metric error_rate changed');
    expect(failing.seen.map((s) => s.query)).not.toContain('vector(0)');
    expect(failing.seen.some((s) => s.query.includes('app_requests_total'))).toBe(true);
    expect(step(job, /gate every move/).stdout).toContain('NO-GO');
  });

  it('the PR’s environments.yaml (its own approver, its own metrics URL): refused, the token never leaves for the PR’s URL', async () => {
    const repo = baseRepo(failing);
    const pr = openPr(repo, 'envs', (dir) => {
      edit(ENVS, (t) => t.replaceAll(failing.url, attacker.url).replace('members: [bob]', 'members: [bob, mallory-friend]'))(dir);
      edit(FILE, setStage('staging', 'staged'))(dir);
    });
    github.addReview(pr.number, { login: 'mallory-friend', state: 'APPROVED', commitId: pr.sha });
    const job = await gateJob(repo, pr);
    expectRefused(job, pr, 'policy/advance-alone');
    expect(attacker.seen).toEqual([]);
    const gate = runsOf(pr).find((r) => r.name === 'rollgate gate: checkout staging');
    expect(gate?.conclusion).toBe('failure');
    expect(gate?.text).toContain('sre');
  });

  it('a static metrics file added by the PR is never read', async () => {
    const repo = baseRepo(failing);
    const pr = openPr(repo, 'static', (dir) => {
      edit(ENVS, (t) => t.replace(`{ type: prometheus, url: '${failing.url}', tokenEnv: PROM_TOKEN }`, '{ type: static, file: rollout/numbers.json }'))(dir);
      writeFileSync(join(dir, 'rollout', 'numbers.json'), JSON.stringify({ error_rate: 0 }));
      edit(FILE, setStage('staging', 'staged'))(dir);
    });
    const job = await gateJob(repo, pr);
    expectRefused(job, pr, 'provider', 'policy/advance-alone');
    expect(step(job, /gate every move/).stdout).toContain('NO-GO');
  });

  it('a percentage raised in the stage being entered: refused (the stage must be as base defines it)', async () => {
    const repo = baseRepo(failing);
    const pr = openPr(repo, 'raise', edit(FILE, (t) => setStage('staging', 'staged')(t.replace('{ name: staged, percentage: 50,', '{ name: staged, percentage: 90,'))));
    const job = await gateJob(repo, pr);
    expectRefused(job, pr, 'policy/stage-as-on-base', 'base’s staged serves 50 % by userId'.replace('’', "'"));
  });

  it('a live stage raised in place, stickiness or flag changed while serving: listed and refused', async () => {
    const repo = baseRepo(failing);
    for (const [name, change, kind] of [
      ['in-place', (t: string) => t.replace('{ name: canary, percentage: 10,', '{ name: canary, percentage: 20,'), 'percentage'],
      ['stickiness', (t: string) => t.replace('stickiness: userId', 'stickiness: sessionId'), 'stickiness'],
      ['flag', (t: string) => t.replace('flag: checkout-v2', 'flag: checkout-v3'), 'flag'],
    ] as const) {
      const pr = openPr(repo, name, edit(FILE, change));
      const job = await gateJob(repo, pr);
      expectRefused(job, pr, kind);
      expect(output(job)).toMatch(/policy\/(live-stage|no-base-gate)/);
    }
  });

  it('removing an environment entry, then re-adding it at the last stage: the removal is listed (sync turns the flag off), the re-add refused', async () => {
    const repo = baseRepo(failing, edit(FILE, setStage('staging', 'full')));
    const remove = openPr(repo, 'remove-env', edit(FILE, (t) => t.replace(/    production:\n      stage: canary\n/, '')));
    const first = await gateJob(repo, remove);
    expect(step(first, /^plan/).stdout).toContain('production removed (was at canary): sync turns the flag off there');
    expect(step(first, /^plan/).stdout).toContain('production checkout-v2: 10 % by userId → not managed (off)');
    // It merges (less exposure needs no gate); then the re-add.
    repo.git('fetch', '-q', 'origin', `refs/pull/${remove.number}/head`);
    repo.git('merge', '-q', '--ff-only', 'FETCH_HEAD');
    repo.git('push', '-q', 'origin', 'main');
    const readd = openPr(repo, 're-add', edit(FILE, (t) => t.replace('    staging:\n      stage: full\n', '    staging:\n      stage: full\n    production:\n      stage: full\n')));
    const job = await gateJob(repo, readd);
    expectRefused(job, readd, 'policy/no-base-gate', 'production is new to this rollout on base');
  });

  it('weakening a gate is a config change: it needs the config owners and the gate’s approvers', async () => {
    const repo = baseRepo(failing, edit(ENVS, (t) => t.replace('  approverGroups:\n', '  configOwners: platform\n  approverGroups:\n    platform:\n      members: [carol]\n')));
    const pr = openPr(repo, 'weaken', edit(FILE, (t) => t.replace("{ metric: error_rate, op: '<', value: 1 }", "{ metric: error_rate, op: '<', value: 100 }")));
    const job = await gateJob(repo, pr);
    expect(job.ok).toBe(false);
    expect(step(job, /^plan/).stdout).toContain('refused: waiting for approvals from platform, sre');
    expect(runsOf(pr).find((r) => r.name === 'rollgate plan')?.conclusion).toBe('failure');
    // Both approve: the config change may merge (it moves nobody).
    github.addReview(pr.number, { login: 'carol', state: 'APPROVED', commitId: pr.sha });
    github.addReview(pr.number, { login: 'bob', state: 'APPROVED', commitId: pr.sha });
    const again = await gateJob(repo, pr);
    expect(again.ok, output(again)).toBe(true);
    expect(runsOf(pr).filter((r) => r.name === 'rollgate plan').at(-1)?.conclusion).toBe('success');
  });

  it('edits to the rollback matrix are listed and need review', async () => {
    const repo = baseRepo(failing, edit(FILE, (t) => t + '  rollback:\n    - { severity: CRITICAL, when: { any: [{ metric: error_rate, op: ">", value: 5 }] }, action: rollback, to: "off", mode: emergency }\n'));
    const pr = openPr(repo, 'matrix', edit(FILE, (t) => t.replace('value: 5 }', 'value: 500 }')));
    const job = await gateJob(repo, pr);
    expect(step(job, /^plan/).stdout).toContain('rollback-matrix');
    expect(step(job, /^plan/).stdout).toContain('waiting for approvals from sre');
    expect(job.ok).toBe(false);
  });

  it('bake counts from when the commit landed on main: a backdated commit does not shorten it', async () => {
    const repo = baseRepo(passing);
    // main: staging enters canary anew now, with a commit dated three days ago.
    repo.commit(FILE, setStage('staging', 'off'), 'Roll staging back', ago(1));
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'noop'], { cwd: repo.dir });
    writeFileSync(join(repo.dir, FILE), setStage('staging', 'canary')(readFileSync(join(repo.dir, FILE), 'utf8')));
    execFileSync('git', ['commit', '-q', '-am', 'Staging to canary (backdated)'], { cwd: repo.dir, env: { ...process.env, GIT_AUTHOR_DATE: ago(72), GIT_COMMITTER_DATE: ago(72), GIT_AUTHOR_NAME: 'M', GIT_AUTHOR_EMAIL: 'm@e', GIT_COMMITTER_NAME: 'M', GIT_COMMITTER_EMAIL: 'm@e' } });
    repo.git('push', '-q', 'origin', 'main');
    const pr = openPr(repo, 'too-early', edit(FILE, setStage('staging', 'staged')));
    github.addReview(pr.number, { login: 'bob', state: 'APPROVED', commitId: pr.sha });
    const job = await gateJob(repo, pr);
    expectRefused(job, pr, 'policy/bake');
    expect(runsOf(pr).find((r) => r.name === 'rollgate gate: checkout staging')?.conclusion).not.toBe('success');
  });

  it('bake counts from GitHub’s merge time where it has one: a whole history backdated does not shorten it', async () => {
    const repo = baseRepo(passing);
    // Staging entered canary in a commit dated 72 h ago, on a history as old; GitHub merged its PR 1 h ago.
    const entered = repo.commit(FILE, setStage('staging', 'off'), 'Roll staging back', ago(73));
    const again = repo.commit(FILE, setStage('staging', 'canary'), 'Staging to canary', ago(72));
    const merged = github.addPullRequest({ head: 'canary-again', headSha: again, author: 'mallory', body: '' });
    github.mergePullRequest(merged, { mergedAt: ago(1), mergeCommitSha: again, commits: [entered, again] });
    const pr = openPr(repo, 'early', edit(FILE, setStage('staging', 'staged')));
    github.addReview(pr.number, { login: 'bob', state: 'APPROVED', commitId: pr.sha });
    const job = await gateJob(repo, pr);
    expectRefused(job, pr, 'policy/bake');
    expect(output(job)).toMatch(/for (59m\d+s|1h[\dms]*) of its 24h bake/);
  });

  it('two YAML readers cannot disagree: a %YAML 1.1 header, an unknown tag or a merge key is refused on the PR', async () => {
    const repo = baseRepo(failing);
    for (const [name, change, code] of [
      ['yaml-1.1', (t: string) => `%YAML 1.1\n---\n${t.replace("value: 1 }", 'value: 0310 }')}`, 'yaml/directive'],
      ['tag', (t: string) => t.replace("value: 1 }", 'value: !note 1 }'), 'yaml/tag'],
      ['merge-key', (t: string) => t.replace("    staged:\n      mustPass:", "    staged:\n      <<: { mustPass: [] }\n      mustPass:"), 'yaml/merge-key'],
    ] as const) {
      const pr = openPr(repo, name, edit(FILE, (t) => setStage('staging', 'staged')(change(t))));
      const job = await gateJob(repo, pr);
      expectRefused(job, pr, code);
    }
  });

  it('a manual check ticked only inside an HTML comment, a code fence or a quote is not ticked', async () => {
    const CHECK = 'Runbook reviewed';
    const repo = baseRepo(passing, edit(FILE, (t) => t.replace("    staged:\n      mustPass:\n", `    staged:\n      mustPass:\n        - { check: ${CHECK} }\n`)));
    const body = ['Advance.', '<!--', `- [x] ${CHECK}`, '-->', '```', `- [x] ${CHECK}`, '```', `> - [x] ${CHECK}`, '', `- [ ] ${CHECK}`].join('\n');
    const pr = openPr(repo, 'checks', edit(FILE, setStage('staging', 'staged')), body);
    github.addReview(pr.number, { login: 'bob', state: 'APPROVED', commitId: pr.sha });
    const job = await gateJob(repo, pr);
    expect(job.ok).toBe(false);
    const gate = runsOf(pr).find((r) => r.name === 'rollgate gate: checkout staging');
    expect(gate?.conclusion).toBe('action_required'); // CONDITIONAL: the check is pending
  });
});
