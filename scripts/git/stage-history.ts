import { rolloutAt } from '../rules/validate-at-ref.ts';
import type { Commit, Git } from './port.ts';

/** One change of an environment's stage, as git recorded it. */
export interface StageChange {
  env: string;
  /** The stage before; undefined when the environment first appears. */
  from?: string;
  to: string;
  sha: string;
  author: string;
  /**
   * ISO 8601: when the commit landed on the branch. Its committer date, raised to the landing
   * time of the commit before it on the first-parent history (a commit cannot land before its
   * first parent), and to the merge time GitHub recorded when one is known. A backdated commit
   * therefore cannot make a bake look elapsed.
   */
  date: string;
  /** The committer date as the commit states it. */
  committed?: string;
  subject: string;
  /** The commit is a `git revert` (or says it reverts one). */
  revert: boolean;
}

const isRevert = (c: Commit) => /^Revert "/.test(c.subject) || /This reverts commit [0-9a-f]{7,40}/.test(c.body);

/** Where a landing time may come from besides git: the merge time of the PR that brought a commit (GitHub). */
export type MergeTimes = (sha: string) => Promise<string | undefined>;

/**
 * Every stage change of every environment in the rollout file at `path`, oldest first,
 * from the first-parent history of `ref`: the commits as they landed on the branch. Each
 * version is read with the loader `validate` uses; one that does not load is passed over.
 */
export async function stageHistory(git: Git, path: string, ref = 'HEAD', mergeTimes?: MergeTimes): Promise<StageChange[]> {
  const [commits, landed] = await Promise.all([git.log(path, ref).then((c) => c.reverse()), landingTimes(git, ref)]);
  const docs = await Promise.all(commits.map((c) => rolloutAt(git, c.sha, path)));
  const out: StageChange[] = [];
  let previous = new Map<string, string>();
  for (const [i, commit] of commits.entries()) {
    const doc = docs[i];
    if (!doc) continue; // unreadable at that commit: compare the next readable one with the last readable one
    const stages = new Map(Object.entries(doc.spec.environments).map(([env, e]) => [env, e.stage]));
    let date = landed.get(commit.sha) ?? commit.date;
    for (const [env, to] of stages) {
      const from = previous.get(env);
      if (from === to) continue;
      const merged = mergeTimes ? await mergeTimes(commit.sha) : undefined;
      if (merged && Date.parse(merged) > Date.parse(date)) date = new Date(Date.parse(merged)).toISOString();
      out.push({ env, ...(from ? { from } : {}), to, sha: commit.sha, author: commit.author, date, committed: commit.date, subject: commit.subject, revert: isRevert(commit) });
    }
    previous = stages;
  }
  return out;
}

/** Landing time of each first-parent commit of `ref`: committer dates made non-decreasing, oldest to newest. */
export async function landingTimes(git: Git, ref: string): Promise<Map<string, string>> {
  const chain = (await git.firstParents(ref)).reverse();
  const out = new Map<string, string>();
  let latest = -Infinity;
  let latestIso = '';
  for (const { sha, date } of chain) {
    const t = Date.parse(date);
    if (t > latest) [latest, latestIso] = [t, date];
    out.set(sha, latestIso);
  }
  return out;
}

/** The commit that put `env` in its current stage: the last change. */
export function enteredCurrentStage(history: StageChange[], env: string): StageChange | undefined {
  return history.filter((c) => c.env === env).at(-1);
}
