import { durationMs, formatDuration } from '../config/duration.ts';
import type { ConfigModel, Located } from '../config/model.ts';
import type { Criterion, Gate, RolloutDocument } from '../config/schema/index.ts';
import type { StageChange } from '../git/stage-history.ts';
import type { Review } from '../github/port.ts';
import type { Evidence, MetricsProvider } from '../metrics/port.ts';
import { countApprovals } from './approvals.ts';
import { BUILTIN_UNITS } from './builtins.ts';
import { judge, threshold } from './criteria.ts';
import { decide } from './decide.ts';
import { gatherEvidence, type MeasureContext } from './evidence.ts';
import { unitLabel } from './units.ts';
import type { CriterionReport, GateReport, Group } from './report.ts';

/** Asked for a gate that does not exist: a stage that is not ahead, an unknown environment. */
export class GateError extends Error {
  override name = 'GateError';
}

export interface GateInput {
  model: ConfigModel;
  rollout: Located<RolloutDocument>;
  env: string;
  /** The stage the environment is in now (the base branch's, in a PR). */
  from: string;
  /** The stage being entered. */
  to: string;
  /** The gate definition to apply: the base branch's in a PR. Undefined: no gate. */
  gate: Gate | undefined;
  gateFrom: string;
  provider: MetricsProvider;
  /** Stage history of the branch the rollout is on now (the base branch, in a PR). */
  history: StageChange[];
  now: number;
  /** Manual checks ticked in the PR. */
  ticked: ReadonlySet<string>;
  /** Reviews of the PR; undefined outside a PR (no approval counts). */
  reviews?: { members: ReadonlyMap<string, string[]>; list: Review[]; headSha: string; author: string };
  /** Queries in flight at once. */
  concurrency?: number;
}

/** The stages `env` would move between with `--to` (default: the next stage). */
export function gateStages(rollout: RolloutDocument, env: string, current: string | undefined, to: string | undefined): { from: string; to: string } {
  const names = rollout.spec.stages.map((s) => s.name);
  const from = current ?? rollout.spec.environments[env]?.stage;
  if (!from) throw new GateError(`${rollout.metadata.name} has no environment "${env}"`);
  const i = names.indexOf(from);
  const target = to ?? names[i + 1];
  if (!target) throw new GateError(`${rollout.metadata.name} is at its last stage (${from}) in ${env}: there is no gate ahead`);
  if (!names.includes(target)) throw new GateError(`${rollout.metadata.name} has no stage "${target}" (stages: ${names.join(', ')})`);
  if (names.indexOf(target) <= i) throw new GateError(`${target} is not ahead of ${from}: a gate guards an advance; a rollback needs none`);
  return { from, to: target };
}

/** Measures every criterion (concurrently, bounded) and decides. The report is plain data. */
export async function evaluateGate(input: GateInput): Promise<GateReport> {
  const { rollout, env, gate } = input;
  const spec = rollout.doc.spec;
  const flag = spec.flag;
  const stage = (name: string) => spec.stages.find((s) => s.name === name)!;

  type Item = { group: Group; c: Criterion; path: (string | number)[] };
  const items: Item[] = [
    ...(gate?.mustPass ?? []).map((c, i) => ({ group: 'mustPass' as const, c, path: ['spec', 'gates', input.to, 'mustPass', i] })),
    ...(gate?.shouldPass?.criteria ?? []).map((c, i) => ({ group: 'shouldPass' as const, c, path: ['spec', 'gates', input.to, 'shouldPass', 'criteria', i] })),
    ...(gate?.blockers ?? []).map((c, i) => ({ group: 'blockers' as const, c, path: ['spec', 'gates', input.to, 'blockers', i] })),
  ];

  const measured = await measureCriteria({ ...input, stage: input.from }, items.map((i) => i.c), input.concurrency);
  const reports: CriterionReport[] = items.map((item, i) => {
    const c = item.c;
    const name = c.name ?? c.check ?? c.metric ?? `criterion ${i + 1}`;
    if (c.check !== undefined) {
      const ticked = input.ticked.has(c.check);
      return { group: item.group, name, check: c.check, threshold: 'manual check', result: ticked ? 'PASS' : 'PENDING', why: ticked ? 'ticked in the PR' : 'not ticked yet', path: item.path };
    }
    const metric = input.model.metricCatalog.get(c.metric!)?.metric;
    const declared = BUILTIN_UNITS[c.metric!] ?? metric?.unit;
    // Reports show the unit after each number: `USD`, `per search`, not `currency:USD`.
    const unit = declared === undefined ? undefined : unitLabel(declared);
    const window = c.window ?? metric?.defaultWindow;
    const judged = judge(c, measured[i], { bad: item.group === 'blockers', unit: shownUnit(unit), ...(metric ? { metric } : {}) });
    return { group: item.group, name, metric: c.metric, unit, threshold: threshold(c), ...(window && !BUILTIN_UNITS[c.metric!] ? { window } : {}), ...(c.for ? { for: c.for } : {}), ...judged, path: item.path };
  });

  const bake = bakeOf(stage(input.from).bake, input.history, env, input.from, input.now);
  const approvals = input.reviews
    ? countApprovals((gate?.approvals ?? []).map((a) => ({ group: a.group, count: a.count })), input.reviews.members, input.reviews.list, input.reviews.headSha, input.reviews.author)
    : (gate?.approvals ?? []).map((a) => ({ group: a.group, required: a.count, approvedBy: [], ok: false }));
  const mustPass = reports.filter((r) => r.group === 'mustPass');
  const shouldPass = reports.filter((r) => r.group === 'shouldPass');
  const blockers = reports.filter((r) => r.group === 'blockers');
  const atLeast = gate?.shouldPass?.atLeast ?? 0;
  const verdict = decide({ mustPass, shouldPass: { atLeast, criteria: shouldPass }, blockers, approvals, bake });
  return {
    rollout: rollout.doc.metadata.name,
    flag,
    env,
    file: rollout.file.path,
    from: { stage: input.from, percentage: stage(input.from).percentage },
    to: { stage: input.to, percentage: stage(input.to).percentage },
    decision: verdict.decision,
    reasons: gate ? verdict.reasons : [`no gate guards ${input.to} on ${input.gateFrom}`, ...verdict.reasons.filter((r) => !r.startsWith('every'))],
    mustPass,
    shouldPass: { atLeast, passed: verdict.shouldPassed, criteria: shouldPass },
    blockers,
    bake,
    approvals,
    checks: reports.filter((r) => r.check !== undefined).map((r) => ({ text: r.check!, ticked: r.result === 'PASS', group: r.group })),
    gateFrom: input.gateFrom,
    provider: input.provider.name,
    evaluatedAt: new Date(input.now).toISOString(),
  };
}

/**
 * Gathers the evidence of every metric criterion (none for manual checks), at most
 * `concurrency` criteria in flight at once.
 */
export async function measureCriteria(ctx: MeasureContext, criteria: Criterion[], concurrency = 8): Promise<Evidence[][]> {
  return runBounded(
    criteria.map((c) => () => (c.metric === undefined ? Promise.resolve([] as Evidence[]) : gatherEvidence(ctx, c))),
    concurrency,
  );
}

function bakeOf(bake: string | undefined, history: StageChange[], env: string, stage: string, now: number): GateReport['bake'] {
  if (!bake) return { ok: true };
  const required = durationMs(bake) ?? 0;
  const last = history.filter((c) => c.env === env).at(-1);
  if (!last || last.to !== stage) return { required: bake, left: bake, ok: false };
  const elapsed = Math.max(0, now - Date.parse(last.date));
  const left = Math.max(0, required - elapsed);
  return { required: bake, elapsed: formatDuration(elapsed), left: formatDuration(left), ok: left === 0, since: last.date };
}

/** Runs tasks with at most `limit` in flight; results in task order. */
export async function runBounded<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), tasks.length) }, worker));
  return results;
}

/** A unit as it follows a number in a report. */
export function shownUnit(unit: string | undefined): string {
  return unit === 'percent' ? '%' : unit === 'count' || unit === 'ratio' || unit === undefined ? '' : unitLabel(unit);
}

export type { MeasureContext };
