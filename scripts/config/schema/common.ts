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

/** What a baseline comparison says; `noIncrease`/`noDecrease` are read as `<= 1`/`>= 1` with a decision of their own (scripts/gates/criteria.ts). */
const baselineComparison = z
  .strictObject({
    op: comparisonOp.optional().describe('How treatment ÷ baseline is compared with `ratio` (with ratio; or use noIncrease/noDecrease)'),
    ratio: z.number().min(0).optional().describe('treatment ÷ baseline compared with this ratio: 0.95 is "at least 95 % of control" with >=, 1.1 is "not more than 1.1× control" with <='),
    noIncrease: z
      .literal(true)
      .optional()
      .describe('"No increase" (gates only, instead of op/ratio): FAIL when the treatment is shown higher than the baseline — on a metric with counts, the whole confidence interval of treatment ÷ baseline above 1 — else PASS once minSamples are in; a point estimate (≤ 1) otherwise'),
    noDecrease: z
      .literal(true)
      .optional()
      .describe('"No decrease" (gates only, instead of op/ratio): FAIL when the treatment is shown lower than the baseline (the whole interval below 1), else PASS once minSamples are in; a point estimate (≥ 1) otherwise'),
    from: z
      .enum(['control', 'history'])
      .default('control')
      .describe('control: the control variant now (users the flag is off for); history: the control variant as it was before the rollout first served anyone in this environment (from git history), so the baseline still exists at 100 %'),
    offset: duration.optional().describe('from: history — how long before the first serving stage to measure the baseline (default 0: just before it)'),
    at: timestamp.optional().describe('from: history — a pinned time to measure the baseline at, instead of one derived from git history'),
  })
  .superRefine((b, ctx) => {
    const direction = [b.noIncrease, b.noDecrease].filter(Boolean).length;
    if (direction > 1) ctx.addIssue({ code: 'custom', path: ['noDecrease'], message: 'give noIncrease or noDecrease, not both', input: b });
    else if (direction && (b.op !== undefined || b.ratio !== undefined)) ctx.addIssue({ code: 'custom', path: [b.op !== undefined ? 'op' : 'ratio'], message: `${b.noIncrease ? 'noIncrease' : 'noDecrease'} is the comparison: leave out op and ratio`, input: b });
    else if (!direction) {
      // As if op and ratio were required: the loader says "missing required field".
      if (b.op === undefined) ctx.addIssue({ code: 'invalid_type', expected: 'string', path: ['op'], message: 'op is required', input: undefined });
      if (b.ratio === undefined) ctx.addIssue({ code: 'invalid_type', expected: 'number', path: ['ratio'], message: 'ratio is required', input: undefined });
    }
  })
  .transform(({ op, ratio, ...rest }) => ({ ...rest, op: op ?? (rest.noDecrease ? '>=' : '<='), ratio: ratio ?? 1 }))
  .meta({ oneOf: [{ properties: { op: true, ratio: true }, required: ['op', 'ratio'] }, { properties: { noIncrease: true }, required: ['noIncrease'] }, { properties: { noDecrease: true }, required: ['noDecrease'] }] });

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
  vsBaseline: baselineComparison
    .optional()
    .describe('Compare the treatment (flag on) with a baseline (control now, or from history): treatment ÷ baseline `op` ratio, or noIncrease / noDecrease'),
  window: duration.optional().describe('Time window the metric is measured over (substituted for {{window}})'),
};
