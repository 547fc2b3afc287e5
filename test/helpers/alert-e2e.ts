import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exportAlertmanager, exportRules } from '../../scripts/alerts/export.ts';
import { validateRepository } from '../../scripts/rules/validate-repository.ts';
import { startApp } from './app.ts';
import { rollgate, ROOT } from './cli.ts';
import { repoFrom, setStage } from './git.ts';
import { freePort, waitFor } from './ports.ts';
import { startProcess, type Running } from './process.ts';
import { PROMETHEUS } from './prometheus.ts';
import { ALERTMANAGER } from './servers.ts';
import { startWebhookProcess } from './webhook-process.ts';

export { ALERTMANAGER };

export interface AlertRollback {
  /** From the moment the app's error rate crossed the threshold to the store serving the previous percentage. */
  latencyMs: number;
  /** Subjects of origin's main, newest first. */
  mainLog: string[];
  percentageBefore: number;
  percentageAfter: number;
  webhookLogs: Record<string, unknown>[];
}

/**
 * The whole loop on this machine: an app counting errors (prom-client) → Prometheus scraping it
 * every second with the exported rules (evaluation every second) → Alertmanager with the exported
 * config (group_wait 1s) → `rollgate webhook` → a rollback commit on main → sync → the flagd file.
 */
export async function alertRollbackScenario(): Promise<AlertRollback> {
  const cleanup: (() => Promise<void>)[] = [];
  try {
    const repo = repoFrom(join(ROOT, 'test', 'fixtures', 'alerting'));
    repo.commit('rollout/checkout.yaml', setStage('production', 'staged'), 'Advance checkout in production');
    if (rollgate(['sync', '--dir', repo.dir]).code !== 0) throw new Error('first sync failed');
    const flagFile = join(repo.dir, 'build', 'flags', 'production.flagd.json');
    const percentage = () => JSON.parse(readFileSync(flagFile, 'utf8')).flags['checkout-v2'].metadata.percentage as number;
    const percentageBefore = percentage();

    const token = `e2e-${process.pid}-${Date.now()}`;
    const hook = await startWebhookProcess(repo.dir, { ROLLGATE_WEBHOOK_TOKEN: token });
    cleanup.push(hook.stop);
    const app = await startApp('checkout-v2', 'production');
    cleanup.push(app.stop);

    const work = mkdtempSync(join(tmpdir(), 'rollgate-e2e-'));
    const secrets = join(work, 'secrets');
    mkdirSync(secrets);
    writeFileSync(join(secrets, 'ROLLGATE_WEBHOOK_TOKEN'), token);
    writeFileSync(join(secrets, 'PAGERDUTY_ROUTING_KEY'), 'not-a-real-routing-key');
    const { model } = await validateRepository(repo.dir);
    const ruleFiles = exportRules(model).map((f) => {
      const path = join(work, f.file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.text);
      return path;
    });
    const amPort = await freePort();
    writeFileSync(join(work, 'alertmanager.yml'), exportAlertmanager(model, { webhookUrl: `${hook.url}/alertmanager`, secretsDir: secrets, groupWait: '1s', groupInterval: '1s', repeatInterval: '1h' }));
    const am: Running = await startProcess('alertmanager', ALERTMANAGER, [`--config.file=${join(work, 'alertmanager.yml')}`, `--storage.path=${join(work, 'am')}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=', '--log.level=warn'], `http://127.0.0.1:${amPort}/-/ready`);
    cleanup.push(am.stop);
    const promPort = await freePort();
    writeFileSync(
      join(work, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: [${ruleFiles.map((f) => JSON.stringify(f)).join(', ')}]`,
        `alerting: { alertmanagers: [ { static_configs: [ { targets: ['127.0.0.1:${amPort}'] } ] } ] }`,
        `scrape_configs: [ { job_name: app, static_configs: [ { targets: ['${new URL(app.url).host}'] } ] } ]`,
        '',
      ].join('\n'),
    );
    const prometheus = await startProcess('prometheus', PROMETHEUS, [`--config.file=${join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'], `http://127.0.0.1:${promPort}/-/ready`);
    cleanup.push(prometheus.stop);
    // A healthy baseline first: the rate window needs samples before the failure starts.
    await waitFor('the first scrapes of the app', async () => {
      const r = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent('count(rate(app_requests_total[5s]) > 0)')}`)).json()) as { data: { result: { value: [number, string] }[] } };
      return Number(r.data.result[0]?.value[1] ?? 0) >= 2; // the ok series of both variants are moving
    }, 30_000);

    const crossed = Date.now();
    app.setErrorPercent(30);
    let changed = 0;
    await waitFor('the store back at the previous percentage', async () => {
      if (percentage() === percentageBefore) return false;
      changed = Date.now();
      return true;
    }, 90_000);
    repo.git('fetch', '-q', 'origin');
    return { latencyMs: changed - crossed, mainLog: repo.git('log', '--format=%s', 'origin/main').split('\n'), percentageBefore, percentageAfter: percentage(), webhookLogs: hook.logs };
  } finally {
    for (const stop of cleanup.reverse()) await stop().catch(() => {});
  }
}
