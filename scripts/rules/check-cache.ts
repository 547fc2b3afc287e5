import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashBytes, type FileResult, type Stamp } from './check-file.ts';

/** Where check results are kept, and what they depend on besides each file's bytes. */
export interface CacheOptions {
  /** A folder of its own, e.g. $XDG_CACHE_HOME/rollgate. */
  dir: string;
  /** rollgate's code, dependencies and Node (code-identity.ts): results of other code are never used. */
  code: string;
}

interface Entry {
  /** Size and mtime as read, the hash of the bytes, and when: a file changed within a moment of that may keep its size and mtime, so such a stamp is not trusted. */
  stamp: Stamp;
  result: FileResult;
}

interface Pack {
  format: 1;
  code: string;
  entries: Record<string, Entry>;
}

/** A file modified this close to the moment it was read is read and hashed again (racy stamps, as git's index has them). */
const RACY_MS = 2000;
/** Packs of repositories not validated for this long are removed. */
const UNUSED_MS = 14 * 24 * 3600 * 1000;
/** Entries are spread over this many pack files by path, so a one-file change rewrites one small pack, not all. */
const SHARDS = 32;

export interface CacheLookup {
  /** Results that are still right: same path, same bytes, same code. */
  hits: Map<string, FileResult>;
  /** Files to check afresh, in their order. */
  misses: string[];
  /** Records the fresh results (stamped) with the hits, dropping files that are gone; rewrites only the packs that changed. */
  save(fresh: FileResult[]): void;
}

/**
 * A content-addressed cache of per-file check results (diagnostics, and the document the
 * cross-file rules read): a folder per repository, each entry keyed by the file's path,
 * the sha256 of its bytes and the code. A file whose size, mtime, ctime and inode are as
 * recorded (and were not racy) is not even read; otherwise it is read and hashed, and a hash
 * that matches is still a hit (a fresh clone). A file that cannot be read now, or anything
 * broken in a pack, is a miss, never an error.
 */
export function lookupCache(repoDir: string, files: readonly string[], options: CacheOptions): CacheLookup {
  const folder = join(options.dir, `validate-${createHash('sha256').update(repoDir).digest('hex').slice(0, 24)}`);
  const shardOf = (path: string) => createHash('sha1').update(path).digest()[0] % SHARDS;
  const packs = Array.from({ length: SHARDS }, (_, i) => readPack(join(folder, `${i}.json`), options.code));
  const hits = new Map<string, FileResult>();
  const misses: string[] = [];
  const kept: Record<string, Entry>[] = packs.map(() => ({}));
  const changed = new Set<number>();
  const listed = new Set(files);
  packs.forEach((pack, i) => {
    if (Object.keys(pack.entries).some((path) => !listed.has(path))) changed.add(i); // a file gone
  });
  for (const path of files) {
    const shard = shardOf(path);
    const entry = packs[shard].entries[path];
    const hit = entry && stillValid(join(repoDir, path), entry);
    if (!hit) {
      misses.push(path);
      continue;
    }
    if (hit !== entry) changed.add(shard);
    kept[shard][path] = hit;
    hits.set(path, hit.result);
  }
  return {
    hits,
    misses,
    save(fresh) {
      for (const r of fresh) {
        if (!r.stamp) continue; // unread (too large, unreadable): checked every time, cheaply
        if (!jsonExact(r.value)) continue; // would not read back as the check made it: checked every time
        const shard = shardOf(r.path);
        kept[shard][r.path] = { stamp: r.stamp, result: { ...r, stamp: undefined } };
        changed.add(shard);
      }
      if (!changed.size) return;
      try {
        mkdirSync(folder, { recursive: true });
        for (const i of changed) {
          const file = join(folder, `${i}.json`);
          const tmp = `${file}.${process.pid}.tmp`;
          writeFileSync(tmp, JSON.stringify({ format: 1, code: options.code, entries: kept[i] } satisfies Pack));
          renameSync(tmp, file); // atomic: a concurrent run reads the old pack or the new one
        }
        prune(options.dir, folder, Date.now());
      } catch {
        // A cache that cannot be written only costs the next run its speed.
      }
    },
  };
}

/** The entry when the file still has the bytes it was checked from (restamped when read again), else undefined. */
function stillValid(path: string, entry: Entry): Entry | undefined {
  const at = Date.now();
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return undefined;
  }
  const { stamp } = entry;
  if (stat.size !== stamp.size) return undefined;
  const same = stat.mtimeMs === stamp.mtimeMs && stat.ctimeMs === stamp.ctimeMs && stat.ino === stamp.ino;
  if (same && Math.max(stamp.mtimeMs, stamp.ctimeMs) < stamp.at - RACY_MS) return entry;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  if (hashBytes(bytes) !== stamp.hash) return undefined;
  return { ...entry, stamp: { ...stamp, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, ino: stat.ino, at } };
}

/**
 * Whether JSON gives back exactly this document, as a worker's structured clone does: plain
 * objects and arrays of strings, finite numbers, booleans and null, and no key set to undefined.
 */
function jsonExact(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || value === undefined) return true; // undefined: no document
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every((v) => v !== undefined && jsonExact(v));
  if (typeof value !== 'object' || ![Object.prototype, null].includes(Object.getPrototypeOf(value))) return false;
  return Object.values(value).every((v) => v !== undefined && jsonExact(v));
}

function readPack(file: string, code: string): Pack {
  try {
    const pack = JSON.parse(readFileSync(file, 'utf8')) as Pack;
    if (pack.format === 1 && pack.code === code && pack.entries && typeof pack.entries === 'object') return pack;
  } catch {
    // none yet, or unreadable: start afresh
  }
  return { format: 1, code, entries: {} };
}

function prune(dir: string, keep: string, now: number): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === keep || !name.startsWith('validate-')) continue;
    try {
      if (now - statSync(path).mtimeMs > UNUSED_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // removed meanwhile
    }
  }
}
