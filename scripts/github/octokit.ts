import { Octokit } from '@octokit/rest';
import {
  GitHubError,
  type Annotation,
  type BranchRule,
  type BypassActor,
  type CheckRun,
  type GitHub,
  type PullRequest,
  type RepoPermission,
  type Review,
  type ReviewRules,
  type Ruleset,
} from './port.ts';

/** Which repository octokitGitHub works on, and with what credentials. */
export interface OctokitGitHubOptions {
  owner: string;
  repo: string;
  token: string;
  /** REST root (GITHUB_API_URL; GitHub Enterprise Server: https://HOST/api/v3). Default https://api.github.com. */
  baseUrl?: string;
  /** Per request. GitHub occasionally holds a connection open; a CI step should fail, not hang. Default 30 s. */
  timeoutMs?: number;
}

/** GitHub rejects a check-run request with more annotations than this (422). */
export const ANNOTATIONS_PER_REQUEST = 50;
/** GitHub's limit on a check run's output.summary and output.text, in characters (422 beyond it). */
export const OUTPUT_LIMIT = 65_535;
export const DEFAULT_API_URL = 'https://api.github.com';

/** The fields of a pull request (full or "simple" list shape) that the port needs. */
interface PullFields {
  number: number;
  html_url: string;
  title: string;
  body: string | null;
  user: { login: string } | null;
  head: { ref: string; sha: string };
  base: { ref: string };
  labels: { name: string }[];
}

const REVIEW_STATES = new Set<Review['state']>(['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED', 'PENDING']);
const PERMISSIONS = new Set<RepoPermission['permission']>(['admin', 'write', 'read', 'none']);
const ACTOR_TYPES = new Set<BypassActor['type']>(['Integration', 'OrganizationAdmin', 'RepositoryRole', 'Team', 'DeployKey', 'User']);

/** Repository settings are readable only with admin rights; say so rather than leave a bare 403/404. */
const adminHint = (setting: string) => (status: number) =>
  status === 403 || status === 404
    ? `reading ${setting} needs admin access: an admin's token, or a fine-grained token / GitHub App with "Administration: read" (a workflow's GITHUB_TOKEN cannot have it)`
    : undefined;

/** The GitHub port over @octokit/rest: every list paginated, errors mapped to GitHubError without the token. */
export function octokitGitHub(options: OctokitGitHubOptions): GitHub {
  const { owner, repo, token } = options;
  const baseUrl = (options.baseUrl ?? DEFAULT_API_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const octokit = new Octokit({
    auth: token,
    baseUrl,
    userAgent: 'rollgate',
    // Octokit logs every failed request itself; our GitHubError already carries it, so only warnings (deprecations) stay.
    log: { debug: () => {}, info: () => {}, warn: (message) => console.warn(message), error: () => {} },
    // @octokit/plugin-retry / -throttling are not installed, so no retries here: a failed call fails the step,
    // and every write is find-then-update so a rerun converges. Octokit has no timeout of its own; add one per request.
    request: { fetch: (url: string, init: RequestInit) => fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(timeoutMs) }) },
  });
  const rest = octokit.rest;
  const repoArgs = { owner, repo };

  /** Runs one call and turns whatever it throws into a GitHubError naming `what`. */
  const call = async <T>(what: string, run: () => Promise<T>, hint?: (status: number) => string | undefined): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw toGitHubError(what, error, token, baseUrl, hint);
    }
  };

  const pullRequest = (pr: PullFields): PullRequest => ({
    number: pr.number,
    url: pr.html_url,
    head: pr.head.ref,
    headSha: pr.head.sha,
    base: pr.base.ref,
    // A deleted account shows as "ghost" on GitHub; the API gives null.
    author: pr.user?.login ?? 'ghost',
    title: pr.title,
    body: pr.body ?? '',
    labels: pr.labels.map((l) => l.name),
  });

  return {
    async findPullRequest(branch) {
      const pulls = await call(`list open pull requests of ${owner}:${branch}`, () =>
        octokit.paginate(rest.pulls.list, { ...repoArgs, state: 'open', head: `${owner}:${branch}`, per_page: 100 }),
      );
      // The head filter is GitHub's, but a server that ignores it must not hand us someone else's PR.
      const mine = pulls.find((p) => p.head.ref === branch);
      return mine && pullRequest(mine);
    },

    async getPullRequest(number) {
      const { data } = await call(`get pull request #${number}`, () => rest.pulls.get({ ...repoArgs, pull_number: number }));
      return pullRequest(data);
    },

    async createPullRequest(pr) {
      const { data } = await call(`create pull request ${pr.head} → ${pr.base}`, () => rest.pulls.create({ ...repoArgs, ...pr }));
      return pullRequest(data);
    },

    async updatePullRequest(number, update) {
      await call(`update pull request #${number}`, () => rest.pulls.update({ ...repoArgs, pull_number: number, ...update }));
    },

    async listPullRequests(label) {
      const pulls = await call('list open pull requests', () => octokit.paginate(rest.pulls.list, { ...repoArgs, state: 'open', per_page: 100 }));
      return pulls.filter((p) => p.labels.some((l) => l.name === label)).map(pullRequest);
    },

    async closePullRequest(number) {
      await call(`close pull request #${number}`, () => rest.pulls.update({ ...repoArgs, pull_number: number, state: 'closed' }));
    },

    async enableAutoMerge(number, method = 'SQUASH') {
      const { data } = await call(`get pull request #${number}`, () => rest.pulls.get({ ...repoArgs, pull_number: number }));
      const mutation = 'mutation($id: ID!, $mergeMethod: PullRequestMergeMethod!) { enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: $mergeMethod }) { pullRequest { number } } }';
      await call(`enable auto-merge on #${number}`, () => octokit.graphql(mutation, { id: data.node_id, mergeMethod: method }));
    },

    async addLabels(number, labels) {
      // GitHub answers 422 to an empty list; adding nothing is a no-op.
      if (labels.length === 0) return;
      await call(`add labels to #${number}`, () => rest.issues.addLabels({ ...repoArgs, issue_number: number, labels }));
    },

    async upsertComment(number, marker, body) {
      // Without the marker in the body the next upsert could not find this comment and would pile up a new one.
      const text = withMarker(body, marker);
      const comments = await call(`list comments of #${number}`, () =>
        octokit.paginate(rest.issues.listComments, { ...repoArgs, issue_number: number, per_page: 100 }),
      );
      const existing = comments.find((c) => c.body?.includes(marker));
      if (existing) {
        const id = Number(existing.id);
        await call(`update comment ${id} on #${number}`, () => rest.issues.updateComment({ ...repoArgs, comment_id: id, body: text }));
        return { id, created: false };
      }
      const { data } = await call(`comment on #${number}`, () => rest.issues.createComment({ ...repoArgs, issue_number: number, body: text }));
      return { id: Number(data.id), created: true };
    },

    async listReviews(number) {
      const reviews = await call(`list reviews of #${number}`, () =>
        octokit.paginate(rest.pulls.listReviews, { ...repoArgs, pull_number: number, per_page: 100 }),
      );
      return reviews.map((r) => ({
        login: r.user?.login ?? 'ghost',
        // A state this code does not know must never count as an approval.
        state: REVIEW_STATES.has(r.state as Review['state']) ? (r.state as Review['state']) : 'COMMENTED',
        commitId: r.commit_id ?? '',
        submittedAt: r.submitted_at ?? '',
      }));
    },

    async teamMembers(team) {
      const { org, slug } = parseTeam(team);
      const members = await call(
        `list members of team ${org}/${slug}`,
        () => octokit.paginate(rest.teams.listMembersInOrg, { org, team_slug: slug, per_page: 100 }),
        (status) =>
          status === 404 || status === 403
            ? 'the team does not exist or the token cannot see it (the workflow GITHUB_TOKEN cannot read org teams; use a token with read:org)'
            : undefined,
      );
      return members.map((m) => m.login);
    },

    async createCheckRun(run) {
      const batches: Annotation[][] = [];
      for (let i = 0; i < run.annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(run.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
      const output = checkOutput(run);
      const { data } = await call(`create check run "${run.name}"`, () =>
        rest.checks.create({
          ...repoArgs,
          name: run.name,
          head_sha: run.headSha,
          status: 'completed',
          conclusion: run.conclusion,
          output: { ...output, annotations: (batches[0] ?? []).map(toApiAnnotation) },
        }),
      );
      const id = Number(data.id);
      // GitHub appends the annotations of each update to the run; title, summary and text are resent because
      // the update's output requires them and replaces them.
      for (const [i, batch] of batches.slice(1).entries()) {
        const sent = ANNOTATIONS_PER_REQUEST * (i + 1);
        await call(`add annotations ${sent + 1}–${sent + batch.length} of ${run.annotations.length} to check run ${id}`, () =>
          rest.checks.update({ ...repoArgs, check_run_id: id, output: { ...output, annotations: batch.map(toApiAnnotation) } }),
        );
      }
      return { id };
    },

    async fileAt(path, ref) {
      const clean = path.replace(/^\/+/, '');
      const what = `read ${clean} at ${ref}`;
      let data;
      try {
        ({ data } = await rest.repos.getContent({ ...repoArgs, path: clean, ref }));
      } catch (error) {
        // 404 is "no such file at that ref" — except when the ref itself is unknown, which is the caller's mistake.
        if (statusOf(error) === 404 && !/no commit found/i.test(messageOf(error))) return undefined;
        throw toGitHubError(what, error, token, baseUrl);
      }
      if (Array.isArray(data)) throw new GitHubError(`GitHub ${what}: it is a directory, not a file`);
      if (data.type !== 'file') throw new GitHubError(`GitHub ${what}: it is a ${data.type}, not a file`);
      if (data.encoding === 'base64') return Buffer.from(data.content, 'base64').toString('utf8');
      // Files over 1 MB come without content (encoding "none"); the raw media type returns them whole.
      const raw = await call(what, () => rest.repos.getContent({ ...repoArgs, path: clean, ref, mediaType: { format: 'raw' } }));
      return typeof raw.data === 'string' ? raw.data : Buffer.from(raw.data as unknown as ArrayBuffer).toString('utf8');
    },

    async mergedAt(commitSha, base) {
      // GitHub answers with the merged PR that brought a commit of the default branch in; for other
      // commits also open PRs that contain it, hence the merged_at filter.
      const pulls = await call(`list pull requests of commit ${commitSha}`, () =>
        octokit.paginate(rest.repos.listPullRequestsAssociatedWithCommit, { ...repoArgs, commit_sha: commitSha, per_page: 100 }),
      );
      const merged = pulls.filter((p): p is typeof p & { merged_at: string } => typeof p.merged_at === 'string' && (base === undefined || p.base.ref === base));
      // The PR whose merge made this very commit is the answer; otherwise (a rebase merge, a commit inside a merged
      // branch) the earliest merge that carried it.
      const own = merged.find((p) => p.merge_commit_sha === commitSha);
      if (own) return own.merged_at;
      return merged.map((p) => p.merged_at).sort((a, b) => Date.parse(a) - Date.parse(b))[0];
    },

    async branchProtection(branch) {
      const what = `read branch protection of ${branch}`;
      let data;
      try {
        ({ data } = await rest.repos.getBranchProtection({ ...repoArgs, branch }));
      } catch (error) {
        // "Branch not protected" — and, to a token without admin rights, a plain "Not Found": both read as unprotected.
        // A branch that does not exist is the caller's mistake.
        if (statusOf(error) === 404 && !/branch not found/i.test(messageOf(error))) return undefined;
        throw toGitHubError(what, error, token, baseUrl, adminHint('branch protection'));
      }
      const reviews = data.required_pull_request_reviews;
      const checks = data.required_status_checks;
      const allowances = reviews?.bypass_pull_request_allowances;
      return {
        ...(reviews
          ? {
              pullRequest: {
                approvals: reviews.required_approving_review_count ?? 0,
                codeOwners: reviews.require_code_owner_reviews ?? false,
                dismissStale: reviews.dismiss_stale_reviews ?? false,
                lastPushApproval: reviews.require_last_push_approval ?? false,
                bypass: [
                  ...(allowances?.users ?? []).map((u) => `@${u.login}`),
                  ...(allowances?.teams ?? []).map((t) => `team ${t.slug}`),
                  ...(allowances?.apps ?? []).map((a) => `app ${a?.slug ?? a?.name ?? '?'}`),
                ],
              },
            }
          : {}),
        ...(checks
          ? {
              checks: {
                strict: checks.strict ?? false,
                // `contexts` is the older list without the source; GitHub still sends both.
                required: checks.checks?.length ? checks.checks.map((c) => ({ context: c.context, appId: c.app_id ?? null })) : (checks.contexts ?? []).map((context) => ({ context, appId: null })),
              },
            }
          : {}),
        enforceAdmins: data.enforce_admins?.enabled ?? false,
        // Classic protection blocks both unless allowed.
        allowForcePushes: data.allow_force_pushes?.enabled ?? false,
        allowDeletions: data.allow_deletions?.enabled ?? false,
      };
    },

    async branchRules(branch) {
      const rules = await call(
        `read the rules of branch ${branch}`,
        () => octokit.paginate(rest.repos.getBranchRules, { ...repoArgs, branch, per_page: 100 }),
        // GitHub answers this for any branch name, so a 404 is about the repository.
        (status) => (status === 404 ? `no repository ${owner}/${repo}, or the token cannot see it` : undefined),
      );
      return rules.map(toBranchRule);
    },

    async ruleset(id) {
      // includes_parents: organization rulesets that apply here are readable through the repository too.
      const { data } = await call(`read ruleset ${id}`, () => rest.repos.getRepoRuleset({ ...repoArgs, ruleset_id: id, includes_parents: true }), adminHint('a ruleset'));
      return toRuleset(data);
    },

    async permissionOf(login) {
      try {
        const { data } = await rest.repos.getCollaboratorPermissionLevel({ ...repoArgs, username: login });
        const permission = PERMISSIONS.has(data.permission as RepoPermission['permission']) ? (data.permission as RepoPermission['permission']) : 'none';
        return { permission, role: data.role_name || permission };
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw toGitHubError(`read the permission of ${login}`, error, token, baseUrl);
      }
    },

    async workflowPermissions() {
      const { data } = await call('read the default workflow permissions', () => rest.actions.getGithubActionsDefaultWorkflowPermissionsRepository(repoArgs), adminHint('Actions settings'));
      return { defaultPermissions: data.default_workflow_permissions === 'read' ? 'read' : 'write', canApprovePullRequests: data.can_approve_pull_request_reviews };
    },

    async codeownersErrors(ref) {
      try {
        const { data } = await rest.repos.codeownersErrors({ ...repoArgs, ref });
        return data.errors.map((e) => ({ path: e.path, line: e.line, column: e.column, kind: e.kind, message: e.message, ...(e.suggestion ? { suggestion: e.suggestion } : {}) }));
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw toGitHubError(`read CODEOWNERS errors at ${ref}`, error, token, baseUrl);
      }
    },
  };
}

type ApiRule = Awaited<ReturnType<Octokit['rest']['repos']['getBranchRules']>>['data'][number];
type ApiRuleset = Awaited<ReturnType<Octokit['rest']['repos']['getRepoRuleset']>>['data'];

function toBranchRule(rule: ApiRule): BranchRule {
  const ruleset = rule.ruleset_id ?? 0;
  switch (rule.type) {
    case 'pull_request': {
      const p = rule.parameters;
      const review: ReviewRules = {
        approvals: p?.required_approving_review_count ?? 0,
        codeOwners: p?.require_code_owner_review ?? false,
        dismissStale: p?.dismiss_stale_reviews_on_push ?? false,
        lastPushApproval: p?.require_last_push_approval ?? false,
      };
      return { type: 'pull_request', ruleset, review };
    }
    case 'required_status_checks': {
      const p = rule.parameters;
      return { type: 'required_status_checks', ruleset, strict: p?.strict_required_status_checks_policy ?? false, checks: (p?.required_status_checks ?? []).map((c) => ({ context: c.context, appId: c.integration_id ?? null })) };
    }
    case 'non_fast_forward':
    case 'deletion':
      return { type: rule.type, ruleset };
    default:
      return { type: 'other', name: rule.type, ruleset };
  }
}

function toRuleset(data: ApiRuleset): Ruleset {
  const enforcement = data.enforcement === 'active' || data.enforcement === 'evaluate' ? data.enforcement : 'disabled';
  return {
    id: data.id,
    name: data.name,
    source: data.source,
    sourceType: data.source_type ?? 'Repository',
    enforcement,
    ...(data.bypass_actors
      ? {
          bypassActors: data.bypass_actors.map((a) => ({
            // An actor type this code does not know is still someone who bypasses: keep it, as the closest kind.
            type: ACTOR_TYPES.has(a.actor_type) ? a.actor_type : 'User',
            id: a.actor_id ?? null,
            mode: a.bypass_mode ?? 'always',
          })),
        }
      : {}),
  };
}

/** `org/team-slug` or `@org/team-slug` (CODEOWNERS style) → its parts. */
export function parseTeam(team: string): { org: string; slug: string } {
  const match = /^@?([^/\s]+)\/([^/\s]+)$/.exec(team.trim());
  if (!match) throw new GitHubError(`team "${team}" is not of the form org/team-slug`);
  return { org: match[1], slug: match[2] };
}

/** `body` with `marker` appended when it does not already contain it. */
export function withMarker(body: string, marker: string): string {
  return body.includes(marker) ? body : `${body}\n\n${marker}`;
}

/** Cuts text to GitHub's output limit, saying so, rather than have the whole check run refused. */
export function fitOutput(text: string): string {
  if (text.length <= OUTPUT_LIMIT) return text;
  const note = '\n\n… (truncated: GitHub keeps at most 65,535 characters here)';
  return text.slice(0, OUTPUT_LIMIT - note.length) + note;
}

function checkOutput(run: CheckRun): { title: string; summary: string; text?: string } {
  return { title: run.title, summary: fitOutput(run.summary), ...(run.text !== undefined ? { text: fitOutput(run.text) } : {}) };
}

// Columns are left out on purpose: GitHub accepts them only when start_line = end_line, and we have lines only.
function toApiAnnotation(a: Annotation) {
  return {
    path: a.path,
    start_line: a.startLine,
    end_line: a.endLine,
    annotation_level: a.level,
    message: a.message,
    ...(a.title !== undefined ? { title: a.title } : {}),
  };
}

function statusOf(error: unknown): number | undefined {
  const e = error as { status?: unknown; response?: unknown };
  // Octokit reports "could not connect" as status 500 without a response; that is not GitHub's answer.
  return typeof e?.status === 'number' && e.response !== undefined ? e.status : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Octokit's RequestError (or a network failure) → GitHubError; the token is scrubbed from the text. */
function toGitHubError(what: string, error: unknown, token: string, baseUrl: string, hint?: (status: number) => string | undefined): GitHubError {
  if (error instanceof GitHubError) return error;
  const status = statusOf(error);
  const detail = messageOf(error);
  const extra = status !== undefined ? hint?.(status) : undefined;
  const message =
    status !== undefined
      ? `GitHub ${what}: ${status} ${detail}${extra ? ` — ${extra}` : ''}`
      : `GitHub ${what}: could not reach ${baseUrl}: ${detail}`;
  return new GitHubError(redact(message, token), status);
}

function redact(text: string, token: string): string {
  return token ? text.split(token).join('[REDACTED]') : text;
}
