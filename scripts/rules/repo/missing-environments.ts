import { isComplete } from '../../config/model.ts';
import type { Rule } from '../rule.ts';

export const missingEnvironments: Rule = {
  code: 'repo/missing-environments',
  severity: 'error',
  scope: 'repository',
  description: 'Rollouts need rollout/environments.yaml; alert rules need alerts/channels.yaml',
  check({ model, report }) {
    if (model.environments.length === 0 && model.rollouts[0] && isComplete(model, 'Environments')) {
      report({ file: model.rollouts[0].file, path: ['spec', 'environments'], at: 'key', message: 'no Environments document: rollout/environments.yaml is missing', hint: 'add rollout/environments.yaml (see README)' });
    }
    if (model.channels.length === 0 && model.alertRules[0] && isComplete(model, 'Channels')) {
      report({ file: model.alertRules[0].file, path: ['spec', 'rules'], at: 'key', message: 'no Channels document: alerts/channels.yaml is missing', hint: 'add alerts/channels.yaml (see README)' });
    }
  },
};
