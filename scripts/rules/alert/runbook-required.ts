import type { Rule } from '../rule.ts';

export const runbookRequired: Rule = {
  code: 'alert/runbook-required',
  severity: 'error',
  scope: 'file',
  description: 'CRITICAL and HIGH alerts carry a runbook (url or steps)',
  check({ model, report }) {
    for (const { file, doc } of model.alertRules) {
      doc.spec.rules.forEach((rule, i) => {
        if (rule.severity !== 'CRITICAL' && rule.severity !== 'HIGH') return;
        if (!rule.runbook?.url && !rule.runbook?.steps?.length) {
          report({ file, path: ['spec', 'rules', i, 'severity'], message: `${rule.severity} alert "${rule.name}" has no runbook`, hint: 'add runbook.steps (what on-call does first) or runbook.url' });
        }
      });
    }
  },
};
