import type { ConfigModel } from '../config/model.ts';
import type { RolloutDocument } from '../config/schema/index.ts';
import type { Commit, Git } from '../git/port.ts';
import { stageHistory, type StageChange } from '../git/stage-history.ts';
import { ALERT_KEY, trailerValues } from '../rollback/trailers.ts';

/** One point of an environment's stage over time. */
export interface StagePoint {
  /** ISO 8601: when the change landed (see StageChange.date). */
  date: string;
  stage: string;
  /** The stage's percentage in the rollout as it is now; null for a stage it no longer has. */
  percentage: number | null;
  sha: string;
  subject: string;
}

/** Each environment's stages over time, oldest first, from git history. */
export type Timeline = Record<string, StagePoint[]>;

/** A move down the stage list: a rollback, by `rollgate rollback`, the webhook, watch or a hand-made revert. */
export interface RollbackEntry {
  env: string;
  from: string;
  to: string;
  date: string;
  sha: string;
  subject: string;
  author: string;
  /** The Reason trailer of the commit, when it has one. */
  reason?: string;
  /** The Alert-Key trailer: the alert that triggered it. */
  alertKey?: string;
}

/** The stage history as points per environment, percentages read from the rollout's current stage list. */
export function timelineOf(doc: RolloutDocument, history: StageChange[]): Timeline {
  const pct = new Map(doc.spec.stages.map((s) => [s.name, s.percentage]));
  const out: Timeline = {};
  for (const env of Object.keys(doc.spec.environments)) out[env] = [];
  for (const c of history) (out[c.env] ??= []).push({ date: c.date, stage: c.to, percentage: pct.get(c.to) ?? null, sha: c.sha, subject: c.subject });
  return out;
}

/** The timeline of the rollout `name` of `model`, from the history of `ref`: what renderGateMarkdown draws as stage charts. */
export async function rolloutTimeline(git: Git, model: ConfigModel, name: string, ref = 'HEAD'): Promise<Timeline | undefined> {
  const rollout = model.rolloutByName.get(name);
  return rollout ? timelineOf(rollout.doc, await stageHistory(git, rollout.file.path, ref)) : undefined;
}

/** The changes that moved an environment down the stage list, newest first, with their trailers. */
export function rollbacksOf(doc: RolloutDocument, history: StageChange[], commits: Commit[]): RollbackEntry[] {
  const names = doc.spec.stages.map((s) => s.name);
  const bodies = new Map(commits.map((c) => [c.sha, `${c.subject}\n\n${c.body}`]));
  const out: RollbackEntry[] = [];
  for (const c of history) {
    if (c.from === undefined || names.indexOf(c.to) < 0 || names.indexOf(c.to) >= names.indexOf(c.from)) continue;
    const message = bodies.get(c.sha) ?? '';
    const reason = trailerValues(message, 'Reason')[0];
    const alertKey = trailerValues(message, ALERT_KEY)[0];
    out.push({ env: c.env, from: c.from, to: c.to, date: c.date, sha: c.sha, subject: c.subject, author: c.author, ...(reason ? { reason } : {}), ...(alertKey ? { alertKey } : {}) });
  }
  return out.reverse();
}
