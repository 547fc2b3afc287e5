import { suggestion } from '../../config/did-you-mean.ts';
import { isComplete, isKnownMetric, knownMetricNames } from '../../config/model.ts';
import type { Rule } from '../rule.ts';
import { allComparisons } from '../walk.ts';

export const unknownMetric: Rule = {
  code: 'gate/unknown-metric',
  severity: 'error',
  scope: 'repository',
  description: 'Gate criteria, rollback conditions and alert conditions name a catalog metric or a built-in',
  check({ model, report }) {
    if (!isComplete(model, 'Metrics')) return; // a Metrics file failed to load: its names are unknown, not missing
    const names = knownMetricNames(model);
    for (const c of allComparisons(model)) {
      const metric = c.value.metric;
      if (metric !== undefined && !isKnownMetric(model, metric)) {
        report({ file: c.file, path: [...c.path, 'metric'], message: `unknown metric "${metric}"`, hint: suggestion(metric, names) || 'declare it in rollout/metrics.yaml' });
      }
    }
  },
};
