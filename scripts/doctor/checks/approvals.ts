import type { DoctorCheck } from '../check.ts';

export const approvalsRequired: DoctorCheck = {
  id: 'branch/approvals',
  description: 'A pull request needs at least one approving review',
  check({ layers }) {
    const best = Math.max(0, ...layers.map((l) => l.review?.approvals ?? 0));
    if (best >= 1) {
      const by = layers.filter((l) => (l.review?.approvals ?? 0) === best).map((l) => l.name);
      return { ok: true, message: `pull requests need ${best} approving review${best === 1 ? '' : 's'} (${by.join(', ')})` };
    }
    return {
      ok: false,
      message: 'no approving review is required: a PR author can merge their own advance',
      fix: 'set "Required approvals" to 1 or more under "Require a pull request before merging"',
    };
  },
};
