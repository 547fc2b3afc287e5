import { durationMs, formatDuration } from '../../config/duration.ts';
import { isOneStep, refuseMove, type PolicyRule, type Refusal } from '../rule.ts';

export const bake: PolicyRule = {
  code: 'policy/bake',
  description: "An advance waits for the current stage's bake time, counted from when the commit that entered it landed on the base branch",
  async check({ moves }, ctx) {
    const out: Refusal[] = [];
    for (const m of moves.filter(isOneStep)) {
      const b = m.base!;
      const required = b.doc.spec.stages.find((s) => s.name === m.from)?.bake;
      if (!required) continue;
      const last = (await ctx.baseHistory(b.file.path)).filter((h) => h.env === m.env).at(-1);
      const elapsed = last && last.to === m.from ? Math.max(0, ctx.now - Date.parse(last.date)) : 0;
      const left = (durationMs(required) ?? 0) - elapsed;
      if (left > 0) {
        out.push(refuseMove(this.code, m, `${m.rollout} ${m.env} has been in ${m.from} for ${formatDuration(elapsed)} of its ${required} bake`, `wait ${formatDuration(left)}${last ? ` (entered by ${last.sha.slice(0, 7)}, landed ${last.date})` : ''}`));
      }
    }
    return out;
  },
};
