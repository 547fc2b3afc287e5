import { durationMs } from '../../config/duration.ts';
import type { Rule } from '../rule.ts';

const MAX_BAKE_MS = 90 * 86_400_000;

export const bakeDuration: Rule = {
  code: 'rollout/bake-duration',
  severity: 'error',
  scope: 'file',
  description: 'Bake times are longer than zero and at most 90 days',
  check({ model, report }) {
    for (const { file, doc } of model.rollouts) {
      doc.spec.stages.forEach((stage, i) => {
        if (stage.bake === undefined) return;
        const ms = durationMs(stage.bake);
        if (ms === undefined) return; // the schema reports the format
        if (ms === 0 || ms > MAX_BAKE_MS) {
          report({ file, path: ['spec', 'stages', i, 'bake'], message: `bake "${stage.bake}" of stage "${stage.name}" is ${ms === 0 ? 'zero' : 'over 90 days'}`, hint: ms === 0 ? 'leave bake out for no minimum' : 'use at most 90d' });
        }
      });
    }
  },
};
