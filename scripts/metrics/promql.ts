import type { Tree } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

export interface PromqlError {
  /** Character offset into the expression. */
  offset: number;
  message: string;
}

const trees = new Map<string, Tree>();
/** More than the expressions of one file: every check of a file reads the same trees. */
const TREE_CACHE = 512;

/**
 * The syntax tree of a PromQL expression (the Prometheus UI's grammar), parsed once for the
 * syntax, type and no-data checks that read it one after another.
 */
export function parsePromql(expr: string): Tree {
  let tree = trees.get(expr);
  if (!tree) {
    tree = parser.parse(expr);
    if (trees.size >= TREE_CACHE) trees.delete(trees.keys().next().value!);
    trees.set(expr, tree);
  }
  return tree;
}

/** The first syntax error in a PromQL expression, per the Prometheus UI's own grammar. */
export function promqlSyntaxError(expr: string): PromqlError | undefined {
  let found: PromqlError | undefined;
  parsePromql(expr).iterate({
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
  if (found && found.offset >= expr.trimEnd().length) {
    // "ends too early" is where the parser gave up; the mistake is the bracket never closed.
    const open = unclosedBracket(expr);
    if (open !== undefined) return { offset: open, message: `PromQL syntax error: this "${expr[open]}" is never closed` };
  }
  return found;
}

const CLOSING: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Offset of the innermost bracket still open at the end of `expr`, skipping quoted strings. */
function unclosedBracket(expr: string): number | undefined {
  const stack: number[] = [];
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < expr.length && expr[i] !== c; i++) if (expr[i] === '\\' && c !== '`') i++;
    } else if (CLOSING[c]) stack.push(i);
    else if (c === ')' || c === ']' || c === '}') {
      if (stack.length && CLOSING[expr[stack.at(-1)!]] === c) stack.pop();
      else return undefined; // a stray closer: the parser's own position is better
    }
  }
  return stack.at(-1);
}
