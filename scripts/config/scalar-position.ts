import { isScalar, Scalar } from 'yaml';
import { offsetPosition, nodeAt, locate, type Path, type Position, type SourceFile } from './source.ts';

/**
 * The position of character `offset` of the string value at `path`, mapped through
 * the scalar's quoting or block style so an error inside a string points at its line.
 */
export function positionInString(file: SourceFile, path: Path, offset: number): Position {
  const node = nodeAt(file, path);
  if (!isScalar(node) || !node.range) return locate(file, path);
  const start = node.range[0];
  const source = file.text.slice(start, node.range[1]);
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    // value line k is the k-th non-header line; its indentation is stripped in the value
    const value = String(node.value);
    const before = value.slice(0, offset);
    const lineIndex = before.split('\n').length - 1;
    const colInLine = before.length - (before.lastIndexOf('\n') + 1);
    const header = offsetPosition(file, start);
    const contentLines = source.split('\n').slice(1);
    const indent = contentLines.find((l) => l.trim())?.match(/^ */)?.[0].length ?? 0;
    return { line: header.line + 1 + lineIndex, col: indent + colInLine + 1 };
  }
  const quote = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE ? 1 : 0;
  if (source.includes('\n')) return offsetPosition(file, start); // folded plain or quoted: the start is as close as it gets
  return offsetPosition(file, start + quote + offset);
}
