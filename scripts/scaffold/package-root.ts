import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ScaffoldError } from './errors.ts';

/**
 * rollgate's own package folder (from the sources or the build): the templates and the
 * workflows init copies are read from there, never from the user's working directory.
 */
export function packageRoot(from = import.meta.dirname): string {
  for (let d = from; ; d = dirname(d)) {
    const manifest = join(d, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'rollgate') return d;
    if (dirname(d) === d) throw new ScaffoldError('scaffold/templates-missing', `no rollgate package.json above ${from}`, 'reinstall rollgate (npm ci)', 2);
  }
}

/** The rollgate version the files are made with. */
export const packageVersion = (root: string) => (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
