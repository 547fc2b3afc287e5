import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { mapPath } from './salvage.ts';

/** A path into a document, as zod and yaml both spell it. */
export type Path = ReadonlyArray<string | number>;

/** One parsed file: its text, its yaml Document and the line counter for positions. */
export interface SourceFile {
  /** Relative to the repository, forward slashes. */
  path: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /**
   * A path into the document the rules read as a path into the text: set when items that
   * failed their schema were dropped from it (a later list item moved up).
   */
  mapPath?: (path: Path) => Path;
}

export interface Position {
  line: number;
  col: number;
}

/**
 * Where `path` is in the file. `key` points at the mapping key instead of the value.
 * A path that does not exist resolves to the deepest key that does.
 */
export function locate(file: SourceFile, given: Path, at: 'key' | 'value' = 'value'): Position {
  const path = file.mapPath?.(given) ?? given;
  let node: unknown = file.doc.contents;
  let keyNode: Node | undefined;
  let complete = true;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && scalarKey(p.key) === String(segment));
      if (!pair) {
        complete = false;
        break;
      }
      keyNode = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      node = node.items[segment];
      keyNode = node as Node;
    } else {
      complete = false;
      break;
    }
  }
  const target = (complete && at === 'value' && node && (node as Node).range ? node : keyNode ?? node) as Node | undefined;
  return target?.range ? offsetPosition(file, target.range[0]) : { line: 1, col: 1 };
}

export function offsetPosition(file: SourceFile, offset: number): Position {
  const { line, col } = file.lineCounter.linePos(offset);
  return { line, col };
}

/** The yaml node at `path`, if there is one. */
export function nodeAt(file: SourceFile, path: Path): Node | undefined {
  const node = file.doc.getIn((file.mapPath?.(path) ?? path) as (string | number)[], true);
  return node && typeof node === 'object' ? (node as Node) : undefined;
}

function scalarKey(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

/** `file` as the rules see a document that lost the items at `dropped` (paths of the text). */
export function withDropped(file: SourceFile, dropped: readonly Path[]): SourceFile {
  if (!dropped.length) return file;
  return {
    path: file.path,
    get text() {
      return file.text;
    },
    get doc() {
      return file.doc;
    },
    get lineCounter() {
      return file.lineCounter;
    },
    mapPath: (path) => mapPath(dropped, path),
  };
}
