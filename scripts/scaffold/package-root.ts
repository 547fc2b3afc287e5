import { execFileSync } from 'node:child_process';
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

/**
 * Where this rollgate can be installed from by another repository: its git checkout's origin,
 * pinned to the commit it runs (`git+URL#SHA`). Undefined when rollgate is not a checkout with
 * a remote (e.g. installed under node_modules, where git would answer for the enclosing project).
 */
export function installSource(root: string): string | undefined {
  if (!existsSync(join(root, '.git'))) return undefined;
  try {
    const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const url = git('remote', 'get-url', 'origin');
    const sha = git('rev-parse', 'HEAD');
    if (!/^(https:\/\/|ssh:\/\/|git@)/.test(url)) return undefined;
    return `git+${url.startsWith('git@') ? `ssh://${url.replace(':', '/')}` : url}#${sha}`;
  } catch {
    return undefined;
  }
}
