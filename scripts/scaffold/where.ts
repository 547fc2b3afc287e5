import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where init writes: --dir, else the repository around `cwd` (the nearest folder up holding .git), else `cwd`. */
export function initDir(cwd: string, dir: string | undefined): string {
  if (dir !== undefined) return resolve(cwd, dir);
  for (let d = resolve(cwd); ; d = dirname(d)) {
    if (statSync(join(d, '.git'), { throwIfNoEntry: false })) return d;
    if (dirname(d) === d) return resolve(cwd);
  }
}
