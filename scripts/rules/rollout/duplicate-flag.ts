import type { Rule } from '../rule.ts';

export const duplicateFlag: Rule = {
  code: 'rollout/duplicate-flag',
  severity: 'error',
  scope: 'repository',
  description: 'Flag keys are unique across rollouts: two rollouts must never drive one flag',
  check({ model, report }) {
    const seen = new Map<string, string>();
    for (const { file, doc } of model.rollouts) {
      const first = seen.get(doc.spec.flag);
      if (first) report({ file, path: ['spec', 'flag'], message: `flag "${doc.spec.flag}" is already driven by ${first}`, hint: 'each flag has exactly one rollout file' });
      else seen.set(doc.spec.flag, file.path);
    }
  },
};
