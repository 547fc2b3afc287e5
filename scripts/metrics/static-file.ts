import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Measurement, MetricsProvider } from './port.ts';

/** A metrics file that cannot be used: unreadable, not YAML/JSON, or not metric → number. */
export class MetricsFileError extends Error {
  override name = 'MetricsFileError';
  constructor(
    readonly reason: string,
    readonly file: string,
    readonly line?: number,
    readonly col?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}:${col}` : ''}: ${reason}`);
  }
}

type Entry = number | { treatment?: number; control?: number; shadow?: number };

const VARIANTS = ['treatment', 'control', 'shadow'] as const;

/**
 * Answers from a YAML or JSON file (`--metrics FILE`): metric → number, or → {treatment, control}.
 * Reads and checks the whole file now, so a broken file fails before any gate runs.
 */
export function staticFileProvider(path: string, shownAs: string = path, text?: string): MetricsProvider {
  const entries = readMetricsFile(path, shownAs, text);
  return {
    name: `file ${shownAs}`,
    counts: false,
    async measure(request): Promise<Measurement> {
      const entry = entries.get(request.metric);
      if (entry === undefined) return { ok: false, reason: `no value for ${request.metric} in ${shownAs}` };
      const variant = request.variant ?? 'treatment';
      if (typeof entry === 'number') {
        // One value is the new code path's; reusing it as the baseline would make every vsBaseline ratio 1 and pass.
        if (variant === 'control') return { ok: false, reason: `${request.metric} in ${shownAs} has one value, no control baseline: write {treatment: x, control: y}` };
        return { ok: true, value: entry };
      }
      const value = entry[variant];
      if (value === undefined) return { ok: false, reason: `no ${variant} value for ${request.metric} in ${shownAs}` };
      return { ok: true, value };
    },
  };
}

function readMetricsFile(path: string, shownAs: string, given?: string): Map<string, Entry> {
  let text: string;
  try {
    text = given ?? readFileSync(path, 'utf8');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new MetricsFileError(`cannot read the metrics file (${e.code === 'ENOENT' ? 'no such file' : (e.code ?? e.message)})`, shownAs);
  }
  // YAML 1.2 reads JSON too, and gives both the same line:col errors.
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const fail = (reason: string, offset: number | undefined): never => {
    const pos = offset === undefined ? undefined : lineCounter.linePos(offset);
    throw new MetricsFileError(reason, shownAs, pos?.line, pos?.col);
  };
  const [first] = doc.errors;
  if (first) fail(first.message.split('\n')[0], first.pos[0]);

  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) fail('the file is empty: expected metric name → number', 0);
  if (!isMap(root)) fail('expected a mapping of metric name → number or {treatment, control}', root?.range?.[0]);
  const entries = new Map<string, Entry>();
  for (const pair of (root as { items: { key: unknown; value: unknown }[] }).items) {
    const key = pair.key as Node | null;
    const name = isScalar(key) ? key.value : undefined;
    if (typeof name !== 'string' || name === '') fail('a metric name must be a non-empty string', key?.range?.[0]);
    const value = pair.value as Node | null;
    const at = value?.range?.[0] ?? key?.range?.[0];
    if (isMap(value)) {
      const entry: { treatment?: number; control?: number; shadow?: number } = {};
      for (const item of value.items) {
        const k = item.key as Node | null;
        const variant = isScalar(k) ? k.value : undefined;
        if (!VARIANTS.includes(variant as (typeof VARIANTS)[number])) fail(`${name}: "${String(variant)}" is not a variant (treatment or control)`, k?.range?.[0]);
        entry[variant as (typeof VARIANTS)[number]] = numberAt(item.value as Node | null, `${name}.${String(variant)}`, 'a number', fail, at);
      }
      if (entry.treatment === undefined && entry.control === undefined) fail(`${name}: give treatment, control or both`, at);
      entries.set(name as string, entry);
    } else {
      entries.set(name as string, numberAt(value, name as string, 'a number or {treatment: number, control: number}', fail, at));
    }
  }
  return entries;
}

function numberAt(node: Node | null, what: string, expected: string, fail: (reason: string, offset: number | undefined) => never, fallback: number | undefined): number {
  const value = isScalar(node) ? node.value : undefined;
  if (typeof value !== 'number') return fail(`${what} must be ${expected}, got ${describe(node)}`, node?.range?.[0] ?? fallback);
  if (!Number.isFinite(value)) return fail(`${what} must be a finite number, got ${value}`, node?.range?.[0] ?? fallback);
  return value;
}

function describe(node: Node | null): string {
  if (!node || (isScalar(node) && node.value === null)) return 'nothing';
  if (isScalar(node)) return typeof node.value === 'string' ? `"${node.value}"` : String(node.value);
  return isMap(node) ? 'a mapping' : isSeq(node) ? 'a list' : 'an alias';
}
