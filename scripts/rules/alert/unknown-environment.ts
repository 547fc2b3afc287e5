import { suggestion } from '../../config/did-you-mean.ts';
import { isComplete } from '../../config/model.ts';
import type { Rule } from '../rule.ts';

export const alertUnknownEnvironment: Rule = {
  code: 'alert/unknown-environment',
  severity: 'error',
  scope: 'repository',
  description: 'An alert rule scoped with `environments` names environments declared in environments.yaml',
  check({ model, report }) {
    if (model.environments.length === 0 || !isComplete(model, 'Environments')) return; // said once elsewhere
    const known = [...model.environmentNames.keys()];
    for (const { file, doc } of model.alertRules) {
      doc.spec.rules.forEach((rule, i) => {
        (rule.environments ?? []).forEach((env, j) => {
          if (model.environmentNames.has(env)) return;
          report({ file, path: ['spec', 'rules', i, 'environments', j], message: `alert "${rule.name}" is scoped to unknown environment "${env}"`, hint: suggestion(env, known) || `environments: ${known.join(', ')}` });
        });
      });
    }
  },
};
