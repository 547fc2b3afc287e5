import { CORE_SCHEMA, load } from 'js-yaml';
import { rolloutDocument, type RolloutDocument } from '../config/schema/index.ts';
import type { Git } from '../git/port.ts';

/** A rollout file as it is at `ref` (the base branch of a PR), or undefined when it is not there or not valid there. */
export async function rolloutAt(git: Git, ref: string, path: string): Promise<RolloutDocument | undefined> {
  const text = await git.show(ref, path);
  if (text === undefined) return undefined;
  try {
    const parsed = rolloutDocument.safeParse(load(text, { schema: CORE_SCHEMA }));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The manual checks ticked in a PR description: `- [x] text` lines. */
export function tickedChecks(body: string): Set<string> {
  return new Set([...body.matchAll(/^\s*[-*] \[[xX]\] (.+?)\s*$/gm)].map((m) => m[1]));
}
