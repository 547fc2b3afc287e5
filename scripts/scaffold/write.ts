import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DraftFile } from './draft.ts';

/** Which drafts would overwrite a file, and which are skipped because they are written only when absent. */
export function conflicts(dir: string, files: DraftFile[]): { existing: string[]; kept: string[] } {
  const present = files.filter((f) => existsSync(join(dir, f.path)));
  return { existing: present.filter((f) => !f.ifAbsent).map((f) => f.path), kept: present.filter((f) => f.ifAbsent).map((f) => f.path) };
}

/**
 * All files or none: each is written to a temp file beside its place first; only when every
 * one is written are they renamed into place. A failure removes the temp files and the
 * folders made for them, and rethrows.
 */
export async function writeAll(dir: string, files: DraftFile[]): Promise<void> {
  const made: string[] = [];
  const temps: [string, string][] = [];
  try {
    for (const f of files) {
      const path = join(dir, f.path);
      const folder = await mkdir(dirname(path), { recursive: true });
      if (folder) made.push(folder);
      const temp = `${path}.${randomUUID()}.tmp`;
      temps.push([temp, path]);
      await writeFile(temp, f.text, { flag: 'wx' });
    }
  } catch (error) {
    await Promise.all(temps.map(([t]) => rm(t, { force: true })));
    for (const folder of made.reverse()) await rm(folder, { recursive: true, force: true });
    throw error;
  }
  for (const [temp, path] of temps) await rename(temp, path);
}
