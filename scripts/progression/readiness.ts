import type { Assessment } from '../gates/assess.ts';
import type { GateReport } from '../gates/report.ts';

/** Everything that decides whether one step (rollout, environment, next stage) is ready to propose. */
export interface StepFacts {
  rollout: string;
  env: string;
  from: string;
  to: string;
  /** A freeze on base for this environment. */
  freeze?: { reason: string; until?: string };
  /** Production follows staging: the environment before this one in promotion order, and whether it is far enough. */
  upstream?: { env: string; ok: boolean; why: string };
  gate: GateReport;
  /** The rollback matrix now: a matching row (or one that cannot be measured) stops progression. */
  matrix?: Assessment;
}

/** Ready, or why not; and what a ready PR still waits for (people's part: approvals, manual checks). */
export interface Readiness {
  ready: boolean;
  why: string[];
  waitsFor: string[];
}

/**
 * A step is ready when nothing but people stands in its way: no freeze, the environment
 * before it far enough along, no rollback row matching, the bake elapsed, and the gate GO —
 * or CONDITIONAL only because approvals or manual checks are missing, which the PR asks for.
 */
export function readiness(f: StepFacts): Readiness {
  const why: string[] = [];
  if (f.freeze) why.push(`${f.env} is frozen${f.freeze.until ? ` until ${f.freeze.until}` : ''}: ${f.freeze.reason}`);
  if (f.upstream && !f.upstream.ok) why.push(f.upstream.why);
  if (f.matrix?.decision === 'action') why.push(`rollback matrix: ${f.matrix.advice}`);
  if (f.matrix?.decision === 'inconclusive') why.push(`rollback matrix: ${f.matrix.advice}`);
  const g = f.gate;
  if (!g.bake.ok) why.push(`bake: ${g.bake.left ?? g.bake.required} left in ${f.from}`);
  const metric = (c: GateReport['mustPass'][number]) => c.check === undefined;
  for (const c of g.mustPass.filter(metric)) if (c.result !== 'PASS') why.push(`must-pass "${c.name}" is ${c.result}: ${c.why}`);
  for (const c of g.blockers.filter(metric)) if (c.result !== 'PASS') why.push(`blocker "${c.name}" is ${c.result === 'FAIL' ? 'hit' : c.result}: ${c.why}`);
  const possible = g.shouldPass.criteria.filter((c) => c.result === 'PASS' || c.result === 'PENDING').length;
  if (possible < g.shouldPass.atLeast) why.push(`should-pass: at most ${possible} of ${g.shouldPass.atLeast} required can pass`);
  if (g.decision === 'NO-GO' || g.decision === 'INCONCLUSIVE') why.push(...g.reasons.filter((r) => !why.some((w) => w.includes(r))).slice(0, 3).map((r) => `gate ${g.decision}: ${r}`));
  const waitsFor = [
    ...g.approvals.filter((a) => !a.ok).map((a) => `${a.required - a.approvedBy.length} approval${a.required - a.approvedBy.length === 1 ? '' : 's'} from ${a.group}`),
    ...g.checks.filter((c) => !c.ticked).map((c) => `manual check: ${c.text}`),
  ];
  return { ready: why.length === 0, why, waitsFor };
}
