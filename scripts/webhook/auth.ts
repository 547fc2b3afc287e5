import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares a bearer token in constant time: digests of equal length, so neither content nor length leaks. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '';
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b) && given.length > 0;
}
