import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollgateAsync } from './helpers/cli.ts';
import { GitHubServer } from './helpers/github-server.ts';
import { setStage } from './helpers/git.ts';
import { seedRepo } from './helpers/seed-repo.ts';

const TOKEN = 'ghs_gate_test_token';
let github: GitHubServer;
beforeAll(async () => {
  github = new GitHubServer({ owner: 'octo-org', repo: 'rollouts', token: TOKEN });
  await github.start();
  github.addTeam('rollgate/sre', ['bob']);
  github.addTeam('rollgate/product', ['carol', 'alice']);
});
afterAll(() => github.stop());

const FILE = 'rollout/qb-td-calculator-v2.yaml';
const CHECK = 'v2 edges perceived as higher quality (user feedback)';
const GOOD = {
  error_rate: 0.6,
  conversion_rate: { treatment: 5.1, control: 5.0 },
  qbtd_user_complaints: 0,
  fallback_rate: 12,
  v2_p95_query_time_ms: 320,
  availability: 99.95,
};
const metricsFile = (values: Record<string, unknown>) => {
  const file = join(mkdtempSync(join(tmpdir(), 'rollgate-metrics-')), 'metrics.yaml');
  writeFileSync(file, JSON.stringify(values));
  return file;
};

describe('rollgate gate on a PR: the report, the comment, the check run', () => {
  const repo = seedRepo(new Date(Date.now() - 72 * 3_600_000).toISOString());
  repo.git('checkout', '-q', '-b', 'advance-qb');
  repo.commit(FILE, setStage('staging', 'staged'), 'Advance QB in staging');
  let pr = 0;
  const gate = (values: Record<string, unknown>, ...extra: string[]) =>
    rollgateAsync(['gate', 'qb-td-calculator-v2', '--env', 'staging', '--base', 'origin/main', '--metrics', metricsFile(values), '--pr', String(pr), '--post', '--format', 'json', '--dir', repo.dir, ...extra], {
      env: { GITHUB_REPOSITORY: 'octo-org/rollouts', GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url },
    });

  beforeAll(() => {
    pr = github.addPullRequest({ head: 'advance-qb', headSha: repo.head(), author: 'alice', body: `Advance.\n\n- [x] ${CHECK}\n` });
    github.addReview(pr, { login: 'bob', state: 'APPROVED', commitId: repo.head() });
    github.addReview(pr, { login: 'alice', state: 'APPROVED', commitId: repo.head() }); // the author: never counts
  });

  it('CONDITIONAL (exit 3) while product has not approved; the author approving changes nothing', async () => {
    const r = await gate(GOOD);
    expect(r.stderr).toContain(`posted to PR #${pr} (comment created)`);
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ decision: 'CONDITIONAL', from: { stage: 'canary' }, to: { stage: 'staged' }, gateFrom: expect.stringMatching(/^origin\/main \([0-9a-f]{7}\)$/) });
    expect(report.approvals).toEqual([
      { group: 'sre', required: 1, approvedBy: ['bob'], ok: true },
      { group: 'product', required: 1, approvedBy: [], ok: false },
    ]);
    expect(report.checks).toContainEqual({ text: CHECK, ticked: true, group: 'shouldPass' });
    expect(github.checkRuns().at(-1)).toMatchObject({ conclusion: 'action_required', headSha: repo.head() });
  });

  it('GO (exit 0) once product approves on the head commit; the comment is updated, not duplicated', async () => {
    github.addReview(pr, { login: 'carol', state: 'APPROVED', commitId: repo.head() });
    const r = await gate(GOOD);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).decision).toBe('GO');
    const comments = github.commentsOf(pr).filter((c) => c.body.includes('<!-- rollgate:gate qb-td-calculator-v2 staging -->'));
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain('### 🟢 GO: qb-td-calculator-v2 staging canary (10 %) → staged (50 %)');
    expect(comments[0].body).toContain('| Conversion rate >= 95 % of v1 baseline | 1.02× (5.1 % vs 5 %) | ≥ 0.95 × control | 48h | point estimate | ✅ PASS |');
    expect(github.checkRuns().at(-1)).toMatchObject({ conclusion: 'success' });
  });

  it('NO-GO (exit 1) when a blocker is hit: the check run annotates the criterion lines in the YAML', async () => {
    const r = await gate({ ...GOOD, error_rate: 2.5 });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.decision).toBe('NO-GO');
    expect(report.reasons).toEqual([
      'must-pass "Error rate < 1 % for 48 hours" failed: 2.5 % is not < 1 throughout the last 48h (the highest value)',
      'blocker "Error rate > 2 % (code or data problem)" hit: 2.5 % is > 2 (point estimate) (blocker hit)',
    ]);
    const run = github.checkRuns().at(-1)!;
    expect(run.conclusion).toBe('failure');
    const lines = run.annotations.map((a) => a.startLine);
    const text = (await import('node:fs')).readFileSync(join(repo.dir, FILE), 'utf8').split('\n');
    expect(lines.map((l) => text[l - 1].trim())).toEqual(['- name: Error rate < 1 % for 48 hours', '- name: Error rate > 2 % (code or data problem)']);
    expect(github.commentsOf(pr).filter((c) => c.body.includes('rollgate:gate'))).toHaveLength(1);
  });

  it('INCONCLUSIVE (exit 4) when a must-pass metric has no data', async () => {
    const { qbtd_user_complaints: _, ...rest } = GOOD;
    const r = await gate(rest);
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout).reasons[0]).toMatch(/^must-pass "Zero user complaints attributable to v2" could not be measured/);
  });

  it('uses the gate of the base branch: weakening it in the PR changes nothing', async () => {
    repo.commit(FILE, (t) => t.replace("          op: '<'\n          value: 1\n          window: 1h\n          for: 48h", "          op: '<'\n          value: 5\n          window: 1h\n          for: 48h"), 'Weaken the gate in the same PR');
    const r = await gate({ ...GOOD, error_rate: 1.5 });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).mustPass[0]).toMatchObject({ threshold: '< 1', result: 'FAIL' });
  });
});

describe('the gate core against the GitHub port fake', () => {
  it('expands team approver groups, reads ticks from the PR body, and ignores stale approvals', async () => {
    const { FakeGitHub } = await import('./helpers/fake-github.ts');
    const { runGate } = await import('../scripts/gates/run-gate.ts');
    const { staticFileProvider } = await import('../scripts/metrics/static-file.ts');
    const { validateRepository } = await import('../scripts/rules/validate-repository.ts');
    const { gitAt } = await import('../scripts/git/simple-git.ts');
    const repo = seedRepo(new Date(Date.now() - 72 * 3_600_000).toISOString());
    const { model } = await validateRepository(repo.dir);
    const fake = new FakeGitHub();
    fake.addTeam('rollgate/sre', ['bob']);
    fake.addTeam('rollgate/product', ['carol']);
    const head = 'c'.repeat(40);
    const number = fake.addPullRequest({ head: 'x', headSha: head, author: 'alice', body: `- [x] ${CHECK}` });
    fake.addReview(number, { login: 'bob', state: 'APPROVED', commitId: head });
    fake.addReview(number, { login: 'carol', state: 'APPROVED', commitId: 'd'.repeat(40) }); // on an older commit: does not count
    const report = await runGate({
      head: model,
      rollout: 'qb-td-calculator-v2',
      env: 'staging',
      git: gitAt(repo.dir),
      provider: () => staticFileProvider(metricsFile(GOOD)),
      now: Date.now(),
      pr: { github: fake, pullRequest: await fake.getPullRequest(number) },
    });
    expect(report.approvals.map((a) => [a.group, a.approvedBy])).toEqual([['sre', ['bob']], ['product', []]]);
    expect(report.checks).toEqual([{ text: CHECK, ticked: true, group: 'shouldPass' }]);
    expect(report.decision).toBe('CONDITIONAL');
    expect(fake.callsOf('teamMembers').map((args) => args[0])).toEqual(['@rollgate/sre', '@rollgate/product']);
  });
});
