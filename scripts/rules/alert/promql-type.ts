import { positionInString } from '../../config/scalar-position.ts';
import { promqlTypeErrors, promqlTypeHint } from '../../metrics/promql-types.ts';
import type { Rule } from '../rule.ts';

export const alertPromqlType: Rule = {
  code: 'alert/promql-type',
  severity: 'error',
  scope: 'file',
  description: "Raw PromQL in an alert (when.expr) is well-typed (the Prometheus UI's linter) and returns an instant vector or a scalar",
  check({ model, report }) {
    for (const { file, doc } of model.alertRules) {
      doc.spec.rules.forEach((rule, i) => {
        const expr = rule.when.expr;
        if (expr === undefined) return;
        const path = ['spec', 'rules', i, 'when', 'expr'];
        for (const error of promqlTypeErrors(expr)) {
          report({ file, path, position: positionInString(file, path, error.offset), message: error.message, hint: promqlTypeHint(error.message) });
        }
      });
    }
  },
};
