// Compilers report every error they can find: a schema error inside one item of a document
// (a stage, a gate criterion, a metric, an alert rule, a channel…) drops that item, and the
// rest of the document still reaches the rules. Pure: plain data in, plain data out.
import type { z } from 'zod';
import type { Kind } from './schema/index.ts';
import type { Path } from './source.ts';

/** A map key (a record entry) or a list index at this place of a pattern. */
const KEY = Symbol('key');
const INDEX = Symbol('index');
type Pattern = readonly (string | typeof KEY | typeof INDEX)[];

const criteriaOf = (gate: Pattern): Pattern[] => [
  [...gate, 'mustPass', INDEX],
  [...gate, 'blockers', INDEX],
  // whole: atLeast counts its criteria, so one dropped would make a follow-on gate/at-least
  [...gate, 'shouldPass'],
  [...gate, 'approvals', INDEX],
];

/**
 * Where a document may lose an item and still be read. A schema error anywhere else (the
 * envelope, metadata, a field of spec itself) drops the whole document, as it must: what
 * is left would not say what the file means.
 */
const ITEMS: Readonly<Record<Kind, readonly Pattern[]>> = {
  Rollout: [
    ['spec', 'stages', INDEX],
    ['spec', 'environments', KEY],
    ['spec', 'gates', KEY],
    ...criteriaOf(['spec', 'gates', KEY]),
    // a shared gate itself is not dropped: the gates that extend it would say "unknown"
    ...criteriaOf(['spec', 'sharedGates', KEY]),
    ['spec', 'rollback', INDEX],
  ],
  Metrics: [['spec', 'metrics', KEY]],
  Environments: [
    ['spec', 'environments', KEY],
    ['spec', 'approverGroups', KEY],
  ],
  AlertRules: [['spec', 'rules', INDEX]],
  Channels: [['spec', 'channels', KEY]],
};

/** The deepest item of `kind` that holds `path`, or undefined when none does. */
function itemOf(kind: Kind, path: Path): Path | undefined {
  let best: Path | undefined;
  for (const pattern of ITEMS[kind]) {
    if (pattern.length > path.length || (best && pattern.length <= best.length)) continue;
    const fits = pattern.every((p, i) => (p === KEY ? typeof path[i] === 'string' : p === INDEX ? typeof path[i] === 'number' : p === path[i]));
    if (fits) best = path.slice(0, pattern.length);
  }
  return best;
}

export interface Salvaged {
  /** The schema's output for the document without the dropped items. */
  value: unknown;
  /** Where the dropped items are in the file (paths of the text, not of `value`). */
  dropped: Path[];
}

/** More rounds than this and the document is given up (each round drops at least one item). */
const MAX_ROUNDS = 8;

/**
 * The document without the items its schema issues are in, if that passes the schema. A
 * list loses its item (later indexes shift: `dropped` and mapPath say where each was), a map
 * its entry. Undefined when an issue is outside every item, or dropping leaves the document
 * invalid (a rollout whose only stage was dropped).
 */
export function salvage(kind: Kind, schema: z.ZodType, object: unknown, issues: readonly z.core.$ZodIssue[]): Salvaged | undefined {
  let value = copy(object);
  const dropped: Path[] = [];
  let current = issues;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const items = new Map<string, Path>();
    for (const issue of current) {
      const item = itemOf(kind, issue.path as Path);
      if (!item) return undefined;
      items.set(JSON.stringify(item), item);
    }
    // Later indexes first, so removing one does not move the next.
    const ordered = [...items.values()].sort((a, b) => compareDesc(a, b));
    for (const item of ordered) {
      dropped.push(mapPath(dropped, item));
      remove(value, item);
    }
    const result = schema.safeParse(value);
    if (result.success) return { value: result.data, dropped: dropped.sort(compareAsc) };
    current = result.error.issues;
    value = copy(value);
  }
  return undefined;
}

/**
 * A path into the document without the dropped items, as a path into the file: each list
 * index moves past the items dropped before it.
 */
export function mapPath(dropped: readonly Path[], path: Path): Path {
  if (!dropped.length) return path;
  const out: (string | number)[] = [];
  for (const segment of path) {
    if (typeof segment !== 'number') {
      out.push(segment);
      continue;
    }
    const gone = dropped
      .filter((d) => d.length === out.length + 1 && typeof d[out.length] === 'number' && out.every((s, i) => d[i] === s))
      .map((d) => d[out.length] as number)
      .sort((a, b) => a - b);
    let index = segment;
    for (const g of gone) if (g <= index) index++;
    out.push(index);
  }
  return out;
}

function remove(root: unknown, path: Path): void {
  let node = root;
  for (const segment of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return;
    node = (node as Record<string | number, unknown>)[segment];
  }
  const last = path[path.length - 1];
  if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
  else if (node !== null && typeof node === 'object') delete (node as Record<string | number, unknown>)[last];
}

/** A deep copy without shared parts (an alias makes two places one object; one of them may lose an item). */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = copy(v);
  return out;
}

function compareAsc(a: Path, b: Path): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    return typeof a[i] === 'number' && typeof b[i] === 'number' ? (a[i] as number) - (b[i] as number) : String(a[i]) < String(b[i]) ? -1 : 1;
  }
  return a.length - b.length;
}

const compareDesc = (a: Path, b: Path) => compareAsc(b, a);
