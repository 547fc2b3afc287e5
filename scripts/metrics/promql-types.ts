import { createRequire } from 'node:module';
import type { EditorState } from '@codemirror/state';
import type { Tree } from '@lezer/common';
import type { PromqlError } from './promql.ts';

/*
 * The Prometheus UI's own PromQL linter (@prometheus-io/codemirror-promql), run without an
 * editor: an EditorState with the PromQL language holds the parse, the linter's Parser
 * walks it. Loaded through require, all of it: the package's ESM build is not marked as
 * ESM, and its CommonJS build must share one @codemirror/state and /language with the
 * state we create (two copies would not recognise each other's extensions). Loaded on the
 * first expression, so commands that check none pay nothing.
 */

interface LintDiagnostic {
  from: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
  message: string;
}

interface Linter {
  /** An empty document with the PromQL language: each expression is an edit of it. */
  empty: EditorState;
  syntaxTree(state: EditorState): Tree;
  ensureSyntaxTree(state: EditorState, upto: number, timeout: number): Tree | null;
  analyze(state: EditorState): LintDiagnostic[];
  /** The linter's inferred type of the expression's top node: vector, scalar, matrix, string or none. */
  typeOf(tree: Tree): string;
}

let linter: Linter | undefined;

function load(): Linter {
  const fromHere = createRequire(import.meta.url);
  // Resolve everything as the linter itself does, so the language and the tree it reads are one.
  const promqlMain = fromHere.resolve('@prometheus-io/codemirror-promql');
  const fromPromql = createRequire(promqlMain);
  const { EditorState } = fromPromql('@codemirror/state') as typeof import('@codemirror/state');
  const { LRLanguage, syntaxTree, ensureSyntaxTree } = fromPromql('@codemirror/language') as typeof import('@codemirror/language');
  const { parser } = fromPromql('@prometheus-io/lezer-promql') as typeof import('@prometheus-io/lezer-promql');
  // The package's index leaves the Parser out of its CommonJS build; the module itself has it.
  const { Parser } = fromPromql('./parser/parser.js') as { Parser: new (state: EditorState) => { analyze(): void; getDiagnostics(): LintDiagnostic[] } };
  const { getType } = fromPromql('./parser/type.js') as { getType(node: unknown): string };
  // As the package's promQLLanguage() defines it, without loading its completion and editor parts.
  const language = LRLanguage.define({ parser: parser.configure({ top: 'PromQL' }) });
  return {
    empty: EditorState.create({ doc: '', extensions: [language] }),
    syntaxTree,
    ensureSyntaxTree,
    analyze(state) {
      const p = new Parser(state);
      p.analyze();
      return p.getDiagnostics();
    },
    typeOf: (tree) => getType(tree.topNode.firstChild),
  };
}

/** Results a value cannot be: a gate compares a number, an alert fires on samples. */
const TYPE_NAMES: Record<string, string> = { matrix: 'a range vector', string: 'a string' };

const cache = new Map<string, PromqlError[]>();
const CACHE_LIMIT = 4096;

/**
 * Type errors in a PromQL expression as the Prometheus UI's linter finds them (a range vector
 * where an instant vector is expected, a string in arithmetic, scalars compared without bool…),
 * and a result that is not an instant vector or a scalar. Syntax errors are left to
 * promqlSyntaxError: an expression that does not parse has no types to check. Cached by text.
 */
export function promqlTypeErrors(expr: string): PromqlError[] {
  const hit = cache.get(expr);
  if (hit) return hit;
  const errors = typeErrors(expr);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(expr, errors);
  return errors;
}

function typeErrors(expr: string): PromqlError[] {
  linter ??= load();
  let state = linter.empty.update({ changes: { from: 0, insert: expr } }).state;
  let tree = linter.syntaxTree(state);
  if (tree.length < expr.length) {
    // The editor parses what fits its time budget and first viewport (3,000 characters):
    // finish the parse, then let a transaction hand the finished tree to the state.
    linter.ensureSyntaxTree(state, expr.length, 10_000);
    state = state.update({}).state;
    tree = linter.syntaxTree(state);
  }
  let broken = tree.length < expr.length;
  tree.iterate({
    enter(node) {
      if (broken || node.type.isError) broken = true;
      return !broken;
    },
  });
  if (broken) return [];
  const errors = linter
    .analyze(state)
    .filter((d) => d.severity === 'error')
    .map((d) => ({ offset: d.from, message: `PromQL type error: ${d.message}` }));
  const type = linter.typeOf(tree);
  if (errors.length === 0 && TYPE_NAMES[type]) {
    errors.push({ offset: leadingSpace(expr), message: `PromQL type error: the expression returns ${TYPE_NAMES[type]}, not an instant vector or a scalar` });
  }
  return errors;
}

const leadingSpace = (s: string) => s.length - s.trimStart().length;

/** A hint for a type error, by what the linter said. */
export function promqlTypeHint(message: string): string {
  if (/got matrix|returns a range vector/.test(message)) return 'a range selector such as [5m] makes a range vector: wrap it in a function over time, e.g. sum(rate(x[5m])) or avg(avg_over_time(x[5m]))';
  if (/expected type matrix/.test(message)) return 'rate(), increase() and the *_over_time() functions take a range: add [{{window}}] to the selector';
  if (/BOOL/.test(message)) return 'compare two scalars with bool (1 > bool 0), or compare a vector';
  return 'the Prometheus UI\'s query editor shows the same error; vector = instant vector, matrix = range vector';
}
