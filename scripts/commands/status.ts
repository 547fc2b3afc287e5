import { durationMs, formatDuration } from '../config/duration.ts';
import { gitAt } from '../git/simple-git.ts';
import { enteredCurrentStage, stageHistory } from '../git/stage-history.ts';
import { openStore } from '../stores/open-store.ts';
import { HttpError } from '../http/client.ts';
import { StoreError } from '../stores/port.ts';
import { desiredFlags, type FlagState } from '../sync/desired.ts';
import { planChanges } from '../sync/plan.ts';
import { environmentsOf, formatOf, loadValidConfig, parse, repoDir, type Io } from './common.ts';

export const usage = `rollgate status [--env E] [--dir PATH] [--format text|json]

Per rollout and environment: the stage, its percentage, since when (the commit that set
it), the bake time left, the store's value, and whether the store has drifted.
JSON: {"rollouts": [{"rollout", "env", "stage", "percentage", "since", "sinceCommit",
"bakeLeft", "store": {"percentage", "enabled"} | null, "drift"}]}`;

export interface StatusRow {
  rollout: string;
  env: string;
  stage: string;
  percentage: number;
  /** ISO date of the commit that set the stage; null when it is not committed yet. */
  since: string | null;
  sinceCommit: string | null;
  /** Bake time left, e.g. `1d2h`; "0s" when elapsed; null when the stage has no bake. */
  bakeLeft: string | null;
  store: { percentage: number; enabled: boolean } | null;
  drift: boolean;
}

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, { env: { type: 'string' } });
  if (values.help) return io.stdout(usage + '\n'), 0;
  const format = formatOf(io, values.format, ['text', 'json']);
  const dir = repoDir(io, values.dir);
  const { model } = await loadValidConfig(io, dir);
  const envs = environmentsOf(model, values.env);
  const git = gitAt(dir);
  const settings = model.environments[0].doc.spec;
  const histories = new Map(await Promise.all(model.rollouts.map(async (r) => [r.doc.metadata.name, await stageHistory(git, r.file.path)] as const)));
  const rows: StatusRow[] = [];
  for (const env of envs) {
    const desired = desiredFlags(model, env).filter((d) => !d.companion);
    let store: Map<string, FlagState> | undefined;
    try {
      store = await openStore(dir, settings.environments[env].store, io.env).read(desired.map((d) => d.key));
    } catch (error) {
      if (!(error instanceof StoreError || error instanceof HttpError)) throw error;
      io.stderr(`rollgate status: ${env}: store not read: ${error.message}\n`);
    }
    for (const d of desired) {
      const rollout = model.rolloutByName.get(d.rollout)!;
      const entered = enteredCurrentStage(histories.get(d.rollout) ?? [], env);
      const setByCommit = entered?.to === d.stage ? entered : undefined;
      const bake = rollout.doc.spec.stages.find((s) => s.name === d.stage)?.bake;
      const bakeMs = bake ? durationMs(bake) : undefined;
      const left = bakeMs === undefined ? null : setByCommit ? formatDuration(Math.max(0, bakeMs - (io.now() - Date.parse(setByCommit.date)))) : bake!;
      const s = store?.get(d.key);
      rows.push({
        rollout: d.rollout,
        env,
        stage: d.stage,
        percentage: d.percentage,
        since: setByCommit?.date ?? null,
        sinceCommit: setByCommit?.sha ?? null,
        bakeLeft: left,
        store: s ? { percentage: s.percentage, enabled: s.enabled } : null,
        drift: store ? planChanges([d], store)[0].steps.length > 0 : false,
      });
    }
  }
  if (format === 'json') {
    io.stdout(JSON.stringify({ rollouts: rows }, null, 2) + '\n');
    return 0;
  }
  const table = [['ROLLOUT', 'ENV', 'STAGE', '%', 'SINCE', 'COMMIT', 'BAKE LEFT', 'STORE', 'DRIFT']];
  for (const r of rows) {
    table.push([r.rollout, r.env, r.stage, String(r.percentage), r.since ?? 'not committed', r.sinceCommit?.slice(0, 7) ?? '—', r.bakeLeft ?? '—', r.store ? `${r.store.percentage} % ${r.store.enabled ? 'on' : 'off'}` : 'missing', r.drift ? 'DRIFT' : '—']);
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  io.stdout(table.map((row) => row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n');
  return 0;
}
