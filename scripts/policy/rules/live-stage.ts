import type { PolicyRule } from '../rule.ts';

export const liveStage: PolicyRule = {
  code: 'policy/live-stage',
  description: 'The percentage (or shadow) of a stage an environment is in never changes in place',
  check({ base, head, changes }) {
    return changes
      .filter((c) => c.kind === 'stage-list-edit' && c.stage)
      .flatMap((c) => {
        const b = base.rolloutByName.get(c.rollout)!.doc;
        const was = b.spec.stages.find((s) => s.name === c.stage);
        const now = head.rolloutByName.get(c.rollout)?.doc.spec.stages.find((s) => s.name === c.stage);
        if (!was || (now && now.percentage === was.percentage && now.shadow === was.shadow)) return [];
        const live = Object.entries(b.spec.environments).filter(([, e]) => e.stage === c.stage).map(([env]) => env);
        return live.length ? [{ code: this.code, change: c, message: `${c.rollout}: stage ${c.stage} is live in ${live.join(', ')}; ${now ? `its percentage changes ${was.percentage} % → ${now.percentage} %` : 'it is removed'}`, hint: 'add a new stage and advance to it, so the move has a gate and a revert' }] : [];
      });
  },
};
