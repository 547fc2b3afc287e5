import { resolve } from 'node:path';
import type { Store } from '../config/schema/index.ts';
import { flagdFileStore } from './flagd-file.ts';
import { HttpClient, type HttpOptions } from '../http/client.ts';
import { StoreError, type FlagStore } from './port.ts';
import { unleashStore } from './unleash.ts';

/** The real store of one environment, from its settings in environments.yaml. Secrets come from `env`. */
export function openStore(dir: string, settings: Store, env: NodeJS.ProcessEnv, http: Partial<HttpOptions> = {}): FlagStore {
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
