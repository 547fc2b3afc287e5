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

/** The GitHub operations rollgate uses: one repository, a small port. */
export interface GitHub {
  /** The open PR whose head is `branch`, if any. */
  findPullRequest(branch: string): Promise<PullRequest | undefined>;
  getPullRequest(number: number): Promise<PullRequest>;
  createPullRequest(pr: { title: string; head: string; base: string; body: string }): Promise<PullRequest>;
  updatePullRequest(number: number, update: { title?: string; body?: string }): Promise<void>;
  addLabels(number: number, labels: string[]): Promise<void>;
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
