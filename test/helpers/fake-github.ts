import { createHash } from 'node:crypto';
import {
  CODEOWNERS_LOCATIONS,
  GitHubError,
  type BranchProtection,
  type BranchRule,
  type CheckRun,
  type CodeownersError,
  type GitHub,
  type PullRequest,
  type RepoPermission,
  type Review,
  type Ruleset,
  type WorkflowPermissions,
} from '../../scripts/github/port.ts';

/** A pull request to seed; everything but `head` has a default. */
export interface SeedPullRequest {
  head: string;
  base?: string;
  title?: string;
  body?: string;
  author?: string;
  headSha?: string;
  labels?: string[];
  state?: 'open' | 'closed';
}

/** A review to seed. */
export interface SeedReview {
  login: string;
  state: Review['state'];
  commitId?: string;
  submittedAt?: string;
}

/** A comment as stored: who wrote it and what it says. */
export interface StoredComment {
  id: number;
  body: string;
  login: string;
}

/** How a seeded PR was merged: when, the commit the merge made, and the commits it carried. */
export interface SeedMerge {
  mergedAt: string;
  mergeCommitSha?: string;
  commits?: string[];
}

/** Seeding and inspection shared by FakeGitHub and GitHubServer, so one scenario can run against both. */
export interface GitHubSeeds {
  addPullRequest(pr: SeedPullRequest): number;
  /** Closes the PR as merged. */
  mergePullRequest(number: number, merge: SeedMerge): void;
  addReview(number: number, review: SeedReview): void;
  addTeam(team: string, members: string[]): void;
  setFile(path: string, ref: string, content: string): void;
  addComment(number: number, body: string, login?: string): number;
  commentsOf(number: number): StoredComment[];
  pullRequestOf(number: number): PullRequest & { state: 'open' | 'closed' };
  checkRuns(): (CheckRun & { id: number })[];
}

/** Both doubles start their ids here, so a scenario gets the same ids from either. */
export const FIRST_COMMENT_ID = 1001;
/** Who creates PRs and comments through the token (what GitHub Actions' GITHUB_TOKEN shows as). */
export const BOT_LOGIN = 'github-actions[bot]';

/** A stable, plausible 40-hex commit SHA for `text` (a PR head with no SHA given). */
export function fakeSha(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** A recorded call on the fake: the port method and its arguments. */
export interface FakeCall {
  method: keyof GitHub;
  args: unknown[];
}

interface FakePull extends PullRequest {
  state: 'open' | 'closed';
  merge?: SeedMerge;
}

/**
 * The GitHub port in memory, for unit tests of the core. It behaves like octokitGitHub against
 * GitHub where the core can tell (404 for unknown PRs, teams and refs; 422 for a second open PR
 * on the same head; the marker appended to a comment body that lacks it) and records every call.
 */
export class FakeGitHub implements GitHub, GitHubSeeds {
  readonly calls: FakeCall[] = [];
  private readonly pulls = new Map<number, FakePull>();
  private readonly comments = new Map<number, StoredComment[]>();
  private readonly reviews = new Map<number, Required<SeedReview>[]>();
  private readonly teams = new Map<string, string[]>();
  /** ref → path → text. */
  private readonly files = new Map<string, Map<string, string>>();
  private readonly runs: (CheckRun & { id: number })[] = [];
  private readonly failures = new Map<keyof GitHub, GitHubError>();
  private readonly protections = new Map<string, BranchProtection>();
  private readonly rules = new Map<string, BranchRule[]>();
  private readonly rulesets = new Map<number, Ruleset>();
  private readonly permissions = new Map<string, RepoPermission>();
  private readonly codeownersProblems = new Map<string, CodeownersError[]>();
  private workflow: WorkflowPermissions = { defaultPermissions: 'read', canApprovePullRequests: false };
  private nextNumber = 1;
  private nextCommentId = FIRST_COMMENT_ID;

  constructor(
    readonly owner = 'octo-org',
    readonly repo = 'rollouts',
    readonly defaultBranch = 'main',
  ) {}

  /** The next call of `method` throws `error` (default: a 502 GitHubError), once. */
  failNext(method: keyof GitHub, error = new GitHubError(`GitHub ${method}: 502 Bad Gateway`, 502)): void {
    this.failures.set(method, error);
  }

  /** The calls of one port method, in order. */
  callsOf(method: keyof GitHub): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  // --- seeds and inspection -------------------------------------------------------------

  addPullRequest(pr: SeedPullRequest): number {
    const number = this.nextNumber++;
    this.pulls.set(number, {
      number,
      url: `https://github.com/${this.owner}/${this.repo}/pull/${number}`,
      head: pr.head,
      headSha: pr.headSha ?? fakeSha(pr.head),
      base: pr.base ?? this.defaultBranch,
      author: pr.author ?? 'octocat',
      title: pr.title ?? `Change ${pr.head}`,
      body: pr.body ?? '',
      labels: [...new Set(pr.labels ?? [])],
      state: pr.state ?? 'open',
    });
    return number;
  }

  mergePullRequest(number: number, merge: SeedMerge): void {
    const pr = this.pull(number, 'mergePullRequest');
    pr.state = 'closed';
    pr.merge = { ...merge, commits: [...(merge.commits ?? [])] };
  }

  // Repository settings, in the port's terms (GitHubServer takes the REST shapes instead).

  /** `undefined` removes the protection. */
  setBranchProtection(branch: string, protection: BranchProtection | undefined): void {
    if (protection) this.protections.set(branch, structuredClone(protection));
    else this.protections.delete(branch);
  }

  setBranchRules(branch: string, rules: BranchRule[]): void {
    this.rules.set(branch, structuredClone(rules));
  }

  setRuleset(ruleset: Ruleset): void {
    this.rulesets.set(ruleset.id, structuredClone(ruleset));
  }

  setPermission(login: string, permission: RepoPermission): void {
    this.permissions.set(login.toLowerCase(), { ...permission });
  }

  setWorkflowPermissions(permissions: WorkflowPermissions): void {
    this.workflow = { ...permissions };
  }

  setCodeownersErrors(ref: string, errors: CodeownersError[]): void {
    this.codeownersProblems.set(ref, structuredClone(errors));
  }

  addReview(number: number, review: SeedReview): void {
    const pr = this.pull(number, 'addReview');
    const list = this.reviews.get(number) ?? [];
    list.push({ commitId: pr.headSha, submittedAt: new Date(Date.UTC(2025, 0, 1, 0, list.length)).toISOString(), ...review });
    this.reviews.set(number, list);
  }

  addTeam(team: string, members: string[]): void {
    const { org, slug } = splitTeam(team);
    this.teams.set(`${org}/${slug}`.toLowerCase(), [...members]);
  }

  setFile(path: string, ref: string, content: string): void {
    const files = this.files.get(ref) ?? new Map<string, string>();
    files.set(path.replace(/^\/+/, ''), content);
    this.files.set(ref, files);
  }

  addComment(number: number, body: string, login = 'octocat'): number {
    this.pull(number, 'addComment');
    const id = this.nextCommentId++;
    this.comments.set(number, [...(this.comments.get(number) ?? []), { id, body, login }]);
    return id;
  }

  commentsOf(number: number): StoredComment[] {
    return (this.comments.get(number) ?? []).map((c) => ({ ...c }));
  }

  pullRequestOf(number: number): PullRequest & { state: 'open' | 'closed' } {
    const { merge: _merge, ...pr } = this.pull(number, 'pullRequestOf');
    return { ...pr, labels: [...pr.labels] };
  }

  checkRuns(): (CheckRun & { id: number })[] {
    return this.runs.map((r) => ({ ...r, annotations: [...r.annotations] }));
  }

  // --- the port -------------------------------------------------------------------------

  async findPullRequest(branch: string): Promise<PullRequest | undefined> {
    this.enter('findPullRequest', branch);
    const pr = [...this.pulls.values()].find((p) => p.state === 'open' && p.head === branch);
    return pr && view(pr);
  }

  async getPullRequest(number: number): Promise<PullRequest> {
    this.enter('getPullRequest', number);
    return view(this.pull(number, `get pull request #${number}`));
  }

  async createPullRequest(pr: { title: string; head: string; base: string; body: string }): Promise<PullRequest> {
    this.enter('createPullRequest', pr);
    const head = pr.head.includes(':') ? pr.head.slice(pr.head.indexOf(':') + 1) : pr.head;
    if ([...this.pulls.values()].some((p) => p.state === 'open' && p.head === head && p.base === pr.base)) {
      throw new GitHubError(`GitHub create pull request ${pr.head} → ${pr.base}: 422 Validation Failed: A pull request already exists for ${this.owner}:${head}.`, 422);
    }
    const number = this.addPullRequest({ head, base: pr.base, title: pr.title, body: pr.body, author: BOT_LOGIN });
    return view(this.pull(number, 'createPullRequest'));
  }

  async updatePullRequest(number: number, update: { title?: string; body?: string }): Promise<void> {
    this.enter('updatePullRequest', number, update);
    const pr = this.pull(number, `update pull request #${number}`);
    if (update.title !== undefined) pr.title = update.title;
    if (update.body !== undefined) pr.body = update.body;
  }

  async listPullRequests(label: string): Promise<PullRequest[]> {
    this.enter('listPullRequests', label);
    return [...this.pulls.values()].filter((p) => p.state === 'open' && p.labels.includes(label)).map(view);
  }

  async closePullRequest(number: number): Promise<void> {
    this.enter('closePullRequest', number);
    this.pull(number, `close pull request #${number}`).state = 'closed';
  }

  async enableAutoMerge(number: number, method: 'MERGE' | 'SQUASH' | 'REBASE' = 'SQUASH'): Promise<void> {
    this.enter('enableAutoMerge', number, method);
    const pr = this.pull(number, `enable auto-merge on #${number}`);
    if (pr.state !== 'open') throw new Error(`pull request #${number} is closed`);
  }

  async addLabels(number: number, labels: string[]): Promise<void> {
    this.enter('addLabels', number, labels);
    if (labels.length === 0) return;
    const pr = this.pull(number, `add labels to #${number}`);
    pr.labels = [...new Set([...pr.labels, ...labels])];
  }

  async upsertComment(number: number, marker: string, body: string): Promise<{ id: number; created: boolean }> {
    this.enter('upsertComment', number, marker, body);
    this.pull(number, `list comments of #${number}`);
    // Mirrors octokitGitHub: the marker must end up in the body, or the next upsert would add another comment.
    const text = body.includes(marker) ? body : `${body}\n\n${marker}`;
    const existing = (this.comments.get(number) ?? []).find((c) => c.body.includes(marker));
    if (existing) {
      existing.body = text;
      return { id: existing.id, created: false };
    }
    const id = this.addComment(number, text, BOT_LOGIN);
    return { id, created: true };
  }

  async listReviews(number: number): Promise<Review[]> {
    this.enter('listReviews', number);
    this.pull(number, `list reviews of #${number}`);
    return (this.reviews.get(number) ?? []).map((r) => ({ ...r }));
  }

  async teamMembers(team: string): Promise<string[]> {
    this.enter('teamMembers', team);
    const { org, slug } = splitTeam(team);
    const members = this.teams.get(`${org}/${slug}`.toLowerCase());
    if (!members) throw new GitHubError(`GitHub list members of team ${org}/${slug}: 404 Not Found`, 404);
    return [...members];
  }

  async createCheckRun(run: CheckRun): Promise<{ id: number }> {
    this.enter('createCheckRun', run);
    const id = this.runs.length + 1;
    this.runs.push({ ...run, annotations: [...run.annotations], id });
    return { id };
  }

  async fileAt(path: string, ref: string): Promise<string | undefined> {
    this.enter('fileAt', path, ref);
    if (!this.knownRef(ref)) throw new GitHubError(`GitHub read ${path} at ${ref}: 404 No commit found for the ref ${ref}`, 404);
    return this.files.get(ref)?.get(path.replace(/^\/+/, ''));
  }

  async mergedAt(commitSha: string, base?: string): Promise<string | undefined> {
    this.enter('mergedAt', commitSha, base);
    const merged = [...this.pulls.values()].filter(
      (p) => p.merge && (base === undefined || p.base === base) && (p.headSha === commitSha || p.merge.mergeCommitSha === commitSha || p.merge.commits?.includes(commitSha)),
    );
    const own = merged.find((p) => p.merge!.mergeCommitSha === commitSha);
    if (own) return own.merge!.mergedAt;
    return merged.map((p) => p.merge!.mergedAt).sort((a, b) => Date.parse(a) - Date.parse(b))[0];
  }

  async branchProtection(branch: string): Promise<BranchProtection | undefined> {
    this.enter('branchProtection', branch);
    if (!this.knownRef(branch)) throw new GitHubError(`GitHub read branch protection of ${branch}: 404 Branch not found`, 404);
    const protection = this.protections.get(branch);
    return protection && structuredClone(protection);
  }

  async branchRules(branch: string): Promise<BranchRule[]> {
    this.enter('branchRules', branch);
    return structuredClone(this.rules.get(branch) ?? []);
  }

  async ruleset(id: number): Promise<Ruleset> {
    this.enter('ruleset', id);
    const ruleset = this.rulesets.get(id);
    if (!ruleset) throw new GitHubError(`GitHub read ruleset ${id}: 404 Not Found`, 404);
    return structuredClone(ruleset);
  }

  async permissionOf(login: string): Promise<RepoPermission | undefined> {
    this.enter('permissionOf', login);
    const permission = this.permissions.get(login.toLowerCase());
    return permission && { ...permission };
  }

  async workflowPermissions(): Promise<WorkflowPermissions> {
    this.enter('workflowPermissions');
    return { ...this.workflow };
  }

  async codeownersErrors(ref: string): Promise<CodeownersError[] | undefined> {
    this.enter('codeownersErrors', ref);
    const files = this.files.get(ref);
    if (!CODEOWNERS_LOCATIONS.some((p) => files?.has(p))) return undefined;
    return structuredClone(this.codeownersProblems.get(ref) ?? []);
  }

  // --- internals ------------------------------------------------------------------------

  private enter(method: keyof GitHub, ...args: unknown[]): void {
    this.calls.push({ method, args: structuredClone(args) });
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      throw failure;
    }
  }

  private pull(number: number, what: string): FakePull {
    const pr = this.pulls.get(number);
    if (!pr) throw new GitHubError(`GitHub ${what}: 404 Not Found`, 404);
    return pr;
  }

  private knownRef(ref: string): boolean {
    if (ref === this.defaultBranch || this.files.has(ref)) return true;
    return [...this.pulls.values()].some((p) => p.head === ref || p.headSha === ref || p.base === ref);
  }
}

/** `org/slug` or `@org/slug`, as octokitGitHub accepts it. */
function splitTeam(team: string): { org: string; slug: string } {
  const match = /^@?([^/\s]+)\/([^/\s]+)$/.exec(team.trim());
  if (!match) throw new GitHubError(`team "${team}" is not of the form org/team-slug`);
  return { org: match[1], slug: match[2] };
}

function view(pr: FakePull): PullRequest {
  const { state: _state, merge: _merge, ...rest } = pr;
  return { ...rest, labels: [...rest.labels] };
}
