import { hasAllStages } from '../../config/model.ts';
import type { Rule } from '../rule.ts';

export const gateFirstStage: Rule = {
  code: 'gate/first-stage',
  severity: 'error',
  scope: 'file',
  description: 'The first stage has no gate: nothing is advanced into it',
  check({ model, report }) {
    for (const { file, doc } of model.rollouts.filter(hasAllStages)) {
      const first = doc.spec.stages[0]?.name;
      if (first && doc.spec.gates?.[first]) {
        report({ file, path: ['spec', 'gates', first], at: 'key', message: `"${first}" is the first stage; a gate guards entering a stage, and nothing enters the first`, hint: 'move these criteria to the gate of the second stage' });
      }
    }
  },
};
