import type { Rule } from '../rule.ts';

export const percentageOrder: Rule = {
  code: 'rollout/percentage-order',
  severity: 'error',
  scope: 'file',
  description: 'Stage percentages never decrease: a later stage serves at least as many users',
  check({ model, report }) {
    for (const { file, doc } of model.rollouts) {
      const stages = doc.spec.stages;
      for (let i = 1; i < stages.length; i++) {
        if (stages[i].percentage < stages[i - 1].percentage) {
          report({
            file,
            path: ['spec', 'stages', i, 'percentage'],
            message: `stage "${stages[i].name}" is at ${stages[i].percentage} %, below the ${stages[i - 1].percentage} % of "${stages[i - 1].name}" before it`,
            hint: 'order stages from the fewest users to the most; a rollback is a move to an earlier stage, not a stage of its own',
          });
        }
      }
    }
  },
};
