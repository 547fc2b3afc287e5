// One meaning across stores, checked with each store's own evaluator: flagd-core reading the
// flag file rollgate wrote, and Unleash's Node SDK (unleash-client) polling a real Unleash 8.
// A context without the stickiness attribute is on only at 100 %; the `.shadow` companion is on
// for every context exactly while the rollout is in a shadow stage. And a sync whose read-back
// fails never records the SHA it applied, in either store.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { FlagdCore } from '@openfeature/flagd-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateRepository } from '../scripts/rules/validate-repository.ts';
import { flagdFileStore } from '../scripts/stores/flagd-file.ts';
import { runSync } from '../scripts/sync/sync.ts';
import { rollgateAsync, ROOT, tempRepo } from './helpers/cli.ts';
import { fakeGit } from './helpers/fake-git.ts';
import { flagFile } from './helpers/flagd.ts';
import { repoFrom, setStage } from './helpers/git.ts';
import { startPostgres, type Postgres } from './helpers/postgres.ts';
import { startUnleash, type Unleash } from './helpers/unleash.ts';
import { clientToken, startUnleashClient, type UnleashApp } from './helpers/unleash-client.ts';

const quiet = { error() {}, warn() {}, info() {}, debug() {} };
const USERS = 2000;
const ANONYMOUS = 200;

let pg: Postgres;
let unleash: Unleash;
let app: UnleashApp;

beforeAll(async () => {
  pg = await startPostgres();
  unleash = await startUnleash(pg);
  app = await startUnleashClient(unleash, await clientToken(unleash, 'production'));
}, 180_000);

afterAll(async () => {
  app?.stop();
  await unleash?.stop();
  pg?.stop();
});

/** What one evaluator says for the fixed users and the contexts without userId. */
interface Answer {
  users: Set<number>;
  anonymousOn: number;
}

function flagdAnswer(text: string, key: string): Answer {
  const core = new FlagdCore(undefined, quiet);
  core.setConfigurations(text);
  const users = new Set<number>();
  for (let i = 0; i < USERS; i++) if (core.resolveBooleanEvaluation(key, false, { targetingKey: `user-${i}`, userId: `user-${i}` }, quiet).value) users.add(i);
  let anonymousOn = 0;
  for (let i = 0; i < ANONYMOUS; i++) if (core.resolveBooleanEvaluation(key, false, { targetingKey: `anon-${i}`, sessionId: `anon-${i}` }, quiet).value) anonymousOn++;
  return { users, anonymousOn };
}

function unleashAnswer(key: string): Answer {
  const users = new Set<number>();
  for (let i = 0; i < USERS; i++) if (app.isEnabled(key, { userId: `user-${i}` })) users.add(i);
  let anonymousOn = 0;
  for (let i = 0; i < ANONYMOUS; i++) if (app.isEnabled(key, { sessionId: `anon-${i}` })) anonymousOn++;
  return { users, anonymousOn };
}

describe('one meaning across the flagd file and Unleash', () => {
  it('at every stage: users bucketed by userId; a context without it on only at 100 %; the shadow flag on for everyone only in shadow', async () => {
    const id = randomBytes(4).toString('hex');
    const flag = `checkout-${id}`;
    const repo = repoFrom(join(ROOT, 'test', 'fixtures', 'sync'));
    repo.commit('rollout/checkout.yaml', (t) => t.replace('flag: checkout-v2', `flag: ${flag}`), 'Own flag key');
    repo.commit(
      'rollout/environments.yaml',
      (t) => t.replace('store: { type: flagd, path: build/flags/production.flagd.json }', `store: { type: unleash, url: '${unleash.url}', project: default, environment: production, tokenEnv: UNLEASH_ADMIN_TOKEN }`),
      'Production on Unleash',
    );
    const stages = [
      { stage: 'shadow', percentage: 0, shadow: true },
      { stage: 'canary', percentage: 10, shadow: false },
      { stage: 'staged', percentage: 50, shadow: false },
      { stage: 'full', percentage: 100, shadow: false },
    ];
    const seen: Record<string, Answer>[] = [];
    for (const { stage, percentage, shadow } of stages) {
      repo.commit('rollout/checkout.yaml', (t) => setStage('production', stage)(setStage('staging', stage)(t)), `Both environments at ${stage}`);
      const r = await rollgateAsync(['sync', '--dir', repo.dir, '--format', 'json'], { env: { UNLEASH_ADMIN_TOKEN: unleash.token } });
      expect(r.stderr).toBe('');
      expect(r.code, r.stdout).toBe(0);
      await app.sees(flag, { enabled: percentage > 0, rollout: percentage });
      await app.sees(`${flag}.shadow`, { enabled: shadow, rollout: shadow ? 100 : 0 });
      const text = readFileSync(flagFile(repo.dir, 'staging'), 'utf8');
      const answers = {
        flagd: flagdAnswer(text, flag),
        unleash: unleashAnswer(flag),
        'flagd shadow': flagdAnswer(text, `${flag}.shadow`),
        'unleash shadow': unleashAnswer(`${flag}.shadow`),
      };
      seen.push(answers);
      for (const store of ['flagd', 'unleash'] as const) {
        const main = answers[store];
        const companion = answers[`${store} shadow`];
        const where = `${store} at ${stage}`;
        // The flag key is random (its own Unleash feature each run), so the hash split is a fresh
        // binomial draw: within 4.5 standard deviations (1 in ~150,000 per look) of the stage's %.
        const p = percentage / 100;
        const bound = 4.5 * Math.sqrt((p * (1 - p)) / USERS) * 100;
        expect(Math.abs((main.users.size / USERS) * 100 - percentage), `${where}: ${main.users.size} of ${USERS} users on`).toBeLessThanOrEqual(bound);
        expect(main.anonymousOn, `${where}: contexts without userId on`).toBe(percentage === 100 ? ANONYMOUS : 0);
        expect(companion.users.size + companion.anonymousOn, `${where}: shadow flag`).toBe(shadow ? USERS + ANONYMOUS : 0);
      }
    }
    // Growing keeps users in, in both stores.
    for (const store of ['flagd', 'unleash'] as const) {
      const [at10, at50] = [seen[1][store].users, seen[2][store].users];
      expect([...at10].filter((u) => !at50.has(u)), store).toEqual([]);
    }
    // At 100 % Unleash holds stickiness "default" (userId, else sessionId, else random): the store's form of "everyone".
    const strategies = (await (await fetch(`${unleash.url}/api/admin/projects/default/features/${flag}/environments/production`, { headers: { authorization: unleash.token } })).json()) as { strategies: { parameters: Record<string, string> }[] };
    expect(strategies.strategies.map((s) => s.parameters)).toEqual([{ rollout: '100', stickiness: 'default', groupId: flag }]);
    // A sync right after writes nothing: what it reads back is what it planned.
    const again = await rollgateAsync(['sync', '--dir', repo.dir, '--format', 'json'], { env: { UNLEASH_ADMIN_TOKEN: unleash.token } });
    expect(JSON.parse(again.stdout).environments.map((e: { writes: number }) => e.writes)).toEqual([0, 0]);
    // Back down from 100 %: the rollout's own stickiness again, the same users as before.
    repo.git('revert', '--no-edit', 'HEAD');
    repo.git('push', '-q', 'origin', 'main');
    expect((await rollgateAsync(['sync', '--dir', repo.dir], { env: { UNLEASH_ADMIN_TOKEN: unleash.token } })).code).toBe(0);
    await app.sees(flag, { enabled: true, rollout: 50 });
    expect(unleashAnswer(flag)).toEqual(seen[2].unleash);
    expect(flagdAnswer(readFileSync(flagFile(repo.dir, 'staging'), 'utf8'), flag)).toEqual(seen[2].flagd);
  }, 240_000);
});

/** In front of Unleash: answers strategy updates 200 without passing them on while `swallow` is set (a store that says OK and does nothing). */
async function swallowingProxy(target: string): Promise<{ url: string; swallow: boolean; swallowed: number; stop(): Promise<void> }> {
  const state = { url: '', swallow: false, swallowed: 0, stop: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (state.swallow && req.method === 'PUT' && /\/strategies\//.test(req.url!)) {
        state.swallowed++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.concat(chunks));
        return;
      }
      const t = new URL(target);
      const up = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      up.on('error', () => res.writeHead(502).end());
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  state.stop = () => new Promise((r) => server.close(() => r()));
  return state;
}

describe('a failed read-back never records the applied SHA', () => {
  it('flagd file: a percentage the file cannot hold (12.3456 %) is read back from the exact bytes before writing: nothing written, the old SHA stays', async () => {
    const dir = tempRepo(join(ROOT, 'test', 'fixtures', 'sync'));
    const { model } = await validateRepository(dir);
    const path = join(dir, 'build', 'flags', 'production.flagd.json');
    const sync = async (sha: string) => (await runSync({ model, envs: ['production'], mode: 'apply', git: fakeGit(sha), mainBranch: 'main', openStore: () => flagdFileStore(path) }))[0];
    const first = 'a'.repeat(40);
    expect((await sync(first)).status).toBe('applied');
    const before = readFileSync(path, 'utf8');
    // What validate refuses (rollout/percentage-precision), forced past it: the store must still not record the SHA.
    model.rollouts[0].doc.spec.stages.find((s) => s.name === 'canary')!.percentage = 12.3456;
    const r = await sync('b'.repeat(40));
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/read back after writing, 1 flag\(s\) still differ: checkout-v2; the applied SHA was not recorded/);
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(JSON.parse(before).metadata.rollgateAppliedSha).toBe(first);
  });

  it('Unleash: a strategy update answered OK but not made leaves the old SHA in the state feature; the rerun converges and records', async () => {
    const proxy = await swallowingProxy(unleash.url);
    try {
      const id = randomBytes(4).toString('hex');
      const flag = `readback-${id}`;
      const repo = repoFrom(join(ROOT, 'test', 'fixtures', 'sync'));
      repo.commit('rollout/checkout.yaml', (t) => t.replace('flag: checkout-v2', `flag: ${flag}`), 'Own flag key');
      repo.commit('rollout/environments.yaml', (t) => t.replace('store: { type: flagd, path: build/flags/production.flagd.json }', `store: { type: unleash, url: '${proxy.url}', project: default, environment: production, tokenEnv: UNLEASH_ADMIN_TOKEN, stateFeature: rollgate.state.${id} }`), 'Production on Unleash');
      const sync = async () => {
        const r = await rollgateAsync(['sync', '--dir', repo.dir, '--env', 'production', '--format', 'json'], { env: { UNLEASH_ADMIN_TOKEN: unleash.token } });
        return { ...r, out: JSON.parse(r.stdout).environments[0] };
      };
      const recordedSha = async () => /applied-sha:([0-9a-f]+)/.exec(((await (await fetch(`${unleash.url}/api/admin/projects/default/features/rollgate.state.${id}`, { headers: { authorization: unleash.token } })).json()) as { description: string }).description)?.[1];
      expect((await sync()).code).toBe(0);
      const applied = repo.head();
      expect(await recordedSha()).toBe(applied);

      repo.commit('rollout/checkout.yaml', setStage('production', 'staged'), 'Advance production');
      proxy.swallow = true;
      const broken = await sync();
      expect(proxy.swallowed).toBe(1);
      expect(broken.code).toBe(1);
      expect(broken.out).toMatchObject({ status: 'failed', notApplied: [flag] });
      expect(broken.out.reason).toContain('the applied SHA was not recorded');
      expect(await recordedSha()).toBe(applied);
      const check = await rollgateAsync(['sync', '--dir', repo.dir, '--env', 'production', '--check'], { env: { UNLEASH_ADMIN_TOKEN: unleash.token } });
      expect(check.code).toBe(3);
      expect(check.stdout).toContain(`drift in 1 flag: production/${flag}`);

      proxy.swallow = false;
      const rerun = await sync();
      expect(rerun.code).toBe(0);
      expect(await recordedSha()).toBe(repo.head());
    } finally {
      await proxy.stop();
    }
  }, 120_000);
});
