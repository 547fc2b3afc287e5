import { having, type DoctorCheck } from '../check.ts';

export const forcePushBlocked: DoctorCheck = {
  id: 'branch/force-push',
  description: 'Force pushes to the main branch are blocked',
  check({ facts, layers }) {
    const by = having(layers, (l) => l.blocksForcePush);
    if (by.length) return { ok: true, message: `force pushes to ${facts.branch} are blocked (${by.join(', ')})` };
    return {
      ok: false,
      message: `force pushes to ${facts.branch} are allowed: history the sync and bake times rely on can be rewritten`,
      fix: 'branch protection: untick "Allow force pushes"; or add "Block force pushes" to a ruleset',
    };
  },
};
