import type { CST } from 'yaml';

/**
 * rollgate reads YAML 1.2 with the core schema and nothing else. Directives, explicit tags,
 * merge keys and integers with a leading zero are where YAML readers disagree (a
 * `%YAML 1.1` file makes 0310 octal for some of them; a merge key or a tag means something
 * to one reader and nothing to another), so the loader refuses them instead of picking a
 * meaning. This file finds them in yaml's token stream, and keeps js-yaml, the loader's
 * fast reader, away from every text where it could read something else than yaml does.
 */

/** One refusal, at a character offset; the loader positions it. */
export interface CoreProblem {
  code: string;
  offset: number;
  message: string;
  hint: string;
}

type TokenRule = (token: CST.Token, isKey: boolean) => CoreProblem | undefined;

/** `%YAML 1.1`, `%TAG !e! tag:…`, and any other directive. */
const directive: TokenRule = (token) =>
  token.type === 'directive'
    ? {
        code: 'yaml/directive',
        offset: token.offset,
        message: `directive ${JSON.stringify(token.source.trim())}: rollgate reads every file as YAML 1.2 (core schema), whatever a directive says`,
        hint: 'delete the directive line (a --- after it may stay)',
      }
    : undefined;

/** `!note`, `!!str`, `!<tag:…>`, `!e!x`, and the non-specific `!`, on any node. */
const tag: TokenRule = (token) =>
  token.type === 'tag'
    ? {
        code: 'yaml/tag',
        offset: token.offset,
        message: `explicit tag ${token.source}: YAML readers disagree on what a tag means`,
        hint: 'delete the tag: a value is typed by how it is written (quote a string, leave a number or true/false bare)',
      }
    : undefined;

/** A plain `<<` key: a YAML 1.1 merge key for some readers, an ordinary key for others. */
const mergeKey: TokenRule = (token, isKey) =>
  isKey && token.type === 'scalar' && token.source === '<<'
    ? {
        code: 'yaml/merge-key',
        offset: token.offset,
        message: 'merge key <<: YAML 1.1 readers merge the mapping in, YAML 1.2 readers keep a key named "<<"',
        hint: 'write the keys out in this mapping',
      }
    : undefined;

const LEADING_ZERO = /^([-+]?)0+([0-9]+)$/;

/** `0310`, `-012`, `+07`: octal for a YAML 1.1 reader, decimal for a YAML 1.2 one. */
const leadingZero: TokenRule = (token) => {
  const m = token.type === 'scalar' ? LEADING_ZERO.exec(token.source) : null;
  if (!m) return undefined;
  const decimal = `${m[1] === '-' ? '-' : ''}${String(Number(m[2]))}`;
  const octal = /^[0-7]+$/.test(m[2]) ? `octal (${m[1] === '-' ? '-' : ''}${parseInt(m[2], 8)})` : 'a string';
  return {
    code: 'yaml/leading-zero',
    offset: token.offset,
    message: `integer ${m.input} has a leading zero: YAML 1.1 readers take it as ${octal}, YAML 1.2 readers as ${decimal}`,
    hint: `write ${decimal}, or quote it if it is a string`,
  };
};

const TOKEN_RULES: readonly TokenRule[] = [directive, tag, mergeKey, leadingZero];

/**
 * Every problem in yaml's token stream (the top-level tokens of `Parser.parse`), in source
 * order. Iterative: a document nested thousands deep must not exhaust the stack here.
 */
export function coreSchemaProblems(tokens: readonly CST.Token[]): CoreProblem[] {
  const problems: CoreProblem[] = [];
  const stack: [unknown, boolean][] = tokens.map((t) => [t, false] as [unknown, boolean]).reverse();
  while (stack.length) {
    const [node, isKey] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], false]);
      continue;
    }
    const record = node as Record<string, unknown>;
    if (typeof record.type === 'string' && typeof record.offset === 'number') {
      for (const rule of TOKEN_RULES) {
        const problem = rule(record as unknown as CST.Token, isKey);
        if (problem) problems.push(problem);
      }
    }
    // A collection item is {start, key, sep, value}: only `key` holds a mapping key.
    const entries = Object.entries(record);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [field, value] = entries[i];
      if (value !== null && typeof value === 'object') stack.push([value, field === 'key' && !('type' in record)]);
    }
  }
  return problems.sort((a, b) => a.offset - b.offset);
}

/**
 * Texts js-yaml might read differently from yaml, or accept where the loader refuses. Each
 * test errs towards yes: a false alarm only sends a valid file down the slower path.
 */
const MAY_DIFFER: readonly [why: string, pattern: RegExp][] = [
  ['a directive (yaml/directive)', /^%/m],
  ['a merge key (yaml/merge-key)', /<</],
  ['an empty list entry: js-yaml puts the entries of an outer list that follow it into the inner list', /(?:^|[ ])-[ ]*(?:#.*)?$/m],
  ['a line of nothing but spaces: js-yaml and yaml keep different blanks of a block scalar', /^ +$/m],
  ['content on a --- or ... line: js-yaml reads it, yaml refuses it', /^(?:---|\.\.\.)[ ]*[^\s#]/m],
  ['a flow collection as a key: js-yaml makes "a,b" of [a, b], yaml "[ a, b ]"', /[\]}][ ]*:/],
  ['a number of 300 digits: Infinity for yaml, a string for js-yaml', /[0-9]{300}/],
  ['a \\U escape: js-yaml reads one past U+10FFFF, yaml refuses it', /\\U/],
  ['a tab, a byte-order mark (parseConfig strips a leading one), a line break yaml does not take for one, or a control character', /[\t\ufeff\u0085\u2028\u2029\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)/],
];

/**
 * A plain scalar that is a number with leading zeros, 0x/0o/0b or -0 (js-yaml reads -0x1
 * and 0b1 as numbers, yaml as strings; -0 is 0 for js-yaml), a signed .5 (a string for
 * js-yaml), or an exponent past a double's range: the token, then where a plain scalar
 * ends (in a flow collection also `,` and brackets).
 */
const RISKY = String.raw`(?:[-+]?0[0-9a-zA-Z_]|[-+]0|[-+]?\.[0-9]|[-+]?[0-9.]+[eE][-+]?[0-9]{3})[^\s#:,[\]{}]*[ \r]*`;
const RISKY_NUMBER = new RegExp(`${RISKY}(?:$|[#:])`, 'my');
const RISKY_NUMBER_IN_FLOW = new RegExp(`${RISKY}(?:$|[#:,[\\]{}])`, 'my');
const INDENTATION_INDICATOR = /[|>](?:[-+]?[1-9]|[1-9][-+]?)/y;
const DOUBLE_QUOTED = /"(?:[^"\\\n]|\\.)*"/y;
const SINGLE_QUOTED = /'(?:[^'\n]|'')*'(?!')/y;
const MAX_LINE = 1024;

/**
 * Why js-yaml might read `text` differently from yaml, or accept what the loader refuses;
 * undefined when it reads it the same.
 */
export function readingRisk(text: string): string | undefined {
  for (const [why, pattern] of MAY_DIFFER) if (pattern.test(text)) return why;
  for (let start = 0, end = 0; start <= text.length; start = end + 1) {
    end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end - start > MAX_LINE) return `a line over ${MAX_LINE} characters: yaml refuses an implicit key that long, js-yaml does not`;
  }
  // Tokens are looked for only where a node may start: after a line's indentation, `- `,
  // `? `, `: `, `[`, `{` or `,` (and blanks), or right after a `:` that follows a quote, a
  // bracket or a blank (`{"a":1}`, `{"a" :1}`). Lines that are comments are skipped. Prose
  // in comments and block scalars ("seed 003", "100 * x") mostly costs no false alarm.
  let nodeStart = true;
  let lineStart = true;
  let flow = false; // a bracket on this line: `,` may separate nodes (a flow collection over lines is refused anyway)
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      nodeStart = lineStart = true;
      flow = false;
    } else if (c === ' ' || c === '\r') continue;
    else if (c === '#' && lineStart) {
      // A comment line (or a line of a block scalar: its content holds no node either).
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end - 1;
    } else {
      lineStart = false;
      flow ||= c === '[' || c === '{';
      const why = nodeStart ? nodeRisk(text, i, flow) : undefined;
      if (why) return why;
      const next = text[i + 1];
      nodeStart = c === '[' || c === '{' || (c === ',' && flow) || ((c === '-' || c === '?' || c === ':') && next === ' ') || (c === ':' && /["'\]} ]/.test(text[i - 1] ?? ''));
    }
  }
  return undefined;
}

/** What may start at `at`, a place where a node may start, that the readers disagree on. */
function nodeRisk(text: string, at: number, flow: boolean): string | undefined {
  const c = text[at];
  const next = text[at + 1] ?? '\n';
  if (c === '!') return 'a tag (yaml/tag)';
  if ((c === '&' || c === '*') && !/[\s[\]{},]/.test(next)) return 'an anchor or an alias: aliases count against a limit and may repeat a collection';
  if (c === '?' && /\s/.test(next)) return 'an explicit key: the readers turn a key that is not a string into different strings';
  if (c === '"' || c === "'" || c === '[' || c === '{') {
    const end = c === '[' || c === '{' ? flowEnd(text, at) : quotedEnd(text, at);
    // js-yaml reads the next lines on whatever their indentation; yaml refuses a continuation line not indented past its parent.
    if (end < 0) return 'a quoted scalar or a flow collection over lines: js-yaml takes continuation lines on any indentation';
    if (text[end] === '#') return 'a comment right after a closing quote or bracket: js-yaml reads it, yaml refuses it';
    return undefined;
  }
  if (sticky(INDENTATION_INDICATOR, text, at)) return 'a block scalar with an indentation indicator: js-yaml and yaml keep different blanks';
  if (sticky(flow ? RISKY_NUMBER_IN_FLOW : RISKY_NUMBER, text, at)) return 'a number with a leading zero (yaml/leading-zero), or one the readers read differently (0b1, -0x1, -0, -.5, 1e400)';
  return undefined;
}

function sticky(pattern: RegExp, text: string, at: number): boolean {
  pattern.lastIndex = at;
  return pattern.test(text);
}

/** The index after the quoted scalar that starts at `at`, or -1 when it does not end on its line. */
function quotedEnd(text: string, at: number): number {
  const pattern = text[at] === '"' ? DOUBLE_QUOTED : SINGLE_QUOTED;
  return sticky(pattern, text, at) ? pattern.lastIndex : -1;
}

/**
 * The index after the flow collection that starts at `at`, or -1 when it may not end on
 * its line. Inside one, brackets are always structure (a plain scalar there cannot hold
 * them). A quote starts a quoted scalar after `[`, `{`, `,` or a spaced `:` or `?`, and is
 * part of a plain scalar after a letter or digit; anything else (a comment, a quote after
 * an unspaced `:` or after another quote) is not worth telling apart: it counts as open.
 */
function flowEnd(text: string, at: number): number {
  let depth = 0;
  let previous = '';
  let spaced = false;
  for (let i = at; i < text.length && text[i] !== '\n'; i++) {
    const c = text[i];
    if (c === ' ' || c === '\r') {
      spaced = true;
      continue;
    }
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      if (--depth === 0) return i + 1;
    } else if (c === '"' || c === "'") {
      if (previous === '[' || previous === '{' || previous === ',' || (spaced && (previous === ':' || previous === '?'))) {
        const end = quotedEnd(text, i);
        if (end < 0) return -1;
        i = end - 1;
      } else if (!/^[A-Za-z0-9]$/.test(previous)) return -1;
    } else if (c === '#' && (spaced || !/^[A-Za-z0-9]$/.test(previous))) return -1;
    previous = text[i];
    spaced = false;
  }
  return -1;
}
