import { BUILTIN_METRICS } from '../../config/model.ts';
import type { Criterion } from '../../config/schema/index.ts';
import type { Rule } from '../rule.ts';
import { allComparisons } from '../walk.ts';

export const forShape: Rule = {
  code: 'gate/for-shape',
  severity: 'error',
  scope: 'file',
  description: 'A sustained criterion (for) is a catalog metric against one bound (<, <=, >, >=) or between: what max/min_over_time can hold at every step',
  check({ model, report }) {
    for (const c of allComparisons(model)) {
      if (c.where === 'alert') continue; // an alert's for is how long it must fire
      // Gate and rollback criteria are whole criteria; the walk types only their comparison.
      const criterion = c.value as Criterion;
      if (criterion.for === undefined) continue;
      const problem = why(criterion);
      if (problem) report({ file: c.file, path: [...c.path, 'for'], at: 'key', message: `for: ${problem}`, hint: 'remove for, or compare with <, <=, >, >= or between (held at every step over for, via max/min_over_time)' });
    }
  },
};

/** Why `for` cannot apply to this criterion, if it cannot. */
function why(c: Criterion): string | undefined {
  if (c.check !== undefined) return 'a manual check is attested once, not measured over time';
  if (c.metric !== undefined && (BUILTIN_METRICS as readonly string[]).includes(c.metric)) return `${c.metric} is measured from git, not sampled over time`;
  if (c.outside) return 'outside holds at every step only if each step is below low or above high, which no max or min over time can say';
  if (c.op === '==' || c.op === '!=') return `${c.op} at every step is not a max or a min over time`;
  if (c.vsBaseline) return 'vsBaseline is a ratio of two measurements, not one series held at every step';
  return undefined;
}
