import { suggestion } from '../../config/did-you-mean.ts';
import type { Rule } from '../rule.ts';

export const rollbackUnknownStage: Rule = {
  code: 'rollback/unknown-stage',
  severity: 'error',
  scope: 'file',
  description: 'Rollback-matrix rows name existing stages (to, during)',
  check({ model, report }) {
    for (const { file, doc } of model.rollouts) {
      const names = doc.spec.stages.map((s) => s.name);
      const hint = (s: string) => suggestion(s, names) || `stages: ${names.join(', ')}`;
      (doc.spec.rollback ?? []).forEach((row, r) => {
        if (row.to !== undefined && !names.includes(row.to)) report({ file, path: ['spec', 'rollback', r, 'to'], message: `rollback to unknown stage "${row.to}"`, hint: hint(row.to) });
        (row.during ?? []).forEach((s, i) => {
          if (!names.includes(s)) report({ file, path: ['spec', 'rollback', r, 'during', i], message: `unknown stage "${s}"`, hint: hint(s) });
        });
      });
    }
  },
};
