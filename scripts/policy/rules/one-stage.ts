import type { PolicyRule } from '../rule.ts';

export const oneStage: PolicyRule = {
  code: 'policy/one-stage',
  description: 'A PR moves a rollout at most one stage forward per environment',
  check({ head, changes }) {
    return changes
      .filter((c) => c.kind === 'advance')
      .flatMap((c) => {
        const names = head.rolloutByName.get(c.rollout)!.doc.spec.stages.map((s) => s.name);
        const skipped = names.slice(names.indexOf(c.from!) + 1, names.indexOf(c.to!));
        return skipped.length ? [{ code: this.code, change: c, message: `${c.rollout} ${c.env}: ${c.from} → ${c.to} skips ${skipped.join(', ')}`, hint: `advance to ${skipped[0]} first; each stage has its own gate` }] : [];
      });
  },
};
