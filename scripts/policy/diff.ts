/** A path into a plain value. */
export type ValuePath = (string | number)[];

/**
 * Where two plain values (parsed config) differ: the deepest paths whose values are not
 * equal. Lists of different lengths are reported as a whole; own properties only.
 */
export function diffPaths(a: unknown, b: unknown, path: ValuePath = []): ValuePath[] {
  if (Object.is(a, b)) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [path];
    return a.flatMap((x, i) => diffPaths(x, b[i], [...path, i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].sort().flatMap((k) => (Object.hasOwn(a, k) && Object.hasOwn(b, k) ? diffPaths(a[k], b[k], [...path, k]) : [[...path, k]]));
  }
  return [path];
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `spec.gates.staged.mustPass[0]` */
export function showPath(path: ValuePath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');
}
