import type { DoctorCheck } from '../check.ts';

export const branchProtected: DoctorCheck = {
  id: 'branch/protected',
  description: 'The main branch is protected by branch protection or an active ruleset',
  check({ facts, layers }) {
    if (layers.length) return { ok: true, message: `${facts.branch} is protected by ${layers.map((l) => l.name).join(', ')}` };
    return {
      ok: false,
      // GitHub answers 404 both for "not protected" and to a token that may not read protection.
      message: `${facts.branch} has no branch protection and no active ruleset (or the token cannot read branch protection: it needs admin rights)`,
      fix: `Settings → Rules → Rulesets → New branch ruleset: target ${facts.branch}, enforcement Active (or Settings → Branches → Add branch protection rule for ${facts.branch})`,
    };
  },
};
