import type { RolloutDocument } from '../config/schema/index.ts';
import { enteredCurrentStage, type StageChange } from '../git/stage-history.ts';

/** Where the environment before `env` in promotion order stands for `env`'s step into `to`. */
export interface Upstream {
  env: string;
  /** Its stage now. */
  stage: string;
  /** It is not at `to` or beyond yet. */
  behind: boolean;
  /** In `to` itself: the bake it must sit out there, when `to` has one. */
  bake?: string;
  /** In `to` itself: when the commit that put it there landed (ISO 8601); absent until one did. */
  since?: string;
}

/**
 * Production follows staging: an environment's step into `to` waits until the environment
 * before it in promotion order is at `to` or beyond, and has been at `to` for its bake.
 * Undefined when no environment of the rollout comes before `env`.
 */
export function upstreamOf(doc: RolloutDocument, env: string, to: string, history: StageChange[], order: string[]): Upstream | undefined {
  const prev = order.slice(0, order.indexOf(env)).reverse().find((e) => Object.hasOwn(doc.spec.environments, e));
  if (!prev) return undefined;
  const names = doc.spec.stages.map((s) => s.name);
  const stage = doc.spec.environments[prev].stage;
  if (stage !== to) return { env: prev, stage, behind: names.indexOf(stage) < names.indexOf(to) };
  const bake = doc.spec.stages.find((s) => s.name === to)?.bake;
  const entered = enteredCurrentStage(history, prev);
  return { env: prev, stage, behind: false, ...(bake ? { bake } : {}), ...(entered?.to === to ? { since: entered.date } : {}) };
}
