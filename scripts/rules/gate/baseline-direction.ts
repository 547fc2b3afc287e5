import type { Criterion } from '../../config/schema/index.ts';
import type { Rule } from '../rule.ts';
import { allComparisons } from '../walk.ts';

export const baselineDirection: Rule = {
  code: 'gate/baseline-direction',
  severity: 'error',
  scope: 'repository',
  description: 'vsBaseline noIncrease/noDecrease is a mustPass or shouldPass criterion (it says the good case), and on a metric that counts samples it has minSamples (or it would pass on a handful of requests)',
  check({ model, report }) {
    for (const c of allComparisons(model)) {
      const b = c.value.vsBaseline;
      if (!b?.noIncrease && !b?.noDecrease) continue;
      const key = b.noIncrease ? 'noIncrease' : 'noDecrease';
      const at = [...c.path, 'vsBaseline', key];
      const bad = c.where === 'alert' ? 'an alert condition' : c.where === 'rollback' ? 'a rollback-matrix condition' : c.path.includes('blockers') ? 'a blocker' : undefined;
      if (bad) {
        report({ file: c.file, path: at, at: 'key', message: `${key} says the good case, and ${bad} says the bad case`, hint: `write the bad case: vsBaseline: {op: '${b.noIncrease ? '>' : '<'}', ratio: 1}, or move the criterion to mustPass` });
        continue;
      }
      const metric = c.value.metric === undefined ? undefined : model.metricCatalog.get(c.value.metric)?.metric;
      const counts = metric && (metric.ratio !== undefined || metric.samples !== undefined);
      if (counts && (c.value as Criterion).minSamples === undefined && metric.minSamples === undefined) {
        report({ file: c.file, path: at, at: 'key', message: `${key} on "${c.value.metric}" without minSamples passes as soon as a few requests show no clear ${b.noIncrease ? 'increase' : 'decrease'}`, hint: 'add minSamples: N to the criterion (or a default to the metric): the samples below which it stays INCONCLUSIVE' });
      }
    }
  },
};
