import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import type { Commit, Git } from './port.ts';

const SEP = '\u001f';
const END = '\u001e';

/** Git variables rollgate lets through to git (simple-git strips the rest): identity, dates, TLS roots. */
const PASSED_ENV = ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_AUTHOR_DATE', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_COMMITTER_DATE', 'GIT_SSL_CAINFO'];

/** The real Git port, over simple-git in the repository at `dir`. */
export function gitAt(dirOf: string): Git {
  const git: SimpleGit = simpleGit({ baseDir: dirOf, maxConcurrentProcesses: 4, allowEnvironment: PASSED_ENV });
  const port: Git = {
    async head() {
      return (await git.revparse(['HEAD'])).trim();
    },
    async resolve(ref) {
      try {
        return (await git.raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() || undefined;
      } catch {
        return undefined;
      }
    },
    async isAncestor(ancestor, descendant) {
      // simple-git resolves on a non-zero exit with no stderr, so `merge-base --is-ancestor`
      // cannot be trusted through it: compare the merge base with the ancestor instead.
      const [a, d] = [await this.resolve(ancestor), await this.resolve(descendant)];
      if (!a || !d) return false;
      try {
        return (await git.raw(['merge-base', a, d])).trim() === a;
      } catch {
        return false;
      }
    },
    async log(path, ref = 'HEAD') {
      const out = await git.raw(['log', '--first-parent', `--format=%H${SEP}%cI${SEP}%an <%ae>${SEP}%s${SEP}%b${END}`, ref, '--', path]);
      return out
        .split(END)
        .map((r) => r.replace(/^\n/, ''))
        .filter(Boolean)
        .map((record): Commit => {
          const [sha, date, author, subject, body] = record.split(SEP);
          return { sha, date, author, subject, body: body ?? '' };
        });
    },
    async firstParents(ref) {
      const out = await git.raw(['log', '--first-parent', `--format=%H${SEP}%cI`, ref]);
      return out
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [sha, date] = line.split(SEP);
          return { sha, date };
        });
    },
    async listFiles(ref, paths) {
      const out = await git.raw(['ls-tree', '-r', '--name-only', ref, '--', ...paths]);
      return out.split('\n').filter(Boolean);
    },
    async commitFile(base, path, text, message, branch) {
      const dir = await mkdtemp(join(tmpdir(), 'rollgate-commit-'));
      try {
        const file = join(dir, 'blob');
        await writeFile(file, text);
        const blob = (await git.raw(['hash-object', '-w', file])).trim();
        const mode = (await git.raw(['ls-tree', base, '--', path])).split(/\s/)[0] || '100644';
        // A private index: the user's index and work tree stay as they are.
        const indexed = simpleGit({ baseDir: dirOf, allowEnvironment: ['GIT_INDEX_FILE'] }).env({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GIT_INDEX_FILE: join(dir, 'index') });
        await indexed.raw(['read-tree', base]);
        await indexed.raw(['update-index', '--add', '--cacheinfo', `${mode},${blob},${path}`]);
        const tree = (await indexed.raw(['write-tree'])).trim();
        const identity = (await git.raw(['config', 'user.email']).catch(() => '')).trim() ? [] : ['-c', 'user.name=rollgate', '-c', 'user.email=rollgate@users.noreply.github.com'];
        const commit = (await git.raw([...identity, 'commit-tree', tree, '-p', base, '-m', message])).trim();
        if (!/^[0-9a-f]{40}$/.test(commit)) throw new Error(`git commit-tree gave no commit: ${commit}`);
        if (branch !== undefined) await git.raw(['update-ref', `refs/heads/${branch}`, commit]);
        return commit;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    async push(branch) {
      await git.raw(['push', '--force-with-lease', 'origin', `refs/heads/${branch}:refs/heads/${branch}`]);
    },
    async fetch(branch) {
      await git.raw(['fetch', '--quiet', 'origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`]);
      return (await git.raw(['rev-parse', `refs/remotes/origin/${branch}`])).trim();
    },
    async pushCommit(commit, branch) {
      try {
        await git.raw(['push', '--porcelain', 'origin', `${commit}:refs/heads/${branch}`]);
        return true;
      } catch (error) {
        if (/rejected|non-fast-forward|fetch first/i.test(String((error as Error).message))) return false;
        throw error;
      }
    },
    async fastForward(commit) {
      await git.raw(['merge', '--ff-only', '--quiet', commit]);
    },
    async currentBranch() {
      const name = (await git.raw(['rev-parse', '--abbrev-ref', 'HEAD'])).trim();
      return name === 'HEAD' ? undefined : name;
    },
    async dirty(paths) {
      const out = await git.raw(['status', '--porcelain', '--untracked-files=all', '--', ...paths]);
      return out.split('\n').filter(Boolean).map((l) => l.slice(3));
    },
    async show(sha, path) {
      try {
        return await git.show([`${sha}:${path}`]);
      } catch {
        return undefined;
      }
    },
  };
  return port;
}
