import { suggestion } from '../../config/did-you-mean.ts';
import { mayBeStage } from '../../config/model.ts';
import type { Rule } from '../rule.ts';

export const unknownStage: Rule = {
  code: 'rollout/unknown-stage',
  severity: 'error',
  scope: 'file',
  description: "An environment's current stage is one of the rollout's stages",
  check({ model, report }) {
    for (const rollout of model.rollouts) {
      const { file, doc } = rollout;
      const names = doc.spec.stages.map((s) => s.name);
      for (const [env, { stage }] of Object.entries(doc.spec.environments)) {
        if (!mayBeStage(rollout, stage)) {
          report({ file, path: ['spec', 'environments', env, 'stage'], message: `environment "${env}" is at stage "${stage}", which this rollout does not declare`, hint: suggestion(stage, names) || `stages: ${names.join(', ')}` });
        }
      }
    }
  },
};
