// One YAML meaning everywhere. The loader has two readers: js-yaml behind a pre-filter (the
// fast path, for valid files) and yaml's positioned Document (every diagnostic). Generated
// documents, hostile ones included, must never be read two ways: either the fast reader
// declines, or both give the same value. Then a table per YAML 1.2 core refusal.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig, readFast, readPositioned } from '../scripts/config/parse.ts';

type G = fc.GeneratorValue;

// Unbiased: fast-check leans towards small numbers, which would make every rare choice common.
const uniform = (max: number) => fc.noBias(fc.nat(max));
const between = (min: number, max: number) => fc.noBias(fc.integer({ min, max }));
const pick = <T,>(g: G, items: readonly T[]): T => items[g(uniform, items.length - 1)];
const chance = (g: G, percent: number): boolean => g(uniform, 99) < percent;
const spaces = (n: number) => ' '.repeat(Math.max(0, n));

/**
 * Each document draws how hostile it is (the percent chance of each hostile choice): clean
 * documents keep the fast path busy, slightly hostile ones probe the pre-filter one trap at
 * a time, and very hostile ones probe the readers' error handling.
 */
interface Gen {
  g: G;
  hostile: number;
}
const trap = ({ g, hostile }: Gen): boolean => chance(g, hostile);

const WORDS = ['a', 'b', 'name', 'flag', 'x-y', 'stage one', 'Ünïcödé', '😀', 'a:b', 'a#b', 'http://x/y?a=1&b=2', 'rate(x[5m]) * 100', 'x{a="b"}[5m]', '{{flag}}', "it's", 'say "hi"', '1', '12', '0', '0.5', '1.5e3', '-3', '+4', 'true', 'false', 'null', '~', 'yes', 'off', '.inf', '-.inf', '.nan', '2001-12-14', '12:30:45', '1_000', '100 %'];
// Plain scalars YAML readers resolve differently (1.1 vs 1.2, js-yaml vs yaml), and indicators.
const HOSTILE = [
  '0310', '-012', '+07', '00', '09', '0', '-0', '+0', '0.5', '00.5', '.5', '-.5', '+.5', '5.', '1e3', '1E+3', '1.e3', '-1.5e-3', '1_000', '1_0.5',
  '0x1F', '-0x1F', '+0x1f', '0o17', '-0o17', '0b101', '0x', '+12', '-12', '12', '123456789012345678901234', '1e400', '9'.repeat(320), '.inf', '-.inf',
  '+.inf', '.Inf', '.INF', '.nan', '.NaN', '.NAN', 'nan', 'inf', 'yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'NO', 'On', 'OFF', 'true', 'True', 'TRUE',
  'false', 'tRue', 'null', 'Null', 'NULL', '~', 'nULL', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '12:30:45', '190:20:30',
  '1:30', '=', '<<', '__proto__', 'constructor', 'prototype', '!x', '&a', '*a', '%x', '@x', '`x', '-', '?', ':', '- x', '? x', '[x]', '{x}', 'a,b', '#',
  'a #b', 'a  b', 'a != b', 'k'.repeat(1030),
];
const KEYS = ['a', 'b', 'c', 'name', 'spec', 'flag', 'stage one', 'x-y', 'Ünïcödé', '1', 'true', 'a:b'];
const HOSTILE_KEYS = ['a', '<<', '__proto__', 'constructor', '~', 'null', '', '1', '1.0', '0310', 'true', '.inf', '-', 'k: v', 'a b', '? a'];
const TAGS = ['!note', '!!str', '!!int', '!!map', '!!seq', '!!bool', '!<tag:yaml.org,2002:str>', '!', '!e!x', '!!binary'];
const ESCAPES = ['\\n', '\\t', '\\\\', '\\"', '\\x41', '\\u00e9', '\\U0001F600', '\\/', '\\ ', '\\N', '\\_', '\\L', '\\P', '\\e', '\\0', '\\a', '\\b', '\\v', '\\f', '\\r', '\\ud83d', '\\ude00', '\\U00110000', '\\UFFFFFFFF', '\\x4', '\\u12'];
const CHARS = 'ab0 1:-#\'"[]{},?!&*|>%@`\\\t\nÿ😀.+_~<\u00a0';
// Prose that looks like tokens: the pre-filter looks for tokens only where a node may start.
const LINES = ['x', 'two words', '', 'a: b', '- c', '"q"', "it's [", '{{flag}}', 'seeds 000, 001', '100 * rate(x) > 0.5', 'drops >10% (9:00 PT)', 'a != b'];
const HOSTILE_LINES = ['', '  more indented', '# not a comment', 'trailing  ', '\t tab', ' ', '0310', '!x', '&a *a', '? x', '<<: x', '%YAML 1.1'];
const COMMENTS = ['# c', '# a: b', "# it's", '# [x]', '# seeds 000, 001', '# 100 * x != y', '# "open'];
const HOSTILE_COMMENTS = ['#c', '# "', "# '", '# [', '#', '# {'];

function text(gen: Gen): string {
  if (!trap(gen)) return pick(gen.g, WORDS);
  return chance(gen.g, 70) ? pick(gen.g, HOSTILE) : gen.g(fc.string, { unit: fc.constantFrom(...CHARS), maxLength: 8 });
}

function props(gen: Gen): string {
  if (!trap(gen)) return '';
  return chance(gen.g, 50) ? `${pick(gen.g, TAGS)} ` : `&${pick(gen.g, ['a', 'b'])} `;
}

function comment(gen: Gen): string {
  if (!chance(gen.g, 10)) return '';
  return trap(gen) ? `${pick(gen.g, ['', ' '])}${pick(gen.g, HOSTILE_COMMENTS)}` : ` ${pick(gen.g, COMMENTS)}`;
}

/** A scalar or alias on one line (a hostile quoted one may span lines). */
function inlineScalar(gen: Gen, indent: number): string {
  const { g } = gen;
  const value = text(gen);
  if (trap(gen)) {
    if (chance(g, 30)) return `*${pick(g, ['a', 'b', 'zz'])}`;
    if (chance(g, 40)) {
      const [open, close] = [pick(g, ['"', "'"]), pick(g, ['"', "'"])];
      return `${open}${value.replace(/["'\\]/g, '')}\n${spaces(indent + g(between, -1, 2))}${pick(g, WORDS).replace(/["']/g, '')}${close}`;
    }
  }
  switch (g(uniform, 3)) {
    case 0:
      return `'${value.replace(/'/g, "''")}'`;
    case 1: {
      const escaped = JSON.stringify(value).slice(1, -1);
      return `"${chance(g, 30) ? escaped + pick(g, ESCAPES) : escaped}${trap(gen) ? '\\q' : ''}"`;
    }
    default:
      return value;
  }
}

function key(gen: Gen, indent: number, index: number): string {
  const { g } = gen;
  if (!trap(gen)) {
    const name = `${pick(g, KEYS)}${index}`;
    return pick(g, [name, name, name, `'${name}'`, `"${name}"`]);
  }
  switch (g(uniform, 5)) {
    case 0:
      return `? ${inlineScalar(gen, indent)}\n${spaces(indent)}`;
    case 1:
      return flow(gen, 1, indent);
    case 2:
      return `${props(gen)}${inlineScalar(gen, indent)}`;
    case 3:
      return `"${pick(g, HOSTILE_KEYS)}"`;
    default:
      return pick(g, HOSTILE_KEYS);
  }
}

/** A flow collection, on one line; a hostile one may spread over lines at any indentation. */
function flow(gen: Gen, depth: number, indent: number): string {
  const { g } = gen;
  const map = chance(g, 50);
  const count = g(uniform, 3);
  const items: string[] = [];
  for (let i = 0; i < count; i++) {
    const value = depth > 0 && chance(g, 25) ? flow(gen, depth - 1, indent) : `${props(gen)}${inlineScalar(gen, indent)}`;
    const colon = trap(gen) ? pick(g, [':', ' :', ' : ', ':  ']) : ': ';
    items.push(map ? `${key(gen, indent, i).replace(/\n */, ' ')}${colon}${value}` : value);
  }
  const sep = trap(gen) ? `,\n${spaces(indent + g(between, -1, 3))}` : pick(g, [', ', ',', ' , ']);
  const trailing = trap(gen) ? ',' : '';
  const pad = chance(g, 20) ? ' ' : '';
  return map ? `{${pad}${items.join(sep)}${trailing}${pad}}` : `[${pad}${items.join(sep)}${trailing}${pad}]`;
}

function blockScalar(gen: Gen, indent: number): string {
  const { g } = gen;
  const header = `${pick(g, ['|', '>'])}${pick(g, ['', '', '-', '+'])}${trap(gen) ? pick(g, ['1', '2', '4']) : ''}${comment(gen)}`;
  const at = indent + (trap(gen) ? g(between, -1, 1) : 2);
  const lines: string[] = [];
  for (let i = 1 + g(uniform, 3); i > 0; i--) {
    const line = trap(gen) ? pick(g, HOSTILE_LINES) : pick(g, LINES);
    lines.push(line === '' ? '' : spaces(at) + line);
  }
  return `${header}\n${lines.join('\n')}\n`;
}

/** What follows `key:` in a block mapping, through the end of its last line. */
function blockValue(gen: Gen, indent: number, depth: number): string {
  const { g } = gen;
  switch (g(uniform, 11)) {
    case 0:
      return `${comment(gen)}\n`;
    case 1:
    case 2:
      return ` ${props(gen)}${flow(gen, 2, indent + 1)}${comment(gen)}\n`;
    case 3:
      return ` ${props(gen)}${blockScalar(gen, indent)}`;
    case 4: // a plain scalar over lines
      return ` ${pick(g, WORDS)}\n${chance(g, 20) ? '\n' : ''}${spaces(indent + (trap(gen) ? g(between, -1, 0) : 2))}${text(gen)}${comment(gen)}\n`;
    case 5:
    case 6:
      if (depth > 0) return `${props(gen).trimEnd() ? ` ${props(gen).trim()}` : ''}${comment(gen)}\n${blockMap(gen, indent + (trap(gen) ? pick(g, [1, 4, 0]) : 2), depth - 1)}`;
      return ` ${inlineScalar(gen, indent + 1)}\n`;
    case 7:
      if (depth > 0) return `\n${blockSeq(gen, indent + pick(g, [0, 2, 2]), depth - 1)}`;
      return ` ${inlineScalar(gen, indent + 1)}\n`;
    default:
      return ` ${props(gen)}${inlineScalar(gen, indent + 1)}${comment(gen)}\n`;
  }
}

function blockMap(gen: Gen, indent: number, depth: number): string {
  const { g } = gen;
  let out = '';
  for (let i = 0, count = 1 + g(uniform, 3); i < count; i++) {
    if (chance(g, 8)) out += `${spaces(trap(gen) ? g(uniform, indent + 2) : indent)}${pick(g, COMMENTS)}\n`;
    if (chance(g, 5)) out += '\n';
    out += `${spaces(indent)}${key(gen, indent, i)}${trap(gen) ? pick(g, [' :', '  :']) : ':'}${trap(gen) ? blockValue(gen, indent, depth).replace(/^ /, pick(g, ['', '  '])) : blockValue(gen, indent, depth)}`;
  }
  return out;
}

function blockSeq(gen: Gen, indent: number, depth: number): string {
  const { g } = gen;
  let out = '';
  for (let i = 0, count = 1 + g(uniform, 3); i < count; i++) {
    const dash = `${spaces(indent)}-${trap(gen) ? ' ' : ''}`;
    const nested = depth > 0 ? g(uniform, 5) : 5;
    if (nested === 0) out += `${dash} ${blockMap(gen, indent + 2, depth - 1).slice(indent + 2)}`; // compact: `- a: 1`
    else if (nested === 1) out += `${dash} ${blockSeq(gen, indent + 2, depth - 1).slice(indent + 2)}`;
    else if (nested === 2) out += `${dash}${blockValue(gen, indent, depth - 1)}`;
    else out += `${dash} ${props(gen)}${inlineScalar(gen, indent + 2)}${comment(gen)}\n`;
  }
  return out;
}

const STARTS = ['---\n', '--- # c\n', '# head\n', '\ufeff', '\ufeff---\n'];
const HOSTILE_STARTS = ['%YAML 1.1\n---\n', '%YAML 1.2\n---\n', '%YAML 1.1\n', '%TAG ! tag:example.com,2000:\n---\n', '%TAG !e! tag:e.com,2000:\n--- ', '%FOO bar\n---\n', '--- !!map\n', '- ', '--- ', '...\n', '--- |\n  x\n'];
const ENDS = ['...\n', '...\n# tail\n', '\n\n', '# tail', '... # c\n'];
const HOSTILE_ENDS = ['---\nb: 1\n', '---\n', '...\n---\n', '\n...\n%YAML 1.2\n'];

/** A document: mostly a block mapping, with directives, markers, a BOM, CRLF, tabs and edits. */
function document(g: G): string {
  const gen: Gen = { g, hostile: pick(g, [0, 0, 1, 3, 10, 40]) };
  let doc = chance(g, 10) ? `${chance(g, 50) ? '' : 'top: '}${flow(gen, 2, 1)}\n` : blockMap(gen, 0, 3);
  if (chance(g, 10)) doc = pick(g, STARTS) + doc;
  if (trap(gen)) doc = pick(g, HOSTILE_STARTS) + doc;
  if (chance(g, 8)) doc += pick(g, ENDS);
  if (trap(gen)) doc += pick(g, HOSTILE_ENDS);
  if (chance(g, 10)) doc = doc.replace(/\n/g, '\r\n');
  if (trap(gen)) doc = doc.replace(/ /g, (s) => (chance(g, 20) ? '\t' : s));
  if (trap(gen)) doc = mutate(g, doc);
  return doc;
}

/** One to three small edits: a deleted or inserted character, a line repeated or re-indented. */
function mutate(g: G, doc: string): string {
  for (let n = 1 + g(uniform, 2); n > 0; n--) {
    const at = g(uniform, doc.length);
    const lines = doc.split('\n');
    const line = g(uniform, Math.max(0, lines.length - 1));
    switch (g(uniform, 4)) {
      case 0:
        doc = doc.slice(0, at) + doc.slice(at + 1);
        break;
      case 1:
        doc = doc.slice(0, at) + pick(g, [...CHARS, '\r', '\u2028', '\u0085', '\ufeff', '\x07']) + doc.slice(at);
        break;
      case 2:
        lines.splice(line, 0, lines[line]);
        doc = lines.join('\n');
        break;
      default:
        lines[line] = chance(g, 50) ? ` ${lines[line]}` : lines[line].replace(/^ /, '');
        doc = lines.join('\n');
    }
  }
  return doc;
}

/** Brackets or mappings nested past js-yaml's depth limit and yaml's patience. */
function deep(g: G): string {
  const d = 1 + g(uniform, 150);
  switch (g(uniform, 2)) {
    case 0:
      return `a: ${'['.repeat(d)}x${']'.repeat(d)}\n`;
    case 1:
      return `a: ${'{a: '.repeat(d)}x${'}'.repeat(d)}\n`;
    default:
      return Array.from({ length: d }, (_, i) => `${spaces(i)}a:`).join('\n') + ' x\n';
  }
}

const outcomes = { runs: 0, fast: 0, declined: 0, refused: new Map<string, number>() };

/** The property: the fast reader declines, or it and the positioned reader agree exactly. */
function sameMeaning(text: string): void {
  outcomes.runs++;
  const fast = readFast(text);
  let positioned: ReturnType<typeof readPositioned> | undefined;
  try {
    positioned = readPositioned('x.yaml', text);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error; // parseConfig reports it as too deeply nested
  }
  if (positioned && !positioned.ok) for (const d of positioned.diagnostics) outcomes.refused.set(d.code, (outcomes.refused.get(d.code) ?? 0) + 1);
  if (fast === undefined) {
    outcomes.declined++;
    return;
  }
  outcomes.fast++;
  if (!positioned?.ok) {
    const why = positioned ? positioned.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`).join(', ') : 'stack overflow';
    throw new Error(`the fast reader accepts what the positioned reader refuses (${why}): ${JSON.stringify(text)}`);
  }
  expect(fast, JSON.stringify(text)).toStrictEqual(positioned.value);
}

describe('js-yaml behind its pre-filter and yaml read every document alike', () => {
  const started = performance.now();
  afterAll(() => {
    const refused = [...outcomes.refused].sort(([a], [b]) => a.localeCompare(b)).map(([code, n]) => `${code} ${n}`);
    console.log(`${outcomes.runs} documents in ${Math.round(performance.now() - started)} ms: ${outcomes.fast} read by the fast path, ${outcomes.declined} declined; positioned refusals: ${refused.join(', ')}`);
  });

  it('generated documents, hostile ones included (3,000 runs)', () => {
    fc.assert(fc.property(fc.gen(), (g) => sameMeaning(document(g))), { numRuns: 3000, seed: 20260401 });
  });

  it('deeply nested documents, past the depth limit of js-yaml (200 runs)', () => {
    fc.assert(fc.property(fc.gen(), (g) => sameMeaning(deep(g))), { numRuns: 200, seed: 7 });
  });

  it('arbitrary short texts over YAML punctuation (2,000 runs)', () => {
    const texts = fc.string({ unit: fc.constantFrom(...CHARS, 'a: ', '- ', '\n  ', 'a: 1\n', '"', "'", '0'), maxLength: 40 });
    fc.assert(fc.property(texts, sameMeaning), { numRuns: 2000, seed: 42 });
  });

  it('the fast path reads over a fifth of the documents, and the generator reaches every refusal', () => {
    expect(outcomes.fast).toBeGreaterThan(outcomes.runs / 5);
    for (const code of ['yaml/directive', 'yaml/tag', 'yaml/merge-key', 'yaml/leading-zero', 'yaml/duplicate-key', 'yaml/forbidden-key', 'yaml/syntax']) {
      expect(outcomes.refused.get(code) ?? 0, code).toBeGreaterThan(0);
    }
  });
});

describe('the fast reader', () => {
  it.each([
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a tag', 'a: !!str 5\n'],
    ['a merge key', 'b: {x: 1}\nc: {<<: {y: 2}}\n'],
    ['a leading zero', 'a: 0310\n'],
    ['a flow sequence over two lines', 'a:\n  b: [1,\n  2]\n'],
    ['a quoted scalar over two lines', 'a: "x\ny"\n'],
    ['a null key', '~: 1\n'],
    ['a flow sequence as a key', '[a, b]: 1\n'],
    ['a bare carriage return', 'a: b\rc: d\n'],
    ['a signed .5', 'a: -.5\n'],
    ['a signed hex number', 'a: -0x1F\n'],
    // Found by the property above: js-yaml and yaml differ on each.
    ['-0 (0 for js-yaml)', 'a: -0\n'],
    ['a number past a double (a string for js-yaml, Infinity for yaml)', 'a: 1e400\n'],
    ['a spaced colon before a leading zero', 'a: {"b" :0310}\n'],
    ['an empty entry of a nested list (js-yaml moves the next outer entries in)', 'x:\n  - - a\n    -\n  - c\n'],
    ['a comment right after a quote (yaml refuses it)', 'a: "a"# c\n'],
    ['content on the --- line (yaml refuses it)', '--- a: 1\n'],
    ['a \\U escape past U+10FFFF (yaml refuses it)', 'a: "\\U00110000"\n'],
    ['an indentation indicator (the readers keep different blanks)', 'a: >-2\n\n\n   \n'],
    ['a line of spaces (the readers keep different blanks)', 'a: |+\n  x\n \n'],
  ])('declines %s', (_, yaml) => {
    expect(readFast(yaml)).toBeUndefined();
  });

  it('reads prose that only looks like tokens: in comments, block scalars and plain scalars', () => {
    const yaml = '# seeds 000, 001 (9:00 PT) "open\nd: >\n  seeds 000, 001; 100 * x != y;\n  drops >10% (2,000,000 bytes), "open\np: room 0310, 100 * x\n';
    expect(readFast(yaml)).toEqual({ d: 'seeds 000, 001; 100 * x != y; drops >10% (2,000,000 bytes), "open\n', p: 'room 0310, 100 * x' });
  });

  it('reads a plain document, with quotes, brackets, comments and PromQL', () => {
    const yaml = "a: 'x' # c\nb: [1, \"]\", {c: d}]\nq: sum(rate(x{flag!=\"{{flag}}\"}[5m])) > 0\nn: 0.5\nt: |\n  line [\n";
    expect(readFast(yaml)).toEqual({ a: 'x', b: [1, ']', { c: 'd' }], q: 'sum(rate(x{flag!="{{flag}}"}[5m])) > 0', n: 0.5, t: 'line [\n' });
  });
});

describe('YAML 1.2 core only: each refusal with its code, position and hint', () => {
  const envelope = 'apiVersion: rollgate/v1\nkind: Rollout\nmetadata:\n  name: x\n';
  it.each([
    ['%YAML 1.1', '%YAML 1.1\n---\n' + envelope, 1, 1, 'yaml/directive', 'delete the directive line'],
    ['%YAML 1.2', '%YAML 1.2\n---\n' + envelope, 1, 1, 'yaml/directive', 'delete the directive line'],
    ['%TAG', '%TAG !e! tag:example.com,2000:\n---\n' + envelope, 1, 1, 'yaml/directive', 'delete the directive line'],
    ['%YAML with no ---', '%YAML 1.1\n' + envelope, 1, 1, 'yaml/directive', 'delete the directive line'],
    ['a local tag', envelope + 'spec: !note {}\n', 5, 7, 'yaml/tag', 'delete the tag'],
    ['!!str', envelope + 'spec:\n  flag: !!str 5\n', 6, 9, 'yaml/tag', 'delete the tag'],
    ['!!int', envelope + 'spec:\n  x: !!int "3"\n', 6, 6, 'yaml/tag', 'delete the tag'],
    ['a verbatim tag', envelope + 'spec:\n  x: !<tag:yaml.org,2002:str> 3\n', 6, 6, 'yaml/tag', 'delete the tag'],
    ['the non-specific tag', envelope + 'spec:\n  x: ! 3\n', 6, 6, 'yaml/tag', 'delete the tag'],
    ['a tag on a key', envelope + 'spec:\n  !!str x: 3\n', 6, 3, 'yaml/tag', 'delete the tag'],
    ['a tag in a flow sequence', envelope + 'spec:\n  x: [1, !e!y 2]\n', 6, 10, 'yaml/tag', 'delete the tag'],
    ['a tag on the document', '--- !!map\n' + envelope, 1, 5, 'yaml/tag', 'delete the tag'],
    ['a merge key with an alias', envelope + 'base: &b {flag: x}\nspec:\n  <<: *b\n', 7, 3, 'yaml/merge-key', 'write the keys out'],
    ['a merge key with a mapping', envelope + 'spec:\n  <<: {flag: x}\n', 6, 3, 'yaml/merge-key', 'write the keys out'],
    ['a merge key in a flow mapping', envelope + 'spec: {<<: {flag: x}}\n', 5, 8, 'yaml/merge-key', 'write the keys out'],
    ['a merge key in a list item', envelope + 'spec:\n  stages:\n    - <<: {name: x}\n', 7, 7, 'yaml/merge-key', 'write the keys out'],
    ['0310', envelope + 'spec:\n  x: 0310\n', 6, 6, 'yaml/leading-zero', 'write 310, or quote it if it is a string'],
    ['-012', envelope + 'spec:\n  x: -012\n', 6, 6, 'yaml/leading-zero', 'write -12, or quote it'],
    ['+07', envelope + 'spec:\n  x: [1, +07]\n', 6, 10, 'yaml/leading-zero', 'write 7, or quote it'],
    ['00', envelope + 'spec:\n  - 00\n', 6, 5, 'yaml/leading-zero', 'write 0, or quote it'],
    ['a leading zero in a key', envelope + 'spec:\n  0310: x\n', 6, 3, 'yaml/leading-zero', 'write 310'],
  ])('%s', (_, yaml, line, col, code, hint) => {
    const parsed = parseConfig('rollout/x.yaml', new TextEncoder().encode(yaml));
    expect(parsed.ok).toBe(false);
    const found = parsed.diagnostics.find((d) => d.code === code);
    expect(found, JSON.stringify(parsed.diagnostics)).toMatchObject({ file: 'rollout/x.yaml', line, col, code, severity: 'error' });
    expect(found?.hint).toContain(hint);
    expect(found?.message).toBeTruthy();
  });

  it.each([
    ['0', 'x: 0\n'],
    ['0.5', 'x: 0.5\n'],
    ["'0310'", "x: '0310'\n"],
    ['"0310"', 'x: "0310"\n'],
    ['10', 'x: 10\n'],
    ['a quoted << key', "'<<': 1\n"],
    ['<< as a value', 'x: <<\n'],
    ['0310 inside a plain string', 'x: room 0310\n'],
    ['! inside a string', 'x: a != b\n'],
    ['% inside a line', 'x: 50%\n'],
  ])('accepts %s', (_, yaml) => {
    const read = readPositioned('x.yaml', yaml);
    expect(read.ok, read.ok ? '' : JSON.stringify(read.diagnostics)).toBe(true);
  });

  it('reads a %YAML 1.1 file as YAML 1.2 core even though it is refused: no octal, no yes, no merge', () => {
    const read = readPositioned('x.yaml', '%YAML 1.1\n---\na: 0310\nb: yes\nc: &c {x: 1}\nd:\n  <<: *c\n');
    expect(read.ok).toBe(false);
    expect(read.file.doc.toJS()).toEqual({ a: 310, b: 'yes', c: { x: 1 }, d: { '<<': { x: 1 } } });
  });
});
