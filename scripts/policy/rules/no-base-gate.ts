import { counterpart } from '../change-set.ts';
import { baseStageNames, refuseMove, type PolicyRule } from '../rule.ts';

/**
 * Users are served more only through a gate that base defines: the rollout must exist on
 * base with the same name and flag, the environment must be in it, and the stage entered
 * must be one of base's stages. A new rollout, a rename, a moved flag key, a re-added
 * environment or an inserted stage all start from nothing: at the first stage, 0 %.
 */
export const noBaseGate: PolicyRule = {
  code: 'policy/no-base-gate',
  description: 'Exposure grows only by entering a stage that base has, of a rollout and environment that base has, with the same flag',
  check({ base, head, moves }) {
    return moves.flatMap((m) => {
      const why = reason();
      return why ? [refuseMove(this.code, m, `${m.rollout} ${m.env} → ${m.to}: ${why.message}`, why.hint)] : [];
      function reason(): { message: string; hint: string } | undefined {
        const grows = m.exposure.map((e) => e.key).join(', ');
        if (!m.base) {
          const c = counterpart(base, head, m.head.doc);
          const byName = base.rolloutByName.get(m.rollout);
          if (byName) return { message: `the flag changes (${byName.doc.spec.flag} → ${m.flag}) and ${grows || m.flag} would serve users; no gate on base guards a flag that moves`, hint: 'change the flag in its own PR with every environment at a 0 % stage, then advance' };
          if (c?.renamed) return { message: `the rollout is renamed from ${c.doc.doc.metadata.name} and ${grows || m.flag} would serve more users; a renamed rollout has no gate on base`, hint: 'rename it in its own PR without moving any environment, then advance the new name' };
          return { message: `a new rollout starts every environment at its first stage, which serves 0 %; ${grows || m.flag} would serve users with no gate on base`, hint: `put ${m.env} at ${m.head.doc.spec.stages[0]?.name ?? 'the first stage'} (0 %) and advance through the gates once it has merged` };
        }
        if (m.from === undefined) return { message: `${m.env} is new to this rollout on base; it enters at the first stage, which serves 0 %`, hint: `add ${m.env} at ${m.base.doc.spec.stages[0]?.name ?? 'the first stage'} and advance through the gates` };
        if (!baseStageNames(m).includes(m.to)) return { message: `stage ${m.to} does not exist on base (stages there: ${baseStageNames(m).join(', ')}), so no gate on base guards it`, hint: 'add the stage in its own PR (reviewed as a config change), then advance into it' };
        return undefined;
      }
    });
  },
};
