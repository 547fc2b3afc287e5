import { baseStageNames, refuseMove, type PolicyRule } from '../rule.ts';

export const oneStage: PolicyRule = {
  code: 'policy/one-stage',
  description: "A PR moves a rollout at most one stage forward per environment, counted in base's stage list",
  check({ moves }) {
    return moves.flatMap((m) => {
      const names = baseStageNames(m);
      if (!m.base || m.from === undefined || !names.includes(m.to)) return []; // policy/no-base-gate
      const [i, j] = [names.indexOf(m.from), names.indexOf(m.to)];
      if (j === i + 1) return [];
      return j > i + 1 ? [refuseMove(this.code, m, `${m.rollout} ${m.env}: ${m.from} → ${m.to} skips ${names.slice(i + 1, j).join(', ')}`, `advance to ${names[i + 1]} first; each stage has its own gate`)] : [];
    });
  },
};
