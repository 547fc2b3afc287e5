import type { ConfigModel } from '../config/model.ts';
import type { Gate, RolloutDocument } from '../config/schema/index.ts';
import type { ChangeKind, ChangeSet } from './change-set.ts';

/** Approvals a config change needs: from `group`, at least `count`, and which changes ask for them. */
export interface RequiredReview {
  group: string;
  count: number;
  because: string[];
}

/**
 * Changes that can make a later gate weaker, or an automatic rollback quieter: each is a
 * config change. Moves (advance, rollback), environment entries and removals are not:
 * the policy and the gates judge those.
 */
export const CONFIG_CHANGES: ReadonlySet<ChangeKind> = new Set<ChangeKind>(['gate', 'rollback-matrix', 'stages', 'percentage', 'flag', 'stickiness', 'renamed-rollout', 'new-rollout', 'catalog', 'provider', 'store', 'approver-groups', 'environment-settings', 'alerts', 'channels']);

/**
 * The reviews a PR's config changes need, read from base: the config owners group
 * (environments.yaml `configOwners`) for any config change, and the approvals of every gate
 * on base that the change affects — a gate edited, a rollout's matrix, stages or alerts
 * (all of its gates), a metric (the gates that measure it), an environment's provider or
 * store (the gates of rollouts in it), an approver group (the gates that require it).
 */
export function requiredReviews({ base, changes }: ChangeSet): RequiredReview[] {
  const need = new Map<string, RequiredReview>();
  const add = (group: string, count: number, why: string) => {
    const r = need.get(group) ?? need.set(group, { group, count, because: [] }).get(group)!;
    r.count = Math.max(r.count, count);
    if (!r.because.includes(why)) r.because.push(why);
  };
  const owners = base.environments[0]?.doc.spec.configOwners;
  for (const c of changes) {
    if (!CONFIG_CHANGES.has(c.kind)) continue;
    const why = `${c.kind}: ${c.rollout ? `${c.rollout}: ` : ''}${c.detail}`;
    if (owners) add(owners, 1, why);
    for (const gate of affectedGates(base, c)) for (const a of gate.approvals ?? []) add(a.group, a.count, why);
  }
  return [...need.values()];
}

function affectedGates(base: ConfigModel, c: ChangeSet['changes'][number]): Gate[] {
  const gatesOf = (d: RolloutDocument | undefined) => Object.values(d?.spec.gates ?? {});
  const rollout = c.rollout ? (base.rolloutByName.get(c.rollout) ?? (c.from ? base.rolloutByName.get(c.from) : undefined))?.doc : undefined;
  const all = base.rollouts.map((r) => r.doc);
  switch (c.kind) {
    case 'gate':
      return c.stage && rollout?.spec.gates?.[c.stage] ? [rollout.spec.gates[c.stage]] : gatesOf(rollout);
    case 'rollback-matrix':
    case 'stages':
    case 'percentage':
    case 'flag':
    case 'stickiness':
    case 'renamed-rollout':
    case 'alerts':
      return gatesOf(rollout);
    case 'catalog':
      return all.flatMap(gatesOf).filter((g) => [...(g.mustPass ?? []), ...(g.shouldPass?.criteria ?? []), ...(g.blockers ?? [])].some((x) => x.metric === c.metric));
    case 'provider':
    case 'store':
    case 'environment-settings':
      return all.filter((d) => c.env === undefined || Object.hasOwn(d.spec.environments, c.env)).flatMap(gatesOf);
    case 'approver-groups':
      return all.flatMap(gatesOf).filter((g) => c.group === undefined || (g.approvals ?? []).some((a) => a.group === c.group));
    default:
      return [];
  }
}
