import { positionInString } from '../../config/scalar-position.ts';
import { templatesOf } from '../../metrics/catalog.ts';
import { promqlTypeErrors, promqlTypeHint } from '../../metrics/promql-types.ts';
import { renderTemplate, SAMPLE_VALUES } from '../../metrics/template.ts';
import type { Rule } from '../rule.ts';

export const queryType: Rule = {
  code: 'metrics/query-type',
  severity: 'error',
  scope: 'file',
  description: "A metric query template is well-typed PromQL once its placeholders are substituted (the Prometheus UI's linter), and returns an instant vector or a scalar",
  check({ model, report }) {
    for (const { file, doc } of model.metrics) {
      for (const [name, metric] of Object.entries(doc.spec.metrics)) for (const template of templatesOf(metric)) {
        const rendered = renderTemplate(template.text, SAMPLE_VALUES);
        if (rendered.unknown.length) continue; // metrics/query-syntax reports them
        const path = ['spec', 'metrics', name, ...template.path];
        for (const error of promqlTypeErrors(rendered.text)) {
          report({ file, path, position: positionInString(file, path, rendered.sourceOffset(error.offset)), message: `${error.message} (in the ${template.path.join('.')} of "${name}")`, hint: promqlTypeHint(error.message) });
        }
      }
    }
  },
};
