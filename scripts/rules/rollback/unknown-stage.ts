import { suggestion } from '../../config/did-you-mean.ts';
import { mayBeStage } from '../../config/model.ts';
import type { Rule } from '../rule.ts';

/** `to: previous` means the stage before the current one (scripts/gates/assess.ts resolves it). */
const PREVIOUS = 'previous';

export const rollbackUnknownStage: Rule = {
  code: 'rollback/unknown-stage',
  severity: 'error',
  scope: 'file',
  description: 'Rollback-matrix rows name existing stages (to, during); `to: previous` is the stage before the current one',
  check({ model, report }) {
    for (const rollout of model.rollouts) {
      const { file, doc } = rollout;
      const names = doc.spec.stages.map((s) => s.name);
      const hint = (s: string) => suggestion(s, names) || `stages: ${names.join(', ')}`;
      (doc.spec.rollback ?? []).forEach((row, r) => {
        const path = ['spec', 'rollback', r, 'to'];
        if (row.to === PREVIOUS && names.includes(PREVIOUS)) {
          report({ file, path, message: 'a stage is named "previous", so `to: previous` could mean it or the stage before the current one', hint: 'rename the stage "previous"' });
        } else if (row.to !== undefined && row.to !== PREVIOUS && !mayBeStage(rollout, row.to)) {
          report({ file, path, message: `rollback to unknown stage "${row.to}"`, hint: suggestion(row.to, names) || `stages: ${names.join(', ')}, or previous (the stage before the current one)` });
        }
        (row.during ?? []).forEach((s, i) => {
          if (!mayBeStage(rollout, s)) report({ file, path: ['spec', 'rollback', r, 'during', i], message: `unknown stage "${s}"`, hint: hint(s) });
        });
      });
    }
  },
};
