import type { ConfigModel } from '../config/model.ts';

/** What a flag store holds for one flag in one environment: the part rollgate manages. */
export interface FlagState {
  enabled: boolean;
  /** 0–100: the share of users served the flag's "on" variant. */
  percentage: number;
  /** The evaluation-context attribute users are bucketed by. */
  stickiness: string;
  /** Bucketing group: fixed across stages so that every user on at 10 % is still on at 50 %. */
  groupId: string;
  /**
   * Read from a store only: what someone changed there by hand beside rollgate's strategy
   * (Unleash constraints, segments, variants, other strategies), one line each. The sync keeps
   * it, and reports the flag as drift until it is removed.
   */
  handMade?: string[];
}

/** One flag as `main` says it should be. */
export interface DesiredFlag extends FlagState {
  key: string;
  rollout: string;
  env: string;
  stage: string;
  /** The companion flag that tells an application "compute, don't serve". */
  companion: boolean;
}

/** Suffix of the companion flag a rollout with a shadow stage gets. */
export const SHADOW_SUFFIX = '.shadow';

/**
 * Every flag of `env` as the model says. A rollout's flag serves its stage's percentage and
 * is enabled above 0 %. A rollout that has a shadow stage also gets `<flag>.shadow`, on for
 * everyone exactly while the rollout is in a shadow stage: the application computes the new
 * path when it is on and serves it only when the main flag says so.
 */
export function desiredFlags(model: ConfigModel, env: string): DesiredFlag[] {
  const out: DesiredFlag[] = [];
  for (const { doc } of model.rollouts) {
    const at = doc.spec.environments[env];
    if (!at) continue;
    const stage = doc.spec.stages.find((s) => s.name === at.stage);
    if (!stage) continue; // validation refuses this before a sync runs
    const base = { rollout: doc.metadata.name, env, stage: stage.name, stickiness: doc.spec.stickiness };
    out.push({ ...base, key: doc.spec.flag, enabled: stage.percentage > 0, percentage: stage.percentage, groupId: doc.spec.flag, companion: false });
    if (doc.spec.stages.some((s) => s.shadow)) {
      const key = doc.spec.flag + SHADOW_SUFFIX;
      out.push({ ...base, key, enabled: stage.shadow, percentage: stage.shadow ? 100 : 0, groupId: key, companion: true });
    }
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
