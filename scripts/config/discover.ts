import { lstat, readdir, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Diagnostic } from '../report/diagnostic.ts';

/** Folders whose YAML files are rollgate config. */
export const CONFIG_DIRS = ['rollout', 'alerts'];
/** Inside those, folders that hold other things (alert unit tests for promtool). */
const SKIPPED = new Set(['alerts/tests']);

/** Whether discoverConfig reads a file at this relative path (forward slashes), symlinks aside. */
export function isConfigPath(path: string): boolean {
  const parts = path.split('/');
  return parts.length > 1 && CONFIG_DIRS.includes(parts[0]) && ![...SKIPPED].some((s) => path.startsWith(s + '/')) && /\.ya?ml$/i.test(path) && !parts.includes('..');
}

export interface Discovered {
  /** Relative paths (forward slashes) of config files safe to read. */
  files: string[];
  diagnostics: Diagnostic[];
}

/**
 * Every *.yaml / *.yml under rollout/ and alerts/. A symlink is followed only when its
 * target stays inside the repository; one that leaves it is reported and never read.
 */
export async function discoverConfig(dir: string): Promise<Discovered> {
  const root = await realpath(dir);
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();

  async function walk(abs: string, rel: string): Promise<void> {
    const real = await realpath(abs);
    if (seen.has(real)) return;
    seen.add(real);
    const entries = await readdir(abs, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      diagnostics.push(problem(rel, 'file/unreadable', `cannot read the folder (${error.code ?? error.message})`, 'check its permissions'));
      return [];
    });
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const childAbs = join(abs, entry.name);
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (SKIPPED.has(childRel)) continue;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = await realpath(childAbs);
        } catch {
          diagnostics.push(problem(childRel, 'file/symlink-broken', 'symbolic link points at nothing', 'remove the link or restore its target'));
          continue;
        }
        if (target !== root && !target.startsWith(root + sep)) {
          diagnostics.push(problem(childRel, 'file/symlink-outside', 'symbolic link leaves the repository; it was not read', 'copy the file into the repository instead of linking to it'));
          continue;
        }
        const stat = await lstat(target);
        isDir = stat.isDirectory();
        isFile = stat.isFile();
        // A link to a folder that holds it would walk the whole repository (.git, node_modules) as config.
        if (isDir && (real === target || real.startsWith(target + sep))) {
          diagnostics.push(problem(childRel, 'file/symlink-loop', 'symbolic link points at a folder that contains it; it was not followed', 'remove the link'));
          continue;
        }
        if (SKIPPED.has(relative(root, target).split(sep).join('/'))) continue;
      }
      if (isDir) await walk(childAbs, childRel);
      else if (isFile && /\.ya?ml$/i.test(entry.name)) files.push(childRel);
    }
  }

  for (const top of CONFIG_DIRS) {
    const abs = join(root, top);
    const stat = await lstat(abs).catch(() => undefined);
    if (!stat) continue;
    if (stat.isSymbolicLink()) {
      const target = await realpath(abs).catch(() => undefined);
      if (target === undefined) {
        diagnostics.push(problem(top, 'file/symlink-broken', 'symbolic link points at nothing', 'make it a real folder'));
        continue;
      }
      if (!target.startsWith(root + sep)) {
        diagnostics.push(problem(top, target === root ? 'file/symlink-loop' : 'file/symlink-outside', target === root ? 'symbolic link points at the repository itself; it was not followed' : 'symbolic link leaves the repository; it was not read', 'make it a real folder'));
        continue;
      }
    }
    if (!(await realpath(abs).then(lstat)).isDirectory()) {
      diagnostics.push(problem(top, 'file/not-a-folder', `${top} is a file; config files live in a folder ${top}/`, `move it to ${top}/NAME.yaml`));
      continue;
    }
    await walk(abs, relative(root, abs).split(sep).join('/'));
  }
  return { files, diagnostics };
}

function problem(file: string, code: string, message: string, hint: string): Diagnostic {
  return { code, severity: 'error', file, line: 1, col: 1, message, hint };
}
