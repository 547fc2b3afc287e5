import { suggestion } from '../../config/did-you-mean.ts';
import { mayBeStage } from '../../config/model.ts';
import type { Rule } from '../rule.ts';

export const gateUnknownStage: Rule = {
  code: 'gate/unknown-stage',
  severity: 'error',
  scope: 'file',
  description: 'Gates are keyed by a stage of the rollout (the stage being entered)',
  check({ model, report }) {
    for (const rollout of model.rollouts) {
      const { file, doc } = rollout;
      const names = doc.spec.stages.map((s) => s.name);
      for (const stage of Object.keys(doc.spec.gates ?? {})) {
        if (!mayBeStage(rollout, stage)) report({ file, path: ['spec', 'gates', stage], at: 'key', message: `gate for unknown stage "${stage}"`, hint: suggestion(stage, names) || `stages: ${names.join(', ')}` });
      }
    }
  },
};
