import { baseStageNames, refuseMove, type PolicyRule } from '../rule.ts';

const CAUSES = new Set(['percentage', 'stages', 'stickiness', 'flag']);

/**
 * A flag serves more users while its environment stays in (or goes back to) a stage: the
 * stage was raised in place, or users were bucketed anew. No gate guards that.
 */
export const liveStage: PolicyRule = {
  code: 'policy/live-stage',
  description: 'A stage an environment is in never serves more users in place: not a higher percentage, not a new bucketing',
  check({ moves, changes }) {
    return moves.flatMap((m) => {
      const names = baseStageNames(m);
      if (!m.base || m.from === undefined || !names.includes(m.to) || names.indexOf(m.to) > names.indexOf(m.from)) return [];
      const cause = changes.find((c) => c.rollout === m.rollout && CAUSES.has(c.kind) && (c.kind !== 'percentage' || c.stage === m.to)) ?? changes.find((c) => c.rollout === m.rollout && CAUSES.has(c.kind));
      const grows = m.exposure.map((e) => e.key).join(', ');
      const refusal = refuseMove(this.code, m, `${m.rollout}: ${grows} would serve more users in ${m.env} while it stays at ${m.to}${cause ? ` (${cause.detail})` : ''}`, 'add a new stage and advance to it, so the move has a gate and a revert');
      return [cause?.file ? { ...refusal, change: { ...refusal.change, file: cause.file, ...(cause.path ? { path: cause.path } : {}) } } : refusal];
    });
  },
};
