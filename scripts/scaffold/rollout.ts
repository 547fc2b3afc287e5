import type { Criterion, RollbackRow, Stage } from '../config/schema/index.ts';
import type { RoleMetric } from './metric-roles.ts';

/** What `new rollout` (and init's example) is asked for. */
export interface RolloutRequest {
  name: string;
  flag: string;
  stages: Stage[];
  /** Environments, each starting at the first stage. */
  envs: string[];
  /** Catalog metrics the gates and the rollback matrix measure. */
  metrics: RoleMetric[];
  /** Approver group whose review the gate into the last stage asks for. */
  approver?: string;
}

/** The window gate criteria measure over: an hour of the stage's traffic. */
const GATE_WINDOW = '1h';
/** The window rollback rows and alerts measure over: quick to react. */
export const ALERT_WINDOW = '5m';

/**
 * A Rollout document as plain data: every environment at the first stage; into each later
 * stage a gate with one must-pass criterion per catalog metric (or a manual check when the
 * catalog has none the scaffold knows), approvals into the last; a rollback row to the first
 * stage per metric whose role rolls back.
 */
export function rolloutDraft(r: RolloutRequest) {
  const first = r.stages[0].name;
  const last = r.stages.at(-1)!.name;
  const gates: Record<string, { mustPass: Criterion[]; approvals?: { group: string; count: number }[] }> = {};
  for (const stage of r.stages.slice(1)) {
    const measured = r.metrics.map(({ role, name, metric }) => ({ metric: name, ...role.gate(metric.unit), window: GATE_WINDOW }) as Criterion);
    const mustPass = measured.length ? measured : [{ check: `Dashboards and logs of ${r.name} reviewed: no new errors, latency as before` } as Criterion];
    gates[stage.name] = { mustPass, ...(stage.name === last && r.approver ? { approvals: [{ group: r.approver, count: 1 }] } : {}) };
  }
  const during = r.stages.slice(1).map((s) => s.name);
  const rollback: RollbackRow[] = r.metrics
    .filter(({ role }) => role.rollsBack)
    .map(({ role, name, metric }) => ({
      severity: 'CRITICAL',
      when: { any: [{ metric: name, ...role.alert(metric.unit), window: ALERT_WINDOW } as Criterion] },
      action: 'rollback',
      to: first,
      mode: 'emergency',
      during,
    }));
  return {
    apiVersion: 'rollgate/v1',
    kind: 'Rollout',
    metadata: { name: r.name, description: `TODO: what ${r.flag} changes, for reviewers.` },
    spec: {
      flag: r.flag,
      stickiness: 'userId',
      stages: r.stages.map(({ shadow: _shadow, ...s }) => s),
      environments: Object.fromEntries(r.envs.map((env) => [env, { stage: first }])),
      gates,
      ...(rollback.length ? { rollback } : {}),
    },
  };
}
