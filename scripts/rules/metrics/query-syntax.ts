import { positionInString } from '../../config/scalar-position.ts';
import { promqlSyntaxError } from '../../metrics/promql.ts';
import { templatesOf } from '../../metrics/catalog.ts';
import { renderTemplate, SAMPLE_VALUES } from '../../metrics/template.ts';
import type { Rule } from '../rule.ts';

export const querySyntax: Rule = {
  code: 'metrics/query-syntax',
  severity: 'error',
  scope: 'file',
  description: 'A metric query template parses as PromQL once its placeholders are substituted, and uses only known placeholders',
  check({ model, report }) {
    for (const { file, doc } of model.metrics) {
      for (const [name, metric] of Object.entries(doc.spec.metrics)) for (const template of templatesOf(metric)) {
        const path = ['spec', 'metrics', name, ...template.path];
        const rendered = renderTemplate(template.text, SAMPLE_VALUES);
        for (const u of rendered.unknown) {
          report({ file, path, position: positionInString(file, path, u.offset), message: `unknown placeholder {{${u.name}}} in the ${template.path.join('.')} of "${name}"`, hint: 'placeholders: {{flag}}, {{window}}, {{variant}}, {{env}}' });
        }
        if (rendered.unknown.length) continue;
        const error = promqlSyntaxError(rendered.text);
        if (error) report({ file, path, position: positionInString(file, path, rendered.sourceOffset(error.offset)), message: `${error.message} (in the ${template.path.join('.')} of "${name}")`, hint: 'placeholders are substituted before parsing: {{window}} becomes a duration such as 5m' });
      }
    }
  },
};
