import { Octokit } from '@octokit/rest';
import { GitHubError, type Annotation, type CheckRun, type GitHub, type PullRequest, type Review } from './port.ts';

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
