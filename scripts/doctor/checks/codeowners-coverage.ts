import { list, type DoctorCheck } from '../check.ts';
import { ownersOf, parseCodeowners } from '../codeowners.ts';

/**
 * What executes in CI or decides what reaches users: each needs an owner, so a change to it
 * needs that owner's review. A folder (trailing slash) must be owned as a whole, new files too.
 */
export const MUST_BE_OWNED = [
  'scripts/',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  '.npmrc',
  '.ci/',
  '.github/',
  'schemas/',
  'rollout/metrics.yaml',
  'rollout/environments.yaml',
  'alerts/',
  // Gates live in the rollout files themselves.
  'rollout/',
];

/** Folder roots of MUST_BE_OWNED, for listing the files in them. */
export const OWNED_ROOTS = MUST_BE_OWNED.filter((p) => p.endsWith('/')).map((p) => p.slice(0, -1));

/** Paths no existing file has: they stand for a file someone adds to the folder later. */
const PROBES = ['rollgate-doctor-new-file', 'rollgate-doctor-new-folder/new-file'];
const SHOWN = 12;

export const codeownersCoverage: DoctorCheck = {
  id: 'codeowners/coverage',
  description: 'CODEOWNERS gives every path that executes or decides an owner (the last matching line wins)',
  check({ facts }) {
    if (!facts.codeowners) return { ok: false, message: 'nothing has a code owner: there is no CODEOWNERS file', fix: `own ${list(MUST_BE_OWNED)} in .github/CODEOWNERS` };
    const codeowners = parseCodeowners(facts.codeowners.text);
    const required = [...MUST_BE_OWNED, ...(facts.codeowners.path.startsWith('.github/') ? [] : [facts.codeowners.path])];
    // What the report says about each unowned path, and the CODEOWNERS line that would own it.
    const unowned: string[] = [];
    const add = new Set<string>();
    const why = (path: string) => {
      const line = ownersOf(codeowners, path).line;
      return line ? ` (line ${line.line}, "${line.pattern}", names no owner)` : '';
    };
    const owned = (path: string) => ownersOf(codeowners, path).owners.length > 0;
    const miss = (path: string, said: string) => {
      unowned.push(said);
      add.add(path);
    };
    for (const entry of required) {
      if (!entry.endsWith('/')) {
        if (!owned(entry)) miss(entry, entry + why(entry));
      } else if (!PROBES.every((probe) => owned(entry + probe))) {
        miss(entry, `${entry} (a new file there would have no owner${why(entry + PROBES[0])})`);
      } else {
        for (const file of facts.files.filter((f) => f.startsWith(entry) && !owned(f))) miss(file, file + why(file));
      }
    }
    if (!unowned.length) return { ok: true, message: `${facts.codeowners.path} gives an owner to ${list(required)}` };
    const shown = unowned.slice(0, SHOWN).join(', ') + (unowned.length > SHOWN ? ` and ${unowned.length - SHOWN} more` : '');
    return {
      ok: false,
      message: `${facts.codeowners.path} leaves unowned: ${shown}`,
      fix: `add, below any broader line (the last matching line wins): ${[...add].map((p) => `/${p} @org/team`).join('  ')}`,
    };
  },
};
