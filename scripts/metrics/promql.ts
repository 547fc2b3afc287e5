import { parser } from '@prometheus-io/lezer-promql';

export interface PromqlError {
  /** Character offset into the expression. */
  offset: number;
  message: string;
}

/** The first syntax error in a PromQL expression, per the Prometheus UI's own grammar. */
export function promqlSyntaxError(expr: string): PromqlError | undefined {
  let found: PromqlError | undefined;
  parser.parse(expr).iterate({
    enter(node) {
      if (found) return false;
      if (node.type.isError) {
        const near = expr.slice(node.from, Math.max(node.to, node.from + 12)).split('\n')[0].trim();
        found = { offset: node.from, message: near ? `PromQL syntax error near "${near}"` : 'PromQL syntax error: the expression ends too early' };
        return false;
      }
      return undefined;
    },
  });
  return found;
}
