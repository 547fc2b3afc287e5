import { isUtf8 } from 'node:buffer';
import { Composer, isAlias, isCollection, isMap, isScalar, LineCounter, Parser, Scalar, visit, YAMLParseError, type Alias, type CST, type Document, type DocumentOptions, type Node, type ParseOptions, type SchemaOptions, type YAMLError } from 'yaml';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import type { z } from 'zod';
import type { Diagnostic } from '../report/diagnostic.ts';
import { suggestion } from './did-you-mean.ts';
import { knownKeysAt } from './schema-keys.ts';
import { API_VERSION, DURATION_PATTERN, KIND_NAMES, KINDS, RESERVED_KEYS, type Kind } from './schema/index.ts';
import { locate, nodeAt, offsetPosition, type Path, type SourceFile } from './source.ts';
import { salvage } from './salvage.ts';
import { bytePosition, firstInvalidUtf8 } from './utf8.ts';
import { coreSchemaProblems, readingRisk } from './yaml-core.ts';

/** Files over this size are refused unread: config is small, and a huge file is a mistake or an attack. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** More aliases than this in one file is treated as an alias bomb. */
export const MAX_ALIAS_COUNT = 100;

export type Parsed =
  | { ok: true; kind: Kind; file: SourceFile; value: unknown; diagnostics: Diagnostic[] }
  | { ok: false; file?: SourceFile; diagnostics: Diagnostic[]; kind?: Kind; value?: unknown; dropped?: Path[] };

const YAML_CODES: Record<string, string> = {
  DUPLICATE_KEY: 'yaml/duplicate-key',
  TAB_AS_INDENT: 'yaml/tab',
  MULTIPLE_DOCS: 'yaml/multiple-documents',
};

const YAML_HINTS: Record<string, string> = {
  'yaml/tab': 'indent with spaces; YAML forbids tabs in indentation',
  'yaml/duplicate-key': 'remove one of the two keys; YAML keeps neither reliably',
  'yaml/multiple-documents': 'one document per file: move the second into its own file',
  MULTILINE_IMPLICIT_KEY: 'is the ": " after a key missing on this line?',
  BAD_INDENT: 'keys of one mapping start at the same column; a list or mapping in brackets needs its closing bracket',
  MISSING_CHAR: 'close the quote or bracket that opens here',
  BLOCK_AS_IMPLICIT_KEY: 'quote a value that contains ": ", or put the nested mapping on its own lines',
  BAD_SCALAR_START: 'quote the value',
  BAD_DQ_ESCAPE: 'in double quotes a backslash starts an escape; use single quotes or write \\\\',
};

/**
 * YAML 1.2, core schema, no merge keys, whatever a `%YAML` directive says (a directive is
 * refused anyway, but the value read must not depend on it). uniqueKeys compares every key
 * with every other (minutes for a 1 MB file of keys): duplicates are found in the walk.
 * logLevel: a collection as a key is reported by the schema, not as a Node warning on stderr.
 */
const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = { version: '1.2', schema: 'core', merge: false, uniqueKeys: false, strict: true, prettyErrors: false, logLevel: 'error' };

/** bytes → positioned document → kind → schema. Never throws on what a user wrote. */
export function parseConfig(path: string, bytes: Uint8Array): Parsed {
  try {
    return parseChecked(path, bytes);
  } catch (error) {
    // Nesting deep enough to exhaust the stack in a later walk (yaml itself reports its own).
    if (!(error instanceof RangeError)) throw error;
    return { ok: false, diagnostics: [{ code: 'yaml/syntax', severity: 'error', file: path, line: 1, col: 1, message: 'the document is nested too deeply to read', hint: 'flatten the value' }] };
  }
}

function parseChecked(path: string, bytes: Uint8Array): Parsed {
  const fail = (code: string, line: number, col: number, message: string, hint?: string): Parsed => ({
    ok: false,
    diagnostics: [{ code, severity: 'error', file: path, line, col, message, ...(hint ? { hint } : {}) }],
  });
  if (bytes.length > MAX_FILE_BYTES) return { ok: false, diagnostics: [tooLarge(path, bytes.length)] };
  const bad = isUtf8(bytes) ? -1 : firstInvalidUtf8(bytes); // the native check is ~50× faster; find the byte only when it fails
  if (bad >= 0) {
    const { line, col } = bytePosition(bytes, bad);
    return fail('file/encoding', line, col, `invalid UTF-8 byte 0x${bytes[bad].toString(16).padStart(2, '0')}`, 'save the file as UTF-8');
  }
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!/^\s*[^\s#]/m.test(text) || text.split('\n').every((l) => /^\s*(#.*)?$/.test(l))) {
    return fail('file/empty', 1, 1, 'file has no content', 'start from an example in README.md, or delete the file');
  }

  const fast = fastPath(path, text);
  if (fast) return fast;

  const read = readPositioned(path, text);
  if (!read.ok) return read;
  const { file, value: object } = read;
  const diagnostics: Diagnostic[] = [];
  const push = (code: string, position: { line: number; col: number }, message: string, hint?: string) => {
    diagnostics.push({ code, severity: 'error', file: path, ...position, message, ...(hint ? { hint } : {}) });
  };

  const kindValue = object.kind;
  if (typeof kindValue !== 'string' || !(KIND_NAMES as string[]).includes(kindValue)) {
    const hint = typeof kindValue === 'string' ? suggestion(kindValue, KIND_NAMES) : '';
    push(
      kindValue === undefined ? 'schema/required' : 'schema/unknown-kind',
      locate(file, ['kind'], kindValue === undefined ? 'key' : 'value'),
      kindValue === undefined ? 'missing required field "kind"' : `unknown kind ${show(kindValue)}`,
      hint || `kind is one of ${KIND_NAMES.join(', ')}`,
    );
    return { ok: false, file, diagnostics };
  }
  const kind = kindValue as Kind;
  if (object.apiVersion !== API_VERSION) {
    push(
      object.apiVersion === undefined ? 'schema/required' : 'schema/api-version',
      locate(file, ['apiVersion'], object.apiVersion === undefined ? 'key' : 'value'),
      object.apiVersion === undefined ? 'missing required field "apiVersion"' : `unsupported apiVersion ${show(object.apiVersion)}`,
      `use apiVersion: ${API_VERSION}`,
    );
  }

  const result = KINDS[kind].schema.safeParse(object);
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.path.length === 1 && issue.path[0] === 'apiVersion') continue; // reported above
      diagnostics.push(...issueDiagnostics(file, kind, object, issue));
    }
    // The rules still read what the schema accepts: the document without the items in error.
    const partial = salvage(kind, KINDS[kind].schema, object, result.error.issues);
    return { ok: false, file, diagnostics, ...(partial ? { kind, value: partial.value, dropped: partial.dropped } : {}) };
  }
  if (diagnostics.length) return { ok: false, file, diagnostics };
  return { ok: true, kind, file, value: result.data, diagnostics };
}

/** What the positioned reader makes of a text: the top-level mapping, or why there is none. */
export type PositionedRead = { ok: true; file: SourceFile; value: Record<string, unknown> } | { ok: false; file: SourceFile; diagnostics: Diagnostic[] };

/**
 * The reader every diagnostic comes from: decoded text → positioned Document → YAML 1.2
 * core checks → plain value. The fast path may only accept what this accepts, with the
 * same value (test/yaml-readers.test.ts).
 */
export function readPositioned(path: string, text: string): PositionedRead {
  const tokens: CST.Token[] = [];
  const { doc, lineCounter } = positionedDocument(text, tokens);
  const file: SourceFile = { path, text, doc, lineCounter };
  const diagnostics: Diagnostic[] = [];
  const push = (code: string, offset: number, message: string, hint?: string) => {
    diagnostics.push({ code, severity: 'error', file: path, ...offsetPosition(file, offset), message, ...(hint ? { hint } : {}) });
  };

  // Directives, tags, merge keys and leading zeros come first: they are exact tokens, and a
  // directive or a tag also makes yaml errors of its own (a missing ---, an unknown handle).
  for (const problem of coreSchemaProblems(tokens)) push(problem.code, problem.offset, problem.message, problem.hint);

  const error = firstError(doc, file);
  if (error && diagnostics.length) return { ok: false, file, diagnostics };
  if (error) {
    const code = YAML_CODES[error.code] ?? 'yaml/syntax';
    const unclosed = /end with an? [\]}]|Missing closing/.test(error.message);
    const header = blockHeader(text, error);
    if (header) {
      push(code, header.offset, header.message, header.hint);
      return { ok: false, file, diagnostics };
    }
    const hint = YAML_HINTS[code] ?? (unclosed ? YAML_HINTS.MISSING_CHAR : error.code === 'MISSING_CHAR' ? undefined : YAML_HINTS[error.code]);
    // yaml stops where its stack ran out, which varies from run to run: point at the outermost bracket instead.
    if (/call stack/i.test(error.message)) push(code, outermostOpener(text, error.pos[0]), 'brackets nested too deeply to read', 'flatten the value');
    else {
      const offset = errorOffset(doc, text, error);
      const opener = text[offset];
      const unclosedHere = unclosed && offset !== error.pos[0] && /["'[{]/.test(opener);
      push(code, offset, unclosedHere ? `this ${opener} is never closed${opener === '[' ? ' with ]' : opener === '{' ? ' with }' : ''}` : firstLine(error.message), hint);
    }
    return { ok: false, file, diagnostics };
  }

  let aliases = 0;
  let firstAlias: Node | undefined;
  // Anchors in document order, as yaml resolves them: an alias names the last anchor before it.
  const anchors = new Map<string, Node>();
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && RESERVED_KEYS.has(String(pair.key.value))) {
        push('yaml/forbidden-key', (pair.key as Node).range?.[0] ?? 0, `key "${String(pair.key.value)}" is not allowed`, 'rename the key; it would reach an object prototype');
      }
    },
    Node(_, node) {
      if (!isAlias(node) && node.anchor) anchors.set(node.anchor, node);
    },
    Map(_, map) {
      if (map.anchor) anchors.set(map.anchor, map);
      const keys = new Set<string>();
      for (const { key } of map.items) {
        if (!isScalar(key)) continue;
        const id = `${typeof key.value}:${String(key.value)}`;
        if (!keys.has(id)) keys.add(id);
        else push('yaml/duplicate-key', key.range?.[0] ?? 0, `key ${JSON.stringify(String(key.value))} appears twice in this mapping`, YAML_HINTS['yaml/duplicate-key']);
      }
    },
    Alias(_, node) {
      aliases++;
      firstAlias ??= node;
      aliasProblem(node, anchors.get(node.source));
    },
  });
  function aliasProblem(alias: Alias, target: Node | undefined) {
    const at = alias.range?.[0] ?? 0;
    if (!target) push('yaml/unknown-alias', at, `alias *${alias.source} names no anchor before it`, `define &${alias.source} earlier in the file, or write the value out`);
    else if (isCollection(target) && target.range && alias.range && target.range[0] <= alias.range[0] && alias.range[1] <= target.range[2]) {
      push('yaml/alias-cycle', at, `alias *${alias.source} is inside the node it refers to`, 'a value cannot contain itself: write the value out');
    }
  }
  if (diagnostics.length) return { ok: false, file, diagnostics };
  if (aliases > MAX_ALIAS_COUNT) {
    push('yaml/alias-limit', firstAlias?.range?.[0] ?? 0, `${aliases} aliases, over the limit of ${MAX_ALIAS_COUNT}`, 'write the values out instead of using aliases');
    return { ok: false, file, diagnostics };
  }

  if (!isMap(doc.contents)) {
    const empty = doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
    const what = empty ? 'nothing' : isScalar(doc.contents) ? 'a scalar' : 'a list';
    push('file/not-a-map', empty ? contentStart(text) : doc.contents?.range?.[0] ?? 0, `expected a mapping with apiVersion, kind, metadata and spec; found ${what}`);
    return { ok: false, file, diagnostics };
  }

  try {
    return { ok: true, file, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Record<string, unknown> };
  } catch (error) {
    const message = error instanceof Error && /alias/i.test(error.message) ? `too many alias expansions (limit ${MAX_ALIAS_COUNT}): an alias bomb` : `cannot read the document: ${error instanceof Error ? error.message : String(error)}`;
    push('yaml/alias-limit', firstAlias?.range?.[0] ?? 0, message, 'write the values out instead of nesting aliases');
    return { ok: false, file, diagnostics };
  }
}

/**
 * The error to report. After one error yaml's recovery reports a cascade of follow-on errors
 * that point nowhere useful: the first one, unless a tab in indentation starts on its line or
 * the next (the tab is the cause; yaml first complains about the line above it).
 */
function firstError(doc: Document.Parsed, file: SourceFile): YAMLError | undefined {
  const [first] = [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0]);
  const tab = doc.errors.find((e) => e.code === 'TAB_AS_INDENT');
  if (!first || !tab || tab === first) return first;
  const line = (e: YAMLError) => offsetPosition(file, e.pos[0]).line;
  return line(tab) - line(first) <= 1 ? tab : first;
}

/**
 * `op: >=` unquoted: `>` and `|` start a block scalar in YAML, and yaml says "Block scalar
 * header includes extra characters". Point at the value and say to quote it.
 */
function blockHeader(text: string, error: YAMLError): { offset: number; message: string; hint: string } | undefined {
  if (!/^Block scalar header includes extra characters/.test(error.message)) return undefined;
  const lineStart = text.lastIndexOf('\n', error.pos[0] - 1) + 1;
  const lineEnd = text.indexOf('\n', lineStart);
  const line = text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  const m = /^(\s*(?:-\s+)?)([^\s:#][^:#]*?):\s+([>|]\S*)\s*(?:#.*)?$/.exec(line);
  if (!m) return undefined;
  const [, lead, key, value] = m;
  const offset = lineStart + line.indexOf(value, lead.length + key.length + 1);
  const quoted = `${key}: ${JSON.stringify(value)}`;
  return {
    offset,
    message: `${JSON.stringify(value)} starts a block scalar (> and | do in YAML), not a plain value`,
    hint: /^[<>=!]+$/.test(value) ? `quote the operator: ${quoted}` : `quote the value: ${quoted}`,
  };
}

/** A file over the size limit: refused from its size alone, never parsed. */
export function tooLarge(path: string, size: number): Diagnostic {
  return { code: 'file/too-large', severity: 'error', file: path, line: 1, col: 1, message: `file is ${size} bytes, over the ${MAX_FILE_BYTES}-byte limit`, hint: 'split it: one rollout per file, alert rules by team' };
}

/**
 * The yaml Document with positions: what every diagnostic and every comment-preserving edit
 * needs. yaml's parseDocument, with the parser's tokens handed to `tokens` when given (the
 * YAML 1.2 core checks read them; the Document keeps no position of a directive or a tag).
 */
export function positionedDocument(text: string, tokens?: CST.Token[]): { doc: SourceFile['doc']; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const parsed = new Parser(lineCounter.addNewLine).parse(text);
  let doc: Document.Parsed | undefined;
  for (const next of new Composer(YAML_OPTIONS).compose(tokens ? tee(parsed, tokens) : parsed, true, text.length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
      break;
    }
  }
  return { doc: doc!, lineCounter }; // compose(…, forceDoc) always yields one
}

function* tee<T>(items: Iterable<T>, into: T[]): Generator<T> {
  for (const item of items) {
    into.push(item);
    yield item;
  }
}

/**
 * js-yaml (YAML 1.2 core schema, duplicate keys refused, no merge keys) with the pre-filter
 * that keeps it to texts it reads exactly as readPositioned does: the top-level mapping,
 * or undefined when the fast reader declines (the text then takes the positioned path).
 */
export function readFast(text: string): Record<string, unknown> | undefined {
  if (readingRisk(text)) return undefined;
  let value: unknown;
  try {
    value = loadYaml(text, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  return isPlainTree(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Most files are valid, and a valid file needs no positions. js-yaml reads several times
 * faster than building a positioned Document, so a file that readFast reads and that passes
 * its schema is accepted with its Document built lazily, on the first diagnostic that needs
 * a position. Anything else takes the full path above, so every diagnostic comes from the
 * same positioned parse.
 */
function fastPath(path: string, text: string): Parsed | undefined {
  const object = readFast(text);
  if (!object) return undefined;
  if (typeof object.kind !== 'string' || !Object.hasOwn(KINDS, object.kind) || object.apiVersion !== API_VERSION) return undefined;
  const kind = object.kind as Kind;
  const result = KINDS[kind].schema.safeParse(object);
  if (!result.success) return undefined;
  return { ok: true, kind, file: lazySourceFile(path, text), value: result.data, diagnostics: [] };
}

/**
 * A SourceFile whose positioned Document is built on first use. The text may be given, or
 * loaded on first use (a file checked on another thread is not copied back unless needed).
 */
export function lazySourceFile(path: string, text: string | (() => string)): SourceFile {
  let parsed: ReturnType<typeof positionedDocument> | undefined;
  let source = typeof text === 'string' ? text : undefined;
  const getText = () => (source ??= (text as () => string)());
  return {
    path,
    get text() {
      return getText();
    },
    get doc() {
      return (parsed ??= positionedDocument(getText())).doc;
    },
    get lineCounter() {
      return (parsed ??= positionedDocument(getText())).lineCounter;
    },
  };
}

/**
 * A mapping at the top, every node reached once (no aliases), no reserved keys, and no key
 * that js-yaml made from a null ("null"; yaml makes "") or from a collection ("a,b";
 * yaml makes "[ a, b ]").
 */
function isPlainTree(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const seen = new Set<object>();
  const stack: object[] = [value];
  while (stack.length) {
    const node = stack.pop()!;
    if (seen.has(node)) return false;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) if (item !== null && typeof item === 'object') stack.push(item);
    } else {
      for (const key of Object.keys(node)) {
        if (RESERVED_KEYS.has(key) || key === 'null' || key.includes(',') || key === '[object Object]') return false;
        const item = (node as Record<string, unknown>)[key];
        if (item !== null && typeof item === 'object') stack.push(item);
      }
      if (Object.getPrototypeOf(node) !== Object.prototype) return false;
    }
  }
  return true;
}

function issueDiagnostics(file: SourceFile, kind: Kind, root: unknown, issue: z.core.$ZodIssue): Diagnostic[] {
  const path = issue.path as Path;
  const at = (code: string, p: Path, message: string, hint?: string, where: 'key' | 'value' = 'value'): Diagnostic => ({
    code,
    severity: 'error',
    file: file.path,
    ...locate(file, p, where),
    message,
    ...(hint ? { hint } : {}),
  });
  const field = path.length ? `"${path.join('.')}"` : 'document';
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const known = knownKeysAt(kind, path);
        return at('schema/unknown-field', [...path, key], `unknown field "${key}"`, suggestion(key, known) || (known.length ? `allowed here: ${known.join(', ')}` : undefined), 'key');
      });
    case 'invalid_type': {
      const present = valueAt(root, path) !== undefined;
      if (!present) {
        const parent = path.slice(0, -1);
        return [at('schema/required', parent, `missing required field "${String(path[path.length - 1])}"`, `add ${String(path[path.length - 1])} under ${parent.length ? parent.join('.') : 'the top level'}`, 'key')];
      }
      const actual = valueAt(root, path);
      const yaml11 = issue.expected === 'boolean' && typeof actual === 'string' && /^(y|yes|n|no|on|off)$/i.test(actual);
      return [at('schema/type', path, `${field} must be ${article(issue.expected)}, got ${describe(actual)}`, yaml11 ? 'YAML 1.2 reads yes/no/on/off as strings: write true or false' : undefined)];
    }
    case 'too_big':
    case 'too_small': {
      const bound = issue.code === 'too_big' ? issue.maximum : issue.minimum;
      const what = issue.origin === 'array' ? 'items' : issue.origin === 'string' ? 'characters' : '';
      const rel = issue.code === 'too_big' ? (issue.inclusive === false ? '<' : '<=') : issue.inclusive === false ? '>' : '>=';
      const actual = valueAt(root, path);
      const shown = Array.isArray(actual) ? `${actual.length} items` : typeof actual === 'number' ? String(actual) : describe(actual);
      return [at('schema/range', path, `${field} must be ${rel} ${String(bound)}${what ? ' ' + what : ''}, got ${shown}`)];
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => String(v));
      const actual = valueAt(root, path);
      if (actual === undefined) {
        const parent = path.slice(0, -1);
        const name = String(path[path.length - 1]);
        return [at('schema/required', parent, `missing required field "${name}"`, `add ${name} under ${parent.length ? parent.join('.') : 'the top level'} (one of: ${options.join(', ')})`, 'key')];
      }
      const hint = emptyBlockScalar(file, path, options) ?? ((typeof actual === 'string' && suggestion(actual, options)) || `one of: ${options.join(', ')}`);
      return [at('schema/invalid-value', path, `${field} is ${show(actual)}, not an allowed value`, hint)];
    }
    case 'invalid_format': {
      const isDuration = 'pattern' in issue && String(issue.pattern) === String(DURATION_PATTERN);
      return [
        at(
          isDuration ? 'schema/duration' : 'schema/format',
          path,
          `${field} is ${show(valueAt(root, path))}, ${isDuration ? 'not a duration' : 'not in the expected format'}`,
          isDuration ? 'durations look like 30s, 5m, 48h, 7d or 1h30m' : 'pattern' in issue ? `must match ${String(issue.pattern)}` : undefined,
        ),
      ];
    }
    case 'invalid_key':
      return [at('schema/invalid-key', path, `key "${String(path[path.length - 1])}" is not a valid name here`, 'names are lower-case letters, digits and dashes (metrics: letters, digits, underscores)', 'key')];
    default:
      return [at('schema/invalid', path, `${field}: ${issue.message}`)];
  }
}

/** `op: >` unquoted is an empty block scalar: the hint quotes the allowed value it spells. */
function emptyBlockScalar(file: SourceFile, path: Path, options: string[]): string | undefined {
  const node = nodeAt(file, path);
  if (!isScalar(node) || node.value !== '' || (node.type !== Scalar.BLOCK_FOLDED && node.type !== Scalar.BLOCK_LITERAL) || !node.range) return undefined;
  const header = /^[>|]/.exec(file.text.slice(node.range[0]))?.[0];
  const key = path[path.length - 1];
  if (!header || !options.includes(header)) return undefined;
  return `quote the ${key === 'op' ? 'operator' : 'value'}: ${String(key)}: ${JSON.stringify(header)}`;
}

function valueAt(root: unknown, path: Path): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Object.hasOwn(cur, seg) ? (cur as Record<string | number, unknown>)[seg] : undefined;
  }
  return cur;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number' && !Number.isFinite(v)) return show(v);
  return `${typeof v} ${show(v)}`;
}

/** A value as it would read in a message; never throws (aliases can make values circular). */
function show(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf';
  if (v !== null && typeof v === 'object') return Array.isArray(v) ? 'a list' : 'a mapping';
  return JSON.stringify(v) ?? String(v);
}

/**
 * Where a YAML error should point. For an unclosed quote or bracket yaml reports where it
 * gave up (often the end of the file); the caret belongs on the opening character.
 */
function errorOffset(doc: Document.Parsed, text: string, error: YAMLError): number {
  const pos = error.pos[0];
  const open = /Missing closing (["'])quote/.exec(error.message)?.[1] ?? /end with an? ([\]}])/.exec(error.message)?.[1];
  if (!open) return pos;
  let best: number | undefined;
  visit(doc, {
    Node(_, node) {
      const range = node.range;
      if (!range || range[0] >= pos) return;
      const source = text.slice(range[0], range[1]).trimEnd();
      const unclosed =
        open === '"' || open === "'"
          ? isScalar(node) && node.type === (open === '"' ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE) && (source.length < 2 || !source.endsWith(open))
          : isCollection(node) && node.flow === true && source.startsWith(open === ']' ? '[' : '{') && !source.endsWith(open);
      if (unclosed && (best === undefined || range[0] > best)) best = range[0];
    },
  });
  return best ?? pos;
}

/** The outermost [ or { still open at `pos` (quotes ignored: this only places a caret). */
function outermostOpener(text: string, pos: number): number {
  let depth = 0;
  let found = pos;
  for (let i = Math.min(pos, text.length) - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === ']' || ch === '}') depth++;
    else if (ch === '[' || ch === '{') {
      if (depth > 0) depth--;
      else found = i;
    }
  }
  return found;
}

/** The first character that is not blank or a comment: where an empty document "is". */
function contentStart(text: string): number {
  const m = /^(?:\s*#.*\n|\s*\n)*\s*/.exec(text);
  return m ? m[0].length : 0;
}

function article(expected: string): string {
  const word = expected === 'object' ? 'mapping' : expected === 'array' ? 'list' : expected;
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

