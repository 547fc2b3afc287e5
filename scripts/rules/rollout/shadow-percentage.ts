import type { Rule } from '../rule.ts';

export const shadowPercentage: Rule = {
  code: 'rollout/shadow-percentage',
  severity: 'error',
  scope: 'file',
  description: 'A shadow stage computes without serving, so it serves 0 %',
  check({ model, report }) {
    for (const { file, doc } of model.rollouts) {
      doc.spec.stages.forEach((stage, i) => {
        if (stage.shadow && stage.percentage !== 0) {
          report({ file, path: ['spec', 'stages', i, 'shadow'], message: `stage "${stage.name}" is shadow but serves ${stage.percentage} %`, hint: 'set percentage: 0, or remove shadow: true' });
        }
      });
    }
  },
};
