import type { Git } from '../../scripts/git/port.ts';

/** A fake of the Git port for core tests: HEAD is `sha`, it is main's tip, and every ancestry check holds. Override what a test needs. */
export function fakeGit(sha: string, over: Partial<Git> = {}): Git {
  return {
    head: async () => sha,
    resolve: async () => sha,
    isAncestor: async () => true,
    log: async () => [],
    firstParents: async () => [],
    show: async () => undefined,
    listFiles: async () => [],
    commitFile: async () => sha,
    push: async () => undefined,
    fetch: async () => sha,
    pushCommit: async () => true,
    fastForward: async () => undefined,
    currentBranch: async () => 'main',
    dirty: async () => [],
    ...over,
  };
}
