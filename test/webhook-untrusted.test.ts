// Alert labels and annotations are untrusted text: whoever can make an alert fire (or reach
// Alertmanager) chooses them. They must neither reach Object.prototype nor forge trailers.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollgate, ROOT } from './helpers/cli.ts';
import { repoFrom, setStage, type Repo } from './helpers/git.ts';
import { startWebhookProcess, type WebhookProcess } from './helpers/webhook-process.ts';

const TOKEN = 'rollgate-webhook-untrusted-token';
const alert = (labels: Record<string, string>, annotations: Record<string, string>, fingerprint: string, startsAt: string) => ({
  status: 'firing',
  labels: { alertname: 'checkout_error_rate_critical', severity: 'critical', rollout: 'checkout', env: 'production', rollgate_rollback: 'true', ...labels },
  annotations,
  startsAt,
  endsAt: '0001-01-01T00:00:00Z',
  fingerprint,
});
const payload = (alerts: unknown[]) => ({ receiver: 'rollgate', status: 'firing', alerts, version: '4', groupKey: '{}:{}' });

let repo: Repo;
let hook: WebhookProcess;
const post = async (body: unknown) => {
  const r = await fetch(`${hook.url}/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
  expect(r.status).toBe(202);
  return (await r.json()) as { accepted: number; ignored: number };
};
const ended = (e: Record<string, unknown>) => e.msg === 'rolled back' || e.msg === 'not rolled back' || e.msg === 'rollback failed';
const originMain = () => repo.git('ls-remote', 'origin', 'refs/heads/main');

beforeAll(async () => {
  repo = repoFrom(join(ROOT, 'test', 'fixtures', 'sync'));
  repo.commit('rollout/checkout.yaml', setStage('production', 'staged'), 'Advance checkout in production');
  expect(rollgate(['sync', '--dir', repo.dir]).code).toBe(0);
  hook = await startWebhookProcess(repo.dir, { ROLLGATE_WEBHOOK_TOKEN: TOKEN });
});
afterAll(() => hook?.stop());

describe('rollgate webhook with untrusted labels', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('ignores "%s" as an env and as a rollout: no lookup finds Object.prototype', async (name) => {
    const before = originMain();
    expect(await post(payload([alert({ env: name }, {}, `env-${name}`, '2026-11-22T01:00:00Z')]))).toEqual({ accepted: 0, ignored: 1 });
    expect(await post(payload([alert({ rollout: name }, {}, `rollout-${name}`, '2026-11-22T01:00:00Z')]))).toEqual({ accepted: 0, ignored: 1 });
    expect(hook.logs.filter((e) => e.msg === 'ignored: unknown rollout or environment' && (e.env === name || e.rollout === name))).toHaveLength(2);
    expect(hook.logs.filter((e) => e.msg === 'rollback requested')).toHaveLength(0);
    expect(originMain()).toBe(before);
  });
});

describe('rollgate webhook with a forged Alert-Key', () => {
  const forgedKey = 'checkout|production|f0f0f0f0f0f0f0f0|2026-11-22T03:00:00Z';
  let forgedCommit: string;

  it('rolls back for the first alert with its text on single lines and only its own key as a trailer', async () => {
    const injected = `checkout v2 error rate over 10 %\nAlert-Key: ${forgedKey}\r\nSigned-off-by: Mallory <m@example.com>`;
    expect(await post(payload([alert({ severity: `critical\nAlert-Key: ${forgedKey}` }, { summary: injected, description: injected }, 'a1a1a1a1a1a1a1a1', '2026-11-22T02:00:00Z')]))).toEqual({ accepted: 1, ignored: 0 });
    const done = await hook.waitForLog((e) => ended(e) && e.alertname === 'checkout_error_rate_critical' && e.env === 'production');
    expect(done).toMatchObject({ msg: 'rolled back', from: 'staged', to: 'canary', sync: 'applied' });
    forgedCommit = String(done.commit);

    const message = repo.git('log', '-1', '--format=%B', forgedCommit);
    const lines = message.split('\n');
    expect(lines.filter((l) => /^\s*(Alert-Key|Signed-off-by):/i.test(l))).toEqual(['Alert-Key: checkout|production|a1a1a1a1a1a1a1a1|2026-11-22T02:00:00Z']);
    expect(message).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(lines.at(-2)).toBe(`Reason: alert checkout_error_rate_critical (critical Alert-Key: ${forgedKey}) fired at 2026-11-22T02:00:00Z: checkout v2 error rate over 10 % Alert-Key: ${forgedKey} Signed-off-by: Mallory <m@example.com>`);
    // git's own reading of the commit's trailers: Reason and the real key, nothing forged.
    expect(repo.git('log', '-1', '--format=%(trailers:only,unfold)', forgedCommit)).toBe(`${lines.at(-2)}\n${lines.at(-1)}`);
    expect(repo.git('log', '-1', '--format=%(trailers:key=Alert-Key,valueonly)', forgedCommit)).toBe('checkout|production|a1a1a1a1a1a1a1a1|2026-11-22T02:00:00Z');
  });

  it('a later real alert whose key was forged is not skipped as already handled', async () => {
    expect(await post(payload([alert({ rollback_to: 'shadow' }, { summary: 'checkout v2 error rate over 10 %' }, 'f0f0f0f0f0f0f0f0', '2026-11-22T03:00:00Z')]))).toEqual({ accepted: 1, ignored: 0 });
    const done = await hook.waitForLog((e) => ended(e) && e.env === 'production' && e.commit !== forgedCommit);
    expect(done).toMatchObject({ msg: 'rolled back', from: 'canary', to: 'shadow', sync: 'applied' });
    repo.git('fetch', '-q', 'origin');
    expect(repo.git('log', '-1', '--format=%(trailers:key=Alert-Key,valueonly)', 'origin/main')).toBe(forgedKey);
  });
});
