import { createServer } from 'node:http';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { gitHubFromEnv, GitHubEnvError, gitHubSettingsFromEnv } from '../scripts/github/from-env.ts';
import { octokitGitHub } from '../scripts/github/octokit.ts';
import { GitHubError, type Annotation, type GitHub } from '../scripts/github/port.ts';
import { FakeGitHub, type GitHubSeeds } from './helpers/fake-github.ts';
import { GitHubServer, type ApiAnnotation, type ProtectionSettings } from './helpers/github-server.ts';

// Looks like a real installation token, so a leak would be recognisable in any message.
const TOKEN = 'ghs_R0llg4teT0kenThatMustNeverBePrinted';
const MARKER = '<!-- rollgate:gate-report -->';

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

/** A fresh local GitHub and the real adapter pointed at it. */
async function setup(maxPageSize = 100): Promise<{ server: GitHubServer; gh: GitHub }> {
  const server = new GitHubServer({ token: TOKEN });
  server.maxPageSize = maxPageSize;
  await server.start();
  running.push(server);
  return { server, gh: octokitGitHub({ owner: server.owner, repo: server.repo, token: TOKEN, baseUrl: server.url }) };
}

/** The GitHubError a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<GitHubError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitHubError);
  return error as GitHubError;
}

function annotations(n: number): Annotation[] {
  return Array.from({ length: n }, (_, i) => ({
    path: `rollout/flag-${i}.yaml`,
    startLine: i + 1,
    endLine: i + 2,
    level: i % 3 === 0 ? 'failure' : 'warning',
    message: `problem ${i}`,
    ...(i % 2 === 0 ? { title: `rollout/rule-${i}` } : {}),
  }));
}

describe('upsertComment', () => {
  it('finds its comment on page 7 of 8, updates it, and updates it again on the next run', async () => {
    const { server, gh } = await setup(10);
    const pr = server.addPullRequest({ head: 'rollgate/advance-checkout-v2' });
    let markerId = 0;
    for (let i = 0; i < 75; i++) {
      const id = server.addComment(pr, i === 63 ? `old report\n${MARKER}` : `comment ${i}`, i === 63 ? 'github-actions[bot]' : `user${i % 4}`);
      if (i === 63) markerId = id;
    }

    expect(await gh.upsertComment(pr, MARKER, `GO\n${MARKER}`)).toEqual({ id: markerId, created: false });
    const lists = server.requestsTo('GET', `/repos/octo-org/rollouts/issues/${pr}/comments`);
    expect(lists.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(lists[0].query.per_page).toBe('100');
    expect(server.requestsTo('PATCH', `/repos/octo-org/rollouts/issues/comments/${markerId}`)).toHaveLength(1);
    expect(server.requestsTo('POST', /\/comments$/)).toHaveLength(0);

    expect(await gh.upsertComment(pr, MARKER, `NO-GO\n${MARKER}`)).toEqual({ id: markerId, created: false });
    const comments = server.commentsOf(pr);
    expect(comments).toHaveLength(75);
    expect(comments.filter((c) => c.body.includes(MARKER))).toEqual([{ id: markerId, body: `NO-GO\n${MARKER}`, login: 'github-actions[bot]' }]);
  });

  it('creates the comment when no page has the marker, appending the marker when the body lacks it', async () => {
    const { server, gh } = await setup(10);
    const pr = server.addPullRequest({ head: 'rollgate/advance-search' });
    for (let i = 0; i < 25; i++) server.addComment(pr, `comment ${i}`);

    const first = await gh.upsertComment(pr, MARKER, 'gate report');
    expect(first.created).toBe(true);
    expect(server.commentsOf(pr).at(-1)).toEqual({ id: first.id, body: `gate report\n\n${MARKER}`, login: 'github-actions[bot]' });
    const again = await gh.upsertComment(pr, MARKER, 'gate report, second run');
    expect(again).toEqual({ id: first.id, created: false });
    expect(server.commentsOf(pr)).toHaveLength(26);
    expect(server.requestsTo('POST', `/repos/octo-org/rollouts/issues/${pr}/comments`)).toHaveLength(1);
  });

  it('is a 404 GitHubError on an unknown PR', async () => {
    const { gh } = await setup();
    const error = await failure(gh.upsertComment(404, MARKER, 'x'));
    expect(error.status).toBe(404);
    expect(error.message).toContain('list comments of #404');
  });
});

describe('listReviews and teamMembers', () => {
  it('reads reviews across pages, mapped to the port', async () => {
    const { server, gh } = await setup(5);
    const pr = server.addPullRequest({ head: 'rollgate/advance-checkout-v2', headSha: 'a'.repeat(40) });
    const states = ['APPROVED', 'COMMENTED', 'CHANGES_REQUESTED', 'DISMISSED'] as const;
    for (let i = 0; i < 22; i++) server.addReview(pr, { login: `reviewer${i}`, state: states[i % states.length] });
    server.addReview(pr, { login: 'sre-lead', state: 'PENDING', commitId: 'b'.repeat(40) });

    const reviews = await gh.listReviews(pr);
    expect(reviews).toHaveLength(23);
    expect(server.requestsTo('GET', `/repos/octo-org/rollouts/pulls/${pr}/reviews`)).toHaveLength(5);
    expect(reviews[0]).toEqual({ login: 'reviewer0', state: 'APPROVED', commitId: 'a'.repeat(40), submittedAt: '2025-01-01T00:00:00.000Z' });
    expect(reviews[21].login).toBe('reviewer21');
    // A pending review has no submitted_at on GitHub.
    expect(reviews[22]).toEqual({ login: 'sre-lead', state: 'PENDING', commitId: 'b'.repeat(40), submittedAt: '' });
  });

  it('reads team members across pages, with or without a leading @', async () => {
    const { server, gh } = await setup(5);
    const members = Array.from({ length: 12 }, (_, i) => `sre${i}`);
    server.addTeam('octo-org/sre-oncall', members);

    expect(await gh.teamMembers('octo-org/sre-oncall')).toEqual(members);
    expect(server.requestsTo('GET', '/orgs/octo-org/teams/sre-oncall/members')).toHaveLength(3);
    expect(await gh.teamMembers('@octo-org/sre-oncall')).toEqual(members);

    const missing = await failure(gh.teamMembers('octo-org/nobody'));
    expect(missing.status).toBe(404);
    expect(missing.message).toMatch(/read:org/);
    const malformed = await failure(gh.teamMembers('sre-oncall'));
    expect(malformed.status).toBeUndefined();
    expect(malformed.message).toContain('org/team-slug');
  });
});

describe('createCheckRun', () => {
  const run = { name: 'rollgate / validate', headSha: 'c'.repeat(40), conclusion: 'failure' as const, title: '120 problems', summary: 'see annotations', text: 'details' };

  it('sends 120 annotations as one create with 50 and two updates with 50 and 20', async () => {
    const { server, gh } = await setup();
    const { id } = await gh.createCheckRun({ ...run, annotations: annotations(120) });

    const creates = server.requestsTo('POST', '/repos/octo-org/rollouts/check-runs');
    const updates = server.requestsTo('PATCH', `/repos/octo-org/rollouts/check-runs/${id}`);
    expect(creates).toHaveLength(1);
    expect(updates).toHaveLength(2);
    type Body = { status?: string; conclusion?: string; head_sha?: string; output: { title: string; summary: string; text?: string; annotations: ApiAnnotation[] } };
    const create = creates[0].body as Body;
    expect(create).toMatchObject({ name: run.name, head_sha: run.headSha, status: 'completed', conclusion: 'failure', output: { title: run.title, summary: run.summary, text: run.text } });
    expect(create.output.annotations).toHaveLength(50);
    expect(updates.map((u) => (u.body as Body).output.annotations.length)).toEqual([50, 20]);
    expect(updates.every((u) => (u.body as Body).output.summary === run.summary)).toBe(true);
    // Lines only: columns would be refused on multi-line annotations.
    expect(create.output.annotations[0]).toEqual({ path: 'rollout/flag-0.yaml', start_line: 1, end_line: 2, annotation_level: 'failure', message: 'problem 0', title: 'rollout/rule-0' });
    expect([...creates, ...updates].flatMap((r) => (r.body as Body).output.annotations).some((a) => 'start_column' in a || 'end_column' in a)).toBe(false);

    const [stored] = server.checkRuns();
    expect(stored.annotations).toEqual(annotations(120));
    expect(stored).toMatchObject({ id, conclusion: 'failure', title: run.title, summary: run.summary });
  });

  it('sends exactly 50 or none in the create alone, and cuts an over-long summary instead of failing', async () => {
    const { server, gh } = await setup();
    await gh.createCheckRun({ ...run, annotations: annotations(50) });
    await gh.createCheckRun({ ...run, conclusion: 'success', annotations: [], summary: 'x'.repeat(70_000) });
    expect(server.requestsTo('POST', '/repos/octo-org/rollouts/check-runs')).toHaveLength(2);
    expect(server.requestsTo('PATCH', /check-runs/)).toHaveLength(0);
    const [, second] = server.checkRuns();
    expect(second.summary.length).toBe(65_535);
    expect(second.summary).toMatch(/truncated/);
  });

  it('the server refuses 51 annotations in one request, as GitHub does', async () => {
    const { server } = await setup();
    const output = { title: 't', summary: 's', annotations: annotations(51).map((a) => ({ path: a.path, start_line: a.startLine, end_line: a.endLine, annotation_level: a.level, message: a.message })) };
    const response = await fetch(`${server.url}/repos/octo-org/rollouts/check-runs`, {
      method: 'POST',
      headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'n', head_sha: 'd'.repeat(40), status: 'completed', conclusion: 'neutral', output }),
    });
    expect(response.status).toBe(422);
    expect(JSON.stringify(await response.json())).toContain('Only 50 annotations');
    expect(server.checkRuns()).toHaveLength(0);
  });
});

describe('pull requests and labels', () => {
  it('finds the open PR of a branch, creates, updates and reads PRs', async () => {
    const { server, gh } = await setup(2);
    for (let i = 0; i < 5; i++) server.addPullRequest({ head: `other-${i}` });
    server.addPullRequest({ head: 'rollgate/advance-checkout-v2', state: 'closed' });
    const open = server.addPullRequest({ head: 'rollgate/advance-checkout-v2', title: 'checkout-v2: canary → staged', body: 'report', labels: ['rollout'], headSha: 'e'.repeat(40), author: 'alice' });

    expect(await gh.findPullRequest('rollgate/advance-checkout-v2')).toEqual({
      number: open,
      url: `https://github.com/octo-org/rollouts/pull/${open}`,
      head: 'rollgate/advance-checkout-v2',
      headSha: 'e'.repeat(40),
      base: 'main',
      author: 'alice',
      title: 'checkout-v2: canary → staged',
      body: 'report',
      labels: ['rollout'],
    });
    expect(server.requestsTo('GET', '/repos/octo-org/rollouts/pulls')[0].query).toMatchObject({ state: 'open', head: 'octo-org:rollgate/advance-checkout-v2' });
    expect(await gh.findPullRequest('rollgate/advance-search')).toBeUndefined();

    const created = await gh.createPullRequest({ title: 'search: shadow → canary', head: 'rollgate/advance-search', base: 'main', body: 'gate report' });
    expect(created).toMatchObject({ head: 'rollgate/advance-search', base: 'main', body: 'gate report', author: 'github-actions[bot]', labels: [] });
    expect((await gh.findPullRequest('rollgate/advance-search'))?.number).toBe(created.number);

    const duplicate = await failure(gh.createPullRequest({ title: 'again', head: 'rollgate/advance-search', base: 'main', body: '' }));
    expect(duplicate.status).toBe(422);
    expect(duplicate.message).toContain('A pull request already exists for octo-org:rollgate/advance-search');

    await gh.updatePullRequest(created.number, { body: 'gate report v2' });
    expect(server.requestsTo('PATCH', `/repos/octo-org/rollouts/pulls/${created.number}`).at(-1)?.body).toEqual({ body: 'gate report v2' });
    expect(await gh.getPullRequest(created.number)).toMatchObject({ title: 'search: shadow → canary', body: 'gate report v2' });
    expect((await failure(gh.getPullRequest(999))).status).toBe(404);
  });

  it('adds labels once each, and sends nothing for none', async () => {
    const { server, gh } = await setup();
    const pr = server.addPullRequest({ head: 'rollgate/advance-checkout-v2', labels: ['rollout'] });
    await gh.addLabels(pr, ['gate:go', 'rollout']);
    await gh.addLabels(pr, ['gate:go', 'env:production']);
    await gh.addLabels(pr, []);
    expect(server.requestsTo('POST', `/repos/octo-org/rollouts/issues/${pr}/labels`).map((r) => r.body)).toEqual([{ labels: ['gate:go', 'rollout'] }, { labels: ['gate:go', 'env:production'] }]);
    expect((await gh.getPullRequest(pr)).labels).toEqual(['rollout', 'gate:go', 'env:production']);
    expect((await failure(gh.addLabels(77, ['x']))).status).toBe(404);
  });
});

describe('fileAt', () => {
  it('reads a file at a ref (base64 wrapped at 60 columns), undefined when absent, an error for an unknown ref', async () => {
    const { server, gh } = await setup();
    const base = '# Rollout of checkout-v2 — “müssen” ✓\nspec:\n  environments:\n    production: { stage: canary }\n'.repeat(4);
    server.setFile('rollout/checkout v2.yaml', 'main', base);
    server.setFile('rollout/checkout v2.yaml', 'rollgate/advance-checkout-v2', base.replace('canary', 'staged'));

    expect(await gh.fileAt('rollout/checkout v2.yaml', 'main')).toBe(base);
    expect(await gh.fileAt('rollout/checkout v2.yaml', 'rollgate/advance-checkout-v2')).toBe(base.replace('canary', 'staged'));
    const reads = server.requestsTo('GET', '/repos/octo-org/rollouts/contents/rollout/checkout v2.yaml');
    expect(reads.map((r) => r.query.ref)).toEqual(['main', 'rollgate/advance-checkout-v2']);

    expect(await gh.fileAt('rollout/missing.yaml', 'main')).toBeUndefined();
    const unknownRef = await failure(gh.fileAt('rollout/checkout v2.yaml', 'no-such-branch'));
    expect(unknownRef.status).toBe(404);
    expect(unknownRef.message).toContain('No commit found for the ref no-such-branch');
    const directory = await failure(gh.fileAt('rollout', 'main'));
    expect(directory.message).toContain('directory');
  });

  it('reads a file over 1 MB through the raw media type', async () => {
    const { server, gh } = await setup();
    const big = 'x: 1\n'.repeat(260_000);
    server.setFile('rollout/big.yaml', 'main', big);
    expect(await gh.fileAt('/rollout/big.yaml', 'main')).toBe(big);
    expect(server.requestsTo('GET', '/repos/octo-org/rollouts/contents/rollout/big.yaml')).toHaveLength(2);
  });
});

describe('errors', () => {
  it('maps a refused token to a 401 GitHubError that does not contain the token', async () => {
    const { server } = await setup();
    const wrong = 'ghs_WrongTokenAlsoSecret000000000000000';
    const gh = octokitGitHub({ owner: 'octo-org', repo: 'rollouts', token: wrong, baseUrl: server.url });
    const error = await failure(gh.getPullRequest(1));
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/get pull request #1: 401 Bad credentials/);
    for (const text of [error.message, String(error.stack), inspect(error), JSON.stringify(error)]) expect(text).not.toContain(wrong);
    expect(server.requests[0].authorization).toBe(`token ${wrong}`);
  });

  it('scrubs the token even when the server echoes it', async () => {
    const { server, gh } = await setup();
    server.failNext(502, `upstream rejected token ${TOKEN}`);
    const error = await failure(gh.listReviews(1));
    expect(error.status).toBe(502);
    expect(error.message).toContain('[REDACTED]');
    expect(inspect(error)).not.toContain(TOKEN);
  });

  it('reports an unreachable or silent server without a status', async () => {
    const { server } = await setup();
    const url = server.url;
    await server.stop();
    const refused = await failure(octokitGitHub({ owner: 'o', repo: 'r', token: TOKEN, baseUrl: url }).findPullRequest('x'));
    expect(refused.status).toBeUndefined();
    expect(refused.message).toContain(`could not reach ${url}`);

    // Accepts the connection and never answers.
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    running.push({ stop: () => new Promise<void>((r) => (silent.closeAllConnections(), silent.close(() => r()))) });
    const port = (silent.address() as { port: number }).port;
    const slow = octokitGitHub({ owner: 'o', repo: 'r', token: TOKEN, baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 300 });
    const timedOut = await failure(slow.getPullRequest(1));
    expect(timedOut.status).toBeUndefined();
    expect(timedOut.message).toMatch(/could not reach .*timeout/i);
  });
});

describe('gitHubFromEnv', () => {
  const env = { GITHUB_REPOSITORY: 'octo-org/rollouts', GITHUB_TOKEN: TOKEN };

  it.each([
    [{ GITHUB_TOKEN: TOKEN }, 'GITHUB_REPOSITORY', /GITHUB_REPOSITORY is not set/],
    [{ ...env, GITHUB_REPOSITORY: 'rollouts' }, 'GITHUB_REPOSITORY', /must be owner\/repo, got "rollouts"/],
    [{ ...env, GITHUB_TOKEN: '' }, 'GITHUB_TOKEN', /GITHUB_TOKEN is not set/],
    [{ ...env, GITHUB_API_URL: 'not a url' }, 'GITHUB_API_URL', /not a valid URL/],
    [{ ...env, GITHUB_API_URL: 'ftp://example.com' }, 'GITHUB_API_URL', /must be http\(s\)/],
  ])('names the variable that is wrong (%#)', (input, variable, message) => {
    let error: unknown;
    try {
      gitHubFromEnv(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GitHubEnvError);
    expect((error as GitHubEnvError).variable).toBe(variable);
    expect((error as Error).message).toMatch(message);
    expect(inspect(error)).not.toContain(TOKEN);
  });

  it('defaults the API URL and talks to the one it is given', async () => {
    expect(gitHubSettingsFromEnv(env)).toEqual({ owner: 'octo-org', repo: 'rollouts', token: TOKEN, baseUrl: 'https://api.github.com' });
    const { server } = await setup();
    const pr = server.addPullRequest({ head: 'rollgate/advance-checkout-v2' });
    const gh = gitHubFromEnv({ ...env, GITHUB_API_URL: server.url });
    expect((await gh.getPullRequest(pr)).head).toBe('rollgate/advance-checkout-v2');
    expect(server.requests[0].authorization).toBe(`token ${TOKEN}`);
  });
});

describe('the fake and the real adapter', () => {
  /** One advance as the core would run it; returns everything the port handed back. */
  async function scenario(gh: GitHub, seeds: GitHubSeeds) {
    const existing = seeds.addPullRequest({ head: 'rollgate/advance-search', title: 'search: shadow → canary', labels: ['rollout'] });
    for (let i = 0; i < 7; i++) seeds.addComment(existing, `note ${i}`);
    seeds.addComment(existing, `old report\n${MARKER}`, 'github-actions[bot]');
    seeds.addReview(existing, { login: 'alice', state: 'APPROVED' });
    seeds.addReview(existing, { login: 'bob', state: 'CHANGES_REQUESTED' });
    seeds.addReview(existing, { login: 'carol', state: 'COMMENTED' });
    seeds.addReview(existing, { login: 'dave', state: 'APPROVED' });
    seeds.addTeam('octo-org/sre', ['alice', 'dave', 'erin', 'frank']);
    seeds.setFile('rollout/search.yaml', 'main', 'stage: shadow\n');

    const results: Record<string, unknown> = {};
    results.found = await gh.findPullRequest('rollgate/advance-search');
    results.notFound = await gh.findPullRequest('rollgate/advance-checkout-v2');
    const created = await gh.createPullRequest({ title: 'checkout-v2: canary → staged', head: 'rollgate/advance-checkout-v2', base: 'main', body: 'report v1' });
    results.created = created;
    results.duplicate = await gh.createPullRequest({ title: 'x', head: 'rollgate/advance-checkout-v2', base: 'main', body: '' }).catch((e: GitHubError) => e.status);
    await gh.updatePullRequest(created.number, { body: 'report v2', title: 'checkout-v2: canary → staged (50 %)' });
    await gh.addLabels(created.number, ['rollout', 'gate:conditional']);
    results.afterUpdate = await gh.getPullRequest(created.number);
    results.upserts = [
      await gh.upsertComment(existing, MARKER, `GO\n${MARKER}`),
      await gh.upsertComment(created.number, MARKER, 'CONDITIONAL'),
      await gh.upsertComment(created.number, MARKER, 'GO'),
    ];
    results.reviews = await gh.listReviews(existing);
    results.team = await gh.teamMembers('@octo-org/sre');
    results.check = await gh.createCheckRun({ name: 'rollgate / gate', headSha: created.headSha, conclusion: 'neutral', title: 'CONDITIONAL', summary: '3 of 4', annotations: annotations(61) });
    results.files = [await gh.fileAt('rollout/search.yaml', 'main'), await gh.fileAt('rollout/nope.yaml', 'main')];
    results.errors = await Promise.all([gh.getPullRequest(99), gh.teamMembers('octo-org/ghosts'), gh.fileAt('rollout/search.yaml', 'no-such-ref')].map((p) => p.then(() => 'ok', (e: GitHubError) => e.status)));
    results.state = {
      existing: seeds.pullRequestOf(existing),
      created: seeds.pullRequestOf(created.number),
      comments: [seeds.commentsOf(existing), seeds.commentsOf(created.number)],
      checkRuns: seeds.checkRuns(),
    };
    return results;
  }

  it('give the same answers and leave the same state for one scripted advance', async () => {
    const fake = new FakeGitHub();
    const fromFake = await scenario(fake, fake);
    const { server, gh } = await setup(3);
    const fromServer = await scenario(gh, server);
    expect(fromServer).toEqual(fromFake);
    // The scenario really went through pagination and the annotation batches.
    expect(server.requestsTo('GET', /\/issues\/1\/comments$/).length).toBeGreaterThan(2);
    expect(server.requestsTo('PATCH', /\/check-runs\//)).toHaveLength(1);
    expect(fake.callsOf('createCheckRun')).toHaveLength(1);
  });
});

describe('repository settings', () => {
  const full: ProtectionSettings = {
    required_status_checks: { strict: true, contexts: ['validate', 'gate'] },
    enforce_admins: false,
    required_pull_request_reviews: { dismiss_stale_reviews: true, require_code_owner_reviews: true, required_approving_review_count: 2, bypass_pull_request_allowances: { users: ['alice'], teams: ['sre'] } },
    restrictions: null,
    allow_force_pushes: true,
  };

  it('reads classic branch protection (the older contexts list too); 404 "Branch not protected" is undefined, an unknown branch an error', async () => {
    const { server, gh } = await setup();
    server.setBranchProtection('main', full);
    expect(await gh.branchProtection('main')).toEqual({
      pullRequest: { approvals: 2, codeOwners: true, dismissStale: true, lastPushApproval: false, bypass: ['@alice', 'team sre'] },
      checks: { strict: true, required: [{ context: 'validate', appId: null }, { context: 'gate', appId: null }] },
      enforceAdmins: false,
      allowForcePushes: true,
      allowDeletions: false,
    });
    server.setBranchProtection('main', { ...full, required_pull_request_reviews: null, required_status_checks: null, enforce_admins: true, allow_force_pushes: false });
    expect(await gh.branchProtection('main')).toEqual({ enforceAdmins: true, allowForcePushes: false, allowDeletions: false });

    server.setBranchProtection('main', undefined);
    expect(await gh.branchProtection('main')).toBeUndefined();
    const unknown = await failure(gh.branchProtection('no-such-branch'));
    expect(unknown.status).toBe(404);
    expect(unknown.message).toContain('read branch protection of no-such-branch: 404 Branch not found');
  });

  it('says a 403 on settings needs admin rights', async () => {
    const { server, gh } = await setup();
    server.failNext(403, 'Resource not accessible by integration');
    const error = await failure(gh.workflowPermissions());
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/read the default workflow permissions: 403 Resource not accessible by integration.* — reading Actions settings needs admin access/);
  });

  it('reads the active ruleset rules of a branch across pages, and their rulesets with parents', async () => {
    const { server, gh } = await setup(2);
    const id = server.addRuleset(
      {
        name: 'main',
        enforcement: 'active',
        conditions: { ref_name: { include: ['refs/heads/main', 'refs/heads/release/**'], exclude: [] } },
        bypass_actors: [{ actor_type: 'RepositoryRole', actor_id: 5, bypass_mode: 'pull_request' }],
        rules: [
          { type: 'deletion' },
          { type: 'non_fast_forward' },
          { type: 'required_linear_history' },
          { type: 'pull_request', parameters: { required_approving_review_count: 1, dismiss_stale_reviews_on_push: false, require_code_owner_review: true, require_last_push_approval: false, required_review_thread_resolution: true } },
          { type: 'required_status_checks', parameters: { strict_required_status_checks_policy: true, required_status_checks: [{ context: 'validate', integration_id: 15368 }] } },
        ],
      },
      { organization: true },
    );
    server.addRuleset({ name: 'off', enforcement: 'disabled', conditions: { ref_name: { include: ['~ALL'], exclude: [] } }, rules: [{ type: 'deletion' }] });

    expect(await gh.branchRules('main')).toEqual([
      { type: 'deletion', ruleset: id },
      { type: 'non_fast_forward', ruleset: id },
      { type: 'other', name: 'required_linear_history', ruleset: id },
      { type: 'pull_request', ruleset: id, review: { approvals: 1, codeOwners: true, dismissStale: false, lastPushApproval: false } },
      { type: 'required_status_checks', ruleset: id, strict: true, checks: [{ context: 'validate', appId: 15368 }] },
    ]);
    expect(server.requestsTo('GET', '/repos/octo-org/rollouts/rules/branches/main')).toHaveLength(3);
    expect(await gh.branchRules('release/2025/q1')).toHaveLength(5);
    expect(await gh.branchRules('feature')).toEqual([]);
    expect(await gh.ruleset(id)).toEqual({ id, name: 'main', source: 'octo-org', sourceType: 'Organization', enforcement: 'active', bypassActors: [{ type: 'RepositoryRole', id: 5, mode: 'pull_request' }] });
    expect((await failure(gh.ruleset(1))).status).toBe(404);
  });

  it('reads a user permission (404: no such user), the workflow token defaults and CODEOWNERS errors', async () => {
    const { server, gh } = await setup();
    server.setRole('rollgate-bot', 'maintain');
    server.setRole('reader', 'triage');
    expect(await gh.permissionOf('rollgate-bot')).toEqual({ permission: 'write', role: 'maintain' });
    expect(await gh.permissionOf('reader')).toEqual({ permission: 'read', role: 'triage' });
    expect(await gh.permissionOf('nobody')).toBeUndefined();

    expect(await gh.workflowPermissions()).toEqual({ defaultPermissions: 'read', canApprovePullRequests: false });
    server.setWorkflowPermissions({ default_workflow_permissions: 'write', can_approve_pull_request_reviews: true });
    expect(await gh.workflowPermissions()).toEqual({ defaultPermissions: 'write', canApprovePullRequests: true });

    expect(await gh.codeownersErrors('main')).toBeUndefined();
    server.setFile('docs/CODEOWNERS', 'main', '* @nobody\n');
    expect(await gh.codeownersErrors('main')).toEqual([]);
    server.setCodeownersErrors('main', [{ line: 1, column: 3, kind: 'Unknown owner', message: 'Unknown owner on line 1', path: 'docs/CODEOWNERS', suggestion: null }]);
    expect(await gh.codeownersErrors('main')).toEqual([{ line: 1, column: 3, kind: 'Unknown owner', message: 'Unknown owner on line 1', path: 'docs/CODEOWNERS' }]);
    expect(server.requestsTo('GET', '/repos/octo-org/rollouts/codeowners/errors').map((r) => r.query.ref)).toEqual(['main', 'main', 'main']);
  });
});

describe('mergedAt', () => {
  /** The same merges seeded on either double; returns the port's answers. */
  async function scenario(gh: GitHub, seeds: GitHubSeeds) {
    const sha = (c: string) => c.repeat(40);
    const merged = seeds.addPullRequest({ head: 'rollgate/advance/checkout/production', headSha: sha('a') });
    seeds.mergePullRequest(merged, { mergedAt: '2025-03-01T10:00:00Z', mergeCommitSha: sha('m'), commits: [sha('1'), sha('a')] });
    const open = seeds.addPullRequest({ head: 'feature', headSha: sha('b') });
    const release = seeds.addPullRequest({ head: 'hotfix', base: 'release', headSha: sha('c') });
    seeds.mergePullRequest(release, { mergedAt: '2025-02-01T00:00:00Z', mergeCommitSha: sha('r') });
    // A commit two merged PRs carried: the earliest merge brought it.
    const first = seeds.addPullRequest({ head: 'one', headSha: sha('d') });
    seeds.mergePullRequest(first, { mergedAt: '2025-01-05T00:00:00Z', commits: [sha('e')] });
    const second = seeds.addPullRequest({ head: 'two', headSha: sha('f') });
    seeds.mergePullRequest(second, { mergedAt: '2025-01-09T00:00:00Z', commits: [sha('e')] });
    return {
      mergeCommit: await gh.mergedAt(sha('m')),
      insideThePr: await gh.mergedAt(sha('1')),
      onMain: await gh.mergedAt(sha('m'), 'main'),
      onlyOpen: await gh.mergedAt(sha('b')),
      otherBase: await gh.mergedAt(sha('r'), 'main'),
      anyBase: await gh.mergedAt(sha('r')),
      carriedTwice: await gh.mergedAt(sha('e')),
      none: await gh.mergedAt(sha('9')),
      states: [seeds.pullRequestOf(merged).state, seeds.pullRequestOf(open).state],
    };
  }

  it('is when the PR that brought the commit in was merged, from the fake and through octokit alike', async () => {
    const fake = new FakeGitHub();
    const fromFake = await scenario(fake, fake);
    const { server, gh } = await setup(1);
    const fromServer = await scenario(gh, server);
    expect(fromServer).toEqual({
      mergeCommit: '2025-03-01T10:00:00Z',
      insideThePr: '2025-03-01T10:00:00Z',
      onMain: '2025-03-01T10:00:00Z',
      onlyOpen: undefined,
      otherBase: undefined,
      anyBase: '2025-02-01T00:00:00Z',
      carriedTwice: '2025-01-05T00:00:00Z',
      none: undefined,
      states: ['closed', 'open'],
    });
    expect(fromFake).toEqual(fromServer);
    // Every page was read (one PR a page here).
    expect(server.requestsTo('GET', `/repos/octo-org/rollouts/commits/${'e'.repeat(40)}/pulls`)).toHaveLength(2);
    const unknown = await failure(gh.mergedAt('not-a-commit'));
    expect(unknown.status).toBe(422);
    expect(unknown.message).toContain('No commit found for SHA: not-a-commit');
  });
});
