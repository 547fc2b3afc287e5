/** Byte offset of the first invalid UTF-8 sequence, or -1 when the buffer is valid. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0 || i + need >= bytes.length) return i;
    for (let k = 1; k <= need; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    // overlongs and surrogates
    if (b === 0xe0 && bytes[i + 1] < 0xa0) return i;
    if (b === 0xed && bytes[i + 1] > 0x9f) return i;
    if (b === 0xf0 && bytes[i + 1] < 0x90) return i;
    if (b === 0xf4 && bytes[i + 1] > 0x8f) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line and column (in characters) of a byte offset in an UTF-8 prefix that is valid. */
export function bytePosition(bytes: Uint8Array, offset: number): { line: number; col: number } {
  const prefix = Buffer.from(bytes.subarray(0, offset)).toString('utf8');
  const lastNewline = prefix.lastIndexOf('\n');
  const line = prefix.split('\n').length;
  return { line, col: prefix.length - lastNewline };
}
