import { createRequire } from 'node:module';
import type { EditorState } from '@codemirror/state';
import type { Input, PartialParse, Tree, TreeFragment } from '@lezer/common';
import { parser as ourParser } from '@prometheus-io/lezer-promql';
import { parsePromql, type PromqlError } from './promql.ts';

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
  /** The state of `expr`, its language holding `tree` (our parse) when given one, else the linter's own parse. */
  stateOf(expr: string, tree?: Tree): EditorState;
  syntaxTree(state: EditorState): Tree;
  analyze(state: EditorState): LintDiagnostic[];
  /** The linter's inferred type of the expression's top node: vector, scalar, matrix, string or none. */
  typeOf(tree: Tree): string;
  /** Our grammar is the linter's, node for node: its trees can be handed over instead of parsed again. */
  sameGrammar: boolean;
}

let linter: Linter | undefined;

function load(): Linter {
  const fromHere = createRequire(import.meta.url);
  // Resolve everything as the linter itself does, so the language and the tree it reads are one.
  const fromPromql = createRequire(fromHere.resolve('@prometheus-io/codemirror-promql'));
  const { EditorState } = fromPromql('@codemirror/state') as typeof import('@codemirror/state');
  const { Language, defineLanguageFacet, syntaxTree } = fromPromql('@codemirror/language') as typeof import('@codemirror/language');
  const common = fromPromql('@lezer/common') as typeof import('@lezer/common');
  const { parser } = fromPromql('@prometheus-io/lezer-promql') as typeof import('@prometheus-io/lezer-promql');
  // The package's index leaves the Parser out of its CommonJS build; the module itself has it.
  const { Parser } = fromPromql('./parser/parser.js') as { Parser: new (state: EditorState) => { analyze(): void; getDiagnostics(): LintDiagnostic[] } };
  const { getType } = fromPromql('./parser/type.js') as { getType(node: unknown): string };
  const names = (p: typeof parser) => p.nodeSet.types.map((t) => t.name).join(' ');

  /*
   * The linter's grammar, as the package's promQLLanguage() defines it (top: PromQL), with the
   * tree handed in rather than parsed in the editor's way (within a time budget, up to its
   * first viewport of 3,000 characters): whole, always. An expression the syntax check parsed
   * is not parsed again, the parse being two thirds of the cost; the linter compares node
   * ids, so only when both copies of lezer-promql have the same node types in the same order.
   */
  const own = parser.configure({ top: 'PromQL' });
  let handed: { text: string; tree: Tree } | undefined;
  class HandedParser extends common.Parser {
    createParse(input: Input, fragments: readonly TreeFragment[], ranges: readonly { from: number; to: number }[]): PartialParse {
      const given = handed && input.length === handed.text.length && input.read(0, input.length) === handed.text ? handed.tree : undefined;
      if (!given) return own.createParse(input, fragments, ranges); // the empty document we start from
      return { parsedPos: input.length, stoppedAt: null, stopAt() {}, advance: () => given };
    }
  }
  const language = new Language(defineLanguageFacet(), new HandedParser(), [], 'PromQL');
  const empty = EditorState.create({ doc: '', extensions: [language] });
  return {
    stateOf(expr, tree) {
      handed = { text: expr, tree: tree ?? own.parse(expr) };
      try {
        // An edit of one empty state: cheaper than a new state with its configuration.
        return empty.update({ changes: { from: 0, insert: expr } }).state;
      } finally {
        handed = undefined;
      }
    },
    syntaxTree,
    analyze(state) {
      const p = new Parser(state);
      try {
        p.analyze();
      } catch {
        return []; // the linter's own failure on an odd tree is not the user's mistake: validate goes on
      }
      return p.getDiagnostics();
    },
    typeOf: (tree) => getType(tree.topNode.firstChild),
    sameGrammar: names(parser) === names(ourParser),
  };
}

/** Whether the linter reads the syntax check's trees rather than parsing each expression again (both lezer-promql copies agree). */
export function linterReadsOurTrees(): boolean {
  linter ??= load();
  return linter.sameGrammar;
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
  const ours = linter.sameGrammar ? parsePromql(expr) : undefined;
  const state = linter.stateOf(expr, ours);
  const tree = linter.syntaxTree(state);
  let broken = tree.length < expr.length;
  tree.iterate({
    enter(node) {
      if (broken || node.type.isError) broken = true;
      return !broken;
    },
  });
  if (broken) return []; // promqlSyntaxError's to report
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
