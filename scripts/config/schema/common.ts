import { z } from 'zod';

/** The one apiVersion this release of rollgate reads. */
export const API_VERSION = 'rollgate/v1';

/** Keys that must never reach a plain object: refused anywhere in a file. */
export const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const notReserved = (s: string) => !RESERVED_KEYS.has(s);

/** kebab-case: rollouts, stages, environments, channels, groups. */
export const kebabName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/)
  .refine(notReserved, { message: 'reserved name' });

/** snake_case: metrics and alert rules, as Prometheus names them. */
export const snakeName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/)
  .refine(notReserved, { message: 'reserved name' });

/** A flag key as flag stores accept it (URL-safe). */
export const flagKey = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/);

/** `30s`, `5m`, `48h`, `7d`, or a sum like `1h30m`. */
export const DURATION_PATTERN = /^(\d+(ms|s|m|h|d|w))+$/;
export const duration = z.string().regex(DURATION_PATTERN);

export const percentage = z.number().min(0).max(100);

export const severity = z
  .enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'])
  .describe('CRITICAL pages at once, HIGH notifies on-call within 30 minutes, MEDIUM opens a ticket, LOW is informational');

/** An ISO 8601 time with its offset (2026-12-01T10:00:00Z): a pattern, so JSON Schema checkers need no format plugin. */
export const timestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/);

export const comparisonOp = z
  .enum(['<', '<=', '>', '>=', '==', '!='])
  .describe('How the measured value is compared with `value`');

export const metadata = z
  .strictObject({
    name: kebabName.describe('Unique name of this document among its kind (kebab-case)'),
    description: z.string().optional().describe('What this document is for'),
    owners: z.array(z.string()).optional().describe('Teams or people who own it, e.g. @org/team'),
  })
  .describe('Identity of the document');

/** The envelope every kind shares: apiVersion, kind, metadata, spec. */
export function document<K extends string, S extends z.ZodType>(kind: K, spec: S, description: string) {
  return z
    .strictObject({
      apiVersion: z.literal(API_VERSION).describe('Always rollgate/v1'),
      kind: z.literal(kind).describe(`Always ${kind}`),
      metadata,
      spec,
    })
    .describe(description);
}

/** Comparison fields shared by gate criteria and alert conditions. */
export const comparison = {
  metric: snakeName.optional().describe('A metric from the Metrics catalog, or a built-in (time_in_stage, rollbacks_in_stage)'),
  op: comparisonOp.optional(),
  value: z.number().optional().describe('Threshold compared with `op`'),
  between: z
    .tuple([z.number(), z.number()])
    .optional()
    .describe('Passes when low <= measured <= high'),
  outside: z
    .tuple([z.number(), z.number()])
    .optional()
    .describe('Matches when measured < low or measured > high'),
  vsBaseline: z
    .strictObject({
      op: comparisonOp,
      ratio: z.number().min(0).describe('treatment ÷ baseline compared with this ratio, e.g. 0.95'),
      from: z
        .enum(['control', 'history'])
        .default('control')
        .describe('control: the control variant now (users the flag is off for); history: the control variant as it was before the rollout first served anyone in this environment (from git history), so the baseline still exists at 100 %'),
      offset: duration.optional().describe('from: history — how long before the first serving stage to measure the baseline (default 0: just before it)'),
      at: timestamp.optional().describe('from: history — a pinned time to measure the baseline at, instead of one derived from git history'),
    })
    .optional()
    .describe('Compare the treatment (flag on) with the control (flag off): treatment ÷ control `op` ratio'),
  window: duration.optional().describe('Time window the metric is measured over (substituted for {{window}})'),
};
