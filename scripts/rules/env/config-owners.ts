import { suggestion } from '../../config/did-you-mean.ts';
import type { Rule } from '../rule.ts';

export const configOwners: Rule = {
  code: 'env/config-owners',
  severity: 'error',
  scope: 'file',
  description: 'configOwners names an approver group declared in the same file',
  check({ model, report }) {
    for (const { file, doc, dropped } of model.environments) {
      const owners = doc.spec.configOwners;
      if (owners === undefined || Object.hasOwn(doc.spec.approverGroups, owners)) continue;
      if (dropped?.some((p) => p[1] === 'approverGroups')) continue; // the group may be one that failed its schema
      const groups = Object.keys(doc.spec.approverGroups);
      report({ file, path: ['spec', 'configOwners'], message: `configOwners names "${owners}", which is not an approver group`, hint: suggestion(owners, groups) || `declare it under approverGroups${groups.length ? ` (known: ${groups.join(', ')})` : ''}` });
    }
  },
};
