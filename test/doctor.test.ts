import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OWNED_ROOTS } from '../scripts/doctor/checks/codeowners-coverage.ts';
import { ownersOf, parseCodeowners, patternRegex } from '../scripts/doctor/codeowners.ts';
import { gatherFacts } from '../scripts/doctor/facts.ts';
import { CHECKS, runDoctor, type DoctorReport } from '../scripts/doctor/index.ts';
import { octokitGitHub } from '../scripts/github/octokit.ts';
import type { GitHub } from '../scripts/github/port.ts';
import { renderDoctorText } from '../scripts/report/doctor.ts';
import { ROOT, rollgateAsync } from './helpers/cli.ts';
import { FakeGitHub } from './helpers/fake-github.ts';
import { repoFrom, type Repo } from './helpers/git.ts';
import { GitHubServer, type ProtectionSettings, type RulesetSettings } from './helpers/github-server.ts';

// Looks like a real token, so a leak would be recognisable in any output.
const TOKEN = 'ghs_D0ct0rT0kenThatMustNeverBePrinted00';
const BOT = 'rollgate-bot';
/** GitHub Actions' app id: what a required check pinned to Actions names. */
const ACTIONS_APP = 15368;

const CODEOWNERS = `# Everything that executes or decides needs its owner's review.
*                           @octo-org/platform
/rollout/                   @octo-org/release-managers
/rollout/environments.yaml  @octo-org/sre
/rollout/metrics.yaml       @octo-org/sre
/alerts/                    @octo-org/sre
/.github/                   @octo-org/sre
`;

const FULL: ProtectionSettings = {
  required_status_checks: { strict: true, contexts: [], checks: [{ context: 'validate', app_id: ACTIONS_APP }, { context: 'gate', app_id: ACTIONS_APP }] },
  enforce_admins: true,
  required_pull_request_reviews: { dismiss_stale_reviews: true, require_code_owner_reviews: true, required_approving_review_count: 1 },
  restrictions: null,
  allow_force_pushes: false,
  allow_deletions: false,
};

/** A ruleset that alone gives main everything the doctor asks for. */
const RULESET: RulesetSettings = {
  name: 'protect main',
  target: 'branch',
  enforcement: 'active',
  conditions: { ref_name: { include: ['~DEFAULT_BRANCH'], exclude: [] } },
  bypass_actors: [],
  rules: [
    { type: 'deletion' },
    { type: 'non_fast_forward' },
    {
      type: 'pull_request',
      parameters: { required_approving_review_count: 2, dismiss_stale_reviews_on_push: true, require_code_owner_review: true, require_last_push_approval: true, required_review_thread_resolution: false },
    },
    { type: 'required_status_checks', parameters: { strict_required_status_checks_policy: false, required_status_checks: [{ context: 'validate' }, { context: 'gate', integration_id: ACTIONS_APP }] } },
  ],
};

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function startGitHub(defaultBranch = 'main'): Promise<GitHubServer> {
  const server = new GitHubServer({ token: TOKEN, defaultBranch });
  await server.start();
  running.push(server);
  return server;
}

/** Everything in place: classic protection, CODEOWNERS, a write-role bot, GitHub's default Actions settings. */
function protect(server: GitHubServer, change: (p: ProtectionSettings) => void = () => {}, branch = 'main'): void {
  const settings = structuredClone(FULL);
  change(settings);
  server.setBranchProtection(branch, settings);
  server.setFile('.github/CODEOWNERS', branch, CODEOWNERS);
  server.setRole(BOT, 'write');
}

/** The doctor in process, through the real octokit adapter. */
async function doctor(gh: GitHub, options: { bot?: string; files?: string[] } = {}): Promise<DoctorReport> {
  const facts = await gatherFacts(gh, {
    repository: 'octo-org/rollouts',
    branch: 'main',
    botLogin: 'bot' in options ? options.bot : BOT,
    roots: OWNED_ROOTS,
    listFiles: async () => options.files ?? [],
  });
  return runDoctor(facts);
}

const adapter = (server: GitHubServer) => octokitGitHub({ owner: server.owner, repo: server.repo, token: TOKEN, baseUrl: server.url });
const failing = (report: DoctorReport) => report.checks.filter((c) => !c.ok).map((c) => c.id);
const line = (report: DoctorReport, id: string) => renderDoctorText(report).split('\n').find((l) => l.slice(2).startsWith(id + ' '));

describe('CODEOWNERS patterns, as GitHub matches them', () => {
  it.each([
    ['scripts', ['scripts', 'scripts/a.ts', 'lib/scripts/a.ts'], ['scripts.ts', 'lib/script']],
    ['/scripts', ['scripts', 'scripts/a.ts', 'scripts/x/y.ts'], ['lib/scripts/a.ts', 'scriptsx']],
    ['scripts/', ['scripts/a.ts', 'lib/scripts/a.ts', 'scripts/x/y.ts'], ['scripts']],
    ['/scripts/', ['scripts/a.ts', 'scripts/x/y.ts'], ['scripts', 'lib/scripts/a.ts']],
    ['rollout/metrics.yaml', ['rollout/metrics.yaml'], ['x/rollout/metrics.yaml', 'rollout/metrics.yml']],
    ['docs/*', ['docs/a.md'], ['docs/x/a.md', 'docs']],
    ['/*', ['package.json', '.npmrc'], ['scripts/a.ts']],
    ['*', ['package.json', 'scripts/x/a.ts'], []],
    ['*.yaml', ['rollout/a.yaml', 'a.yaml'], ['rollout/a.yml']],
    ['/rollout/*.yaml', ['rollout/a.yaml'], ['rollout/x/a.yaml', 'alerts/a.yaml']],
    ['**/logs', ['logs', 'a/logs', 'a/b/logs/x.txt'], ['a/logsx']],
    ['rollout/**', ['rollout/a.yaml', 'rollout/x/y.yaml'], ['rollout']],
    ['a/**/b', ['a/b', 'a/x/b', 'a/x/y/b/c'], ['x/a/b', 'a/bc']],
    ['f?o', ['foo', 'x/fao'], ['fo', 'fooo']],
    ['f\\*o', ['f*o'], ['foo']],
    ['path\\ with\\ space/', ['path with space/a'], ['path/a']],
    ['/', [], ['a', 'scripts/a.ts']],
  ])('%s', (pattern, matches, misses) => {
    const re = patternRegex(pattern);
    for (const p of matches) expect(re.test(p), `${pattern} should match ${p}`).toBe(true);
    for (const p of misses) expect(re.test(p), `${pattern} should not match ${p}`).toBe(false);
  });

  it('lets the last matching line win, a line without owners take ownership away, and skips lines GitHub skips', () => {
    const codeowners = parseCodeowners(
      ['# comment', '*   @octo-org/platform  # trailing comment', '/scripts/legacy.ts', '\\#notes  @ann', '!/rollout/  @bob', '/alerts/[ab]*  @bob', '/docs/  not-an-owner', '/schemas/ @octo-org/sre dev@example.com', ''].join('\n'),
    );
    expect(ownersOf(codeowners, 'scripts/legacy.ts')).toMatchObject({ owners: [], line: { line: 3 } });
    expect(ownersOf(codeowners, 'scripts/new.ts').owners).toEqual(['@octo-org/platform']);
    expect(ownersOf(codeowners, '#notes').owners).toEqual(['@ann']);
    // Skipped lines: everything falls back to "*".
    expect(ownersOf(codeowners, 'rollout/a.yaml').owners).toEqual(['@octo-org/platform']);
    expect(ownersOf(codeowners, 'docs/a.md').owners).toEqual(['@octo-org/platform']);
    expect(ownersOf(codeowners, 'schemas/a.json').owners).toEqual(['@octo-org/sre', 'dev@example.com']);
    expect(codeowners.problems.map((p) => p.line)).toEqual([5, 6, 7]);
    expect(codeowners.problems[2].message).toContain('"not-an-owner" is not an owner');
  });
});

describe('rollgate doctor over the local GitHub (octokit)', () => {
  it('a fully protected repository: every check holds', async () => {
    const server = await startGitHub();
    protect(server);
    const report = await doctor(adapter(server), { files: ['scripts/rollgate.ts', 'rollout/checkout.yaml', '.github/workflows/gate.yml'] });
    expect(failing(report)).toEqual([]);
    expect(report.checks.map((c) => c.id)).toEqual(CHECKS.map((c) => c.id));
    const text = renderDoctorText(report);
    expect(text.split('\n').filter((l) => /^[✓✗] /.test(l))).toHaveLength(CHECKS.length + 1);
    expect(text).not.toContain('✗');
    expect(text).toContain(`✓ all ${CHECKS.length} hold`);
  });

  it.each<[string, (s: GitHubServer) => void, string[], RegExp]>([
    ['pull requests not required', (s) => protect(s, (p) => (p.required_pull_request_reviews = null)), ['branch/pull-request', 'branch/approvals', 'branch/code-owner-review', 'branch/dismiss-stale'], /nothing requires a pull request/],
    ['no approval required', (s) => protect(s, (p) => (p.required_pull_request_reviews!.required_approving_review_count = 0)), ['branch/approvals'], /no approving review is required/],
    ['no code-owner review', (s) => protect(s, (p) => (p.required_pull_request_reviews!.require_code_owner_reviews = false)), ['branch/code-owner-review'], /code-owner review is not required/],
    ['stale approvals kept', (s) => protect(s, (p) => (p.required_pull_request_reviews!.dismiss_stale_reviews = false)), ['branch/dismiss-stale'], /approvals survive new pushes/],
    ['the gate check not required', (s) => protect(s, (p) => (p.required_status_checks = { strict: false, contexts: ['validate'] })), ['branch/required-checks'], /lack gate \(the gate workflow: rollgate plan/],
    ['no check required', (s) => protect(s, (p) => (p.required_status_checks = null)), ['branch/required-checks'], /lack validate .* and gate/],
    ['force pushes allowed', (s) => protect(s, (p) => (p.allow_force_pushes = true)), ['branch/force-push'], /force pushes to main are allowed/],
    ['deletion allowed', (s) => protect(s, (p) => (p.allow_deletions = true)), ['branch/deletion'], /main can be deleted/],
    ['admins not included', (s) => protect(s, (p) => (p.enforce_admins = false)), ['branch/no-bypass'], /lets repository admins \(enforce_admins is off\) skip pull requests, approvals, .*the deletion block/],
    [
      'a PR bypass list',
      (s) => protect(s, (p) => (p.required_pull_request_reviews!.bypass_pull_request_allowances = { users: ['alice'], teams: ['release-managers'] })),
      ['branch/no-bypass'],
      /lets @alice and team release-managers skip pull requests, approvals, code-owner review and stale-approval dismissal$/,
    ],
    ['write workflow tokens', (s) => (protect(s), s.setWorkflowPermissions({ default_workflow_permissions: 'write', can_approve_pull_request_reviews: false })), ['actions/token-read-only'], /can write by default/],
    ['Actions may approve PRs', (s) => (protect(s), s.setWorkflowPermissions({ default_workflow_permissions: 'read', can_approve_pull_request_reviews: true })), ['actions/cannot-approve'], /can approve its own PR/],
    ['the bot is an admin', (s) => (protect(s), s.setRole(BOT, 'admin')), ['bot/permission'], /rollgate-bot has admin: a leaked webhook token/],
    ['the bot can only read', (s) => (protect(s), s.setRole(BOT, 'triage')), ['bot/permission'], /rollgate-bot has read \(role triage\): the webhook cannot push/],
    [
      'CODEOWNERS misses package files and rollout/',
      (s) => (protect(s), s.setFile('.github/CODEOWNERS', 'main', '/scripts/ @p\n/.github/ @p\n/.ci/ @p\n/schemas/ @p\n/alerts/ @p\n/rollout/metrics.yaml @p\n/rollout/environments.yaml @p\n')),
      ['codeowners/coverage'],
      /leaves unowned: package\.json, package-lock\.json, tsconfig\.json, \.npmrc, rollout\/ \(a new file there would have no owner\)$/,
    ],
    [
      'CODEOWNERS takes a rollout file away from its owners',
      (s) => (protect(s), s.setFile('.github/CODEOWNERS', 'main', `${CODEOWNERS}/rollout/checkout.yaml\n`)),
      ['codeowners/coverage'],
      /leaves unowned: rollout\/checkout\.yaml \(line 8, "\/rollout\/checkout\.yaml", names no owner\)/,
    ],
    [
      'GitHub cannot use a CODEOWNERS line',
      (s) => (protect(s), s.setCodeownersErrors('main', [{ line: 3, column: 29, kind: 'Unknown owner', message: 'Unknown owner on line 3', path: '.github/CODEOWNERS', source: '/rollout/ @octo-org/release-managers', suggestion: 'make sure @octo-org/release-managers exists and has write access to the repository' }])),
      ['codeowners/errors'],
      /line 3: Unknown owner — make sure @octo-org\/release-managers exists/,
    ],
  ])('%s → its ✗ line', async (_name, arrange, expected, message) => {
    const server = await startGitHub();
    arrange(server);
    const report = await doctor(adapter(server), { files: ['rollout/checkout.yaml', 'scripts/rollgate.ts'] });
    expect(failing(report)).toEqual(expected);
    expect(report.ok).toBe(false);
    const [first] = report.checks.filter((c) => !c.ok);
    expect(first.message).toMatch(message);
    expect(first.fix).toBeTruthy();
    expect(line(report, first.id)).toMatch(/^✗ /);
  });

  it('the bot: unknown to GitHub, or not named at all', async () => {
    const server = await startGitHub();
    protect(server);
    const unknown = await doctor(adapter(server), { bot: 'ghost-bot' });
    expect(failing(unknown)).toEqual(['bot/permission']);
    expect(unknown.checks.find((c) => c.id === 'bot/permission')?.message).toBe('GitHub knows no user ghost-bot');
    const unnamed = await doctor(adapter(server), { bot: undefined });
    expect(unnamed.checks.find((c) => c.id === 'bot/permission')).toMatchObject({ ok: false, message: expect.stringContaining('ROLLGATE_BOT_LOGIN is not set') });
  });

  it('no CODEOWNERS on main: it does not exist, covers nothing, has nothing to check', async () => {
    const server = await startGitHub();
    server.setBranchProtection('main', structuredClone(FULL));
    server.setRole(BOT, 'write');
    server.setFile('.github/CODEOWNERS', 'other-branch', CODEOWNERS);
    const report = await doctor(adapter(server));
    expect(failing(report)).toEqual(['codeowners/exists', 'codeowners/coverage', 'codeowners/errors']);
    expect(line(report, 'codeowners/exists')).toContain('main has no CODEOWNERS file (GitHub looks for .github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS)');
  });

  it('a CODEOWNERS file at the root counts, and must own itself', async () => {
    const server = await startGitHub();
    server.setBranchProtection('main', structuredClone(FULL));
    server.setRole(BOT, 'write');
    server.setFile('CODEOWNERS', 'main', '/scripts/ @p\n/.github/ @p\n/.ci/ @p\n/schemas/ @p\n/alerts/ @p\n/rollout/ @p\n/package.json @p\n/package-lock.json @p\n/tsconfig.json @p\n/.npmrc @p\n');
    const report = await doctor(adapter(server));
    expect(failing(report)).toEqual(['codeowners/coverage']);
    expect(line(report, 'codeowners/exists')).toContain('✓ codeowners/exists');
    expect(report.checks.find((c) => c.id === 'codeowners/coverage')?.message).toBe('CODEOWNERS leaves unowned: CODEOWNERS');
  });

  it('404 protection and no ruleset: every branch line is ✗', async () => {
    const server = await startGitHub();
    server.setFile('.github/CODEOWNERS', 'main', CODEOWNERS);
    server.setRole(BOT, 'write');
    const report = await doctor(adapter(server));
    expect(failing(report)).toEqual(CHECKS.map((c) => c.id).filter((id) => id.startsWith('branch/')));
    expect(report.checks[0].message).toMatch(/main has no branch protection and no active ruleset \(or the token cannot read branch protection/);
    expect(server.requestsTo('GET', '/repos/octo-org/rollouts/branches/main/protection')).toHaveLength(1);
  });

  it('a ruleset alone protects main; an organization ruleset is named as such', async () => {
    const server = await startGitHub();
    server.setFile('.github/CODEOWNERS', 'main', CODEOWNERS);
    server.setRole(BOT, 'write');
    const id = server.addRuleset(RULESET, { organization: true });
    // Rulesets for other branches, or only evaluated, do not count.
    server.addRuleset({ ...RULESET, name: 'releases', conditions: { ref_name: { include: ['refs/heads/release/*'], exclude: [] } }, bypass_actors: [{ actor_type: 'OrganizationAdmin', actor_id: null, bypass_mode: 'always' }] });
    server.addRuleset({ ...RULESET, name: 'trial', enforcement: 'evaluate', bypass_actors: [{ actor_type: 'User', actor_id: 7, bypass_mode: 'always' }] });
    const report = await doctor(adapter(server));
    expect(failing(report)).toEqual([]);
    expect(report.checks[0].message).toBe(`main is protected by ruleset "protect main" (#${id}, from organization octo-org)`);
    expect(line(report, 'branch/approvals')).toContain('pull requests need 2 approving reviews');
    expect(server.requestsTo('GET', `/repos/octo-org/rollouts/rulesets/${id}`)[0].query).toEqual({ includes_parents: 'true' });
  });

  it('a ruleset bypass list, or one GitHub hides, fails branch/no-bypass; a bypass-free layer covering the rule does not', async () => {
    const server = await startGitHub();
    server.setFile('.github/CODEOWNERS', 'main', CODEOWNERS);
    server.setRole(BOT, 'write');
    const id = server.addRuleset({ ...RULESET, bypass_actors: [{ actor_type: 'RepositoryRole', actor_id: 5, bypass_mode: 'always' }, { actor_type: 'Team', actor_id: 42, bypass_mode: 'pull_request' }] });
    const bypassed = await doctor(adapter(server));
    expect(failing(bypassed)).toEqual(['branch/no-bypass']);
    expect(bypassed.checks.find((c) => c.id === 'branch/no-bypass')?.message).toBe(
      `ruleset "protect main" (#${id}) lets the admin role and team #42 (on pull requests) skip pull requests, approvals, code-owner review, stale-approval dismissal, the validate check, the gate check, the force-push block and the deletion block`,
    );

    // Classic protection that includes admins enforces the same rules on everyone.
    server.setBranchProtection('main', structuredClone(FULL));
    expect(failing(await doctor(adapter(server)))).toEqual([]);

    const hidden = await startGitHub();
    hidden.setFile('.github/CODEOWNERS', 'main', CODEOWNERS);
    hidden.setRole(BOT, 'write');
    hidden.addRuleset(RULESET, { hideBypass: true });
    const report = await doctor(adapter(hidden));
    expect(failing(report)).toEqual(['branch/no-bypass']);
    expect(line(report, 'branch/no-bypass')).toContain('GitHub does not show its bypass list to this token');
  });

  it('the fake port gathers the same facts as octokit against the local GitHub', async () => {
    const server = await startGitHub();
    protect(server);
    const id = server.addRuleset({ ...RULESET, bypass_actors: [{ actor_type: 'DeployKey', actor_id: null, bypass_mode: 'always' }] });
    const fake = new FakeGitHub();
    fake.setBranchProtection('main', {
      pullRequest: { approvals: 1, codeOwners: true, dismissStale: true, lastPushApproval: false, bypass: [] },
      checks: { strict: true, required: [{ context: 'validate', appId: ACTIONS_APP }, { context: 'gate', appId: ACTIONS_APP }] },
      enforceAdmins: true,
      allowForcePushes: false,
      allowDeletions: false,
    });
    fake.setBranchRules('main', [
      { type: 'deletion', ruleset: id },
      { type: 'non_fast_forward', ruleset: id },
      { type: 'pull_request', ruleset: id, review: { approvals: 2, codeOwners: true, dismissStale: true, lastPushApproval: true } },
      { type: 'required_status_checks', ruleset: id, strict: false, checks: [{ context: 'validate', appId: null }, { context: 'gate', appId: ACTIONS_APP }] },
    ]);
    fake.setRuleset({ id, name: 'protect main', source: 'octo-org/rollouts', sourceType: 'Repository', enforcement: 'active', bypassActors: [{ type: 'DeployKey', id: null, mode: 'always' }] });
    fake.setFile('.github/CODEOWNERS', 'main', CODEOWNERS);
    fake.setPermission(BOT, { permission: 'write', role: 'write' });
    const facts = (gh: GitHub) => gatherFacts(gh, { repository: 'octo-org/rollouts', branch: 'main', botLogin: BOT, roots: OWNED_ROOTS, listFiles: async () => [] });
    const fromServer = await facts(adapter(server));
    expect(fromServer).toEqual(await facts(fake));
    expect(runDoctor(fromServer).ok).toBe(true);
  });
});

describe('rollgate doctor, the command', () => {
  /** A clone whose origin/main holds a valid config, some tooling, and `mainBranch` as given. */
  function checkout(mainBranch = 'main'): Repo {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-doctor-'));
    cpSync(join(ROOT, 'test', 'fixtures', 'valid', 'minimal'), dir, { recursive: true });
    const envFile = join(dir, 'rollout', 'environments.yaml');
    if (mainBranch !== 'main') writeFileSync(envFile, readFileSync(envFile, 'utf8').replace(/^spec:\n/m, `spec:\n  mainBranch: ${mainBranch}\n`));
    mkdirSync(join(dir, 'scripts', 'legacy'), { recursive: true });
    writeFileSync(join(dir, 'scripts', 'rollgate.ts'), 'export {};\n');
    writeFileSync(join(dir, 'scripts', 'legacy', 'sync.sh'), 'echo old\n');
    writeFileSync(join(dir, 'package.json'), '{"name": "rollouts"}\n');
    return repoFrom(dir);
  }

  const env = (server: GitHubServer, extra: Record<string, string | undefined> = {}) => ({ GITHUB_REPOSITORY: 'octo-org/rollouts', GITHUB_TOKEN: TOKEN, GITHUB_API_URL: server.url, ROLLGATE_BOT_LOGIN: BOT, ...extra });

  it('exits 0 with every line ✓ on a fully protected repository', async () => {
    const server = await startGitHub();
    protect(server);
    const repo = checkout();
    const r = await rollgateAsync(['doctor', '--dir', repo.dir], { env: env(server) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('rollgate doctor: octo-org/rollouts, branch main');
    const checks = lines.filter((l) => /^[✓✗] [a-z]+\//.test(l));
    expect(checks.map((l) => l.split(/\s+/)[1])).toEqual(CHECKS.map((c) => c.id));
    expect(checks.every((l) => l.startsWith('✓ '))).toBe(true);
    expect(lines.at(-1)).toBe(`✓ all ${CHECKS.length} hold`);
    expect(r.stdout).not.toContain(TOKEN);
  });

  it('exits 1 with the ✗ line and its fix when one setting is missing; --format json says the same', async () => {
    const server = await startGitHub();
    protect(server, (p) => (p.allow_force_pushes = true));
    const repo = checkout();
    const r = await rollgateAsync(['doctor', '--dir', repo.dir], { env: env(server) });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('✗ branch/force-push'));
    expect(lines[at]).toMatch(/force pushes to main are allowed/);
    expect(lines[at + 1]).toMatch(/^\s+fix: branch protection: untick "Allow force pushes"/);
    expect(lines.filter((l) => l.startsWith('✗ '))).toHaveLength(2); // the line and the total
    expect(lines.at(-2)).toBe(`✗ 1 of ${CHECKS.length} missing: rollgate's guarantees do not hold until they are fixed`);

    const json = await rollgateAsync(['doctor', '--dir', repo.dir, '--format', 'json'], { env: env(server) });
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout);
    expect(out).toMatchObject({ ok: false, repository: 'octo-org/rollouts', branch: 'main' });
    expect(out.checks).toHaveLength(CHECKS.length);
    expect(out.checks.filter((c: { ok: boolean }) => !c.ok)).toEqual([{ id: 'branch/force-push', ok: false, message: expect.any(String), fix: expect.any(String) }]);
  });

  it('404 protection: every branch line ✗, exit 1', async () => {
    const server = await startGitHub();
    protect(server);
    server.setBranchProtection('main', undefined);
    const r = await rollgateAsync(['doctor', '--dir', repo().dir], { env: env(server) });
    expect(r.code).toBe(1);
    const failed = r.stdout.split('\n').filter((l) => l.startsWith('✗ ') && l.includes('/')).map((l) => l.split(/\s+/)[1]);
    expect(failed).toEqual(CHECKS.map((c) => c.id).filter((id) => id.startsWith('branch/')));
  });

  it("finds a file of the checkout's origin/main that CODEOWNERS leaves without an owner", async () => {
    const server = await startGitHub();
    protect(server);
    server.setFile('.github/CODEOWNERS', 'main', `${CODEOWNERS}/scripts/legacy/\n`);
    const r = await rollgateAsync(['doctor', '--dir', repo().dir], { env: env(server) });
    expect(r.code).toBe(1);
    // Found through the checkout's files: a new file elsewhere under scripts/ is still owned through "*".
    expect(r.stdout).toMatch(/✗ codeowners\/coverage +\.github\/CODEOWNERS leaves unowned: scripts\/legacy\/sync\.sh \(line 8, "\/scripts\/legacy\/", names no owner\)\n/);
  });

  it('reads mainBranch from environments.yaml', async () => {
    const server = await startGitHub('trunk');
    protect(server, () => {}, 'trunk');
    const r = await rollgateAsync(['doctor', '--dir', checkout('trunk').dir], { env: env(server) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('branch trunk');
    expect(server.requestsTo('GET', '/repos/octo-org/rollouts/branches/trunk/protection')).toHaveLength(1);
    expect(server.requestsTo('GET', '/repos/octo-org/rollouts/contents/.github/CODEOWNERS')[0].query.ref).toBe('trunk');
  });

  it.each<[string, (s: GitHubServer) => Record<string, string | undefined>, RegExp]>([
    ['no token', (s) => env(s, { GITHUB_TOKEN: undefined }), /^rollgate doctor: GITHUB_TOKEN is not set/],
    ['a refused token', (s) => env(s, { GITHUB_TOKEN: 'ghs_WrongButSecret000000000000000000' }), /^rollgate doctor: GitHub .*: 401 Bad credentials/],
    ['GitHub failing', (s) => (s.failNext(502, 'Server Error'), env(s)), /^rollgate doctor: GitHub .*: 502 Server Error/],
    ['a token that may not read settings', (s) => (s.failNext(403, 'Resource not accessible by integration'), env(s)), /403 Resource not accessible by integration/],
  ])('%s: exit 2 with one line, no stack trace, no token', async (_name, environment, message) => {
    const server = await startGitHub();
    protect(server);
    const vars = environment(server);
    const r = await rollgateAsync(['doctor', '--dir', repo().dir], { env: vars });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    for (const secret of [TOKEN, 'ghs_WrongButSecret000000000000000000']) expect(r.stderr).not.toContain(secret);
  });

  it('has --help with an example, and is listed in rollgate --help', async () => {
    const help = await rollgateAsync(['doctor', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^rollgate doctor \[--dir PATH\] \[--format text\|json\]/);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('ROLLGATE_BOT_LOGIN=rollgate-bot rollgate doctor');
    expect((await rollgateAsync(['--help'])).stdout).toMatch(/^ {2}doctor +check the GitHub settings/m);
    const bad = await rollgateAsync(['doctor', '--format', 'github']);
    expect(bad.code).toBe(2);
  });

  let shared: Repo | undefined;
  /** One checkout for the tests that do not care about its contents. */
  function repo(): Repo {
    return (shared ??= checkout());
  }
});
