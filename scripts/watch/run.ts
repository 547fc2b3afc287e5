import type { ConfigModel, Located } from '../config/model.ts';
import type { RolloutDocument } from '../config/schema/index.ts';
import { assess, type RowVerdict } from '../gates/assess.ts';
import { measureCriteria } from '../gates/evaluate-gate.ts';
import type { Git } from '../git/port.ts';
import { enteredCurrentStage, stageHistory, type StageChange } from '../git/stage-history.ts';
import type { GitHub } from '../github/port.ts';
import type { Evidence, MetricsProvider } from '../metrics/port.ts';
import { rollbackBranch, type RollbackRequest } from '../rollback/execute.ts';
import { decideWatch, type WatchDecision, type WatchOutcome } from './decide.ts';
import { carriesKey, holdMarker, WATCH_KEY } from './key.ts';
import { holdComment } from './report.ts';
import { waitingRows } from './settle.ts';

/**
 * What a result means for the run: quiet (nothing due), acted (done now), already-done (an
 * earlier run did it: git or the open PR says so), would-act (--dry-run), not-done (due, but
 * refused or impossible here), error (the world failed: a provider, GitHub, git).
 */
export type WatchStatus = 'quiet' | 'acted' | 'already-done' | 'would-act' | 'not-done' | 'error';

export interface WatchResult {
  rollout: string;
  env: string;
  stage?: string;
  entered?: { sha: string; date: string };
  outcome: WatchOutcome | 'error';
  status: WatchStatus;
  /** What the matrix says. */
  advice: string;
  /** What was done, found done, or why not. */
  detail: string;
  row?: RowVerdict;
  rollback?: { to: string; mode: 'emergency' | 'gradual'; key: string };
  commit?: string;
  pullRequest?: { number: number; url: string; created: boolean };
  comment?: { issue: number; id: number; created: boolean };
  sync?: { status: string; writes: number; reason?: string };
  rows?: RowVerdict[];
}

/** One run over every rollout and environment: plain data, rendered by report.ts. */
export interface WatchReport {
  evaluatedAt: string;
  dryRun: boolean;
  results: WatchResult[];
}

/** The two rollback paths of scripts/rollback/execute.ts, bound to the checkout by the entry point. */
export interface RollbackActions {
  emergency(path: string, request: RollbackRequest): Promise<{ commit: string; summary: string; attempts: number; sync: { status: string; writes: number; reason?: string } }>;
  pullRequest(path: string, request: RollbackRequest): Promise<{ number: number; url: string; created: boolean; summary: string }>;
}

export interface WatchPorts {
  git: Git;
  mainBranch: string;
  /** The metrics provider of an environment; throws when it cannot be set up (a token missing). */
  provider(env: string): MetricsProvider;
  /** Absent: PRs and comments cannot be made; `noGitHub` says why. */
  github?: GitHub;
  noGitHub?: string;
  actions: RollbackActions;
  now(): number;
}

export interface WatchOptions {
  rollout?: string;
  env?: string;
  dryRun: boolean;
  /** The issue (or PR) where each rollout and environment on hold has its one comment. */
  issue?: number;
}

/** Every rollout in every environment it is in, in promotion order; narrowed by --rollout and --env. */
export function watchTargets(model: ConfigModel, options: Pick<WatchOptions, 'rollout' | 'env'>): { rollout: Located<RolloutDocument>; env: string }[] {
  const order = model.environments[0]?.doc.spec.promotionOrder ?? [];
  const rollouts = [...model.rollouts].sort((a, b) => a.doc.metadata.name.localeCompare(b.doc.metadata.name));
  return rollouts
    .filter((r) => options.rollout === undefined || r.doc.metadata.name === options.rollout)
    .flatMap((rollout) => order.filter((env) => (options.env === undefined || env === options.env) && Object.hasOwn(rollout.doc.spec.environments, env)).map((env) => ({ rollout, env })));
}

/**
 * Evaluates each rollout's rollback matrix in each environment now and acts on the deciding
 * row as the row says, one target at a time (git work is sequential). Idempotent: a rollback
 * commit carries a Watch-Key trailer, and a decision whose key is on main, or on the open
 * rollback PR's branch, is not acted on again.
 */
export async function watchOnce(model: ConfigModel, ports: WatchPorts, options: WatchOptions): Promise<WatchReport> {
  const now = ports.now();
  const results: WatchResult[] = [];
  const histories = new Map<string, Promise<StageChange[]>>();
  for (const { rollout, env } of watchTargets(model, options)) {
    const path = rollout.file.path;
    if (!histories.has(path)) histories.set(path, stageHistory(ports.git, path, 'HEAD'));
    try {
      results.push(await watchOne(model, ports, options, rollout, env, await histories.get(path)!, now));
    } catch (error) {
      results.push({ rollout: rollout.doc.metadata.name, env, outcome: 'error', status: 'error', advice: 'not evaluated', detail: (error as Error).message });
    }
  }
  return { evaluatedAt: new Date(now).toISOString(), dryRun: options.dryRun, results };
}

async function watchOne(model: ConfigModel, ports: WatchPorts, options: WatchOptions, rollout: Located<RolloutDocument>, env: string, history: StageChange[], now: number): Promise<WatchResult> {
  const name = rollout.doc.metadata.name;
  const path = rollout.file.path;
  const stage = rollout.doc.spec.environments[env].stage;
  const rows = rollout.doc.spec.rollback ?? [];
  if (!rows.length) return { rollout: name, env, stage, outcome: 'none', status: 'quiet', advice: 'no rollback matrix', detail: 'nothing to evaluate' };
  const entry = enteredCurrentStage(history, env);
  if (!entry || entry.to !== stage) {
    // Without the commit that entered the stage there is no key, so acting could not be made idempotent.
    return { rollout: name, env, stage, outcome: 'error', status: 'error', advice: 'not evaluated', detail: `no commit in HEAD's first-parent history puts ${env} in ${stage} (a shallow clone? watch needs the history: fetch-depth 0)` };
  }
  const entered = { sha: entry.sha, date: entry.date };
  const metricOf = (m: string) => model.metricCatalog.get(m)?.metric;
  const waiting = waitingRows(rows, stage, Date.parse(entry.date), now, metricOf);
  const provider = ports.provider(env);
  const ctx = { model, rollout, env, stage, provider, history, now };
  const measured = await Promise.all(
    rows.map((row, i) => {
      const criteria = row.when.all ?? row.when.any ?? [];
      const why = waiting.get(i);
      return why ? Promise.resolve(criteria.map((): Evidence[] => [{ ok: false, reason: why }])) : measureCriteria(ctx, criteria);
    }),
  );
  const stages = rollout.doc.spec.stages.map((s) => s.name);
  const assessment = assess({ name, stages }, env, stage, rows, measured, metricOf);
  const decision = decideWatch(assessment, stages, { ...entered, ...(entry.from ? { from: entry.from } : {}) }, waiting);
  const base: WatchResult = {
    rollout: name,
    env,
    stage,
    entered,
    outcome: decision.outcome,
    status: 'quiet',
    advice: decision.advice,
    detail: '',
    ...(decision.row ? { row: decision.row } : {}),
    ...(decision.rollback ? { rollback: decision.rollback } : {}),
    rows: assessment.rows,
  };
  if (decision.outcome === 'rollback') return { ...base, ...(await rollBack(ports, options, path, decision)) };
  if (decision.outcome === 'hold') return { ...base, ...(await hold(ports, options, decision, now)) };
  return { ...base, detail: decision.outcome === 'none' ? 'nothing to do' : 'nothing done' };
}

async function rollBack(ports: WatchPorts, options: WatchOptions, path: string, decision: WatchDecision): Promise<Partial<WatchResult>> {
  const { rollout, env, stage, row } = decision;
  const { to, mode, key } = decision.rollback!;
  const done = await findDone(ports, path, decision, options.dryRun);
  if (done) return { status: 'already-done', detail: done };
  if (options.dryRun) return { status: 'would-act', detail: mode === 'emergency' ? `would commit the rollback ${stage} → ${to} on ${ports.mainBranch} and sync ${env}` : `would open a rollback PR ${stage} → ${to}` };
  const criteria = row!.criteria.filter((c) => c.result === 'MATCH').map((c) => `${c.name} ${c.threshold}: ${c.why}`);
  // Back to where the advance into this stage came from: the commit is that advance's revert, as `git revert` would make it.
  const reverts = decision.enteredFrom === to;
  const request: RollbackRequest = {
    rollout,
    env,
    ...(reverts ? {} : { to }),
    from: stage,
    reason: `rollgate watch: row ${row!.index + 1} (${row!.severity}) of the rollback matrix holds at ${stage}${criteria.length ? ` — ${criteria.join('; ')}` : ''}`,
    trailers: [{ token: WATCH_KEY, value: key }],
  };
  if (mode === 'gradual' && !ports.github) return { status: 'not-done', detail: `a gradual rollback is a PR, and there is no GitHub to open it on: ${ports.noGitHub ?? 'not configured'}` };
  try {
    if (mode === 'emergency') {
      const r = await ports.actions.emergency(path, request);
      const sync = { status: r.sync.status, writes: r.sync.writes, ...(r.sync.reason ? { reason: r.sync.reason } : {}) };
      const committed = `committed ${r.commit.slice(0, 7)} on ${ports.mainBranch}${r.attempts > 1 ? ` (after ${r.attempts} pushes)` : ''}`;
      if (r.sync.status !== 'applied') return { status: 'not-done', commit: r.commit, sync, detail: `${committed}, but the sync of ${env} did not apply: ${r.sync.reason ?? r.sync.status} (rerun rollgate sync)` };
      return { status: 'acted', commit: r.commit, sync, detail: `${committed}, ${env} synced (${r.sync.writes} write${r.sync.writes === 1 ? '' : 's'})` };
    }
    const pr = await ports.actions.pullRequest(path, request);
    return { status: 'acted', pullRequest: { number: pr.number, url: pr.url, created: pr.created }, detail: `${pr.created ? 'opened' : 'updated'} rollback PR #${pr.number} ${pr.url}` };
  } catch (error) {
    if ((error as Error).name === 'RollbackRefused') return { status: 'not-done', detail: `refused: ${(error as Error).message}` };
    throw error;
  }
}

/**
 * Where the git history says this decision was already acted on: a commit on main with its key,
 * or the tip of the rollout's rollback branch with its key (the PR open, or closed unmerged by
 * someone who decided against it: either way not proposed again for the same decision).
 */
async function findDone(ports: WatchPorts, path: string, decision: WatchDecision, dryRun: boolean): Promise<string | undefined> {
  const { git, mainBranch } = ports;
  const { key, mode } = decision.rollback!;
  const main = (await git.resolve(`refs/remotes/origin/${mainBranch}`)) ? `origin/${mainBranch}` : 'HEAD';
  const onMain = (await git.log(path, main)).slice(0, 500).find((c) => carriesKey(c, key));
  if (onMain) return `already done by ${onMain.sha.slice(0, 7)} on ${mainBranch} (${WATCH_KEY}: ${key})`;
  if (mode !== 'gradual') return undefined;
  const branch = rollbackBranch(decision.rollout, decision.env);
  // A dry run fetches nothing: it reads what the last fetch left.
  const tip = dryRun ? await git.resolve(`refs/remotes/origin/${branch}`) : await git.fetch(branch).catch(() => undefined);
  if (!tip) return undefined;
  const [top] = await git.log(path, tip);
  if (!top || top.sha !== tip || !carriesKey(top, key)) return undefined;
  const open = ports.github ? await ports.github.findPullRequest(branch) : undefined;
  if (open) return `already proposed in PR #${open.number} ${open.url} (open)`;
  return `already proposed on ${branch} (${tip.slice(0, 7)}), and its PR is no longer open${ports.github ? '' : ' (or GitHub was not asked)'}: someone decided; not proposed again for the same decision`;
}

async function hold(ports: WatchPorts, options: WatchOptions, decision: WatchDecision, now: number): Promise<Partial<WatchResult>> {
  if (options.issue === undefined) return { status: 'not-done', detail: 'hold: no --issue (or ROLLGATE_WATCH_ISSUE) to keep the hold comment on' };
  if (options.dryRun) return { status: 'would-act', detail: `would update the hold comment on #${options.issue}` };
  if (!ports.github) return { status: 'not-done', detail: `hold: no GitHub to comment on: ${ports.noGitHub ?? 'not configured'}` };
  const c = await ports.github.upsertComment(options.issue, holdMarker(decision.rollout, decision.env), holdComment(decision, now));
  return { status: 'acted', comment: { issue: options.issue, id: c.id, created: c.created }, detail: `${c.created ? 'commented' : 'updated the comment'} on #${options.issue}` };
}

/** 2 when anything failed to run, 1 when an action is due and not done (--dry-run included), else 0. */
export function watchExitCode(report: WatchReport): number {
  if (report.results.some((r) => r.status === 'error')) return 2;
  if (report.results.some((r) => r.status === 'would-act' || r.status === 'not-done')) return 1;
  return 0;
}
