import { suggestion } from '../../config/did-you-mean.ts';
import type { Rule } from '../rule.ts';

export const extendsUnknown: Rule = {
  code: 'gate/extends-unknown',
  severity: 'error',
  scope: 'file',
  description: 'A gate extends a gate declared under spec.sharedGates of the same rollout',
  check({ model, report }) {
    for (const { file, doc } of model.rollouts) {
      const shared = doc.spec.sharedGates ?? {};
      const names = Object.keys(shared);
      const gates = [
        ...Object.entries(shared).map(([name, gate]) => ({ path: ['spec', 'sharedGates', name, 'extends'], gate })),
        ...Object.entries(doc.spec.writtenGates ?? doc.spec.gates ?? {}).map(([stage, gate]) => ({ path: ['spec', 'gates', stage, 'extends'], gate })),
      ];
      for (const { path, gate } of gates) {
        if (gate.extends === undefined || Object.hasOwn(shared, gate.extends)) continue;
        report({
          file,
          path,
          message: `extends unknown shared gate "${gate.extends}"`,
          hint: suggestion(gate.extends, names) || (names.length ? `shared gates: ${names.join(', ')}` : 'declare it under spec.sharedGates'),
        });
      }
    }
  },
};
