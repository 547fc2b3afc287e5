import { isScalar, Scalar } from 'yaml';
import { locate, nodeAt, offsetPosition, type Path, type Position, type SourceFile } from './source.ts';

/**
 * The position of character `offset` of the string value at `path`, mapped through the
 * scalar's style so an error inside a string points at its line and column. Each source
 * line contributes its text plus one character (the newline of a literal block, or the
 * space a folded or multi-line flow scalar turns it into).
 */
export function positionInString(file: SourceFile, path: Path, offset: number): Position {
  const node = nodeAt(file, path);
  if (!isScalar(node) || !node.range) return locate(file, path);
  const start = offsetPosition(file, node.range[0]);
  const lines = file.text.slice(node.range[0], node.range[1]).split('\n');
  const block = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
  const quote = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE ? 1 : 0;
  const content = block ? lines.slice(1) : lines;
  const firstLine = start.line + (block ? 1 : 0);
  let remaining = offset;
  for (const [i, raw] of content.entries()) {
    const indent = !block && i === 0 ? 0 : raw.length - raw.trimStart().length;
    const text = raw.slice(indent).replace(/\s+$/, '');
    const col = !block && i === 0 ? start.col + quote : indent + 1;
    if (remaining <= text.length || i === content.length - 1) return { line: firstLine + i, col: col + Math.min(remaining, text.length) };
    remaining -= text.length + 1;
  }
  return start;
}
