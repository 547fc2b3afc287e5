import { durationMs, formatDuration } from '../../config/duration.ts';
import type { PolicyRule, Refusal } from '../rule.ts';

export const bake: PolicyRule = {
  code: 'policy/bake',
  description: "An advance waits for the current stage's bake time, counted from the commit that entered it on the base branch",
  async check({ base, changes }, ctx) {
    const out: Refusal[] = [];
    for (const c of changes.filter((x) => x.kind === 'advance')) {
      const b = base.rolloutByName.get(c.rollout)!;
      const required = b.doc.spec.stages.find((s) => s.name === c.from)?.bake;
      if (!required) continue;
      const last = (await ctx.baseHistory(b.file.path)).filter((h) => h.env === c.env).at(-1);
      const elapsed = last && last.to === c.from ? ctx.now - Date.parse(last.date) : 0;
      const left = (durationMs(required) ?? 0) - elapsed;
      if (left > 0) {
        out.push({ code: this.code, change: c, message: `${c.rollout} ${c.env} has been in ${c.from} for ${formatDuration(elapsed)} of its ${required} bake`, hint: `wait ${formatDuration(left)}${last ? ` (entered by ${last.sha.slice(0, 7)} on ${last.date})` : ''}` });
      }
    }
    return out;
  },
};
