import { diffPaths, showPath } from '../diff.ts';
import { refuseMove, type PolicyRule } from '../rule.ts';

const GATE_READS = new Set(['catalog', 'provider', 'store', 'approver-groups', 'environment-settings']);

/**
 * A PR that serves more users changes nothing else the gate reads: the rest of that
 * rollout's file, its alert rules, the metric catalog, the environments. The gate reads
 * them from base anyway; this keeps what merges the same as what was gated.
 */
export const advanceAlone: PolicyRule = {
  code: 'policy/advance-alone',
  description: 'An advance changes nothing else the gate reads: the rest of its rollout file, its alerts, metrics.yaml, environments.yaml',
  check({ moves, changes }) {
    return moves.flatMap((m) => {
      if (!m.base || m.from === undefined || m.from === m.to) return []; // policy/no-base-gate, policy/live-stage
      const b = m.base.doc;
      const moved = { ...b, spec: { ...b.spec, environments: { ...b.spec.environments, [m.env]: { ...b.spec.environments[m.env], stage: m.to } } } };
      const also = [
        ...diffPaths(moved, m.head.doc).map((p) => `${m.head.file.path}: ${showPath(p)}`),
        ...changes.filter((c) => (c.kind === 'alerts' && c.rollout === m.rollout) || GATE_READS.has(c.kind)).map((c) => `${c.kind}: ${c.detail}`),
      ];
      return also.length
        ? [refuseMove(this.code, m, `${m.rollout} ${m.env} → ${m.to} comes with other changes the gate reads: ${also.slice(0, 5).join('; ')}${also.length > 5 ? `; and ${also.length - 5} more` : ''}`, 'merge those changes first in their own PR (a config change, reviewed by the config owners), then advance in a PR of one line')]
        : [];
    });
  },
};
