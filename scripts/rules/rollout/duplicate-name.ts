import type { Rule } from '../rule.ts';

export const duplicateRolloutName: Rule = {
  code: 'rollout/duplicate-name',
  severity: 'error',
  scope: 'repository',
  description: 'Rollout names are unique across files',
  check({ model, report }) {
    const seen = new Map<string, string>();
    for (const { file, doc } of model.rollouts) {
      const first = seen.get(doc.metadata.name);
      if (first) report({ file, path: ['metadata', 'name'], message: `rollout "${doc.metadata.name}" is also declared in ${first}`, hint: 'rename one of them' });
      else seen.set(doc.metadata.name, file.path);
    }
  },
};
