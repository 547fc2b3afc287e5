import type { Rule } from '../rule.ts';
import { allComparisons } from '../walk.ts';

export const criterionShape: Rule = {
  code: 'gate/criterion-shape',
  severity: 'error',
  scope: 'file',
  description: 'A criterion is a metric with exactly one comparison (op+value, between, outside, vsBaseline), or a manual check; an alert is a metric comparison or an expr',
  check({ model, report }) {
    for (const c of allComparisons(model)) {
      const v = c.value;
      const comparisons = [v.op !== undefined || v.value !== undefined, v.between, v.outside, v.vsBaseline].filter(Boolean).length;
      const problem = (message: string, hint: string) => report({ file: c.file, path: c.path, message, hint });
      if (c.where === 'alert') {
        if (v.expr !== undefined && (v.metric !== undefined || comparisons > 0)) problem('an alert condition has either expr or metric with a comparison, not both', 'keep expr (raw PromQL) or metric + op/value');
        else if (v.expr !== undefined && v.window !== undefined) report({ file: c.file, path: [...c.path, 'window'], at: 'key', message: 'window applies to a metric condition; an expr carries its own ranges', hint: 'remove window and write the range in the expr, e.g. [5m]' });
        else if (v.expr === undefined && v.metric === undefined) problem('an alert condition needs metric or expr', 'add metric: NAME with op and value, or expr: PROMQL');
        else if (v.metric !== undefined && comparisons !== 1) problem(comparisons ? 'give one comparison: op+value, between, outside or vsBaseline' : `metric "${v.metric}" has no comparison`, 'add op and value, e.g. op: ">", value: 5');
        else if ((v.op === undefined) !== (v.value === undefined)) problem('op and value go together', 'give both op and value');
        continue;
      }
      if (v.check !== undefined) {
        if (v.metric !== undefined || comparisons > 0) problem('a manual check takes no metric or comparison', 'split it into a check and a metric criterion');
        continue;
      }
      if (v.metric === undefined) problem('a criterion needs metric or check', 'add metric: NAME with a comparison, or check: "what a reviewer attests"');
      else if (comparisons !== 1) problem(comparisons ? 'give exactly one comparison: op+value, between, outside or vsBaseline' : `metric "${v.metric}" has no comparison`, 'e.g. op: "<", value: 1');
      else if ((v.op === undefined) !== (v.value === undefined) && !v.vsBaseline) problem('op and value go together', 'give both op and value');
    }
  },
};
