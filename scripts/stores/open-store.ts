import { posix, resolve } from 'node:path';
import type { Store } from '../config/schema/index.ts';
import { branchFile } from './flagd-branch.ts';
import { flagdFileStore, flagdStore } from './flagd-file.ts';
import { gitBranch } from './git-branch.ts';
import { HttpClient, type HttpOptions } from '../http/client.ts';
import { StoreError, type FlagStore } from './port.ts';
import { unleashStore } from './unleash.ts';

/**
 * The real store of one environment (`name`), from its settings in environments.yaml. Secrets
 * come from `env`; so does ROLLGATE_PUBLISH_REMOTE, the git remote a published flag file is
 * fetched from and pushed to (unset: the branch stays in this repository).
 */
export function openStore(dir: string, settings: Store, env: NodeJS.ProcessEnv, http: Partial<HttpOptions> = {}, name?: string): FlagStore {
  if (settings.type === 'flagd' && settings.publish) {
    const { branch, path, configMap } = settings.publish;
    const remote = env.ROLLGATE_PUBLISH_REMOTE?.trim() || undefined;
    if (remote && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(remote)) throw new StoreError(`ROLLGATE_PUBLISH_REMOTE must name a git remote (such as origin), got "${remote}"`);
    const map = configMap && { ...configMap, key: configMap.key ?? posix.basename(path) };
    return flagdStore(branchFile(gitBranch(dir, branch, remote), { env: name ?? posix.basename(path).replace(/\..*$/, ''), path, ...(map ? { configMap: map } : {}) }));
  }
  if (settings.type === 'flagd') return flagdFileStore(resolve(dir, settings.path!), settings.path);
  const token = env[settings.tokenEnv!];
  if (!token) throw new StoreError(`environment variable ${settings.tokenEnv} is not set: it holds the Unleash admin token`);
  const retries = env.ROLLGATE_HTTP_RETRIES === undefined ? undefined : Number(env.ROLLGATE_HTTP_RETRIES);
  if (retries !== undefined && !(Number.isInteger(retries) && retries >= 0)) throw new StoreError(`ROLLGATE_HTTP_RETRIES must be a whole number ≥ 0, got "${env.ROLLGATE_HTTP_RETRIES}"`);
  const client = new HttpClient({ baseUrl: settings.url!, headers: { authorization: token }, ...(retries !== undefined ? { retries } : {}), ...http });
  return unleashStore(client, {
    project: settings.project!,
    environment: settings.environment!,
    stateFeature: settings.stateFeature ?? `rollgate.applied-sha.${settings.environment}`,
  });
}
