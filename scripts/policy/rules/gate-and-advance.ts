import type { PolicyRule } from '../rule.ts';

export const gateAndAdvance: PolicyRule = {
  code: 'policy/gate-and-advance',
  description: 'A PR that changes a gate does not advance through it: a gate is always evaluated with the base definition',
  check({ changes }) {
    const edited = changes.filter((c) => c.kind === 'gate-edit');
    return changes
      .filter((c) => c.kind === 'advance')
      .flatMap((c) => edited.filter((g) => g.rollout === c.rollout && g.stage === c.to).map((g) => ({ code: this.code, change: g, message: `${c.rollout}: the gate into ${c.to} changes in the same PR that advances ${c.env} into it`, hint: 'merge the gate change first, then advance in its own PR' })));
  },
};
