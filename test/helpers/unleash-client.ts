import { InMemStorageProvider, Unleash, type Context } from 'unleash-client';
import { waitFor } from './ports.ts';
import type { Unleash as UnleashServer } from './unleash.ts';

/** A client API token of `environment`, made through the Admin API (what an application is given). */
export async function clientToken(server: UnleashServer, environment: string): Promise<string> {
  const r = await fetch(`${server.url}/api/admin/api-tokens`, {
    method: 'POST',
    headers: { authorization: server.token, 'content-type': 'application/json' },
    body: JSON.stringify({ tokenName: `app-${environment}-${Date.now()}`, type: 'client', environment, projects: ['*'] }),
  });
  if (!r.ok) throw new Error(`creating a client token: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { secret: string }).secret;
}

export interface UnleashApp {
  client: Unleash;
  isEnabled(flag: string, context: Context): boolean;
  /** Waits until the client holds `flag` as enabled/disabled with one flexibleRollout at `rollout` %. */
  sees(flag: string, want: { enabled: boolean; rollout?: number }, timeoutMs?: number): Promise<void>;
  stop(): void;
}

/** Unleash's own Node SDK as an application runs it: polling the client API every `refreshMs`. */
export async function startUnleashClient(server: UnleashServer, token: string, refreshMs = 250): Promise<UnleashApp> {
  const client = new Unleash({
    url: `${server.url}/api/`,
    appName: 'rollgate-test-app',
    customHeaders: { Authorization: token },
    refreshInterval: refreshMs,
    disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
    skipInstanceCountWarning: true,
  });
  const errors: string[] = [];
  client.on('error', (e: Error) => errors.push(e.message));
  client.on('warn', () => {});
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`unleash-client never synchronized: ${errors.join('; ')}`)), 30_000);
    client.once('synchronized', () => (clearTimeout(timer), resolve()));
  });
  return {
    client,
    isEnabled: (flag, context) => client.isEnabled(flag, context),
    async sees(flag, want, timeoutMs = 30_000) {
      await waitFor(`unleash-client to see ${flag} ${JSON.stringify(want)}`, async () => {
        const def = client.getFeatureToggleDefinition(flag);
        if (!def || def.enabled !== want.enabled) return false;
        if (want.rollout === undefined) return true;
        return def.strategies?.length === 1 && def.strategies[0].name === 'flexibleRollout' && Number(def.strategies[0].parameters?.rollout) === want.rollout;
      }, timeoutMs);
    },
    stop: () => client.destroy(),
  };
}
