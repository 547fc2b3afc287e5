import { renderConfigMap, type ConfigMapSettings } from './config-map.ts';
import type { FlagFileTarget } from './flagd-file.ts';
import type { BranchFile, PublishBranch } from './git-branch.ts';
import { StoreError } from './port.ts';

export interface BranchFileSettings {
  /** rollgate's name of the environment (commit message, ConfigMap labels). */
  env: string;
  /** The flag file's path on the branch. */
  path: string;
  /** Also a ConfigMap manifest holding the file, at `path` on the same branch. */
  configMap?: ConfigMapSettings & { path: string };
}

/** The commit trailer naming the main commit a publish applied. */
const APPLIED_TRAILER = 'Rollgate-Applied-Sha';

/** How often a publish is retried when another environment's publish moved the branch meanwhile. */
const ATTEMPTS = 5;

/**
 * The flag file as a file on a branch of the repository: one commit per applied sync, the
 * applied SHA in the commit's trailer and in the file's metadata. The tip read when the store
 * was first read is the lease: if the branch moved since and this environment's files moved
 * with it, another sync published this environment first, and this one refuses (rerun: the
 * recorded SHA then decides). If only other files moved (another environment's), the commit is
 * made again on the new tip.
 */
export function branchFile(branch: PublishBranch, settings: BranchFileSettings): FlagFileTarget {
  /** The tip this store read (the lease); fetched again after it publishes, so the read-back sees what the remote has. */
  let read: { tip: string | undefined } | undefined;
  const paths = [settings.path, ...(settings.configMap ? [settings.configMap.path] : [])];
  const ours = async (tip: string | undefined) => (tip ? Promise.all(paths.map((p) => branch.read(tip, p))) : paths.map(() => undefined));

  return {
    name: `flagd file ${settings.path} on branch ${branch.name}`,
    async read() {
      read ??= { tip: await branch.tip() };
      return read.tip ? branch.read(read.tip, settings.path) : undefined;
    },
    async write(text, sha) {
      read ??= { tip: await branch.tip() };
      const files: BranchFile[] = [{ path: settings.path, text }];
      if (settings.configMap) files.push({ path: settings.configMap.path, text: renderConfigMap(text, settings.configMap, settings.env, sha) });
      const message = `rollgate: ${settings.env} flags at ${sha.slice(0, 7)}\n\nThe flags main says for ${settings.env}, published by rollgate sync.\n\n${APPLIED_TRAILER}: ${sha}\nRollgate-Environment: ${settings.env}\n`;
      const base = read.tip;
      const before = JSON.stringify(await ours(base));
      let tip = base;
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        const commit = await branch.publish(tip, files, message);
        if (commit) {
          read = undefined;
          return;
        }
        tip = await branch.tip();
        // The tip read stays the lease: this store never publishes over what it did not plan from.
        if (JSON.stringify(await ours(tip)) !== before) {
          throw new StoreError(`${branch.name} moved since this sync read it, and ${settings.path} with it: another sync published ${settings.env} first; nothing was published (run the sync again)`);
        }
      }
      throw new StoreError(`${branch.name} kept moving: the publish was rejected ${ATTEMPTS} times; nothing was published (run the sync again)`);
    },
  };
}
