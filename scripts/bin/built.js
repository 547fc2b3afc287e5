// Where the CLI built ahead of time lives, and whether it was built from the sources as they are now.
// Plain JavaScript: the bin reads it before any TypeScript loader exists.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const SOURCES = join(ROOT, 'scripts');
/** Git-ignored (build/), written by `npm run build`, which `npm ci` runs through `prepare`. */
export const BUILD_DIR = join(ROOT, 'build', 'cli');
export const MANIFEST = join(BUILD_DIR, 'manifest.json');

/**
 * Every file under scripts/ as its path, size and modification time, hashed: an edit, a new
 * file or a removed one changes it. Stats only (about a millisecond), no reads: this runs on
 * every start. A copy that does not keep times just looks stale, which is the safe side.
 */
export function sourceFingerprint() {
  const hash = createHash('sha256');
  for (const name of readdirSync(SOURCES, { recursive: true }).sort()) {
    const s = statSync(join(SOURCES, name));
    if (s.isFile()) hash.update(`${name}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/**
 * The contents of every file under scripts/, package.json and package-lock.json, hashed, with
 * Node's version: everything a file's check result depends on besides the file. Reads about
 * 2 MB; the build computes it once and bakes it into the bundle.
 */
export function codeIdentity() {
  const hash = createHash('sha256').update(`node ${process.version}\n`);
  for (const name of readdirSync(SOURCES, { recursive: true }).sort()) {
    const path = join(SOURCES, name);
    if (statSync(path).isFile()) hash.update(`${name}\0`).update(readFileSync(path)).update('\0');
  }
  for (const name of ['package.json', 'package-lock.json']) {
    try {
      hash.update(`${name}\0`).update(readFileSync(join(ROOT, name))).update('\0');
    } catch {
      hash.update('absent\0');
    }
  }
  return hash.digest('hex');
}

/** The built entry point when it was built from exactly these sources; undefined otherwise. */
export function freshBuild() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return undefined; // never built (`npm ci --ignore-scripts`) or half removed
  }
  return manifest.sources === sourceFingerprint() ? join(BUILD_DIR, manifest.entry) : undefined;
}
