// A small Node service behind a feature flag, run as its own process the way an application
// team runs one. FLAG_SOURCE=flagd: the OpenFeature server SDK with @openfeature/flagd-provider
// in-process on FLAGD_FILE (the flag file a git-sync sidecar keeps current), watching it.
// FLAG_SOURCE=unleash: Unleash's Node SDK polling UNLEASH_URL every UNLEASH_REFRESH_MS.
// GET /evaluate?flag=KEY&users=N answers {"on": [i, …]}: the users user-0 … user-(N-1) the
// flag is on for, each evaluated the way a request handler would.
import { watchFile } from 'node:fs';
import { createServer } from 'node:http';
import { FlagdProvider } from '@openfeature/flagd-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import { InMemStorageProvider, Unleash } from 'unleash-client';

type Evaluate = (flag: string, user: string) => Promise<boolean> | boolean;

async function flagd(): Promise<Evaluate> {
  const file = process.env.FLAGD_FILE!;
  // The provider watches its file with fs.watchFile at Node's default poll (5,007 ms). Node keeps
  // one watcher per path and the first registration sets its interval, so registering first
  // makes the provider see a new file within FILE_POLL_MS.
  watchFile(file, { interval: Number(process.env.FILE_POLL_MS ?? 100), persistent: false }, () => {});
  await OpenFeature.setProviderAndWait(new FlagdProvider({ resolverType: 'in-process', offlineFlagSourcePath: file }));
  const client = OpenFeature.getClient('flag-service');
  return (flag, user) => client.getBooleanValue(flag, false, { targetingKey: user, userId: user });
}

async function unleash(): Promise<Evaluate> {
  const client = new Unleash({
    url: `${process.env.UNLEASH_URL}/api/`,
    appName: 'flag-service',
    customHeaders: { Authorization: process.env.UNLEASH_CLIENT_TOKEN! },
    refreshInterval: Number(process.env.UNLEASH_REFRESH_MS ?? 1000),
    disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
    skipInstanceCountWarning: true,
  });
  client.on('error', (e: Error) => log({ msg: 'unleash error', error: e.message }));
  client.on('warn', () => {});
  await new Promise((resolve) => client.once('synchronized', resolve));
  return (flag, user) => client.isEnabled(flag, { userId: user });
}

function log(entry: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(entry) + '\n');
}

const evaluate = process.env.FLAG_SOURCE === 'unleash' ? await unleash() : await flagd();
const server = createServer(async (req, res) => {
  const url = new URL(req.url!, 'http://service');
  if (url.pathname !== '/evaluate') return void res.writeHead(404).end();
  const flag = url.searchParams.get('flag') ?? '';
  const users = Math.min(Number(url.searchParams.get('users') ?? 1000), 100_000);
  const on: number[] = [];
  for (let i = 0; i < users; i++) if (await evaluate(flag, `user-${i}`)) on.push(i);
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ on }));
});
server.listen(0, '127.0.0.1', () => log({ msg: 'listening', url: `http://127.0.0.1:${(server.address() as { port: number }).port}` }));
process.on('SIGTERM', () => process.exit(0));
