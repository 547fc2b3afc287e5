import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel } from '../config/model.ts';
import { MAX_FILE_BYTES, parseConfig, tooLarge } from '../config/parse.ts';
import type { Kind } from '../config/schema/index.ts';
import type { Path } from '../config/source.ts';
import type { Diagnostic } from '../report/diagnostic.ts';
import { FILE_RULES } from './index.ts';
import { runRules } from './rule.ts';

/** What checking one file yields: plain data, so it can cross a worker boundary. */
export interface FileResult {
  path: string;
  /** The document passed its schema and joins the model. */
  ok: boolean;
  kind?: Kind;
  /** The document; when it did not pass its schema, what is left without the items in error (the rules read it, commands do not). */
  value?: unknown;
  /** Where those items are in the file (salvage.ts). */
  dropped?: Path[];
  /** The decoded text, when the file has diagnostics (for positions and source lines); otherwise read again on demand. */
  text?: string;
  diagnostics: Diagnostic[];
  /** What was read, when asked for (a cache keys the result by it): the file's stat before the read, and the hash of the bytes checked. */
  stamp?: Stamp;
}

export interface Stamp {
  size: number;
  mtimeMs: number;
  /** Changes with the content and also with permissions, owner or a rename. */
  ctimeMs: number;
  /** Another file behind the same path (a symbolic link pointed elsewhere) has another inode. */
  ino: number;
  /** sha256 of the bytes, hex. */
  hash: string;
  /** When the file was read (ms since the epoch). */
  at: number;
}

export const hashBytes = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** bytes → document → schema → the rules that need only this document. */
export function checkFile(path: string, bytes: Uint8Array): FileResult {
  const parsed = parseConfig(path, bytes);
  if (!parsed.ok && parsed.kind && parsed.file) {
    const { kind, file, value, dropped } = parsed;
    const diagnostics = [...parsed.diagnostics, ...runRules(buildModel([{ kind, file, value, dropped }]), FILE_RULES)];
    return { path, ok: false, kind, value, dropped, text: file.text, diagnostics };
  }
  if (!parsed.ok) return { path, ok: false, text: parsed.file?.text, diagnostics: parsed.diagnostics };
  const diagnostics = [...parsed.diagnostics, ...runRules(buildModel([parsed]), FILE_RULES)];
  return { path, ok: true, kind: parsed.kind, value: parsed.value, text: diagnostics.length ? parsed.file.text : undefined, diagnostics };
}

/** Reads and checks files[from, to) of the repository at `dir`; with `stamp`, each result says what it was read from. */
export function checkRange(dir: string, files: readonly string[], from: number, to: number, stamp = false): FileResult[] {
  const out: FileResult[] = [];
  for (let i = from; i < to; i++) {
    let bytes: Buffer;
    let stat: { size: number; mtimeMs: number; ctimeMs: number; ino: number };
    let at: number;
    try {
      const path = join(dir, files[i]);
      at = Date.now();
      stat = statSync(path);
      const size = stat.size;
      if (size > MAX_FILE_BYTES) {
        out.push({ path: files[i], ok: false, diagnostics: [tooLarge(files[i], size)] }); // refused unread
        continue;
      }
      bytes = readFileSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      out.push({ path: files[i], ok: false, diagnostics: [{ code: 'file/unreadable', severity: 'error', file: files[i], line: 1, col: 1, message: `cannot read the file (${code})`, hint: 'check its permissions' }] });
      continue;
    }
    const result = checkFile(files[i], bytes);
    if (stamp) result.stamp = { size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, ino: stat.ino, hash: hashBytes(bytes), at };
    out.push(result);
  }
  return out;
}
