import type { Metric } from '../../config/schema/index.ts';
import { valueTemplate } from '../../metrics/catalog.ts';
import { renderTemplate, SAMPLE_VALUES } from '../../metrics/template.ts';
import type { Rule } from '../rule.ts';
import { allComparisons } from '../walk.ts';

/** A value no query contains: where {{variant}} is, it shows. */
const MARKER = '\u0000variant\u0000';

const usesVariant = (metric: Metric) => renderTemplate(valueTemplate(metric), { ...SAMPLE_VALUES, variant: MARKER }).text.includes(MARKER);

export const baselineVariant: Rule = {
  code: 'gate/baseline-variant',
  severity: 'error',
  scope: 'repository',
  description: 'vsBaseline from control (the default) is on a metric whose query has {{variant}}: otherwise treatment and control run the same query',
  check({ model, report }) {
    const withVariant = new Map<string, boolean>();
    for (const c of allComparisons(model)) {
      const baseline = c.value.vsBaseline;
      const name = c.value.metric;
      if (!baseline || baseline.from === 'history' || name === undefined) continue;
      const entry = model.metricCatalog.get(name);
      if (!entry) continue; // gate/unknown-metric, or a built-in
      if (!withVariant.has(name)) withVariant.set(name, usesVariant(entry.metric));
      if (withVariant.get(name)) continue;
      report({
        file: c.file,
        path: [...c.path, 'vsBaseline'],
        at: 'key',
        message: `vsBaseline compares "${c.value.metric}" with itself: its query has no {{variant}}, so the treatment and the control run the same query`,
        hint: 'add {{variant}} to the query, or use from: history',
      });
    }
  },
};
