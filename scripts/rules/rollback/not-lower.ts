import { hasAllStages } from '../../config/model.ts';
import type { Rule } from '../rule.ts';

export const rollbackNotLower: Rule = {
  code: 'rollback/not-lower',
  severity: 'error',
  scope: 'file',
  description: 'A rollback row moves down: its `to` is below every stage it applies `during`, and never the last stage',
  check({ model, report }) {
    for (const { file, doc } of model.rollouts.filter(hasAllStages)) {
      const index = new Map(doc.spec.stages.map((s, i) => [s.name, i]));
      const last = doc.spec.stages.at(-1)!.name;
      (doc.spec.rollback ?? []).forEach((row, r) => {
        if (row.action !== 'rollback' || row.to === undefined || !index.has(row.to)) return;
        const path = ['spec', 'rollback', r, 'to'];
        if (row.to === last) {
          report({ file, path, message: `rollback to "${row.to}", the last stage, would move a rollout up`, hint: 'roll back to an earlier stage' });
          return;
        }
        for (const stage of row.during ?? []) {
          const i = index.get(stage);
          if (i !== undefined && i <= index.get(row.to)!) {
            report({ file, path, message: `rollback to "${row.to}" during "${stage}" is not a move down`, hint: `roll back to a stage before "${stage}", or drop "${stage}" from during` });
          }
        }
      });
    }
  },
};
