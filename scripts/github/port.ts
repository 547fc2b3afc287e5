/** A pull request as rollgate needs it. */
export interface PullRequest {
  number: number;
  url: string;
  head: string;
  headSha: string;
  base: string;
  author: string;
  title: string;
  body: string;
  labels: string[];
}

/** A check run annotation: GitHub accepts at most 50 per request. */
export interface Annotation {
  path: string;
  startLine: number;
  endLine: number;
  level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
}

export interface CheckRun {
  name: string;
  headSha: string;
  conclusion: 'success' | 'failure' | 'neutral' | 'action_required';
  title: string;
  summary: string;
  text?: string;
  annotations: Annotation[];
}

/** A review as GitHub returns it. */
export interface Review {
  login: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  commitId: string;
  submittedAt: string;
}

/** A status check a branch requires; `appId` null means any app (or anyone with statuses: write) may report it. */
export interface RequiredCheck {
  context: string;
  appId: number | null;
}

/** What a pull request into a branch must have before it merges. */
export interface ReviewRules {
  approvals: number;
  codeOwners: boolean;
  dismissStale: boolean;
  lastPushApproval: boolean;
}

/** Classic branch protection of one branch, as `GET /repos/{o}/{r}/branches/{b}/protection` gives it. */
export interface BranchProtection {
  /** Absent when pull requests are not required. `bypass`: who may skip them (users, teams, apps). */
  pullRequest?: ReviewRules & { bypass: string[] };
  /** Absent when no status check is required. `strict`: the branch must be up to date before merging. */
  checks?: { strict: boolean; required: RequiredCheck[] };
  /** Whether the protection applies to admins too ("Do not allow bypassing the above settings"). */
  enforceAdmins: boolean;
  allowForcePushes: boolean;
  allowDeletions: boolean;
}

/** One active ruleset rule that applies to a branch (`GET /repos/{o}/{r}/rules/branches/{b}`); `ruleset` is its ruleset's id. */
export type BranchRule =
  | { type: 'pull_request'; ruleset: number; review: ReviewRules }
  | { type: 'required_status_checks'; ruleset: number; strict: boolean; checks: RequiredCheck[] }
  | { type: 'non_fast_forward' | 'deletion'; ruleset: number }
  | { type: 'other'; name: string; ruleset: number };

/** Someone a ruleset lets through: `id` is null for DeployKey and OrganizationAdmin. */
export interface BypassActor {
  type: 'Integration' | 'OrganizationAdmin' | 'RepositoryRole' | 'Team' | 'DeployKey' | 'User';
  id: number | null;
  mode: 'always' | 'pull_request' | 'exempt';
}

/** A ruleset (`GET /repos/{o}/{r}/rulesets/{id}`, parents included). */
export interface Ruleset {
  id: number;
  name: string;
  /** Where it is defined: the repository, or an organization / enterprise name. */
  source: string;
  sourceType: 'Repository' | 'Organization' | 'Enterprise';
  enforcement: 'active' | 'evaluate' | 'disabled';
  /** Undefined when GitHub hides the list: it shows it only to tokens with write access to the ruleset. */
  bypassActors?: BypassActor[];
}

/** A user's access to the repository: `permission` is GitHub's base level (maintain counts as write, triage as read). */
export interface RepoPermission {
  permission: 'admin' | 'write' | 'read' | 'none';
  /** The role itself, custom roles included (e.g. maintain). */
  role: string;
}

/** What the GITHUB_TOKEN of a workflow gets when the workflow does not say. */
export interface WorkflowPermissions {
  defaultPermissions: 'read' | 'write';
  /** "Allow GitHub Actions to create and approve pull requests". */
  canApprovePullRequests: boolean;
}

/** A CODEOWNERS line GitHub could not use. */
export interface CodeownersError {
  path: string;
  line: number;
  column: number;
  kind: string;
  message: string;
  suggestion?: string;
}

/** Where GitHub looks for CODEOWNERS, in its order: the first that exists is the one it uses. */
export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

/** The GitHub operations rollgate uses: one repository, a small port. */
export interface GitHub {
  /** The open PR whose head is `branch`, if any. */
  findPullRequest(branch: string): Promise<PullRequest | undefined>;
  getPullRequest(number: number): Promise<PullRequest>;
  createPullRequest(pr: { title: string; head: string; base: string; body: string }): Promise<PullRequest>;
  updatePullRequest(number: number, update: { title?: string; body?: string }): Promise<void>;
  addLabels(number: number, labels: string[]): Promise<void>;
  /** Open PRs carrying `label` (every page). */
  listPullRequests(label: string): Promise<PullRequest[]>;
  /** Closes a PR without merging it. */
  closePullRequest(number: number): Promise<void>;
  /**
   * Turns on GitHub's auto-merge (GraphQL `enablePullRequestAutoMerge`): the PR merges itself
   * once every required check and review passes. Branch protection still decides.
   */
  enableAutoMerge(number: number, method?: 'MERGE' | 'SQUASH' | 'REBASE'): Promise<void>;
  /** Creates or updates the one comment that contains `marker` (every page searched). */
  upsertComment(number: number, marker: string, body: string): Promise<{ id: number; created: boolean }>;
  /** Every review of the PR (every page). */
  listReviews(number: number): Promise<Review[]>;
  /** Logins of a team's members (`org/team-slug`), every page. */
  teamMembers(team: string): Promise<string[]>;
  /** Creates a completed check run; annotations beyond 50 go in follow-up updates. */
  createCheckRun(run: CheckRun): Promise<{ id: number }>;
  /** A file's text at a ref, or undefined when it does not exist there. */
  fileAt(path: string, ref: string): Promise<string | undefined>;
  /**
   * When the merged PR that brought `commitSha` in was merged (ISO 8601), from GitHub rather than
   * the commit's own (author-controlled) dates; only PRs into `base` when given. Undefined when none.
   */
  mergedAt(commitSha: string, base?: string): Promise<string | undefined>;
  /** Classic branch protection; undefined when GitHub answers 404 (not protected — or the token may not read it). */
  branchProtection(branch: string): Promise<BranchProtection | undefined>;
  /** Every active ruleset rule that applies to `branch` (every page), whatever level it is defined at. */
  branchRules(branch: string): Promise<BranchRule[]>;
  ruleset(id: number): Promise<Ruleset>;
  /** A user's access to the repository; undefined when GitHub knows no such user. */
  permissionOf(login: string): Promise<RepoPermission | undefined>;
  workflowPermissions(): Promise<WorkflowPermissions>;
  /** Problems GitHub found in the CODEOWNERS file at `ref`; undefined when there is no CODEOWNERS file. */
  codeownersErrors(ref: string): Promise<CodeownersError[] | undefined>;
}

/** GitHub said no or could not be reached. */
export class GitHubError extends Error {
  override name = 'GitHubError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
