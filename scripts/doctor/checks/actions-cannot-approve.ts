import type { DoctorCheck } from '../check.ts';

export const actionsCannotApprove: DoctorCheck = {
  id: 'actions/cannot-approve',
  description: 'GitHub Actions cannot approve pull requests',
  check({ facts }) {
    if (!facts.workflow.canApprovePullRequests) return { ok: true, message: 'GitHub Actions cannot approve pull requests' };
    return {
      ok: false,
      // A same-repository PR's workflow can ask its token for pull-requests: write and approve the PR it runs on.
      message: 'GitHub Actions can approve pull requests: a workflow on a PR branch can approve its own PR',
      fix: 'Settings → Actions → General: untick "Allow GitHub Actions to create and approve pull requests"',
    };
  },
};
