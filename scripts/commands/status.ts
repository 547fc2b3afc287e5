import { durationMs, formatDuration } from '../config/duration.ts';
import { gitAt } from '../git/simple-git.ts';
import { enteredCurrentStage, stageHistory, type StageChange } from '../git/stage-history.ts';
import type { EnvironmentsDocument, RolloutDocument } from '../config/schema/index.ts';
import { openStore } from '../stores/open-store.ts';
import { upstreamOf } from '../progression/upstream.ts';
import { HttpError } from '../http/client.ts';
import { StoreError } from '../stores/port.ts';
import { desiredFlags } from '../sync/desired.ts';
import { ORPHAN_REASON, type SyncPlan } from '../sync/plan.ts';
import { planEnvironment } from '../sync/sync.ts';
import { renderStatusMarkdown } from '../report/status.ts';
import { timelineOf } from '../report/timeline.ts';
import type { ConfigModel, Located } from '../config/model.ts';
import { environmentsOf, environmentsSpec, formatOf, loadValidConfig, parse, repoDir, rolloutArg, type Io, UsageError } from './common.ts';
import { rolloutEnvironments } from './default-env.ts';
import { carriedArgs, rollgateCommand } from '../report/command-line.ts';

export const usage = `rollgate status [ROLLOUT] [--env E] [--dir PATH] [--format text|json|markdown]

Per rollout (or only ROLLOUT) and environment (every one, or only --env): the stage, its
percentage, since when (the commit that set it), the bake time left, the store's value, and
whether the store has drifted. Then, without ROLLOUT, the flags the store records as managed
by rollgate that no rollout names any more (orphans: the next sync turns them off).
Markdown (for a step summary or a PR comment): the table, then a Mermaid chart per rollout
and environment of its stage % over time, from git history.
JSON: {"rollouts": [{"rollout", "env", "stage", "percentage", "since", "sinceCommit",
"bakeLeft", "store": {"percentage", "enabled"} | null, "drift", "handMade"?}], "orphans": [{"env",
"flag", "store": {"percentage", "enabled"} | null, "drift": true}]}

Examples:
  rollgate status
  rollgate status checkout-v2
  rollgate status --env production --format json
  rollgate status --format markdown >> "$GITHUB_STEP_SUMMARY"`;

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
  /**
   * The next step and the earliest time it can be ready: the current stage's bake ended, and
   * the environment before it in promotion order in that stage for that stage's bake. The gate
   * is not measured here (rollgate gate / propose do that). Null at the last stage.
   */
  next: { stage: string; progression: 'manual' | 'propose' | 'auto'; readyAt: string | null; waitsFor: string[] } | null;
  /** Only when there are any: changes made by hand in the store beside rollgate's strategy (Unleash constraints, segments, variants, other strategies), one line each; the sync keeps them. */
  handMade?: string[];
}

/** A flag the store records as managed that no rollout names in `env`. */
export interface OrphanRow {
  env: string;
  flag: string;
  store: { percentage: number; enabled: boolean } | null;
  /** Always true: the store differs from main until the next sync turns it off. */
  drift: true;
}

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { env: { type: 'string' } }, true);
  if (positionals.length > 1) throw new UsageError('give at most one ROLLOUT');
  if (values.help) return io.stdout(usage + '\n'), 0;
  const format = formatOf(io, values.format, ['text', 'json', 'markdown']);
  const dir = repoDir(io, values.dir);
  const { model } = await loadValidConfig(io, dir);
  const only = positionals.length ? rolloutArg(model, positionals) : undefined;
  const envs = only ? onlyIn(model, only, values.env) : environmentsOf(model, values.env);
  const git = gitAt(dir);
  const settings = environmentsSpec(model);
  const histories = new Map(await Promise.all(model.rollouts.map(async (r) => [r.doc.metadata.name, await stageHistory(git, r.file.path)] as const)));
  const head = await git.head();
  const rows: StatusRow[] = [];
  const orphans: OrphanRow[] = [];
  for (const env of envs) {
    const desired = desiredFlags(model, env);
    let plan: SyncPlan | undefined;
    try {
      plan = await planEnvironment(openStore(dir, settings.environments[env].store, io.env, {}, env), desired, env, head);
    } catch (error) {
      if (!(error instanceof StoreError || error instanceof HttpError)) throw error;
      io.stderr(`rollgate status: ${env}: store not read: ${error.message}\n`);
    }
    const changes = new Map(plan?.changes.map((c) => [c.key, c]));
    for (const d of desired.filter((f) => !f.companion && (!only || f.rollout === only.doc.metadata.name))) {
      const rollout = model.rolloutByName.get(d.rollout)!;
      const entered = enteredCurrentStage(histories.get(d.rollout) ?? [], env);
      const setByCommit = entered?.to === d.stage ? entered : undefined;
      const bake = rollout.doc.spec.stages.find((s) => s.name === d.stage)?.bake;
      const bakeMs = bake ? durationMs(bake) : undefined;
      const left = bakeMs === undefined ? null : setByCommit ? formatDuration(Math.max(0, bakeMs - (io.now() - Date.parse(setByCommit.date)))) : bake!;
      const change = changes.get(d.key);
      const s = change?.from;
      rows.push({
        rollout: d.rollout,
        env,
        stage: d.stage,
        percentage: d.percentage,
        since: setByCommit?.date ?? null,
        sinceCommit: setByCommit?.sha ?? null,
        bakeLeft: left,
        store: s ? { percentage: s.percentage, enabled: s.enabled } : null,
        drift: change ? change.steps.length > 0 || Boolean(s?.handMade?.length) : false,
        next: nextStep(rollout.doc, env, settings, histories.get(d.rollout) ?? [], io.now()),
        ...(s?.handMade?.length ? { handMade: s.handMade } : {}),
      });
    }
    for (const o of only ? [] : (plan?.orphans ?? [])) orphans.push({ env, flag: o.key, store: o.from ? { percentage: o.from.percentage, enabled: o.from.enabled } : null, drift: true });
  }
  if (format === 'json') {
    io.stdout(JSON.stringify({ rollouts: rows, orphans }, null, 2) + '\n');
    return 0;
  }
  if (format === 'markdown') {
    const timelines = new Map(model.rollouts.map((r) => [r.doc.metadata.name, timelineOf(r.doc, histories.get(r.doc.metadata.name) ?? [])] as const));
    io.stdout(renderStatusMarkdown(rows, orphans, timelines, new Date(io.now()).toISOString()));
    return 0;
  }
  const table = [['ROLLOUT', 'ENV', 'STAGE', '%', 'SINCE', 'COMMIT', 'BAKE LEFT', 'STORE', 'DRIFT', 'NEXT']];
  for (const r of rows) {
    table.push([r.rollout, r.env, r.stage, String(r.percentage), r.since ?? 'not committed', r.sinceCommit?.slice(0, 7) ?? '—', r.bakeLeft ?? '—', r.store ? `${r.store.percentage} % ${r.store.enabled ? 'on' : 'off'}` : 'missing', r.drift ? 'DRIFT' : '—', r.next ? `${r.next.stage} ${r.next.readyAt === null ? 'waits' : Date.parse(r.next.readyAt) <= io.now() ? 'ready now' : `from ${r.next.readyAt}`}${r.next.progression === 'manual' ? '' : ` (${r.next.progression})`}` : '—']);
  }
  io.stdout(columns(table));
  const kept = rows.filter((r) => r.handMade);
  if (kept.length) io.stdout(`\nchanged by hand in the store beside rollgate's strategy (kept by the sync; drift until removed there):\n${kept.map((r) => `  ${r.env}/${r.rollout}: ${r.handMade!.join('; ')}`).join('\n')}\n`);
  if (orphans.length) {
    const list = [['ENV', 'FLAG', 'STORE'], ...orphans.map((o) => [o.env, o.flag, o.store ? `${o.store.percentage} % ${o.store.enabled ? 'on' : 'off'}` : 'missing'])];
    io.stdout(`\n${ORPHAN_REASON} (the next sync turns ${orphans.length === 1 ? 'it' : 'them'} off and keeps ${orphans.length === 1 ? 'it' : 'them'} in the store):\n${columns(list, '  ')}`);
  }
  if (only) io.stdout(rows.map((r) => `next in ${r.env}: ${nextCommand(r, io.now(), values.dir)}\n`).join(''));
  return 0;
}

/** One rollout's status ends with the command of each environment's next step. */
function nextCommand(r: StatusRow, now: number, dir: string | undefined): string {
  if (!r.next) return `nothing: ${r.stage} is the last stage`;
  const gate = rollgateCommand('gate', [r.rollout, '--env', r.env, ...carriedArgs({ dir }, false)]);
  if (r.next.readyAt === null) return `${r.next.stage} waits for ${r.next.waitsFor.join(', ')}`;
  const when = Date.parse(r.next.readyAt) <= now ? '' : `from ${r.next.readyAt}, `;
  return r.next.progression === 'manual' ? `${when}${gate}` : `${when}the progression bot proposes ${r.next.stage} (${r.next.progression}); ${gate} shows its gate`;
}

function columns(table: string[][], indent = ''): string {
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  return table.map((row) => indent + row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

/** The next stage of `env` and the earliest time bake and promotion order allow it (see StatusRow.next). */
function nextStep(doc: RolloutDocument, env: string, spec: EnvironmentsDocument['spec'] | undefined, history: StageChange[], now: number): StatusRow['next'] {
  const names = doc.spec.stages.map((s) => s.name);
  const current = doc.spec.environments[env]?.stage;
  const next = current === undefined ? undefined : names[names.indexOf(current) + 1];
  if (!next) return null;
  const progression = doc.spec.progression ?? spec?.progression?.default ?? 'manual';
  const waitsFor: string[] = [];
  /** When a bake that started at `since` (undefined: not committed yet, so unknown) ends. */
  const endOfBake = (bake: string | undefined, since: string | undefined): number | null => {
    if (since === undefined) return bake ? null : now;
    return Date.parse(since) + (bake ? (durationMs(bake) ?? 0) : 0);
  };
  const entered = enteredCurrentStage(history, env);
  let at: number | null = endOfBake(doc.spec.stages.find((s) => s.name === current)?.bake, entered?.to === current ? entered.date : undefined);
  if (at === null) waitsFor.push(`${env} to be committed in ${current}`);
  const upstream = upstreamOf(doc, env, next, history, spec?.promotionOrder ?? []);
  if (upstream?.behind) {
    waitsFor.push(`${upstream.env} to reach ${next}`);
    at = null;
  } else if (upstream?.stage === next) {
    const baked = endOfBake(upstream.bake, upstream.since);
    if (baked === null) waitsFor.push(`${upstream.env} to bake in ${next}`);
    at = at === null || baked === null ? null : Math.max(at, baked);
  }
  if (spec?.freeze && (!spec.freeze.environments || spec.freeze.environments.includes(env))) {
    const until = spec.freeze.until ? Date.parse(spec.freeze.until) : Infinity;
    if (until > now) {
      waitsFor.push(`the freeze (${spec.freeze.reason})`);
      at = at === null || !Number.isFinite(until) ? null : Math.max(at, until);
    }
  }
  return { stage: next, progression, readyAt: at === null ? null : new Date(at).toISOString(), waitsFor };
}

/** The environments `rollout` is in (a reading verb shows them all), or --env when it is one of them. */
function onlyIn(model: ConfigModel, rollout: Located<RolloutDocument>, env: string | undefined): string[] {
  const own = rolloutEnvironments(model, rollout);
  if (env === undefined) return own;
  environmentsOf(model, env);
  if (!own.includes(env)) throw new UsageError(`${rollout.doc.metadata.name} is not in ${env} (it is in ${own.join(', ') || 'no environment yet'})`);
  return [env];
}
