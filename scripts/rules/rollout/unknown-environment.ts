import { suggestion } from '../../config/did-you-mean.ts';
import { isComplete } from '../../config/model.ts';
import type { Rule } from '../rule.ts';

export const unknownEnvironment: Rule = {
  code: 'rollout/unknown-environment',
  severity: 'error',
  scope: 'repository',
  description: 'A rollout names only environments declared in environments.yaml',
  check({ model, report }) {
    if (model.environments.length === 0 || !isComplete(model, 'Environments')) return; // said once elsewhere
    const known = [...model.environmentNames.keys()];
    for (const { file, doc } of model.rollouts) {
      for (const env of Object.keys(doc.spec.environments)) {
        if (!model.environmentNames.has(env)) {
          report({ file, path: ['spec', 'environments', env], at: 'key', message: `unknown environment "${env}"`, hint: suggestion(env, known) || `environments: ${known.join(', ')}` });
        }
      }
    }
  },
};
