import type { RolloutDocument } from '../config/schema/index.ts';
import type { StageChange } from '../git/stage-history.ts';
import { oneLine, withTrailers, type Trailer } from './trailers.ts';

/** A rollback that may not be done: upward, to where it is, or with nothing to undo. */
export class RollbackRefused extends Error {
  override name = 'RollbackRefused';
}

export interface RollbackPlan {
  rollout: string;
  env: string;
  from: string;
  to: string;
  percentage: { from: number; to: number };
  /** The advance being undone, when the target is "the stage before the last advance". */
  reverts?: StageChange;
  /** One line: what moves where. */
  summary: string;
  /**
   * The commit message: a git revert's when it undoes an advance, so history marks it as one.
   * Ends in a trailer block (Reason, then the request's own trailers); no untrusted text in it
   * spans lines.
   */
  message: string;
}

/**
 * Where a rollback goes. Default: back to where the last advance into the current stage
 * came from (that advance is what is undone). `to`: that stage, which must be below the
 * current one — a rollback never moves up. `reason` and `trailers` may come from an alert
 * or a dispatch input: they land in the message as single-line trailers.
 */
export function planRollback(rollout: RolloutDocument, env: string, history: StageChange[], to: string | undefined, reason: string, trailers: Trailer[] = []): RollbackPlan {
  const name = rollout.metadata.name;
  const names = rollout.spec.stages.map((s) => s.name);
  // env may be an alert's label: only the rollout's own environments, never Object.prototype's keys.
  const current = Object.hasOwn(rollout.spec.environments, env) ? rollout.spec.environments[env].stage : undefined;
  if (!current) throw new RollbackRefused(`${name} is not in ${env}`);
  const pct = (s: string) => rollout.spec.stages.find((x) => x.name === s)!.percentage;
  let target = to;
  let reverts: StageChange | undefined;
  if (target === undefined) {
    reverts = history.filter((c) => c.env === env && c.to === current && c.from !== undefined && names.indexOf(c.from) < names.indexOf(current)).at(-1);
    if (!reverts) throw new RollbackRefused(`${name} has no advance into ${current} in ${env} on this branch to undo: give --to STAGE`);
    target = reverts.from!;
  }
  if (!names.includes(target)) throw new RollbackRefused(`${name} has no stage "${target}" (stages: ${names.join(', ')})`);
  if (names.indexOf(target) >= names.indexOf(current)) throw new RollbackRefused(`${target} is not below ${current}: a rollback never moves a rollout up`);
  const line = `Roll back ${name} in ${env}: ${current} → ${target} (${pct(current)} % → ${pct(target)} %)`;
  const body = reverts ? `Revert "${oneLine(reverts.subject)}"\n\nThis reverts commit ${reverts.sha} for ${env}.\n${line}.` : line;
  const message = withTrailers(body, [{ token: 'Reason', value: oneLine(reason) || 'none given' }, ...trailers]);
  return { rollout: name, env, from: current, to: target, percentage: { from: pct(current), to: pct(target) }, ...(reverts ? { reverts } : {}), summary: line, message };
}
