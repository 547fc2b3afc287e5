import type { ConfigModel } from '../../config/model.ts';
import { desiredFlags } from '../../sync/desired.ts';
import { describeExposure } from '../exposure.ts';
import { isOneStep, refuseMove, type PolicyRule } from '../rule.ts';

/**
 * An advance serves exactly what base's next stage serves: the same percentage, shadow,
 * flag keys, stickiness and bucketing. Raising the next stage's percentage while entering
 * it, or changing how users are bucketed, is not what the gate on base was agreed for.
 */
export const stageAsOnBase: PolicyRule = {
  code: 'policy/stage-as-on-base',
  description: "An advance serves exactly what base's version of the stage entered serves",
  check({ moves }) {
    return moves.filter(isOneStep).flatMap((m) => {
      const b = m.base!;
      const moved = { ...b.doc, spec: { ...b.doc.spec, environments: { ...b.doc.spec.environments, [m.env]: { ...b.doc.spec.environments[m.env], stage: m.to } } } };
      const only = (doc: typeof moved) => ({ rollouts: [{ file: b.file, doc }] }) as unknown as ConfigModel;
      const intended = new Map(desiredFlags(only(moved), m.env).map((f) => [f.key, f]));
      const actual = new Map(desiredFlags(only(m.head.doc), m.env).map((f) => [f.key, f]));
      const differs = [...new Set([...intended.keys(), ...actual.keys()])].filter((k) => describeExposure(intended.get(k)) !== describeExposure(actual.get(k)) || intended.get(k)?.enabled !== actual.get(k)?.enabled);
      return differs.length
        ? [refuseMove(this.code, m, `${m.rollout} ${m.env} → ${m.to}: ${differs.map((k) => `${k} would be ${describeExposure(actual.get(k))}, base's ${m.to} serves ${describeExposure(intended.get(k))}`).join('; ')}`, `enter ${m.to} as base defines it; change the stage in its own PR first`)]
        : [];
    });
  },
};
