import type { Rule } from '../rule.ts';

export const duplicateAlertName: Rule = {
  code: 'alert/duplicate-name',
  severity: 'error',
  scope: 'repository',
  description: 'Alert names are unique across alert files',
  check({ model, report }) {
    const seen = new Map<string, string>();
    for (const { file, doc } of model.alertRules) {
      doc.spec.rules.forEach((rule, i) => {
        const first = seen.get(rule.name);
        if (first) report({ file, path: ['spec', 'rules', i, 'name'], message: `alert "${rule.name}" is also declared in ${first}`, hint: 'rename one of them' });
        else seen.set(rule.name, file.path);
      });
    }
  },
};
