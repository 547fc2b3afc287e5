import { having, type DoctorCheck } from '../check.ts';

export const codeOwnerReview: DoctorCheck = {
  id: 'branch/code-owner-review',
  description: "A change to an owned path needs its code owner's approval",
  check({ layers }) {
    const by = having(layers, (l) => l.review?.codeOwners === true);
    if (by.length) return { ok: true, message: `code owners must approve changes to what they own (${by.join(', ')})` };
    return {
      ok: false,
      message: 'code-owner review is not required: any approver can pass a change to gates, environments, workflows or rollgate itself',
      fix: 'turn on "Require review from Code Owners" under "Require a pull request before merging"',
    };
  },
};
