import type { GateReport } from '../gates/report.ts';
import { setStage } from '../git/edit-stage.ts';
import type { Git } from '../git/port.ts';
import type { GitHub, PullRequest } from '../github/port.ts';
import { renderGateMarkdown } from '../report/gate.ts';
import type { Timeline } from '../report/timeline.ts';

/** One branch per rollout and environment, shared by `rollgate advance` and the bot: never two PRs for one step. */
export const advanceBranch = (rollout: string, env: string) => `rollgate/advance/${rollout}/${env}`;

/** The title of an advance PR and the first line of its commit. */
export const advanceTitle = (rollout: string, env: string, from: string, to: string, percentage: number) => `Advance ${rollout} in ${env}: ${from} → ${to} (${percentage} %)`;

/** The one-line edit of an advance: `env` moved to `to` in the rollout file at `path`, committed on `branch` off `base`. */
export interface AdvanceCommit {
  /** main's commit the branch starts from. */
  base: string;
  path: string;
  /** The rollout file's text at `base`. */
  text: string;
  env: string;
  to: string;
  branch: string;
  title: string;
  /** The commit message's body, under the title. */
  note: string;
}

/** Commits the edit on the branch (work tree untouched) and returns the commit; throws EditError when the stage line cannot be edited. */
export async function commitAdvance(git: Git, c: AdvanceCommit): Promise<string> {
  return git.commitFile(c.base, c.path, setStage(c.text, c.env, c.to), `${c.title}\n\n${c.note}`, c.branch);
}

/** What the advance PR says and carries, beyond its branch and title. */
export interface AdvancePullRequest {
  branch: string;
  /** The PR's base branch (main). */
  mainBranch: string;
  title: string;
  /** Paragraphs between the title line and the gate report. */
  paragraphs: string[];
  report: GateReport;
  /** The rollout's stage history: the report's stage charts. */
  timeline: Timeline | undefined;
  /** The open PR of the branch, updated instead of opening another. */
  existing: PullRequest | undefined;
  /** Added when the PR is opened. */
  labels: string[];
  autoMerge: boolean;
}

/**
 * Pushes the committed advance branch, then updates its open PR or opens one with `labels`
 * (and turns auto-merge on when asked): the one create-or-update of `advance` and `propose`.
 */
export async function openAdvancePullRequest(deps: { git: Git; github: GitHub }, o: AdvancePullRequest): Promise<{ number: number; url: string; created: boolean }> {
  const { git, github } = deps;
  await git.push(o.branch);
  const body = [`${o.title}.`, ...o.paragraphs, renderGateMarkdown(o.report, o.timeline)].join('\n\n');
  let pr: { number: number; url: string; created: boolean };
  if (o.existing) {
    await github.updatePullRequest(o.existing.number, { title: o.title, body });
    pr = { number: o.existing.number, url: o.existing.url, created: false };
  } else {
    const made = await github.createPullRequest({ title: o.title, head: o.branch, base: o.mainBranch, body });
    await github.addLabels(made.number, o.labels);
    pr = { number: made.number, url: made.url, created: true };
  }
  if (o.autoMerge) await github.enableAutoMerge(pr.number);
  return pr;
}
