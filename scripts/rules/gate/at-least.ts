import type { Rule } from '../rule.ts';

export const atLeast: Rule = {
  code: 'gate/at-least',
  severity: 'error',
  scope: 'file',
  description: 'shouldPass.atLeast is at most the number of its criteria',
  check({ model, report }) {
    for (const { file, doc } of model.rollouts) {
      for (const [stage, gate] of Object.entries(doc.spec.gates ?? {})) {
        const should = gate.shouldPass;
        if (should && should.atLeast > should.criteria.length) {
          report({ file, path: ['spec', 'gates', stage, 'shouldPass', 'atLeast'], message: `atLeast is ${should.atLeast} but only ${should.criteria.length} criteria are listed: the gate could never pass`, hint: `lower atLeast to ${should.criteria.length} or add criteria` });
        }
      }
    }
  },
};
