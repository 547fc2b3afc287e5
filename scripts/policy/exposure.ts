import type { ConfigModel } from '../config/model.ts';
import { desiredFlags, type DesiredFlag } from '../sync/desired.ts';

/** Flag key and environment: one exposure. */
export const exposureKey = (env: string, key: string) => `${env}\u0000${key}`;

/**
 * Who sees each flag in each environment, computed with the function `sync` uses to build
 * the store's desired state, so that what the policy compares is exactly what the stores
 * will serve. A flag no rollout names is absent here: `sync` turns a managed flag like that off.
 */
export function exposures(model: ConfigModel): Map<string, DesiredFlag> {
  const envs = new Set<string>(model.environmentNames.keys());
  for (const { doc } of model.rollouts) for (const env of Object.keys(doc.spec.environments)) envs.add(env);
  const out = new Map<string, DesiredFlag>();
  for (const env of [...envs].sort()) for (const flag of desiredFlags(model, env)) out.set(exposureKey(env, flag.key), flag);
  return out;
}

const serving = (f: DesiredFlag | undefined): f is DesiredFlag => f !== undefined && f.enabled && f.percentage > 0;

/**
 * Whether `after` serves a user that `before` did not: a flag turned on, a higher
 * percentage, or users bucketed anew (stickiness or bucketing group) while some were out.
 */
export function exposesMore(before: DesiredFlag | undefined, after: DesiredFlag | undefined): boolean {
  if (!serving(after)) return false;
  if (!serving(before)) return true;
  if (after.percentage > before.percentage) return true;
  return before.percentage < 100 && (after.stickiness !== before.stickiness || after.groupId !== before.groupId);
}

/** A flag as a reviewer reads it: `on 10 % by userId`, `off`. */
export function describeExposure(f: DesiredFlag | undefined): string {
  if (!f) return 'not managed (off)';
  if (!serving(f)) return 'off';
  return `${f.percentage} % by ${f.stickiness}${f.groupId !== f.key ? ` (group ${f.groupId})` : ''}`;
}

/** One flag in one environment whose exposure differs between base and head. */
export interface ExposureChange {
  env: string;
  key: string;
  /** The head rollout that names the flag (the base one when the flag is gone). */
  rollout: string;
  before?: DesiredFlag;
  after?: DesiredFlag;
  /** Some user is served who was not before. */
  increases: boolean;
}

/** Every flag/environment whose served state differs, base → head. */
export function exposureChanges(base: ConfigModel, head: ConfigModel): ExposureChange[] {
  const [b, h] = [exposures(base), exposures(head)];
  const out: ExposureChange[] = [];
  for (const id of new Set([...b.keys(), ...h.keys()])) {
    const before = b.get(id);
    const after = h.get(id);
    const same = before && after && before.enabled === after.enabled && before.percentage === after.percentage && before.stickiness === after.stickiness && before.groupId === after.groupId;
    if (same) continue;
    if (!serving(before) && !serving(after) && (before === undefined) === (after === undefined)) continue; // off on both sides
    const { env, key } = (after ?? before)!;
    out.push({ env, key, rollout: (after ?? before)!.rollout, ...(before ? { before } : {}), ...(after ? { after } : {}), increases: exposesMore(before, after) });
  }
  return out.sort((x, y) => (x.env + x.key < y.env + y.key ? -1 : 1));
}
