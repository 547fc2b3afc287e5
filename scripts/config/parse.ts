import { isMap, isScalar, LineCounter, parseDocument, visit, type Node } from 'yaml';
import type { z } from 'zod';
import type { Diagnostic } from '../report/diagnostic.ts';
import { suggestion } from './did-you-mean.ts';
import { knownKeysAt } from './schema-keys.ts';
import { API_VERSION, DURATION_PATTERN, KIND_NAMES, KINDS, RESERVED_KEYS, type Kind } from './schema/index.ts';
import { locate, offsetPosition, type Path, type SourceFile } from './source.ts';
import { bytePosition, firstInvalidUtf8 } from './utf8.ts';

/** Files over this size are refused unread: config is small, and a huge file is a mistake or an attack. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** More aliases than this in one file is treated as an alias bomb. */
export const MAX_ALIAS_COUNT = 100;

export type Parsed =
  | { ok: true; kind: Kind; file: SourceFile; value: unknown; diagnostics: Diagnostic[] }
  | { ok: false; file?: SourceFile; diagnostics: Diagnostic[] };

const YAML_CODES: Record<string, string> = {
  DUPLICATE_KEY: 'yaml/duplicate-key',
  TAB_AS_INDENT: 'yaml/tab',
  MULTIPLE_DOCS: 'yaml/multiple-documents',
};

/** bytes → positioned document → kind → schema. Never throws on what a user wrote. */
export function parseConfig(path: string, bytes: Uint8Array): Parsed {
  const fail = (code: string, line: number, col: number, message: string, hint?: string): Parsed => ({
    ok: false,
    diagnostics: [{ code, severity: 'error', file: path, line, col, message, ...(hint ? { hint } : {}) }],
  });
  if (bytes.length > MAX_FILE_BYTES) {
    return fail('file/too-large', 1, 1, `file is ${bytes.length} bytes, over the ${MAX_FILE_BYTES}-byte limit`, 'split it: one rollout per file, alert rules by team');
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const { line, col } = bytePosition(bytes, bad);
    return fail('file/encoding', line, col, `invalid UTF-8 byte 0x${bytes[bad].toString(16).padStart(2, '0')}`, 'save the file as UTF-8');
  }
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!/^\s*[^\s#]/m.test(text) || text.split('\n').every((l) => /^\s*(#.*)?$/.test(l))) {
    return fail('file/empty', 1, 1, 'file has no content', 'start from an example in README.md, or delete the file');
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const file: SourceFile = { path, text, doc, lineCounter };
  const diagnostics: Diagnostic[] = [];
  const push = (code: string, offset: number | { line: number; col: number }, message: string, hint?: string) => {
    const pos = typeof offset === 'number' ? offsetPosition(file, offset) : offset;
    diagnostics.push({ code, severity: 'error', file: path, ...pos, message, ...(hint ? { hint } : {}) });
  };

  for (const error of doc.errors) {
    const code = YAML_CODES[error.code] ?? 'yaml/syntax';
    const hint =
      code === 'yaml/tab' ? 'indent with spaces; YAML forbids tabs in indentation'
      : code === 'yaml/duplicate-key' ? 'remove one of the two keys; YAML keeps neither reliably'
      : code === 'yaml/multiple-documents' ? 'one document per file: move the second into its own file'
      : undefined;
    push(code, error.pos[0], firstLine(error.message), hint);
  }
  if (diagnostics.length) return { ok: false, file, diagnostics };

  let aliases = 0;
  let firstAlias: Node | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && RESERVED_KEYS.has(String(pair.key.value))) {
        push('yaml/forbidden-key', (pair.key as Node).range?.[0] ?? 0, `key "${String(pair.key.value)}" is not allowed`, 'rename the key; it would reach an object prototype');
      }
    },
    Alias(_, node) {
      aliases++;
      firstAlias ??= node;
    },
  });
  if (diagnostics.length) return { ok: false, file, diagnostics };

  if (!isMap(doc.contents)) {
    const what = doc.contents === null ? 'nothing' : isScalar(doc.contents) ? 'a scalar' : 'a list';
    push('file/not-a-map', doc.contents?.range?.[0] ?? 0, `expected a mapping with apiVersion, kind, metadata and spec; found ${what}`);
    return { ok: false, file, diagnostics };
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof Error && /alias/i.test(error.message) ? `too many alias expansions (limit ${MAX_ALIAS_COUNT}): an alias bomb` : `cannot read the document: ${error instanceof Error ? error.message : String(error)}`;
    push('yaml/alias-limit', firstAlias?.range?.[0] ?? 0, message, 'write the values out instead of nesting aliases');
    return { ok: false, file, diagnostics };
  }
  if (aliases > MAX_ALIAS_COUNT) {
    push('yaml/alias-limit', firstAlias?.range?.[0] ?? 0, `${aliases} aliases, over the limit of ${MAX_ALIAS_COUNT}`, 'write the values out instead of using aliases');
    return { ok: false, file, diagnostics };
  }

  const object = value as Record<string, unknown>;
  const kindValue = object.kind;
  if (typeof kindValue !== 'string' || !(KIND_NAMES as string[]).includes(kindValue)) {
    const hint = typeof kindValue === 'string' ? suggestion(kindValue, KIND_NAMES) : '';
    push(
      kindValue === undefined ? 'schema/required' : 'schema/unknown-kind',
      locate(file, ['kind'], kindValue === undefined ? 'key' : 'value'),
      kindValue === undefined ? 'missing required field "kind"' : `unknown kind ${JSON.stringify(kindValue)}`,
      hint || `kind is one of ${KIND_NAMES.join(', ')}`,
    );
    return { ok: false, file, diagnostics };
  }
  const kind = kindValue as Kind;
  if (object.apiVersion !== API_VERSION) {
    push(
      object.apiVersion === undefined ? 'schema/required' : 'schema/api-version',
      locate(file, ['apiVersion'], object.apiVersion === undefined ? 'key' : 'value'),
      object.apiVersion === undefined ? 'missing required field "apiVersion"' : `unsupported apiVersion ${JSON.stringify(object.apiVersion)}`,
      `use apiVersion: ${API_VERSION}`,
    );
  }

  const result = KINDS[kind].schema.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) diagnostics.push(...issueDiagnostics(file, kind, object, issue));
  }
  if (diagnostics.length) return { ok: false, file, diagnostics };
  return { ok: true, kind, file, value: result.data, diagnostics };
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
      return [at('schema/type', path, `${field} must be ${article(issue.expected)}, got ${describe(valueAt(root, path))}`)];
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
      const hint = (typeof actual === 'string' && suggestion(actual, options)) || `one of: ${options.join(', ')}`;
      return [at('schema/invalid-value', path, `${field} is ${JSON.stringify(actual)}, not an allowed value`, hint)];
    }
    case 'invalid_format': {
      const isDuration = 'pattern' in issue && String(issue.pattern) === String(DURATION_PATTERN);
      return [
        at(
          isDuration ? 'schema/duration' : 'schema/format',
          path,
          `${field} is ${JSON.stringify(valueAt(root, path))}, ${isDuration ? 'not a duration' : 'not in the expected format'}`,
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
  return `${typeof v} ${JSON.stringify(v)}`;
}

function article(expected: string): string {
  const word = expected === 'object' ? 'mapping' : expected === 'array' ? 'list' : expected;
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

