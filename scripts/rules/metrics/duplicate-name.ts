import type { Rule } from '../rule.ts';

export const duplicateMetric: Rule = {
  code: 'metrics/duplicate-name',
  severity: 'error',
  scope: 'repository',
  description: 'A metric is declared once across Metrics files',
  check({ model, report }) {
    for (const { file, doc } of model.metrics) {
      for (const name of Object.keys(doc.spec.metrics)) {
        const first = model.metricCatalog.get(name);
        if (first && first.file !== file) report({ file, path: ['spec', 'metrics', name], at: 'key', message: `metric "${name}" is already declared in ${first.file.path}`, hint: 'keep one definition' });
      }
    }
  },
};
