import { CORE_SCHEMA, load } from 'js-yaml';
import type { Commit, Git } from './port.ts';

/** One change of an environment's stage, as git recorded it. */
export interface StageChange {
  env: string;
  /** The stage before; undefined when the environment first appears. */
  from?: string;
  to: string;
  sha: string;
  author: string;
  /** ISO 8601 commit date: when it landed on the branch's history. */
  date: string;
  subject: string;
  /** The commit is a `git revert` (or says it reverts one). */
  revert: boolean;
}

const isRevert = (c: Commit) => /^Revert "/.test(c.subject) || /This reverts commit [0-9a-f]{7,40}/.test(c.body);

/**
 * Every stage change of every environment in the rollout file at `path`, oldest first,
 * from the first-parent history of `ref`: the commits as they landed on the branch.
 */
export async function stageHistory(git: Git, path: string, ref = 'HEAD'): Promise<StageChange[]> {
  const commits = (await git.log(path, ref)).reverse();
  const texts = await Promise.all(commits.map((c) => git.show(c.sha, path)));
  const out: StageChange[] = [];
  let previous = new Map<string, string>();
  commits.forEach((commit, i) => {
    const stages = stagesIn(texts[i]);
    if (!stages) return; // unreadable at that commit: compare the next readable one with the last readable one
    for (const [env, to] of stages) {
      const from = previous.get(env);
      if (from !== to) out.push({ env, ...(from ? { from } : {}), to, sha: commit.sha, author: commit.author, date: commit.date, subject: commit.subject, revert: isRevert(commit) });
    }
    previous = stages;
  });
  return out;
}

/** The commit that put `env` in its current stage: the last change. */
export function enteredCurrentStage(history: StageChange[], env: string): StageChange | undefined {
  return history.filter((c) => c.env === env).at(-1);
}

function stagesIn(text: string | undefined): Map<string, string> | undefined {
  if (text === undefined) return undefined;
  try {
    const doc = load(text, { schema: CORE_SCHEMA }) as { spec?: { environments?: Record<string, { stage?: unknown }> } };
    const envs = doc?.spec?.environments;
    if (!envs || typeof envs !== 'object') return undefined;
    return new Map(Object.entries(envs).filter(([, v]) => typeof v?.stage === 'string').map(([k, v]) => [k, v.stage as string]));
  } catch {
    return undefined;
  }
}
