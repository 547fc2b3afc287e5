import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreError } from './port.ts';

/** A file to put on the branch: its path there and its text. */
export interface BranchFile {
  path: string;
  text: string;
}

/**
 * A branch of the repository that holds published files, outside the work tree: rollgate
 * never checks it out. With a remote it is read from and pushed to that remote (a lease on the
 * commit it read, so a run that read an older tip never overwrites a newer one); without one it
 * is the local `refs/heads/<branch>`, moved with the same compare-and-swap.
 */
export interface PublishBranch {
  /** `rollgate/flags of origin`, `rollgate/flags (local, not pushed)`. */
  readonly name: string;
  /** The branch's tip now (fetched from the remote), or undefined while the branch does not exist. */
  tip(): Promise<string | undefined>;
  /** A file's text at `commit`, or undefined when it has no such file. */
  read(commit: string, path: string): Promise<string | undefined>;
  /**
   * Commits `files` on top of `tip` (keeping every other file of its tree) and moves the branch
   * there if it still points at `tip`. Returns the new commit, or undefined when the branch had
   * moved (nothing is published then).
   */
  publish(tip: string | undefined, files: BranchFile[], message: string): Promise<string | undefined>;
}

const ZERO = '0'.repeat(40);

/** The real PublishBranch: git in the repository at `dir`. */
export function gitBranch(dir: string, branch: string, remote?: string): PublishBranch {
  const ref = `refs/heads/${branch}`;
  const tracking = remote ? `refs/remotes/${remote}/${branch}` : undefined;
  const git = (args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}) => run(dir, args, options);

  const revParse = async (rev: string) => {
    const r = await git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
    return r.code === 0 ? r.stdout.trim() : undefined;
  };

  return {
    name: remote ? `${branch} of ${remote}` : `${branch} (local branch, not pushed: ROLLGATE_PUBLISH_REMOTE is not set)`,
    async tip() {
      if (!remote) return revParse(ref);
      const r = await git(['fetch', '--quiet', '--no-tags', remote, `+${ref}:${tracking}`]);
      if (r.code !== 0) {
        if (/couldn't find remote ref/i.test(r.stderr)) {
          await git(['update-ref', '-d', tracking!]);
          return undefined;
        }
        throw new StoreError(`cannot fetch ${branch} from ${remote}: ${oneLine(r.stderr)}`);
      }
      return revParse(tracking!);
    },
    async read(commit, path) {
      const r = await git(['cat-file', 'blob', `${commit}:${path}`]);
      return r.code === 0 ? r.stdout : undefined;
    },
    async publish(tip, files, message) {
      const commit = await commitFiles(git, tip, files, message);
      if (!remote) {
        const r = await git(['update-ref', ref, commit, tip ?? ZERO]);
        return r.code === 0 ? commit : undefined;
      }
      // The lease: origin's branch must still be the commit this run read (absent when it read none).
      const r = await git(['push', '--porcelain', `--force-with-lease=${ref}:${tip ?? ''}`, remote, `${commit}:${ref}`]);
      if (r.code !== 0) {
        if (/\[rejected\]|stale info|fetch first|non-fast-forward/.test(r.stdout + r.stderr)) return undefined;
        throw new StoreError(`cannot push ${branch} to ${remote}: ${oneLine(r.stderr || r.stdout)}`);
      }
      await git(['update-ref', tracking!, commit]);
      return commit;
    },
  };
}

/** A commit of `files` on top of `tip` (a root commit when there is none), made in a private index: the user's index and work tree stay as they are. */
async function commitFiles(git: Git, tip: string | undefined, files: BranchFile[], message: string): Promise<string> {
  const temp = await mkdtemp(join(tmpdir(), 'rollgate-publish-'));
  try {
    const env = { ...process.env, GIT_INDEX_FILE: join(temp, 'index') };
    must(await git(tip ? ['read-tree', tip] : ['read-tree', '--empty'], { env }), 'read-tree');
    for (const file of files) {
      const blob = must(await git(['hash-object', '-w', '--stdin'], { input: file.text }), 'hash-object').trim();
      must(await git(['update-index', '--add', '--cacheinfo', `100644,${blob},${file.path}`], { env }), 'update-index');
    }
    const tree = must(await git(['write-tree'], { env }), 'write-tree').trim();
    const configured = (await git(['config', 'user.email'])).stdout.trim();
    const identity = configured ? [] : ['-c', 'user.name=rollgate', '-c', 'user.email=rollgate@users.noreply.github.com'];
    return must(await git([...identity, 'commit-tree', tree, ...(tip ? ['-p', tip] : []), '-F', '-'], { input: message }), 'commit-tree').trim();
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

type Git = (args: string[], options?: { env?: NodeJS.ProcessEnv; input?: string }) => Promise<Result>;
interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function must(r: Result, what: string): string {
  if (r.code !== 0) throw new StoreError(`git ${what} failed: ${oneLine(r.stderr)}`);
  return r.stdout;
}

const oneLine = (text: string) => text.trim().split('\n').slice(-3).join(' / ').slice(0, 500);

/** git with no terminal prompt (a missing credential fails instead of waiting), never throwing: the exit code is data. */
function run(cwd: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string }): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', args, { cwd, env: { ...(options.env ?? process.env), GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      const exit = (error as { code?: unknown } | null)?.code;
      if (error && typeof exit !== 'number') return reject(new StoreError(`cannot run git: ${error.message}`));
      const code = error ? (exit as number) : 0;
      resolve({ code, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
    else child.stdin!.end();
  });
}
