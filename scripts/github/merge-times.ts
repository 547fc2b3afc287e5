import type { MergeTimes } from '../git/stage-history.ts';
import type { GitHub } from './port.ts';

/**
 * Landing times from GitHub: when the PR that brought a commit into `base` was merged. A
 * commit GitHub does not know (pushed elsewhere, or a local test repository) has none, and
 * git's clamped dates stand alone.
 */
export function mergeTimesFrom(github: Pick<GitHub, 'mergedAt'>, base: string): MergeTimes {
  const cache = new Map<string, Promise<string | undefined>>();
  return (sha) => {
    if (!cache.has(sha)) cache.set(sha, github.mergedAt(sha, base).catch(() => undefined));
    return cache.get(sha)!;
  };
}
