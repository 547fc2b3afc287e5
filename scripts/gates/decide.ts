import type { ApprovalReport, CriterionReport, Decision } from './report.ts';

export interface DecisionInput {
  mustPass: CriterionReport[];
  shouldPass: { atLeast: number; criteria: CriterionReport[] };
  blockers: CriterionReport[];
  approvals: ApprovalReport[];
  bake: { ok: boolean; left?: string; required?: string };
}

/**
 * NO-GO: a must-pass fails or a blocker is hit. INCONCLUSIVE: otherwise, a must-pass or a
 * blocker could not be measured. CONDITIONAL: must-pass and blockers clean, but should-pass,
 * approvals, manual checks or bake time short. GO: all of it holds.
 */
export function decide(input: DecisionInput): { decision: Decision; reasons: string[]; shouldPassed: number } {
  const label = (c: CriterionReport) => `"${c.name}"`;
  const metricMust = input.mustPass.filter((c) => c.check === undefined);
  const failed = metricMust.filter((c) => c.result === 'FAIL');
  const hit = input.blockers.filter((c) => c.result === 'FAIL');
  const unmeasured = [...metricMust, ...input.blockers].filter((c) => c.result === 'INCONCLUSIVE');
  const shouldPassed = input.shouldPass.criteria.filter((c) => c.result === 'PASS').length;

  if (failed.length || hit.length) {
    return {
      decision: 'NO-GO',
      shouldPassed,
      reasons: [...failed.map((c) => `must-pass ${label(c)} failed: ${c.why}`), ...hit.map((c) => `blocker ${label(c)} hit: ${c.why}`)],
    };
  }
  if (unmeasured.length) {
    return { decision: 'INCONCLUSIVE', shouldPassed, reasons: unmeasured.map((c) => `${c.group === 'blockers' ? 'blocker' : 'must-pass'} ${label(c)} could not be measured: ${c.why}`) };
  }
  const short: string[] = [];
  if (shouldPassed < input.shouldPass.atLeast) short.push(`should-pass: ${shouldPassed} of ${input.shouldPass.atLeast} required passed`);
  for (const c of input.mustPass.filter((x) => x.check !== undefined && x.result !== 'PASS')) short.push(`manual check not ticked: ${c.check}`);
  for (const a of input.approvals.filter((x) => !x.ok)) short.push(`approvals: ${a.approvedBy.length} of ${a.required} from ${a.group}`);
  if (!input.bake.ok) short.push(`bake time: ${input.bake.left} of ${input.bake.required} left in the current stage`);
  if (short.length) return { decision: 'CONDITIONAL', shouldPassed, reasons: short };
  return { decision: 'GO', shouldPassed, reasons: ['every must-pass passed, no blocker hit, should-pass, approvals, checks and bake time complete'] };
}
