import { suggestion } from '../../config/did-you-mean.ts';
import { hasAllStages, mayBeStage } from '../../config/model.ts';
import type { Rule } from '../rule.ts';

export const alertRollbackStage: Rule = {
  code: 'alert/rollback-stage',
  severity: 'error',
  scope: 'repository',
  description: 'onFire.rollback.to is a stage of the watched rollout below its last',
  check({ model, report }) {
    for (const { file, doc } of model.alertRules) {
      const rollout = doc.spec.rollout ? model.rolloutByName.get(doc.spec.rollout) : undefined;
      if (!rollout) continue;
      const names = rollout.doc.spec.stages.map((s) => s.name);
      doc.spec.rules.forEach((rule, i) => {
        const to = rule.onFire?.rollback?.to;
        const path = ['spec', 'rules', i, 'onFire', 'rollback', 'to'];
        if (to !== undefined && !mayBeStage(rollout, to)) report({ file, path, message: `rollback to unknown stage "${to}" of ${rollout.doc.metadata.name}`, hint: suggestion(to, names) || `stages: ${names.join(', ')}` });
        else if (to !== undefined && to === names.at(-1) && hasAllStages(rollout)) report({ file, path, message: `rollback to "${to}", the last stage of ${rollout.doc.metadata.name}, would move the rollout up`, hint: 'roll back to an earlier stage, or leave `to` out for the stage before the current one' });
      });
    }
  },
};
