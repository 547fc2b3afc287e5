import { z } from 'zod';
import { comparison, document, duration, kebabName, severity, snakeName } from './common.ts';

export const alertCondition = z
  .strictObject({
    ...comparison,
    expr: z.string().min(1).optional().describe('Raw PromQL, used instead of `metric`; fires when it returns samples'),
    for: duration.optional().describe('How long the condition must hold before the alert fires'),
  })
  .describe('When the alert fires: a catalog metric against a threshold, or raw PromQL');

export const alertRule = z
  .strictObject({
    name: snakeName.describe('Alert name, unique across alert files'),
    severity,
    when: alertCondition,
    environments: z
      .array(kebabName)
      .min(1)
      .optional()
      .describe('Only in these environments (default: every environment): a metric condition is exported for these only; an expr keeps only results whose env label is one of them, so it must keep env in its result (e.g. sum by (env))'),
    notify: z.array(kebabName).min(1).describe('Channels from channels.yaml'),
    summary: z.string().min(1).describe('One line shown in notifications'),
    description: z.string().optional().describe('Longer text for the notification body'),
    runbook: z
      .strictObject({
        url: z.string().optional().describe('Link to the runbook'),
        steps: z.array(z.string()).optional().describe('What the responder does, in order'),
      })
      .optional()
      .describe('Required for CRITICAL and HIGH'),
    onFire: z
      .strictObject({
        rollback: z
          .strictObject({
            to: kebabName.optional().describe('Stage to roll back to; left out, the stage before the current one'),
            mode: z.enum(['emergency', 'gradual']).default('emergency').describe('emergency: push to main and sync at once; gradual: a rollback PR'),
          })
          .optional()
          .describe('Roll the rollout back when this alert fires'),
      })
      .optional()
      .describe('Automatic actions'),
  })
  .describe('One alert rule');

export const alertRulesSpec = z
  .strictObject({
    rollout: kebabName.optional().describe('The rollout these alerts watch (its flag fills {{flag}})'),
    rules: z.array(alertRule).min(1).describe('The alert rules'),
  })
  .describe('Alert rules');

export const alertRulesDocument = document('AlertRules', alertRulesSpec, 'rollgate AlertRules: alerts on rollout metrics');

export type AlertRule = z.output<typeof alertRule>;
export type AlertRulesDocument = z.output<typeof alertRulesDocument>;
