// The first sync of flags Unleash does not have yet goes through Unleash's batch import
// (POST /api/admin/features-batch/import), which Unleash refuses to admin API tokens: these
// tests hold a personal access token of Unleash's admin user. Flags that exist stay on the
// per-flag path, which keeps what was made by hand; both paths give the same strategies.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigModel } from '../scripts/config/model.ts';
import { HttpClient } from '../scripts/http/client.ts';
import { validateRepository } from '../scripts/rules/validate-repository.ts';
import { IMPORT_CHUNK } from '../scripts/stores/unleash-import.ts';
import { unleashStore } from '../scripts/stores/unleash.ts';
import { renderSyncJson, renderSyncText } from '../scripts/report/sync.ts';
import { runSync } from '../scripts/sync/sync.ts';
import { generateRepository } from './bench/generate.ts';
import { tempRepo } from './helpers/cli.ts';
import { fakeGit } from './helpers/fake-git.ts';
import { FaultyProxy, isWrite, type Exchange } from './helpers/faulty-proxy.ts';
import { startPostgres, type Postgres } from './helpers/postgres.ts';
import { startUnleash, unleashApi, type Unleash } from './helpers/unleash.ts';
import { personalAccessToken } from './helpers/unleash-pat.ts';

let pg: Postgres;
let unleash: Unleash;
let proxy: FaultyProxy;
/** A personal access token of Unleash's first admin user (the import refuses admin API tokens). */
let pat: string;

beforeAll(async () => {
  pg = await startPostgres();
  unleash = await startUnleash(pg);
  proxy = new FaultyProxy(unleash.url);
  await proxy.start();
  pat = await personalAccessToken(unleash.url);
}, 180_000);

afterAll(async () => {
  await proxy?.stop();
  await unleash?.stop();
  pg?.stop();
});

const api = <T>(method: string, path: string, body?: unknown) => unleashApi<T>(unleash, method, path, body);
const envPath = (key: string) => `/api/admin/projects/default/features/${key}/environments/production`;

const STAGES = [
  { stage: 'shadow', percentage: 0, enabled: false },
  { stage: 'canary', percentage: 10, enabled: true },
  { stage: 'staged', percentage: 50, enabled: true },
  { stage: 'full', percentage: 100, enabled: true },
];

/** `flags` generated rollouts with keys of their own, production at every stage in turn. */
async function rollouts(flags: number, prefix: string): Promise<ConfigModel> {
  const dir = tempRepo();
  generateRepository(dir, flags, 0, { shadow: false });
  const { model } = await validateRepository(dir);
  model.rollouts.forEach((r, i) => {
    r.doc.spec.flag = `${prefix}-${r.doc.spec.flag}`;
    r.doc.spec.environments.production.stage = STAGES[i % STAGES.length].stage;
  });
  return model;
}

const store = (token: string, stateFeature: string, fetchFn?: typeof fetch) =>
  unleashStore(new HttpClient({ baseUrl: proxy.url, headers: { authorization: token }, retries: 0, timeoutMs: 60_000, ...(fetchFn ? { fetch: fetchFn } : {}) }), { project: 'default', environment: 'production', stateFeature });
let run = 0;
const newSha = () => (++run).toString(16).padStart(40, 'a');
async function sync(model: ConfigModel, token: string, stateFeature: string, sha = newSha(), fetchFn?: typeof fetch) {
  const [result] = await runSync({ model, envs: ['production'], mode: 'apply', git: fakeGit(sha), mainBranch: 'main', openStore: () => store(token, stateFeature, fetchFn) });
  return { result, sha };
}

const writes = () => proxy.log.filter((e) => isWrite(e.method, e.url));
const imports = () => writes().filter((e) => e.url === '/api/admin/features-batch/import');
const importedKeys = (e: Exchange) => (JSON.parse(e.body) as { data: { features: { name: string }[] } }).data.features.map((f) => f.name);
/** The feature a per-flag write is for: in the path, or in the body of a create. */
const flagOf = (e: Exchange) => /\/features\/([^/]+)/.exec(e.url)?.[1] ?? (JSON.parse(e.body) as { name?: string }).name;
const keysOf = (model: ConfigModel) => model.rollouts.map((r) => r.doc.spec.flag);

interface Exported {
  features: { name: string; type: string; description: string }[];
  featureStrategies: { featureName: string; name: string; parameters: Record<string, string>; constraints: unknown[]; variants?: unknown[]; segments?: unknown[]; disabled?: boolean; title?: string | null }[];
  featureEnvironments: { featureName: string; enabled: boolean; variants?: unknown[] }[];
}
/** What Unleash holds for each key in production, with the key itself written as KEY: strategies (without ids), enabled, the feature's type and description. */
async function held(keys: string[]): Promise<Map<string, unknown>> {
  const body = await api<Exported>('POST', '/api/admin/features-batch/export', { environment: 'production', features: keys });
  const out = new Map<string, unknown>();
  for (const key of keys) {
    const f = body.features.find((x) => x.name === key);
    const strategies = body.featureStrategies.filter((s) => s.featureName === key).map(({ name, parameters, constraints, variants, segments, disabled, title }) => ({ name, parameters: { ...parameters, groupId: parameters.groupId === key ? 'KEY' : parameters.groupId }, constraints, variants, segments, disabled, title }));
    const environment = body.featureEnvironments.find((e) => e.featureName === key);
    out.set(key, f && { type: f.type, description: f.description, enabled: environment?.enabled, variants: environment?.variants ?? [], strategies });
  }
  return out;
}

describe('first sync of flags Unleash does not have: the batch import', () => {
  const FLAGS = 130;
  const id = randomBytes(4).toString('hex');
  const stateFeature = `rollgate.state.import-${id}`;
  let model: ConfigModel;
  let first: { sha: string };

  beforeAll(async () => {
    model = await rollouts(FLAGS, `imp-${id}`);
  });

  it(`creates ${FLAGS} flags in ${Math.ceil(FLAGS / IMPORT_CHUNK)} import requests, between the record of the keys and the SHA`, async () => {
    proxy.reset();
    const { result, sha } = await sync(model, pat, stateFeature);
    first = { sha };
    expect(result.status, result.reason).toBe('applied');
    expect(result.notes, 'nothing to say when the import did it').toBeUndefined();
    const kinds = writes().map((e) => (e.url.startsWith('/api/admin/features-batch/') ? e.url : `${e.method} ${flagOf(e)}`));
    expect(kinds).toEqual([`POST ${stateFeature}`, ...imports().map(() => '/api/admin/features-batch/import'), `PATCH ${stateFeature}`]);
    expect(imports()).toHaveLength(Math.ceil(FLAGS / IMPORT_CHUNK));
    expect(imports().map(importedKeys).flat().sort()).toEqual(keysOf(model).sort());
    expect(result.writes).toBe(writes().length);
    // Each of the reads, the import probe and the read-back is one request: far below one a flag.
    expect(proxy.requests).toBeLessThan(15);
    const state = await store(unleash.token, stateFeature).read(keysOf(model));
    model.rollouts.forEach((r, i) => {
      const { percentage, enabled } = STAGES[i % STAGES.length];
      expect(state.get(r.doc.spec.flag), r.doc.spec.flag).toEqual({ enabled, percentage, stickiness: percentage === 100 ? 'default' : 'userId', groupId: r.doc.spec.flag });
    });
    expect((await store(unleash.token, stateFeature).recorded()).sha).toBe(sha);
  }, 120_000);

  it('gives each flag what the per-flag path gives it: the same strategy, state and feature', async () => {
    // The same rollouts under other keys, through an admin API token: Unleash refuses it the import, so each flag is written by itself.
    const perFlag = await rollouts(FLAGS, `one-${id}`);
    proxy.reset();
    const { result } = await sync(perFlag, unleash.token, `rollgate.state.one-${id}`);
    expect(result.status, result.reason).toBe('applied');
    expect(imports()).toEqual([]);
    // The user is told why the first sync took the slow path, in the text and the JSON.
    expect(result.notes).toEqual([expect.stringMatching(new RegExp(`^${FLAGS} new flags written one at a time: the token is an API token, and Unleash refuses the batch import`))]);
    expect(renderSyncText([result], 'apply')).toContain(`\n  note: ${FLAGS} new flags written one at a time`);
    expect((JSON.parse(renderSyncJson([result], 'apply')) as { environments: { notes?: string[] }[] }).environments[0].notes).toEqual(result.notes);
    expect(writes().length).toBeGreaterThan(2 * FLAGS);
    const [a, b] = [await held(keysOf(model)), await held(keysOf(perFlag))];
    const pairs = keysOf(model).map((k, i) => [a.get(k), b.get(keysOf(perFlag)[i])]);
    expect(pairs.every(([x]) => x !== undefined)).toBe(true);
    for (const [imported, written] of pairs) expect(imported).toEqual(written);
    // Both at every stage, 100 % included.
    expect(new Set(pairs.map(([x]) => JSON.stringify((x as { strategies: { parameters: unknown }[] }).strategies[0].parameters))).size).toBe(STAGES.length);
  }, 180_000);

  it('a no-op sync makes no writes', async () => {
    proxy.reset();
    const { result } = await sync(model, pat, stateFeature, first.sha);
    expect(result).toMatchObject({ status: 'applied', writes: 0 });
    expect(writes()).toEqual([]);
  });

  it('a one-flag change and its revert write only that flag (one at a time) and the record', async () => {
    const r = model.rollouts[1]; // canary
    const key = r.doc.spec.flag;
    for (const stage of ['staged', 'canary']) {
      r.doc.spec.environments.production.stage = stage;
      proxy.reset();
      const { result } = await sync(model, pat, stateFeature);
      expect(result.status, result.reason).toBe('applied');
      expect(result.plan.changes.filter((c) => c.steps.length).map((c) => [c.key, c.steps])).toEqual([[key, ['set-percentage']]]);
      expect(imports()).toEqual([]);
      expect(writes().map(flagOf).every((k) => k === key || k === stateFeature)).toBe(true);
      expect(writes().filter((e) => flagOf(e) === stateFeature)).toHaveLength(1);
    }
    expect((await api<{ strategies: { parameters: Record<string, string> }[] }>('GET', envPath(key))).strategies.map((s) => s.parameters)).toEqual([{ rollout: '10', stickiness: 'userId', groupId: key }]);
  });
});

describe('flags that exist already stay on the per-flag path', () => {
  it("a flag made by hand before rollgate names it keeps its constraint, and is not in the import; the new flags are", async () => {
    const id = randomBytes(4).toString('hex');
    const model = await rollouts(20, `hand-${id}`);
    const key = model.rollouts[2].doc.spec.flag; // staged: 50 %
    const constraint = { contextName: 'appName', operator: 'IN', values: ['checkout'], inverted: false, caseInsensitive: false };
    await api('POST', '/api/admin/projects/default/features', { name: key, type: 'release' });
    await api('POST', `${envPath(key)}/strategies`, { name: 'flexibleRollout', constraints: [constraint], parameters: { rollout: '5', stickiness: 'userId', groupId: key } });
    proxy.reset();
    const { result } = await sync(model, pat, `rollgate.state.hand-${id}`);
    expect(result.status, result.reason).toBe('applied');
    expect(imports()).toHaveLength(1);
    expect(importedKeys(imports()[0]).sort()).toEqual(keysOf(model).filter((k) => k !== key).sort());
    expect(writes().filter((e) => flagOf(e) === key).map((e) => e.method)).toEqual(['PUT', 'POST']); // its strategy, then /on
    const env = await api<{ enabled: boolean; strategies: { parameters: Record<string, string>; constraints: { contextName: string; values: string[] }[] }[] }>('GET', envPath(key));
    expect(env.enabled).toBe(true);
    expect(env.strategies).toEqual([expect.objectContaining({ parameters: { rollout: '50', stickiness: 'userId', groupId: key }, constraints: [expect.objectContaining({ contextName: 'appName', values: ['checkout'] })] })]);
    expect(result.plan.changes.find((c) => c.key === key)!.from?.handMade).toEqual(['constraint appName IN [checkout]']);
  });
});

describe('an import that fails records nothing, and the rerun converges', () => {
  it.each(['fail', 'drop'] as const)('the %s of the second import request', async (kind) => {
    const id = randomBytes(4).toString('hex');
    const stateFeature = `rollgate.state.${kind}-${id}`;
    const model = await rollouts(IMPORT_CHUNK + 10, `${kind}-${id}`);
    const keys = keysOf(model);
    proxy.reset();
    proxy.breakWrite(2, kind, (method, url) => url === '/api/admin/features-batch/import');
    const broken = await sync(model, pat, stateFeature);
    proxy.heal();
    expect(broken.result.status).toBe('failed');
    expect(broken.result.reason).toMatch(/importing 10 new flag\(s\) .* failed: .*the rerun finds these flags either all created or none/);
    expect(broken.result.applied).toEqual(keys.slice(0, IMPORT_CHUNK));
    expect(broken.result.notApplied).toEqual(keys.slice(IMPORT_CHUNK));
    const recorded = await store(unleash.token, stateFeature).recorded();
    expect(recorded.sha).toBeUndefined();
    expect(recorded.managed).toEqual([...keys].sort());
    // One transaction: the second chunk's flags are all there (dropped answer) or none (refused).
    const there = await store(unleash.token, stateFeature).read(keys.slice(IMPORT_CHUNK));
    expect(there.size).toBe(kind === 'drop' ? 10 : 0);

    proxy.reset();
    const rerun = await sync(model, pat, stateFeature);
    expect(rerun.result.status, rerun.result.reason).toBe('applied');
    // A refused chunk is imported now; a dropped one was applied already, and nothing else is written.
    expect(imports().map(importedKeys)).toEqual(kind === 'fail' ? [keys.slice(IMPORT_CHUNK)] : []);
    expect(writes().filter((e) => !e.url.startsWith('/api/admin/features-batch/')).map(flagOf)).toEqual([stateFeature]);
    expect((await store(unleash.token, stateFeature).recorded()).sha).toBe(rerun.sha);
  }, 120_000);

  it('an import Unleash refuses (here: the admin token, when the probe said a user) goes one flag at a time', async () => {
    const id = randomBytes(4).toString('hex');
    const model = await rollouts(12, `refused-${id}`);
    // The probe asks with the PAT, everything else goes with the admin API token, which Unleash refuses to import.
    const probeAsUser: typeof fetch = (input, init) => (String(input).endsWith('/api/admin/user') ? fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization: pat } }) : fetch(input, init));
    proxy.reset();
    const { result } = await sync(model, unleash.token, `rollgate.state.refused-${id}`, newSha(), probeAsUser);
    expect(result.status, result.reason).toBe('applied');
    expect(imports()).toHaveLength(1);
    expect(result.notes).toEqual(['12 new flags written one at a time: Unleash refused the batch import (see its log), so rollgate wrote them by the per-flag API']);
    const perFlag = writes().filter((e) => keysOf(model).includes(flagOf(e) ?? ''));
    expect(new Set(perFlag.map(flagOf))).toEqual(new Set(keysOf(model)));
    const state = await store(unleash.token, `rollgate.state.refused-${id}`).read(keysOf(model));
    model.rollouts.forEach((r, i) => expect(state.get(r.doc.spec.flag)?.percentage).toBe(STAGES[i % STAGES.length].percentage));
  });
});
