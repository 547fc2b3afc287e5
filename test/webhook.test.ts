import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollgate, rollgateAsync, ROOT } from './helpers/cli.ts';
import { repoFrom, setStage, type Repo } from './helpers/git.ts';
import { startWebhookProcess, type WebhookProcess } from './helpers/webhook-process.ts';

const TOKEN = 'rollgate-webhook-test-token';
const percentage = (dir: string) => JSON.parse(readFileSync(join(dir, 'build', 'flags', 'production.flagd.json'), 'utf8')).flags['checkout-v2'].metadata.percentage;
const alert = (over: Record<string, unknown> = {}, labels: Record<string, string> = {}) => ({
  status: 'firing',
  labels: { alertname: 'checkout_error_rate_critical', severity: 'critical', rollout: 'checkout', env: 'production', flag: 'checkout-v2', rollgate_rollback: 'true', ...labels },
  annotations: { summary: 'checkout v2 error rate over 10 %' },
  startsAt: '2026-11-22T02:00:00Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus/graph',
  fingerprint: 'a1b2c3d4e5f6a7b8',
  ...over,
});
const payload = (alerts: unknown[], status = 'firing') => ({ receiver: 'rollgate', status, alerts, groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://alertmanager', version: '4', groupKey: '{}:{}', truncatedAlerts: 0 });

let repo: Repo;
let hook: WebhookProcess;
const post = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) =>
  fetch(`${hook.url}/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

beforeAll(async () => {
  repo = repoFrom(join(ROOT, 'test', 'fixtures', 'sync'));
  repo.commit('rollout/checkout.yaml', setStage('production', 'staged'), 'Advance checkout in production');
  expect(rollgate(['sync', '--dir', repo.dir]).code).toBe(0);
  hook = await startWebhookProcess(repo.dir, { ROLLGATE_WEBHOOK_TOKEN: TOKEN });
});
afterAll(() => hook?.stop());

describe('rollgate webhook', () => {
  it('answers /healthz', async () => {
    const r = await fetch(`${hook.url}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true });
  });

  it.each([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer nope' }],
    ['a token without Bearer', { authorization: TOKEN }],
  ])('401 with %s', async (_, headers) => {
    expect((await post(payload([alert()]), headers as Record<string, string>)).status).toBe(401);
  });

  it('413 over the size limit, 400 on malformed JSON or a payload that is not Alertmanager\'s', async () => {
    expect((await post('x'.repeat(1024 * 1024 + 1))).status).toBe(413);
    expect((await post('{"alerts": [')).status).toBe(400);
    expect((await post({ hello: 'world' })).status).toBe(400);
  });

  it('resolved alerts, alerts without onFire.rollback and unknown rollouts change nothing', async () => {
    const head = repo.git('ls-remote', 'origin', 'refs/heads/main');
    for (const body of [payload([alert({ status: 'resolved' })], 'resolved'), payload([alert({}, { rollgate_rollback: 'false' })]), payload([alert({ fingerprint: 'ffff' }, { rollout: 'nope' })])]) {
      const r = await post(body);
      expect(r.status).toBe(202);
      expect((await r.json()).accepted).toBe(0);
    }
    expect(repo.git('ls-remote', 'origin', 'refs/heads/main')).toBe(head);
  });

  it('a storm of 1,000 deliveries of one firing alert makes one rollback commit, then the store is back', async () => {
    const before = repo.git('rev-parse', 'origin/main');
    const started = Date.now();
    const statuses: number[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const rs = await Promise.all(Array.from({ length: 50 }, () => post(payload([alert()]))));
      statuses.push(...rs.map((r) => r.status));
    }
    expect(statuses.every((s) => s === 202)).toBe(true);
    const done = await hook.waitForLog((e) => e.msg === 'rolled back');
    expect(done).toMatchObject({ rollout: 'checkout', env: 'production', from: 'staged', to: 'canary', sync: 'applied' });
    repo.git('fetch', '-q', 'origin');
    expect(repo.git('rev-list', '--count', `${before}..origin/main`)).toBe('1');
    expect(repo.git('log', '-1', '--format=%s', 'origin/main')).toBe('Revert "Advance checkout in production"');
    expect(percentage(repo.dir)).toBe(10);
    expect(hook.logs.filter((e) => e.msg === 'rollback requested')).toHaveLength(1);
    console.log(`webhook: 1,000 deliveries → 1 rollback commit and a sync in ${Date.now() - started} ms`);
  });

  it('refuses to start without a token', async () => {
    const r = await rollgateAsync(['webhook', '--dir', repo.dir], { env: { ROLLGATE_WEBHOOK_TOKEN: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ROLLGATE_WEBHOOK_TOKEN is not set');
  });
});

describe('rollgate webhook after a restart', () => {
  it('remembers through git: a re-sent alert that already rolled back does not roll back again', async () => {
    await hook.stop();
    hook = await startWebhookProcess(repo.dir, { ROLLGATE_WEBHOOK_TOKEN: TOKEN });
    const before = repo.git('ls-remote', 'origin', 'refs/heads/main');
    const r = await post(payload([alert()]));
    expect(r.status).toBe(202);
    const entry = await hook.waitForLog((e) => e.msg === 'not rolled back');
    expect(String(entry.reason)).toMatch(/^already rolled back for this alert by [0-9a-f]{7}$/);
    expect(repo.git('ls-remote', 'origin', 'refs/heads/main')).toBe(before);
    expect(percentage(repo.dir)).toBe(10);
  });
});
