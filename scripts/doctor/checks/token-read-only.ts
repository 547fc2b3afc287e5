import type { DoctorCheck } from '../check.ts';

export const tokenReadOnly: DoctorCheck = {
  id: 'actions/token-read-only',
  description: "A workflow's GITHUB_TOKEN is read-only unless the workflow asks for more",
  check({ facts }) {
    if (facts.workflow.defaultPermissions === 'read') return { ok: true, message: 'workflow tokens are read-only by default' };
    return {
      ok: false,
      message: 'workflow tokens can write by default: any workflow without a permissions: block can push and comment',
      fix: 'Settings → Actions → General → Workflow permissions: "Read repository contents and packages permissions"',
    };
  },
};
