import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { startProcess } from './process.ts';
import { missingError, PROMETHEUS, PROMTOOL } from './servers.ts';

export { PROMETHEUS, PROMTOOL };

export interface Prometheus {
  url: string;
  /** Where the TSDB lives; the OpenMetrics input is beside it as data.om. */
  dir: string;
  stop(): Promise<void>;
}

/**
 * A real Prometheus (Debian package) on 127.0.0.1 serving `openMetrics` as history:
 * promtool backfills it into blocks first, so 24h–72h windows hold real data.
 */
export async function startPrometheus(options: { openMetrics: string }): Promise<Prometheus> {
  if (!existsSync(PROMETHEUS) || !existsSync(PROMTOOL)) {
    throw missingError('prometheus');
  }
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-prom-'));
  const data = join(dir, 'data');
  writeFileSync(join(dir, 'data.om'), options.openMetrics);
  const backfill = spawnSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', 'data.om', data], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  if (backfill.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`promtool tsdb create-blocks-from openmetrics failed (${backfill.status ?? backfill.signal}): ${(backfill.stderr || backfill.stdout).slice(0, 2000)}`);
  }
  // No scrape targets: the backfilled blocks are the only data, so answers are exactly what was generated.
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\n  evaluation_interval: 1m\nscrape_configs: []\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let running;
  try {
    running = await startProcess(
      'prometheus',
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${data}`,
        // Long enough that history ending now is never deleted on start.
        '--storage.tsdb.retention.time=30d',
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      `${url}/-/ready`,
      dir,
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const stop = async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, dir, stop };
}
