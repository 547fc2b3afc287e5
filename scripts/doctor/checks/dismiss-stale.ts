import { having, type DoctorCheck } from '../check.ts';

export const dismissStale: DoctorCheck = {
  id: 'branch/dismiss-stale',
  description: 'Approvals are dismissed when new commits are pushed',
  check({ layers }) {
    const by = having(layers, (l) => l.review?.dismissStale === true);
    if (by.length) return { ok: true, message: `a push dismisses earlier approvals (${by.join(', ')})` };
    return {
      ok: false,
      message: 'approvals survive new pushes: a PR can change after it was approved and still merge',
      fix: 'turn on "Dismiss stale pull request approvals when new commits are pushed"',
    };
  },
};
