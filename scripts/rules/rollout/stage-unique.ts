import type { Rule } from '../rule.ts';

export const stageUnique: Rule = {
  code: 'rollout/stage-unique',
  severity: 'error',
  scope: 'file',
  description: 'Stage names are unique within a rollout',
  check({ model, report }) {
    for (const { file, doc } of model.rollouts) {
      const seen = new Map<string, number>();
      doc.spec.stages.forEach((stage, i) => {
        const first = seen.get(stage.name);
        if (first !== undefined) {
          report({ file, path: ['spec', 'stages', i, 'name'], message: `stage "${stage.name}" is declared twice (first at stages[${first}])`, hint: 'give each stage its own name' });
        } else seen.set(stage.name, i);
      });
    }
  },
};
