import { BUILTIN_METRICS } from '../../config/model.ts';
import type { Criterion } from '../../config/schema/index.ts';
import type { Rule } from '../rule.ts';
import { allComparisons } from '../walk.ts';

const HINT = 'give the metric samples: a count query of what its value rests on in {{window}} (a ratio metric counts its denominator), or remove minSamples';

export const minSamples: Rule = {
  code: 'gate/min-samples',
  severity: 'error',
  scope: 'repository',
  description: 'minSamples (on a criterion, or a metric\'s default) is on a metric that counts its samples: one with samples or a ratio',
  check({ model, report }) {
    for (const { file, doc } of model.metrics) {
      for (const [name, metric] of Object.entries(doc.spec.metrics)) {
        if (metric.minSamples === undefined || metric.samples !== undefined || metric.ratio) continue;
        report({ file, path: ['spec', 'metrics', name, 'minSamples'], at: 'key', message: `"${name}" has minSamples but no samples to count: it would never apply`, hint: HINT });
      }
    }
    for (const c of allComparisons(model)) {
      if (c.where === 'alert') continue;
      // Gate and rollback criteria are whole criteria; the walk types only their comparison.
      const criterion = c.value as Criterion;
      if (criterion.minSamples === undefined || criterion.metric === undefined) continue;
      const builtin = (BUILTIN_METRICS as readonly string[]).includes(criterion.metric);
      const metric = model.metricCatalog.get(criterion.metric)?.metric;
      if (!builtin && (!metric || metric.samples !== undefined || metric.ratio)) continue;
      report({
        file: c.file,
        path: [...c.path, 'minSamples'],
        at: 'key',
        message: builtin ? `${criterion.metric} is measured from git: it has no samples for minSamples to count` : `minSamples on "${criterion.metric}", which has no samples to count: it would never apply`,
        hint: builtin ? 'remove minSamples' : HINT,
      });
    }
  },
};
