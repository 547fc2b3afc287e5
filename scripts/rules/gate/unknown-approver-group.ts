import { suggestion } from '../../config/did-you-mean.ts';
import { isComplete } from '../../config/model.ts';
import type { Rule } from '../rule.ts';

export const unknownApproverGroup: Rule = {
  code: 'gate/unknown-approver-group',
  severity: 'error',
  scope: 'repository',
  description: 'Approvals name approver groups declared in environments.yaml',
  check({ model, report }) {
    if (model.environments.length === 0 || !isComplete(model, 'Environments')) return;
    const groups = [...model.approverGroups];
    for (const { file, doc } of model.rollouts) {
      for (const [stage, gate] of Object.entries(doc.spec.gates ?? {})) {
        (gate.approvals ?? []).forEach((approval, i) => {
          if (!model.approverGroups.has(approval.group)) {
            report({ file, path: ['spec', 'gates', stage, 'approvals', i, 'group'], message: `unknown approver group "${approval.group}"`, hint: suggestion(approval.group, groups) || `declare it under approverGroups in environments.yaml${groups.length ? ` (known: ${groups.join(', ')})` : ''}` });
          }
        });
      }
    }
  },
};
