import { suggestion } from '../../config/did-you-mean.ts';
import { isComplete } from '../../config/model.ts';
import type { Rule } from '../rule.ts';

export const alertUnknownRollout: Rule = {
  code: 'alert/unknown-rollout',
  severity: 'error',
  scope: 'repository',
  description: 'An alert file watches an existing rollout, and onFire.rollback needs one',
  check({ model, report }) {
    const names = [...model.rolloutByName.keys()];
    for (const { file, doc } of model.alertRules) {
      const rollout = doc.spec.rollout;
      if (rollout !== undefined && !model.rolloutByName.has(rollout) && isComplete(model, 'Rollout')) {
        report({ file, path: ['spec', 'rollout'], message: `unknown rollout "${rollout}"`, hint: suggestion(rollout, names) || 'name a rollout from rollout/' });
      }
      if (rollout === undefined) {
        doc.spec.rules.forEach((rule, i) => {
          if (rule.onFire?.rollback) report({ file, path: ['spec', 'rules', i, 'onFire', 'rollback'], at: 'key', message: `alert "${rule.name}" rolls back, but the file names no rollout`, hint: 'set spec.rollout to the rollout this file watches' });
        });
      }
    }
  },
};
