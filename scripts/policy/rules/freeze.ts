import { activeFreeze } from '../freeze.ts';
import { refuseMove, type PolicyRule } from '../rule.ts';

export const freeze: PolicyRule = {
  code: 'policy/freeze',
  description: "While base's environments.yaml holds a freeze for an environment, nothing there serves more users; rollbacks stay allowed",
  check({ base, moves }, ctx) {
    return moves.flatMap((m) => {
      const f = activeFreeze(base, m.env, ctx.now);
      return f ? [refuseMove(this.code, m, `${m.env} is frozen${f.until ? ` until ${f.until}` : ''}: ${f.reason}`, 'wait for the freeze to end, or lift it on main first (its own PR); rollbacks need no wait')] : [];
    });
  },
};
