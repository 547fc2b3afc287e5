import { extendsChain } from '../../config/schema/gate-extends.ts';
import type { Rule } from '../rule.ts';

export const extendsCycle: Rule = {
  code: 'gate/extends-cycle',
  severity: 'error',
  scope: 'file',
  description: 'Shared gates do not extend one another in a circle',
  check({ model, report }) {
    for (const { file, doc } of model.rollouts) {
      const shared = doc.spec.sharedGates ?? {};
      for (const [name, gate] of Object.entries(shared)) {
        const { chain, cycle } = extendsChain(gate, shared);
        // Reported at every gate on the circle, not at gates that only lead into it.
        if (cycle === undefined || !chain.includes(name)) continue;
        const circle = [name, ...chain.slice(0, chain.indexOf(name) + 1)];
        report({ file, path: ['spec', 'sharedGates', name, 'extends'], message: `shared gate "${name}" extends itself: ${circle.join(' → ')}`, hint: 'break the circle: one of these gates must not extend the others' });
      }
    }
  },
};
