import type { SyntaxNode } from '@lezer/common';
import { parsePromql } from './promql.ts';

/** Where an expression turns "no data" into a number. */
export interface NoDataFallback {
  /** Character offset of the `or`, or of the absent function's name. */
  offset: number;
  /** What stands in for the missing data, e.g. `or vector(0)` or `absent(…)`. */
  shown: string;
}

/** How a sub-expression behaves when the series it selects have no samples. */
interface Behaviour {
  /** It still yields a value. */
  value: boolean;
  /** The fallbacks that make it so; none for a constant such as vector(0) or 1. */
  fallbacks: SyntaxNode[];
}

const EMPTY: Behaviour = { value: false, fallbacks: [] };
const CONSTANT: Behaviour = { value: true, fallbacks: [] };

const cache = new Map<string, NoDataFallback[]>();
const CACHE_LIMIT = 1024;

/**
 * The fallbacks through which an expression yields a number when there is no data at all:
 * an `or` with a constant side (`or vector(0)`, `or 0`), or `absent(…)` / `absent_over_time(…)`,
 * as long as the value reaches the result. `(errors or vector(0)) / requests` is still empty
 * without traffic (the denominator is), so it has none. Read on the syntax tree, so a string
 * or a label value that spells `or vector(0)` is not one. Empty for an expression that does
 * not parse. Cached by text.
 */
export function promqlNoDataFallbacks(expr: string): NoDataFallback[] {
  let found = cache.get(expr);
  if (!found) {
    found = fallbacksOf(expr);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(expr, found);
  }
  return found;
}

function fallbacksOf(expr: string): NoDataFallback[] {
  const tree = parsePromql(expr);
  let broken = false;
  tree.iterate({
    enter(node) {
      if (node.type.isError) broken = true;
      return !broken;
    },
  });
  const top = tree.topNode.firstChild;
  if (broken || !top) return [];
  const result = behaviour(top);
  if (!result.value) return [];
  return result.fallbacks.map((node) => ({ offset: node.from, shown: shown(expr, node) }));
}

function behaviour(node: SyntaxNode): Behaviour {
  switch (node.name) {
    case 'NumberDurationLiteral':
    case 'StringLiteral':
      return CONSTANT;
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'OffsetExpr':
    case 'StepInvariantExpr':
    case 'SubqueryExpr':
      return inner(node.getChild('Expr'));
    case 'AggregateExpr': {
      // sum, avg, count… of a vector that has a sample have one too: the last argument decides.
      const args = node.getChild('FunctionCallBody')?.getChildren('Expr') ?? [];
      return inner(args.at(-1) ?? null);
    }
    case 'FunctionCall':
      return callBehaviour(node);
    case 'BinaryExpr':
      return binaryBehaviour(node);
    default:
      return EMPTY; // selectors: no data is no samples
  }
}

const inner = (node: SyntaxNode | null): Behaviour => (node ? behaviour(node) : EMPTY);

function callBehaviour(node: SyntaxNode): Behaviour {
  const name = node.firstChild?.firstChild?.name;
  if (name === 'Absent' || name === 'AbsentOverTime') return { value: true, fallbacks: [node] };
  if (name === 'Vector') return CONSTANT;
  const args = node.getChild('FunctionCallBody')?.getChildren('Expr') ?? [];
  // time(), pi(), hour()…: a value without any series. Otherwise every argument must have one.
  return all(args.map(behaviour));
}

function binaryBehaviour(node: SyntaxNode): Behaviour {
  const left = node.firstChild;
  const right = node.lastChild;
  if (!left || !right) return EMPTY;
  const l = behaviour(left);
  const r = behaviour(right);
  if (node.getChild('Or')) {
    if (!l.value && !r.value) return EMPTY;
    // A constant side stands in for the other when it is empty: that `or` is the fallback.
    const constant = (l.value && l.fallbacks.length === 0) || (r.value && r.fallbacks.length === 0);
    return { value: true, fallbacks: constant ? [node.getChild('Or')!] : [...l.fallbacks, ...r.fallbacks] };
  }
  // `x unless y` keeps x's samples when y has none.
  if (node.getChild('Unless')) return l;
  // and, arithmetic and comparisons need a sample on both sides.
  return all([l, r]);
}

function all(parts: Behaviour[]): Behaviour {
  if (!parts.every((p) => p.value)) return EMPTY;
  return { value: true, fallbacks: parts.flatMap((p) => p.fallbacks) };
}

/** `or vector(0)`, `vector(0) or`, `absent(…)`: the fallback as a reader spots it. */
function shown(expr: string, node: SyntaxNode): string {
  const squash = (s: string) => (s.length > 40 ? `${s.slice(0, 39)}…` : s).replace(/\s+/g, ' ');
  if (node.name !== 'Or') return `${expr.slice(node.firstChild!.from, node.firstChild!.to)}(…)`;
  const binary = node.parent!;
  const right = binary.lastChild!;
  const rightIsConstant = behaviour(right).value && behaviour(right).fallbacks.length === 0;
  return rightIsConstant ? squash(expr.slice(node.from, right.to)) : squash(`${expr.slice(binary.firstChild!.from, binary.firstChild!.to)} or`);
}
