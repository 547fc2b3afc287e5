// The runbook mapping documents (rollout/runbooks/NAME.md, or docs/runbooks/NAME.md) stay honest:
// every config path they cite exists, and every stage, gate, rollback-matrix row and alert rule
// of rollout NAME and its alert files is cited. Format: Markdown tables whose second column
// holds only backticked citations `FILE#PATH` (PATH: dotted keys and [index], as
// `rollout/NAME.yaml#spec.gates.canary.mustPass[2]` or `alerts/NAME.yaml#spec.rules[3]`), or
// `—`; the third column is the verdict: exact, changed …, or not expressible ….
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateRepository } from '../scripts/rules/validate-repository.ts';
import { ROOT } from './helpers/cli.ts';

const DIRS = ['rollout/runbooks', 'docs/runbooks'];
const docs = DIRS.flatMap((dir) => (existsSync(join(ROOT, dir)) ? readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.md')).map((f) => `${dir}/${f}`) : []));
const { model } = await validateRepository(ROOT);

interface Row {
  line: number;
  cells: string[];
}

/** The body rows of every Markdown table: header and separator rows skipped, cells split on unescaped pipes. */
function tableRows(text: string): Row[] {
  const rows: Row[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line.startsWith('|')) return;
    const previous = lines[i - 1]?.trim() ?? '';
    const next = lines[i + 1]?.trim() ?? '';
    if (/^\|[\s:|-]+\|$/.test(line) || (!previous.startsWith('|') && /^\|[\s:|-]+\|$/.test(next))) return; // separator, header
    const cells = line.slice(1, line.endsWith('|') ? -1 : undefined).split(/(?<!\\)\|/).map((c) => c.trim());
    rows.push({ line: i + 1, cells });
  });
  return rows;
}

/** `spec.gates.canary.mustPass[2]` → ['spec', 'gates', 'canary', 'mustPass', 2]. */
function pathOf(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`not a path: ${path}`);
    if (m[1]) out.push(m[1]);
    for (const index of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}

function resolves(doc: unknown, path: (string | number)[]): boolean {
  let node = doc;
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(node) || key >= node.length) return false;
      node = node[key];
    } else {
      if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, key)) return false;
      node = (node as Record<string, unknown>)[key];
    }
  }
  return true;
}

const CITATION = /^`([^`#\s]+)#([^`\s]+)`$/;
const yamlOf = new Map<string, unknown>();
const load = (file: string) => {
  if (!yamlOf.has(file)) yamlOf.set(file, existsSync(join(ROOT, file)) ? parse(readFileSync(join(ROOT, file), 'utf8')) : undefined);
  return yamlOf.get(file);
};

it('there is a mapping document for every rollout', () => {
  const names = docs.map((d) => d.split('/').at(-1)!.replace(/\.md$/, ''));
  expect([...model.rolloutByName.keys()].filter((r) => !names.includes(r))).toEqual([]);
});

describe.each(docs)('%s', (doc) => {
  const name = doc.split('/').at(-1)!.replace(/\.md$/, '');
  const rows = tableRows(readFileSync(join(ROOT, doc), 'utf8'));
  const citations = rows.flatMap((row) => (row.cells[1] === '—' ? [] : row.cells[1].split(/\s+/).map((c) => ({ row, text: c }))));

  it('names a rollout of the repository', () => {
    expect(model.rolloutByName.get(name), `${doc}: no rollout "${name}"`).toBeDefined();
  });

  it('every row: three or more cells, only citations (or —) in the second, a verdict in the third', () => {
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.cells.length, `${doc}:${row.line}`).toBeGreaterThanOrEqual(3);
      if (row.cells[1] !== '—') for (const c of row.cells[1].split(/\s+/)) expect(c, `${doc}:${row.line}`).toMatch(CITATION);
      expect(row.cells[2], `${doc}:${row.line}`).toMatch(/^(exact|changed|not expressible)\b/);
    }
  });

  it('every cited path exists', () => {
    for (const { row, text } of citations) {
      const [, file, path] = CITATION.exec(text)!;
      const parsed = load(file);
      expect(parsed, `${doc}:${row.line}: ${file} does not exist`).toBeDefined();
      expect(resolves(parsed, pathOf(path)), `${doc}:${row.line}: ${text} does not resolve`).toBe(true);
    }
  });

  it('cites every stage, gate and rollback-matrix row of the rollout, and every rule of its alert files', () => {
    const rollout = model.rolloutByName.get(name)!;
    const cited = citations.map(({ text }) => CITATION.exec(text)!).map(([, file, path]) => `${file}#${path}`);
    const covered = (item: string) => cited.some((c) => c === item || c.startsWith(`${item}.`) || c.startsWith(`${item}[`));
    const items = [
      ...rollout.doc.spec.stages.map((_, i) => `${rollout.file.path}#spec.stages[${i}]`),
      ...Object.keys(rollout.doc.spec.gates ?? {}).map((stage) => `${rollout.file.path}#spec.gates.${stage}`),
      ...(rollout.doc.spec.rollback ?? []).map((_, i) => `${rollout.file.path}#spec.rollback[${i}]`),
      ...model.alertRules.filter((a) => a.doc.spec.rollout === name).flatMap((a) => a.doc.spec.rules.map((_, i) => `${a.file.path}#spec.rules[${i}]`)),
    ];
    expect(items.filter((item) => !covered(item))).toEqual([]);
  });
});
