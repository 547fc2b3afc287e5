import { having, type DoctorCheck } from '../check.ts';

export const pullRequestRequired: DoctorCheck = {
  id: 'branch/pull-request',
  description: 'Changes reach the main branch only through pull requests',
  check({ facts, layers }) {
    const by = having(layers, (l) => l.review !== undefined);
    if (by.length) return { ok: true, message: `pull requests are required (${by.join(', ')})` };
    return {
      ok: false,
      message: `nothing requires a pull request: anyone who can push can change ${facts.branch} directly, past every gate`,
      fix: 'turn on "Require a pull request before merging" (branch protection or ruleset)',
    };
  },
};
