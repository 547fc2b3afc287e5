import { positionInString } from '../../config/scalar-position.ts';
import { promqlSyntaxError } from '../../metrics/promql.ts';
import type { Rule } from '../rule.ts';

export const alertPromqlSyntax: Rule = {
  code: 'promql/syntax',
  severity: 'error',
  scope: 'file',
  description: 'Raw PromQL in an alert (when.expr) parses',
  check({ model, report }) {
    for (const { file, doc } of model.alertRules) {
      doc.spec.rules.forEach((rule, i) => {
        const expr = rule.when.expr;
        if (expr === undefined) return;
        const error = promqlSyntaxError(expr);
        if (!error) return;
        const path = ['spec', 'rules', i, 'when', 'expr'];
        report({ file, path, position: positionInString(file, path, error.offset), message: error.message, hint: 'check it with promtool or the Prometheus UI; every ( [ { needs its closing pair' });
      });
    }
  },
};
