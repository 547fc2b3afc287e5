/** One commit as rollgate needs it. */
export interface Commit {
  sha: string;
  /** ISO 8601, committer date. */
  date: string;
  author: string;
  subject: string;
  body: string;
}

/** The git operations rollgate uses: a small port so the core never runs git itself. */
export interface Git {
  /** The commit HEAD points at. */
  head(): Promise<string>;
  /** A ref's commit, or undefined when there is no such ref. */
  resolve(ref: string): Promise<string | undefined>;
  /** Whether `ancestor` is `descendant` or one of its ancestors. False when either is unknown. */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /** Commits that touched `path`, newest first (first-parent history of `ref`, default HEAD). */
  log(path: string, ref?: string): Promise<Commit[]>;
  /** Every commit of the first-parent history of `ref` with its committer date (ISO 8601), newest first. */
  firstParents(ref: string): Promise<{ sha: string; date: string }[]>;
  /** A file's text at a commit, or undefined when it did not exist there. */
  show(sha: string, path: string): Promise<string | undefined>;
  /** Files under `paths` at `ref`. */
  listFiles(ref: string, paths: string[]): Promise<string[]>;
  /**
   * Commits `text` as `path` on top of `base` and points `branch` at the commit, without
   * touching the work tree or the index. Returns the new commit. Without `branch` no ref
   * points at it: the caller pushes or merges it by its SHA, and leaves no branch behind.
   */
  commitFile(base: string, path: string, text: string, message: string, branch?: string): Promise<string>;
  /** Pushes `branch` to origin (force-with-lease: the branch is rollgate's own). */
  push(branch: string): Promise<void>;
  /** Fetches `branch` from origin; returns the commit origin has for it. */
  fetch(branch: string): Promise<string>;
  /** Pushes `commit` as origin's `branch`, fast-forward only. False when origin has moved on (rejected). */
  pushCommit(commit: string, branch: string): Promise<boolean>;
  /** Moves the checked-out branch and work tree forward to `commit` (fast-forward only). */
  fastForward(commit: string): Promise<void>;
  /** The checked-out branch, or undefined when HEAD is detached. */
  currentBranch(): Promise<string | undefined>;
  /** Paths under `paths` with uncommitted changes (staged, unstaged or untracked). */
  dirty(paths: string[]): Promise<string[]>;
}
