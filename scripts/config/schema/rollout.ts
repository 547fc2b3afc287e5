import { z } from 'zod';
import { comparison, document, duration, flagKey, kebabName, percentage, severity } from './common.ts';
import { resolveGates } from './gate-extends.ts';

/** manual: people open every advance; propose: `rollgate propose` opens the PR when a step is ready; auto: also turns on GitHub's auto-merge. */
export const progressionMode = z.enum(['manual', 'propose', 'auto']).describe('manual: nothing automatic; propose: the bot opens the advance PR when the step is ready, people merge; auto: the bot also enables auto-merge, so the PR merges once every required check and review passes');

export const criterion = z
  .strictObject({
    name: z.string().optional().describe('Short label shown in gate reports'),
    ...comparison,
    check: z
      .string()
      .optional()
      .describe('A manual check a reviewer attests in the PR checklist; use instead of `metric`'),
    for: duration
      .optional()
      .describe('Sustained: the comparison must have held at every evaluation step over this long (a PromQL subquery), not only on average; `window` stays the rate window'),
    minSamples: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Below this many samples (the metric\'s `samples` or ratio denominator) the criterion is INCONCLUSIVE: not enough traffic yet. Default: the metric\'s minSamples'),
    confidence: z
      .number()
      .min(0.5)
      .max(0.9999)
      .optional()
      .describe('Ratio metrics: the level of the confidence sequence the criterion is decided on (default 0.95)'),
    description: z.string().optional().describe('Why this criterion matters, shown in reports'),
  })
  .describe('One criterion: a metric compared with a threshold, a baseline, a range, or a manual check');

export const gate = z
  .strictObject({
    extends: kebabName
      .optional()
      .describe('A gate of spec.sharedGates this one builds on: its criteria come first, then these (a criterion with the name of an inherited one replaces it); its approvals, with these counts per group winning; atLeast from here when this gate has shouldPass'),
    mustPass: z.array(criterion).optional().describe('All of these must pass'),
    shouldPass: z
      .strictObject({
        atLeast: z.number().int().min(0).describe('How many of `criteria` must pass'),
        criteria: z.array(criterion).describe('Candidates, N of which must pass'),
      })
      .optional()
      .describe('N-of-M criteria'),
    blockers: z
      .array(criterion)
      .optional()
      .describe('Conditions that stop the advance when they match (the comparison describes the bad case)'),
    approvals: z
      .array(
        z.strictObject({
          group: kebabName.describe('An approver group from environments.yaml'),
          count: z.number().int().min(1).default(1).describe('Approvals needed from that group'),
        }),
      )
      .optional()
      .describe('Reviews required on the PR'),
  })
  .describe('What must hold before a rollout enters this stage');

export const stage = z
  .strictObject({
    name: kebabName.describe('Stage name, unique within the rollout'),
    percentage: percentage.describe('Share of users served the new path, 0–100'),
    shadow: z
      .boolean()
      .default(false)
      .describe('Compute the new path without serving it (only at 0 %)'),
    bake: duration.optional().describe('Minimum time in this stage before the next advance'),
    description: z.string().optional().describe('What happens in this stage'),
  })
  .describe('One step of the rollout');

export const rollbackRow = z
  .strictObject({
    severity,
    when: z
      .strictObject({
        any: z.array(criterion).optional().describe('Matches when any criterion matches'),
        all: z.array(criterion).optional().describe('Matches when every criterion matches'),
      })
      .describe('The condition of this row; each criterion describes the bad case'),
    action: z
      .enum(['rollback', 'investigate', 'monitor'])
      .describe('rollback: move to `to`; investigate: hold and open an incident; monitor: no action'),
    to: kebabName.optional().describe('Stage to roll back to (action rollback)'),
    mode: z
      .enum(['emergency', 'gradual'])
      .optional()
      .describe('emergency: push to main and sync at once; gradual: a rollback PR'),
    during: z.array(kebabName).optional().describe('Only while the rollout is in one of these stages'),
    note: z.string().optional().describe('What the runbook says to do besides the move'),
  })
  .describe('One row of the rollback decision matrix');

type GateMap = Record<string, z.output<typeof gate>>;

/** The spec with `gates` resolved and `writtenGates` as written (both left out when there are no gates). */
function withResolvedGates<T extends { gates?: GateMap; sharedGates?: GateMap }>(spec: T): T & { writtenGates?: GateMap } {
  return spec.gates === undefined ? spec : { ...spec, gates: resolveGates(spec.gates, spec.sharedGates), writtenGates: spec.gates };
}

export const rolloutSpec = z
  .strictObject({
    flag: flagKey.describe('Flag key in the flag store'),
    description: z.string().optional().describe('What the flag changes, for reviewers'),
    stickiness: z
      .string()
      .min(1)
      .default('userId')
      .describe('Evaluation-context attribute users are bucketed by'),
    stages: z.array(stage).min(1).describe('Ordered stages, percentages non-decreasing'),
    progression: progressionMode.optional().describe("How this rollout moves forward; default: environments.yaml's progression.default"),
    environments: z
      .record(kebabName, z.strictObject({ stage: kebabName.describe('Current stage in this environment') }))
      .describe('Environment name → current stage'),
    sharedGates: z
      .record(kebabName, gate)
      .optional()
      .describe('Named gates that stage gates reuse with `extends: NAME` (a shared gate may extend another); a shared gate guards nothing by itself'),
    gates: z.record(kebabName, gate).optional().describe('Stage being entered → its gate'),
    rollback: z.array(rollbackRow).optional().describe('The rollback decision matrix'),
  })
  // Normalised here, once, for every reader: `gates` holds each stage gate with what it extends
  // filled in (what the gate job and the PR policy compare), `writtenGates` the gates as written
  // (where rules point). Only the input form is in the JSON Schema.
  .transform(withResolvedGates)
  .describe('A flag rolled out in stages');

export const rolloutDocument = document('Rollout', rolloutSpec, 'rollgate Rollout: one flag, its stages, gates and rollback matrix');

export type Criterion = z.output<typeof criterion>;
export type Gate = z.output<typeof gate>;
export type Stage = z.output<typeof stage>;
export type RollbackRow = z.output<typeof rollbackRow>;
export type RolloutDocument = z.output<typeof rolloutDocument>;
