import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { components, operations } from '@octokit/openapi-types';
import { CODEOWNERS_LOCATIONS, type Annotation, type CheckRun, type PullRequest } from '../../scripts/github/port.ts';
import { BOT_LOGIN, fakeSha, FIRST_COMMENT_ID, type GitHubSeeds, type SeedMerge, type SeedPullRequest, type SeedReview, type StoredComment } from './fake-github.ts';

// The response shapes are octokit's own (GitHub's OpenAPI description), so a field octokit or the
// adapter reads cannot drift from what GitHub sends without tsc noticing.
type Schemas = components['schemas'];
type ApiUser = Schemas['simple-user'];
type ApiRepository = Schemas['repository'];
type ApiPull = Schemas['pull-request'];
type ApiPullSimple = Schemas['pull-request-simple'];
type ApiLabel = Schemas['label'];
type ApiComment = Schemas['issue-comment'];
type ApiReview = Schemas['pull-request-review'];
type ApiCheckRun = Schemas['check-run'];
type ApiContentFile = Schemas['content-file'];
type ApiContentDirectory = Schemas['content-directory'];
type ApiBasicError = Schemas['basic-error'];
type ApiBranchProtection = Schemas['branch-protection'];
type ApiRuleDetailed = Schemas['repository-rule-detailed'];
type ApiRuleset = Schemas['repository-ruleset'];
type ApiPermission = Schemas['repository-collaborator-permission'];
type ApiWorkflowPermissions = Schemas['actions-get-default-workflow-permissions'];
type ApiCodeownersErrors = Schemas['codeowners-errors'];
/** What an admin sends to `PUT /repos/{o}/{r}/branches/{b}/protection`: the seed of setBranchProtection. */
export type ProtectionSettings = operations['repos/update-branch-protection']['requestBody']['content']['application/json'];
/** What an admin sends to `POST /repos/{o}/{r}/rulesets`: the seed of addRuleset. */
export type RulesetSettings = operations['repos/create-repo-ruleset']['requestBody']['content']['application/json'];
type ApiValidationError = Schemas['validation-error'];

/** One request as the server saw it. `path` is decoded; `authorization` is the raw header. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization?: string;
}

/** A check-run annotation as the REST API takes it. */
export interface ApiAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

interface StoredPull {
  number: number;
  head: string;
  headSha: string;
  base: string;
  author: string;
  title: string;
  body: string | null;
  labels: string[];
  state: 'open' | 'closed';
  merge?: SeedMerge;
  /** Set by the GraphQL enablePullRequestAutoMerge mutation. */
  autoMerge?: { mergeMethod: string; enabledAt: string };
  createdAt: string;
  updatedAt: string;
}

interface StoredCheckRun {
  id: number;
  name: string;
  headSha: string;
  status: ApiCheckRun['status'];
  conclusion: ApiCheckRun['conclusion'];
  title: string | null;
  summary: string | null;
  text: string | null;
  annotations: ApiAnnotation[];
  startedAt: string;
  completedAt: string | null;
}

/** An answer other than 2xx: GitHub's status and error body. */
class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiBasicError | ApiValidationError,
  ) {
    super(body.message ?? String(status));
  }
}

const DOCS = 'https://docs.github.com/rest';
const notFound = (message = 'Not Found') => new ApiFailure(404, { message, documentation_url: DOCS, status: '404' });
const invalid = (message: string, errors?: ApiValidationError['errors']) =>
  new ApiFailure(422, { message, documentation_url: DOCS, ...(errors ? { errors } : {}) });
/** GitHub's limits that the server enforces the way GitHub does (422). */
const MAX_ANNOTATIONS = 50;
const MAX_OUTPUT = 65_535;
/** Over this size the contents API leaves `content` empty (encoding "none"). */
const INLINE_CONTENT_LIMIT = 1024 * 1024;
const LEVELS = new Set(['notice', 'warning', 'failure']);
const CONCLUSIONS = new Set(['success', 'failure', 'neutral', 'cancelled', 'skipped', 'timed_out', 'action_required']);

/** Options of the local GitHub. */
export interface GitHubServerOptions {
  owner?: string;
  repo?: string;
  /** When set, requests must send it (`token …` or `Bearer …`), as GitHub does; otherwise 401. */
  token?: string;
  defaultBranch?: string;
}

/**
 * A local GitHub REST API on 127.0.0.1 for the endpoints rollgate uses, with state in memory.
 * Lists paginate like GitHub (per_page, default 30, max 100, `Link` headers); `maxPageSize`
 * forces smaller pages so tests really walk them. Unknown things are 404, bad input 422.
 */
export class GitHubServer implements GitHubSeeds {
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  readonly token?: string;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Caps every page at this many items, whatever per_page asks (a test knob; GitHub's cap is 100). */
  maxPageSize = 100;
  url = '';
  private server?: Server;
  private readonly pulls = new Map<number, StoredPull>();
  private readonly comments = new Map<number, (StoredComment & { createdAt: string; updatedAt: string })[]>();
  private readonly reviews = new Map<number, (Required<SeedReview> & { id: number })[]>();
  private readonly teams = new Map<string, string[]>();
  private readonly files = new Map<string, Map<string, string>>();
  private readonly runs = new Map<number, StoredCheckRun>();
  private readonly failures: { status: number; message: string }[] = [];
  private readonly protections = new Map<string, ProtectionSettings>();
  private readonly rulesets = new Map<number, { settings: RulesetSettings; sourceType: 'Repository' | 'Organization'; source: string; hideBypass: boolean }>();
  private readonly roles = new Map<string, string>();
  private readonly codeownersProblems = new Map<string, ApiCodeownersErrors['errors']>();
  // A repository created today starts like this (read-only token, no PR approvals by Actions).
  private workflow: ApiWorkflowPermissions = { default_workflow_permissions: 'read', can_approve_pull_request_reviews: false };
  private nextNumber = 1;
  private nextRulesetId = 4_200_001;
  private nextCommentId = FIRST_COMMENT_ID;
  private nextReviewId = 80_000_001;
  private nextRunId = 1;
  private clock = Date.UTC(2025, 0, 1);

  constructor(options: GitHubServerOptions = {}) {
    this.owner = options.owner ?? 'octo-org';
    this.repo = options.repo ?? 'rollouts';
    this.defaultBranch = options.defaultBranch ?? 'main';
    this.token = options.token;
  }

  /** Listens on 127.0.0.1 (a free port); returns the base URL to give octokit. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', resolve);
    });
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this.url;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next request (whatever it is) is answered with `status` and `message`, once per call. */
  failNext(status: number, message: string): void {
    this.failures.push({ status, message });
  }

  /** Recorded requests with this method whose path matches. */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  /** Forgets recorded requests (state stays). */
  clearRequests(): void {
    this.requests.length = 0;
  }

  // --- seeds and inspection (the same as FakeGitHub's) ----------------------------------

  addPullRequest(pr: SeedPullRequest): number {
    const number = this.nextNumber++;
    const now = this.tick();
    this.pulls.set(number, {
      number,
      head: pr.head,
      headSha: pr.headSha ?? fakeSha(pr.head),
      base: pr.base ?? this.defaultBranch,
      author: pr.author ?? 'octocat',
      title: pr.title ?? `Change ${pr.head}`,
      body: pr.body ?? null,
      labels: [...new Set(pr.labels ?? [])],
      state: pr.state ?? 'open',
      createdAt: now,
      updatedAt: now,
    });
    return number;
  }

  mergePullRequest(number: number, merge: SeedMerge): void {
    const pr = this.pull(number);
    pr.state = 'closed';
    pr.merge = { ...merge, commits: [...(merge.commits ?? [])] };
    pr.updatedAt = this.tick();
  }

  // Repository settings, in the shapes an admin would send GitHub.

  /** Protects `branch` as `PUT …/branches/{branch}/protection` with this body would; undefined unprotects it. */
  setBranchProtection(branch: string, settings: ProtectionSettings | undefined): void {
    if (settings) this.protections.set(branch, structuredClone(settings));
    else this.protections.delete(branch);
  }

  /**
   * Adds a ruleset as `POST …/rulesets` would; returns its id. `organization` makes it an org ruleset;
   * `hideBypass` answers like GitHub does to a token without write access to it (no bypass_actors).
   */
  addRuleset(settings: RulesetSettings, options: { organization?: boolean; hideBypass?: boolean } = {}): number {
    const id = this.nextRulesetId++;
    this.rulesets.set(id, {
      settings: structuredClone(settings),
      sourceType: options.organization ? 'Organization' : 'Repository',
      source: options.organization ? this.owner : `${this.owner}/${this.repo}`,
      hideBypass: options.hideBypass ?? false,
    });
    return id;
  }

  /** `role`: admin, maintain, write, triage, read (or a custom role's name, which counts as read). */
  setRole(login: string, role: string): void {
    this.roles.set(login.toLowerCase(), role);
  }

  setWorkflowPermissions(settings: ApiWorkflowPermissions): void {
    this.workflow = { ...settings };
  }

  setCodeownersErrors(ref: string, errors: ApiCodeownersErrors['errors']): void {
    this.codeownersProblems.set(ref, structuredClone(errors));
  }

  addReview(number: number, review: SeedReview): void {
    const pr = this.pull(number);
    const list = this.reviews.get(number) ?? [];
    list.push({ commitId: pr.headSha, submittedAt: new Date(Date.UTC(2025, 0, 1, 0, list.length)).toISOString(), ...review, id: this.nextReviewId++ });
    this.reviews.set(number, list);
  }

  addTeam(team: string, members: string[]): void {
    const match = /^@?([^/\s]+)\/([^/\s]+)$/.exec(team);
    if (!match) throw new Error(`addTeam: "${team}" is not org/slug`);
    this.teams.set(`${match[1]}/${match[2]}`.toLowerCase(), [...members]);
  }

  setFile(path: string, ref: string, content: string): void {
    const files = this.files.get(ref) ?? new Map<string, string>();
    files.set(path.replace(/^\/+/, ''), content);
    this.files.set(ref, files);
  }

  addComment(number: number, body: string, login = 'octocat'): number {
    this.pull(number);
    const id = this.nextCommentId++;
    const now = this.tick();
    this.comments.set(number, [...(this.comments.get(number) ?? []), { id, body, login, createdAt: now, updatedAt: now }]);
    return id;
  }

  commentsOf(number: number): StoredComment[] {
    return (this.comments.get(number) ?? []).map(({ id, body, login }) => ({ id, body, login }));
  }

  pullRequestOf(number: number): PullRequest & { state: 'open' | 'closed' } {
    const p = this.pull(number);
    return { number, url: this.htmlUrl(`pull/${number}`), head: p.head, headSha: p.headSha, base: p.base, author: p.author, title: p.title, body: p.body ?? '', labels: [...p.labels], state: p.state };
  }

  checkRuns(): (CheckRun & { id: number })[] {
    return [...this.runs.values()].map((r) => ({
      id: r.id,
      name: r.name,
      headSha: r.headSha,
      conclusion: r.conclusion as CheckRun['conclusion'],
      title: r.title ?? '',
      summary: r.summary ?? '',
      ...(r.text !== null ? { text: r.text } : {}),
      annotations: r.annotations.map(
        (a): Annotation => ({ path: a.path, startLine: a.start_line, endLine: a.end_line, level: a.annotation_level, message: a.message, ...(a.title !== undefined ? { title: a.title } : {}) }),
      ),
    }));
  }

  /** Every annotation of a check run, in API shape (columns included when sent). */
  annotationsOf(id: number): ApiAnnotation[] {
    return [...(this.runs.get(id)?.annotations ?? [])];
  }

  // --- HTTP -----------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      ...(req.headers.authorization !== undefined ? { authorization: req.headers.authorization } : {}),
    };
    this.requests.push(record);
    try {
      if (raw) {
        try {
          record.body = JSON.parse(raw);
        } catch {
          throw new ApiFailure(400, { message: 'Problems parsing JSON', documentation_url: DOCS });
        }
      }
      const failure = this.failures.shift();
      if (failure) throw new ApiFailure(failure.status, { message: failure.message, documentation_url: DOCS, status: String(failure.status) });
      this.authorize(req.headers.authorization);
      const answer = this.route(record, url, req.headers.accept ?? '');
      if (typeof answer.body === 'string') {
        res.writeHead(answer.status, { ...this.headers(), 'content-type': 'application/vnd.github.raw; charset=utf-8', ...answer.headers }).end(answer.body);
      } else {
        res.writeHead(answer.status, { ...this.headers(), 'content-type': 'application/json; charset=utf-8', ...answer.headers }).end(JSON.stringify(answer.body));
      }
    } catch (error) {
      const failure = error instanceof ApiFailure ? error : new ApiFailure(500, { message: `local GitHub: ${String(error)}` });
      res.writeHead(failure.status, { ...this.headers(), 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(failure.body));
    }
  }

  private headers(): Record<string, string> {
    return { 'x-github-request-id': `LOCAL:${this.requests.length}`, 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999' };
  }

  private authorize(header: string | undefined): void {
    if (this.token === undefined) return;
    if (!header) throw new ApiFailure(401, { message: 'Requires authentication', documentation_url: DOCS, status: '401' });
    if (header !== `token ${this.token}` && header !== `Bearer ${this.token}`) throw new ApiFailure(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
  }

  private route(r: RecordedRequest, url: URL, accept: string): { status: number; body: unknown; headers?: Record<string, string> } {
    const { method } = r;
    // Contents paths contain slashes, so they are matched before the path is split.
    const repoPrefix = `/repos/${this.owner}/${this.repo}`;
    const contents = new RegExp(`^/repos/[^/]+/[^/]+/contents(?:/(.*))?$`).exec(r.path);
    if (contents && method === 'GET') {
      this.repoOf(r.path);
      return this.getContent(contents[1] ?? '', r.query.ref ?? this.defaultBranch, accept);
    }
    const team = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/members$/.exec(r.path);
    if (team && method === 'GET') {
      const members = this.teams.get(`${team[1]}/${team[2]}`.toLowerCase());
      if (!members) throw notFound();
      return this.page(r, url, members.map((login) => this.user(login)));
    }
    if (r.path === '/graphql' && method === 'POST') return { status: 200, body: this.graphql(r.body) };
    const users = /^\/users\/([^/]+)$/.exec(r.path);
    if (users && method === 'GET') return { status: 200, body: this.user(users[1]) };
    if (!r.path.startsWith('/repos/')) throw notFound();
    this.repoOf(r.path);
    const rest = r.path.slice(repoPrefix.length);
    let m: RegExpExecArray | null;
    if (rest === '/pulls' && method === 'GET') return this.page(r, url, this.listPulls(r.query).map((p) => this.pullSimple(p)));
    if (rest === '/pulls' && method === 'POST') return { status: 201, body: this.pullFull(this.createPull(r.body)) };
    if ((m = /^\/pulls\/(\d+)$/.exec(rest)) && method === 'GET') return { status: 200, body: this.pullFull(this.pull(Number(m[1]))) };
    if ((m = /^\/pulls\/(\d+)$/.exec(rest)) && method === 'PATCH') return { status: 200, body: this.pullFull(this.updatePull(Number(m[1]), r.body)) };
    if ((m = /^\/pulls\/(\d+)\/reviews$/.exec(rest)) && method === 'GET') {
      const number = Number(m[1]);
      this.pull(number);
      return this.page(r, url, (this.reviews.get(number) ?? []).map((v) => this.review(number, v)));
    }
    if ((m = /^\/issues\/(\d+)\/labels$/.exec(rest)) && method === 'POST') return { status: 200, body: this.addLabels(Number(m[1]), r.body) };
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(rest)) && method === 'GET') {
      const number = Number(m[1]);
      this.pull(number);
      return this.page(r, url, (this.comments.get(number) ?? []).map((c) => this.comment(number, c)));
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(rest)) && method === 'POST') {
      const number = Number(m[1]);
      const body = this.requireBody(r.body);
      const id = this.addComment(number, body, BOT_LOGIN);
      return { status: 201, body: this.comment(number, this.comments.get(number)!.find((c) => c.id === id)!) };
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(rest)) && method === 'PATCH') {
      const id = Number(m[1]);
      for (const [number, list] of this.comments) {
        const c = list.find((x) => x.id === id);
        if (!c) continue;
        c.body = this.requireBody(r.body);
        c.updatedAt = this.tick();
        return { status: 200, body: this.comment(number, c) };
      }
      throw notFound();
    }
    if ((m = /^\/commits\/([^/]+)\/pulls$/.exec(rest)) && method === 'GET') return this.page(r, url, this.pullsOfCommit(m[1]).map((p) => this.pullSimple(p)));
    if ((m = /^\/branches\/(.+)\/protection$/.exec(rest)) && method === 'GET') return { status: 200, body: this.branchProtection(m[1]) };
    if ((m = /^\/rules\/branches\/(.+)$/.exec(rest)) && method === 'GET') return this.page(r, url, this.rulesOf(m[1]));
    if ((m = /^\/rulesets\/(\d+)$/.exec(rest)) && method === 'GET') return { status: 200, body: this.ruleset(Number(m[1]), r.query.includes_parents !== 'false') };
    if ((m = /^\/collaborators\/([^/]+)\/permission$/.exec(rest)) && method === 'GET') return { status: 200, body: this.permission(m[1]) };
    if (rest === '/actions/permissions/workflow' && method === 'GET') return { status: 200, body: { ...this.workflow } satisfies ApiWorkflowPermissions };
    if (rest === '/codeowners/errors' && method === 'GET') return { status: 200, body: this.codeownersErrors(r.query.ref ?? this.defaultBranch) };
    if (rest === '/check-runs' && method === 'POST') return { status: 201, body: this.checkRun(this.createCheckRun(r.body)) };
    if ((m = /^\/check-runs\/(\d+)$/.exec(rest)) && method === 'PATCH') return { status: 200, body: this.checkRun(this.updateCheckRun(Number(m[1]), r.body)) };
    throw notFound();
  }

  /** One page of `items` and GitHub's Link header (next, last, first, prev). */
  private page(r: RecordedRequest, url: URL, items: unknown[]): { status: number; body: unknown[]; headers: Record<string, string> } {
    const asked = Number(r.query.per_page ?? 30);
    const size = Math.max(1, Math.min(Number.isFinite(asked) && asked > 0 ? asked : 30, 100, this.maxPageSize));
    const page = Math.max(1, Number(r.query.page ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / size));
    const link = (n: number, rel: string) => {
      const next = new URL(url.pathname + url.search, this.url);
      next.searchParams.set('page', String(n));
      return `<${next.href}>; rel="${rel}"`;
    };
    const links = [
      ...(page > 1 ? [link(page - 1, 'prev')] : []),
      ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
      ...(page > 1 ? [link(1, 'first')] : []),
    ];
    return { status: 200, body: items.slice((page - 1) * size, page * size), headers: links.length ? { link: links.join(', ') } : {} };
  }

  // --- pulls, labels, comments ----------------------------------------------------------

  private listPulls(query: Record<string, string>): StoredPull[] {
    const state = query.state ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) throw invalid('Validation Failed', [{ resource: 'Search', field: 'state', code: 'invalid' }]);
    let list = [...this.pulls.values()].filter((p) => state === 'all' || p.state === state);
    if (query.head !== undefined) {
      // GitHub's head filter is `user:ref`; the owner of our branches is the repository owner (no forks here).
      const [user, ...ref] = query.head.split(':');
      list = ref.length ? list.filter((p) => user === this.owner && p.head === ref.join(':')) : list.filter(() => user === this.owner);
    }
    if (query.base !== undefined) list = list.filter((p) => p.base === query.base);
    // GitHub's default sort: newest first.
    return list.sort((a, b) => (query.direction === 'asc' ? a.number - b.number : b.number - a.number));
  }

  private createPull(body: unknown): StoredPull {
    const b = (body ?? {}) as { title?: unknown; head?: unknown; base?: unknown; body?: unknown };
    for (const field of ['head', 'base'] as const) {
      if (typeof b[field] !== 'string' || !b[field]) throw invalid('Validation Failed', [{ resource: 'PullRequest', field, code: 'missing_field' }]);
    }
    if (typeof b.title !== 'string' || !b.title) throw invalid('Validation Failed', [{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
    const rawHead = b.head as string;
    const head = rawHead.includes(':') ? rawHead.slice(rawHead.indexOf(':') + 1) : rawHead;
    const base = b.base as string;
    if (head === base) throw invalid('Validation Failed', [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` }]);
    if ([...this.pulls.values()].some((p) => p.state === 'open' && p.head === head && p.base === base)) {
      throw invalid('Validation Failed', [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${this.owner}:${head}.` }]);
    }
    const number = this.addPullRequest({ head, base, title: b.title, author: BOT_LOGIN });
    const pr = this.pull(number);
    pr.body = typeof b.body === 'string' ? b.body : null;
    return pr;
  }

  /** The one GraphQL mutation rollgate sends: enablePullRequestAutoMerge. */
  private graphql(body: unknown): unknown {
    const { query, variables } = (body ?? {}) as { query?: string; variables?: Record<string, unknown> };
    if (typeof query !== 'string' || !/enablePullRequestAutoMerge/.test(query)) return { errors: [{ message: 'this server answers only enablePullRequestAutoMerge' }] };
    const id = String(variables?.id ?? '');
    const pr = [...this.pulls.values()].find((p) => `PR_${p.number}` === id);
    if (!pr) return { data: null, errors: [{ type: 'NOT_FOUND', message: `Could not resolve to a node with the global id of '${id}'` }] };
    if (pr.state !== 'open') return { data: null, errors: [{ message: 'Pull request is closed' }] };
    pr.autoMerge = { mergeMethod: String(variables?.mergeMethod ?? 'MERGE'), enabledAt: this.tick() };
    return { data: { enablePullRequestAutoMerge: { pullRequest: { number: pr.number } } } };
  }

  /** Whether auto-merge was enabled on a PR, and how. */
  autoMergeOf(number: number): StoredPull['autoMerge'] {
    return this.pull(number).autoMerge;
  }

  private updatePull(number: number, body: unknown): StoredPull {
    const pr = this.pull(number);
    const b = (body ?? {}) as { title?: unknown; body?: unknown; state?: unknown; base?: unknown };
    if (b.state !== undefined && b.state !== 'open' && b.state !== 'closed') throw invalid('Validation Failed', [{ resource: 'PullRequest', field: 'state', code: 'invalid' }]);
    if (typeof b.title === 'string') pr.title = b.title;
    if (typeof b.body === 'string' || b.body === null) pr.body = b.body;
    if (b.state === 'open' || b.state === 'closed') pr.state = b.state;
    if (typeof b.base === 'string') pr.base = b.base;
    pr.updatedAt = this.tick();
    return pr;
  }

  private addLabels(number: number, body: unknown): ApiLabel[] {
    const pr = this.pull(number);
    // GitHub takes {labels: [...]} or a bare array, of names or {name}.
    const list = Array.isArray(body) ? body : (body as { labels?: unknown } | undefined)?.labels;
    if (!Array.isArray(list) || list.length === 0) throw invalid('Invalid request.\n\nNo subschema in "anyOf" matched.');
    const names = list.map((l) => (typeof l === 'string' ? l : (l as { name?: unknown })?.name));
    if (names.some((n) => typeof n !== 'string' || !n)) throw invalid('Validation Failed', [{ resource: 'Label', field: 'name', code: 'invalid' }]);
    pr.labels = [...new Set([...pr.labels, ...(names as string[])])];
    return pr.labels.map((name) => this.label(name));
  }

  private requireBody(body: unknown): string {
    const text = (body as { body?: unknown } | undefined)?.body;
    if (typeof text !== 'string' || !text) throw invalid('Validation Failed', [{ resource: 'IssueComment', field: 'body', code: 'missing_field' }]);
    if (text.length > 65_536) throw invalid('Validation Failed', [{ resource: 'IssueComment', field: 'body', code: 'custom', message: 'body is too long (maximum is 65536 characters)' }]);
    return text;
  }

  // --- check runs -----------------------------------------------------------------------

  private createCheckRun(body: unknown): StoredCheckRun {
    const b = (body ?? {}) as { name?: unknown; head_sha?: unknown; status?: unknown; conclusion?: unknown; output?: unknown };
    if (typeof b.name !== 'string' || !b.name) throw invalid('Invalid request.\n\n"name" wasn\'t supplied.');
    if (typeof b.head_sha !== 'string' || !/^[0-9a-f]{40}$/.test(b.head_sha)) throw invalid(`No commit found for SHA: ${String(b.head_sha)}`);
    const status = (b.status ?? (b.conclusion !== undefined ? 'completed' : 'queued')) as ApiCheckRun['status'];
    if (!['queued', 'in_progress', 'completed'].includes(status)) throw invalid('Invalid request.\n\nInvalid value for "status".');
    if (b.conclusion !== undefined && (typeof b.conclusion !== 'string' || !CONCLUSIONS.has(b.conclusion))) throw invalid('Invalid request.\n\nInvalid value for "conclusion".');
    if (status === 'completed' && b.conclusion === undefined) throw invalid('Invalid request.\n\n"conclusion" wasn\'t supplied.');
    const output = this.checkOutput(b.output, 'title');
    const now = this.tick();
    const run: StoredCheckRun = {
      id: this.nextRunId++,
      name: b.name,
      headSha: b.head_sha,
      status,
      conclusion: (b.conclusion ?? null) as ApiCheckRun['conclusion'],
      title: output?.title ?? null,
      summary: output?.summary ?? null,
      text: output?.text ?? null,
      annotations: output?.annotations ?? [],
      startedAt: now,
      completedAt: status === 'completed' ? now : null,
    };
    this.runs.set(run.id, run);
    return run;
  }

  private updateCheckRun(id: number, body: unknown): StoredCheckRun {
    const run = this.runs.get(id);
    if (!run) throw notFound();
    const b = (body ?? {}) as { output?: unknown; conclusion?: unknown; status?: unknown };
    if (b.conclusion !== undefined && (typeof b.conclusion !== 'string' || !CONCLUSIONS.has(b.conclusion))) throw invalid('Invalid request.\n\nInvalid value for "conclusion".');
    // GitHub's update output needs a summary; title, summary and text replace, annotations append.
    const output = this.checkOutput(b.output, 'summary');
    if (output) {
      if (output.title !== undefined) run.title = output.title;
      run.summary = output.summary;
      if (output.text !== undefined) run.text = output.text;
      run.annotations.push(...output.annotations);
    }
    if (typeof b.conclusion === 'string') {
      run.conclusion = b.conclusion as ApiCheckRun['conclusion'];
      run.status = 'completed';
      run.completedAt = this.tick();
    }
    return run;
  }

  /** Validates `output` like GitHub: required fields, ≤ 50 annotations, text sizes, columns only on one line. */
  private checkOutput(value: unknown, required: 'title' | 'summary'): { title?: string; summary: string; text?: string; annotations: ApiAnnotation[] } | undefined {
    if (value === undefined) return undefined;
    const o = value as { title?: unknown; summary?: unknown; text?: unknown; annotations?: unknown };
    if (required === 'title' && (typeof o.title !== 'string' || !o.title)) throw invalid('Invalid request.\n\n"title" wasn\'t supplied.');
    if (typeof o.summary !== 'string' || !o.summary) throw invalid('Invalid request.\n\n"summary" wasn\'t supplied.');
    if (o.title !== undefined && typeof o.title !== 'string') throw invalid('Invalid request.\n\nInvalid value for "title".');
    for (const field of ['summary', 'text'] as const) {
      const text = o[field];
      if (text !== undefined && (typeof text !== 'string' || text.length > MAX_OUTPUT)) {
        throw invalid('Validation Failed', [{ resource: 'CheckRun', field: `output.${field}`, code: 'custom', message: `Only ${MAX_OUTPUT} characters are allowed; ${String((text as string)?.length)} were supplied.` }]);
      }
    }
    const annotations = (o.annotations ?? []) as ApiAnnotation[];
    if (!Array.isArray(annotations)) throw invalid('Invalid request.\n\nInvalid value for "annotations".');
    if (annotations.length > MAX_ANNOTATIONS) {
      throw invalid('Validation Failed', [{ resource: 'CheckRun', field: 'output.annotations', code: 'custom', message: `Only ${MAX_ANNOTATIONS} annotations are allowed per request; ${annotations.length} were supplied.` }]);
    }
    for (const [index, a] of annotations.entries()) {
      const bad = (why: string) => invalid('Validation Failed', [{ resource: 'CheckRun', field: `output.annotations[${index}]`, code: 'invalid', message: why, index }]);
      if (typeof a?.path !== 'string' || !a.path) throw bad('"path" wasn\'t supplied');
      if (!Number.isInteger(a.start_line) || !Number.isInteger(a.end_line) || a.start_line < 1 || a.end_line < a.start_line) throw bad('start_line and end_line must be lines, start_line ≤ end_line');
      if (!LEVELS.has(a.annotation_level)) throw bad('annotation_level must be notice, warning or failure');
      if (typeof a.message !== 'string' || !a.message) throw bad('"message" wasn\'t supplied');
      if ((a.start_column !== undefined || a.end_column !== undefined) && a.start_line !== a.end_line) throw bad('start_column and end_column are only allowed when start_line equals end_line');
    }
    return {
      ...(typeof o.title === 'string' ? { title: o.title } : {}),
      summary: o.summary,
      ...(typeof o.text === 'string' ? { text: o.text } : {}),
      annotations: annotations.map((a) => ({ ...a })),
    };
  }

  // --- settings -------------------------------------------------------------------------

  private branchProtection(branch: string): ApiBranchProtection {
    if (!this.knownRef(branch)) throw notFound('Branch not found');
    const s = this.protections.get(branch);
    if (!s) throw notFound('Branch not protected');
    const url = `${this.url}/repos/${this.owner}/${this.repo}/branches/${branch}/protection`;
    const names = (logins: string[] | undefined) => (logins ?? []).map((login) => this.user(login));
    const teams = (slugs: string[] | undefined) => (slugs ?? []).map((slug) => this.team(slug));
    const reviews = s.required_pull_request_reviews;
    const checks = s.required_status_checks;
    // GitHub answers with every flag as {enabled}, and leaves out the blocks that are off.
    return {
      url,
      ...(checks
        ? {
            required_status_checks: {
              url: `${url}/required_status_checks`,
              strict: checks.strict,
              // A request may name the checks (with their app) or only the older contexts; GitHub answers with both lists.
              contexts: checks.checks?.length ? checks.checks.map((c) => c.context) : checks.contexts,
              checks: checks.checks?.length ? checks.checks.map((c) => ({ context: c.context, app_id: c.app_id ?? null })) : checks.contexts.map((context) => ({ context, app_id: null })),
              contexts_url: `${url}/required_status_checks/contexts`,
            },
          }
        : {}),
      enforce_admins: { url: `${url}/enforce_admins`, enabled: s.enforce_admins === true },
      ...(reviews
        ? {
            required_pull_request_reviews: {
              url: `${url}/required_pull_request_reviews`,
              dismiss_stale_reviews: reviews.dismiss_stale_reviews ?? false,
              require_code_owner_reviews: reviews.require_code_owner_reviews ?? false,
              required_approving_review_count: reviews.required_approving_review_count ?? 0,
              require_last_push_approval: reviews.require_last_push_approval ?? false,
              ...(reviews.bypass_pull_request_allowances
                ? { bypass_pull_request_allowances: { users: names(reviews.bypass_pull_request_allowances.users), teams: teams(reviews.bypass_pull_request_allowances.teams), apps: [] } }
                : {}),
            },
          }
        : {}),
      required_linear_history: { enabled: s.required_linear_history === true },
      allow_force_pushes: { enabled: s.allow_force_pushes === true },
      allow_deletions: { enabled: s.allow_deletions === true },
      block_creations: { enabled: s.block_creations === true },
      required_conversation_resolution: { enabled: s.required_conversation_resolution === true },
      lock_branch: { enabled: s.lock_branch === true },
      allow_fork_syncing: { enabled: s.allow_fork_syncing === true },
    };
  }

  /** Like GitHub: active branch rulesets whose ref conditions take `branch`, whether or not it exists. */
  private rulesOf(branch: string): ApiRuleDetailed[] {
    const out: ApiRuleDetailed[] = [];
    for (const [id, r] of this.rulesets) {
      if (r.settings.enforcement !== 'active' || (r.settings.target ?? 'branch') !== 'branch') continue;
      const ref = r.settings.conditions?.ref_name;
      const matches = (patterns: string[] | undefined) => (patterns ?? []).some((p) => this.refMatches(p, branch));
      if (!matches(ref?.include) || matches(ref?.exclude)) continue;
      for (const rule of r.settings.rules ?? []) out.push({ ...rule, ruleset_source_type: r.sourceType, ruleset_source: r.source, ruleset_id: id } as ApiRuleDetailed);
    }
    return out;
  }

  private refMatches(pattern: string, branch: string): boolean {
    if (pattern === '~ALL') return true;
    if (pattern === '~DEFAULT_BRANCH') return branch === this.defaultBranch;
    const glob = pattern.replace(/^refs\/heads\//, '');
    const re = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\u0000/g, '.*');
    return new RegExp(`^${re}$`).test(branch);
  }

  private ruleset(id: number, includesParents: boolean): ApiRuleset {
    const r = this.rulesets.get(id);
    if (!r || (r.sourceType !== 'Repository' && !includesParents)) throw notFound();
    const api = `${this.url}/repos/${this.owner}/${this.repo}/rulesets/${id}`;
    return {
      id,
      name: r.settings.name,
      target: r.settings.target ?? 'branch',
      source_type: r.sourceType,
      source: r.source,
      enforcement: r.settings.enforcement,
      ...(r.hideBypass ? {} : { bypass_actors: structuredClone(r.settings.bypass_actors ?? []) }),
      current_user_can_bypass: 'never',
      node_id: `RRS_${id}`,
      _links: { self: { href: api }, html: { href: this.htmlUrl(`rules/${id}`) } },
      conditions: structuredClone(r.settings.conditions ?? null),
      rules: structuredClone(r.settings.rules ?? []),
      created_at: '2024-06-01T00:00:00Z',
      updated_at: '2024-06-01T00:00:00Z',
    };
  }

  private permission(login: string): ApiPermission {
    const role = this.roles.get(login.toLowerCase());
    if (role === undefined) throw notFound();
    const base = ({ admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read' } as Record<string, string>)[role] ?? (role === 'none' ? 'none' : 'read');
    return { permission: base, role_name: role, user: { ...this.user(login), permissions: { admin: base === 'admin', maintain: role === 'maintain', push: base === 'admin' || base === 'write', triage: base !== 'none', pull: base !== 'none' }, role_name: role } };
  }

  private codeownersErrors(ref: string): ApiCodeownersErrors {
    if (!this.knownRef(ref)) throw notFound(`No commit found for the ref ${ref}`);
    const files = this.files.get(ref);
    // GitHub's 404 here has no body; the adapter only looks at the status.
    if (!CODEOWNERS_LOCATIONS.some((p) => files?.has(p))) throw notFound();
    return { errors: structuredClone(this.codeownersProblems.get(ref) ?? []) };
  }

  /** The PRs GitHub associates with a commit: only the merged ones once it is on the default branch. */
  private pullsOfCommit(sha: string): StoredPull[] {
    const carried = [...this.pulls.values()].filter((p) => p.headSha === sha || p.merge?.mergeCommitSha === sha || p.merge?.commits?.includes(sha));
    if (carried.length === 0 && !/^[0-9a-f]{40}$/.test(sha)) throw invalid(`No commit found for SHA: ${sha}`);
    const landed = carried.filter((p) => p.merge && p.base === this.defaultBranch);
    return (landed.length ? carried.filter((p) => p.merge) : carried).sort((a, b) => b.number - a.number);
  }

  // --- contents -------------------------------------------------------------------------

  private getContent(rawPath: string, ref: string, accept: string): { status: number; body: unknown } {
    if (!this.knownRef(ref)) throw notFound(`No commit found for the ref ${ref}`);
    const path = rawPath.replace(/^\/+|\/+$/g, '');
    const files = this.files.get(ref) ?? new Map<string, string>();
    const content = files.get(path);
    if (content !== undefined) {
      if (/application\/vnd\.github(\.v3)?\.raw/.test(accept)) return { status: 200, body: content };
      return { status: 200, body: this.contentFile(path, ref, content) };
    }
    const prefix = path ? `${path}/` : '';
    const children = new Map<string, 'file' | 'dir'>();
    for (const p of files.keys()) {
      if (!p.startsWith(prefix)) continue;
      const [name, ...deeper] = p.slice(prefix.length).split('/');
      children.set(name, deeper.length ? 'dir' : 'file');
    }
    if (children.size === 0) throw notFound();
    const entries: ApiContentDirectory = [...children].map(([name, type]) => {
      const childPath = prefix + name;
      const self = `${this.url}/repos/${this.owner}/${this.repo}/contents/${childPath}?ref=${encodeURIComponent(ref)}`;
      const text = files.get(childPath) ?? '';
      return {
        type,
        size: type === 'file' ? Buffer.byteLength(text) : 0,
        name,
        path: childPath,
        sha: fakeSha(`${ref}:${childPath}`),
        url: self,
        git_url: null,
        html_url: this.htmlUrl(`${type === 'file' ? 'blob' : 'tree'}/${ref}/${childPath}`),
        download_url: type === 'file' ? `https://raw.githubusercontent.com/${this.owner}/${this.repo}/${ref}/${childPath}` : null,
        _links: { git: null, html: this.htmlUrl(`tree/${ref}/${childPath}`), self },
      };
    });
    return { status: 200, body: entries };
  }

  private contentFile(path: string, ref: string, content: string): ApiContentFile {
    const bytes = Buffer.from(content, 'utf8');
    const sha = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
    const self = `${this.url}/repos/${this.owner}/${this.repo}/contents/${path}?ref=${encodeURIComponent(ref)}`;
    const inline = bytes.length <= INLINE_CONTENT_LIMIT;
    return {
      type: 'file',
      // GitHub wraps the base64 at 60 characters with "\n"; decoders must cope.
      encoding: inline ? 'base64' : 'none',
      content: inline ? (bytes.toString('base64').match(/.{1,60}/g) ?? []).join('\n') : '',
      size: bytes.length,
      name: path.split('/').pop() ?? path,
      path,
      sha,
      url: self,
      git_url: `${this.url}/repos/${this.owner}/${this.repo}/git/blobs/${sha}`,
      html_url: this.htmlUrl(`blob/${ref}/${path}`),
      download_url: `https://raw.githubusercontent.com/${this.owner}/${this.repo}/${ref}/${path}`,
      _links: { git: `${this.url}/repos/${this.owner}/${this.repo}/git/blobs/${sha}`, html: this.htmlUrl(`blob/${ref}/${path}`), self },
    };
  }

  // --- shapes ---------------------------------------------------------------------------

  private user(login: string): ApiUser {
    const api = `${this.url}/users/${login}`;
    return {
      login,
      id: idOf(login),
      node_id: `U_${Buffer.from(login).toString('base64url')}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${idOf(login)}?v=4`,
      gravatar_id: '',
      url: api,
      html_url: `https://github.com/${login}`,
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
      type: login.endsWith('[bot]') ? 'Bot' : 'User',
      site_admin: false,
    };
  }

  private repository(): ApiRepository {
    const api = `${this.url}/repos/${this.owner}/${this.repo}`;
    return {
      id: idOf(`${this.owner}/${this.repo}`),
      node_id: `R_${Buffer.from(`${this.owner}/${this.repo}`).toString('base64url')}`,
      name: this.repo,
      full_name: `${this.owner}/${this.repo}`,
      license: null,
      forks: 0,
      owner: { ...this.user(this.owner), type: 'Organization' },
      private: true,
      html_url: this.htmlUrl(''),
      description: 'Feature-flag rollouts (rollgate)',
      fork: false,
      url: api,
      archive_url: `${api}/{archive_format}{/ref}`,
      assignees_url: `${api}/assignees{/user}`,
      blobs_url: `${api}/git/blobs{/sha}`,
      branches_url: `${api}/branches{/branch}`,
      collaborators_url: `${api}/collaborators{/collaborator}`,
      comments_url: `${api}/comments{/number}`,
      commits_url: `${api}/commits{/sha}`,
      compare_url: `${api}/compare/{base}...{head}`,
      contents_url: `${api}/contents/{+path}`,
      contributors_url: `${api}/contributors`,
      deployments_url: `${api}/deployments`,
      downloads_url: `${api}/downloads`,
      events_url: `${api}/events`,
      forks_url: `${api}/forks`,
      git_commits_url: `${api}/git/commits{/sha}`,
      git_refs_url: `${api}/git/refs{/sha}`,
      git_tags_url: `${api}/git/tags{/sha}`,
      git_url: `git://github.com/${this.owner}/${this.repo}.git`,
      issue_comment_url: `${api}/issues/comments{/number}`,
      issue_events_url: `${api}/issues/events{/number}`,
      issues_url: `${api}/issues{/number}`,
      keys_url: `${api}/keys{/key_id}`,
      labels_url: `${api}/labels{/name}`,
      languages_url: `${api}/languages`,
      merges_url: `${api}/merges`,
      milestones_url: `${api}/milestones{/number}`,
      notifications_url: `${api}/notifications{?since,all,participating}`,
      pulls_url: `${api}/pulls{/number}`,
      releases_url: `${api}/releases{/id}`,
      ssh_url: `git@github.com:${this.owner}/${this.repo}.git`,
      stargazers_url: `${api}/stargazers`,
      statuses_url: `${api}/statuses/{sha}`,
      subscribers_url: `${api}/subscribers`,
      subscription_url: `${api}/subscription`,
      tags_url: `${api}/tags`,
      teams_url: `${api}/teams`,
      trees_url: `${api}/git/trees{/sha}`,
      clone_url: `https://github.com/${this.owner}/${this.repo}.git`,
      mirror_url: null,
      hooks_url: `${api}/hooks`,
      svn_url: this.htmlUrl(''),
      homepage: null,
      language: 'TypeScript',
      forks_count: 0,
      stargazers_count: 0,
      watchers_count: 0,
      size: 128,
      default_branch: this.defaultBranch,
      open_issues_count: [...this.pulls.values()].filter((p) => p.state === 'open').length,
      has_issues: true,
      has_projects: false,
      has_wiki: false,
      has_pages: false,
      has_downloads: true,
      archived: false,
      disabled: false,
      visibility: 'private',
      pushed_at: new Date(this.clock).toISOString(),
      created_at: '2024-06-01T00:00:00Z',
      updated_at: new Date(this.clock).toISOString(),
      open_issues: [...this.pulls.values()].filter((p) => p.state === 'open').length,
      watchers: 0,
    };
  }

  private team(slug: string): Schemas['team'] {
    const api = `${this.url}/orgs/${this.owner}/teams/${slug}`;
    return {
      id: idOf(`team:${slug}`),
      node_id: `T_${Buffer.from(slug).toString('base64url')}`,
      url: api,
      html_url: `https://github.com/orgs/${this.owner}/teams/${slug}`,
      name: slug,
      slug,
      description: null,
      privacy: 'closed',
      notification_setting: 'notifications_enabled',
      permission: 'push',
      members_url: `${api}/members{/member}`,
      repositories_url: `${api}/repos`,
      type: 'organization',
      parent: null,
    };
  }

  private label(name: string): ApiLabel {
    return {
      id: idOf(`label:${name}`),
      node_id: `LA_${Buffer.from(name).toString('base64url')}`,
      url: `${this.url}/repos/${this.owner}/${this.repo}/labels/${encodeURIComponent(name)}`,
      name,
      description: null,
      color: createHash('sha1').update(name).digest('hex').slice(0, 6),
      default: false,
    };
  }

  private pullSimple(p: StoredPull): ApiPullSimple {
    const api = `${this.url}/repos/${this.owner}/${this.repo}`;
    const repository = this.repository();
    const owner = this.user(this.owner);
    const link = (href: string) => ({ href });
    return {
      url: `${api}/pulls/${p.number}`,
      id: idOf(`pull:${p.number}`),
      node_id: `PR_${p.number}`,
      html_url: this.htmlUrl(`pull/${p.number}`),
      diff_url: this.htmlUrl(`pull/${p.number}.diff`),
      patch_url: this.htmlUrl(`pull/${p.number}.patch`),
      issue_url: `${api}/issues/${p.number}`,
      commits_url: `${api}/pulls/${p.number}/commits`,
      review_comments_url: `${api}/pulls/${p.number}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${api}/issues/${p.number}/comments`,
      statuses_url: `${api}/statuses/${p.headSha}`,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: this.user(p.author),
      body: p.body,
      labels: p.labels.map((name) => ({ ...this.label(name), description: '' })),
      milestone: null,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
      closed_at: p.state === 'closed' ? p.updatedAt : null,
      merged_at: p.merge?.mergedAt ?? null,
      merge_commit_sha: p.merge?.mergeCommitSha ?? null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: { label: `${this.owner}:${p.head}`, ref: p.head, repo: repository, sha: p.headSha, user: owner },
      base: { label: `${this.owner}:${p.base}`, ref: p.base, repo: repository, sha: fakeSha(`base:${p.base}`), user: owner },
      _links: {
        comments: link(`${api}/issues/${p.number}/comments`),
        commits: link(`${api}/pulls/${p.number}/commits`),
        statuses: link(`${api}/statuses/${p.headSha}`),
        html: link(this.htmlUrl(`pull/${p.number}`)),
        issue: link(`${api}/issues/${p.number}`),
        review_comments: link(`${api}/pulls/${p.number}/comments`),
        review_comment: link(`${api}/pulls/comments{/number}`),
        self: link(`${api}/pulls/${p.number}`),
      },
      author_association: p.author === this.owner ? 'OWNER' : 'MEMBER',
      auto_merge: p.autoMerge ? { enabled_by: this.user(BOT_LOGIN), merge_method: p.autoMerge.mergeMethod.toLowerCase() as 'squash', commit_title: p.title, commit_message: '' } : null,
      draft: false,
    };
  }

  private pullFull(p: StoredPull): ApiPull {
    const simple = this.pullSimple(p);
    const owner = this.user(this.owner);
    return {
      ...simple,
      state: p.state,
      user: this.user(p.author),
      labels: p.labels.map((name) => this.label(name)),
      requested_teams: [],
      head: { ...simple.head, user: owner },
      base: { ...simple.base, user: owner },
      merged: p.merge !== undefined,
      mergeable: true,
      rebaseable: true,
      mergeable_state: 'clean',
      merged_by: null,
      comments: this.comments.get(p.number)?.length ?? 0,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions: 1,
      deletions: 1,
      changed_files: 1,
    };
  }

  private comment(number: number, c: StoredComment & { createdAt: string; updatedAt: string }): ApiComment {
    const api = `${this.url}/repos/${this.owner}/${this.repo}`;
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${api}/issues/comments/${c.id}`,
      body: c.body,
      html_url: `${this.htmlUrl(`pull/${number}`)}#issuecomment-${c.id}`,
      user: this.user(c.login),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      issue_url: `${api}/issues/${number}`,
      author_association: c.login === BOT_LOGIN ? 'NONE' : 'MEMBER',
      performed_via_github_app: null,
    };
  }

  private review(number: number, r: Required<SeedReview> & { id: number }): ApiReview {
    const html = `${this.htmlUrl(`pull/${number}`)}#pullrequestreview-${r.id}`;
    const pullUrl = `${this.url}/repos/${this.owner}/${this.repo}/pulls/${number}`;
    return {
      id: r.id,
      node_id: `PRR_${r.id}`,
      user: this.user(r.login),
      body: '',
      state: r.state,
      html_url: html,
      pull_request_url: pullUrl,
      _links: { html: { href: html }, pull_request: { href: pullUrl } },
      // A pending review has not been submitted, and GitHub leaves the field out.
      ...(r.state === 'PENDING' ? {} : { submitted_at: r.submittedAt }),
      commit_id: r.commitId,
      author_association: 'MEMBER',
    };
  }

  private checkRun(r: StoredCheckRun): ApiCheckRun {
    const api = `${this.url}/repos/${this.owner}/${this.repo}/check-runs/${r.id}`;
    return {
      id: r.id,
      head_sha: r.headSha,
      node_id: `CR_${r.id}`,
      external_id: null,
      url: api,
      html_url: this.htmlUrl(`runs/${r.id}`),
      details_url: null,
      status: r.status,
      conclusion: r.conclusion,
      started_at: r.startedAt,
      completed_at: r.completedAt,
      output: { title: r.title, summary: r.summary, text: r.text, annotations_count: r.annotations.length, annotations_url: `${api}/annotations` },
      name: r.name,
      check_suite: { id: 5_000_000 + r.id },
      app: null,
      pull_requests: [],
    };
  }

  // --- internals ------------------------------------------------------------------------

  private repoOf(path: string): void {
    const [, , owner, repo] = path.split('/');
    // GitHub answers 404, not 403, for a repository the token cannot see.
    if (owner !== this.owner || repo !== this.repo) throw notFound();
  }

  private pull(number: number): StoredPull {
    const pr = this.pulls.get(number);
    if (!pr) throw notFound();
    return pr;
  }

  private knownRef(ref: string): boolean {
    if (ref === this.defaultBranch || this.files.has(ref)) return true;
    return [...this.pulls.values()].some((p) => p.head === ref || p.headSha === ref || p.base === ref);
  }

  private htmlUrl(rest: string): string {
    return `https://github.com/${this.owner}/${this.repo}${rest ? `/${rest}` : ''}`;
  }

  /** Timestamps move one second per write, so ordering by time is stable. */
  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }
}

/** A stable numeric id for a name (users, labels): plausible, and the same on every run. */
function idOf(text: string): number {
  return parseInt(createHash('sha1').update(text).digest('hex').slice(0, 8), 16);
}
