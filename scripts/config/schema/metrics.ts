import { z } from 'zod';
import { document, duration, snakeName } from './common.ts';

/** Placeholders a query template may use. */
export const PLACEHOLDERS = ['flag', 'window', 'variant', 'env'] as const;

/** Units with a fixed name. */
export const FIXED_UNITS = ['percent', 'ratio', 'ms', 'seconds', 'hours', 'count', 'per_minute', 'bytes'] as const;
/** Money in an ISO 4217 currency, optionally per something: `currency:USD`, `currency:EUR/search`. */
export const CURRENCY_UNIT = /^currency:([A-Z]{3})(?:\/([a-z][a-z0-9_]{0,31}))?$/;
/** A count per something: `per:search`, `per:session`. */
export const PER_UNIT = /^per:([a-z][a-z0-9_]{0,31})$/;

export const isMetricUnit = (u: string) => (FIXED_UNITS as readonly string[]).includes(u) || CURRENCY_UNIT.test(u) || PER_UNIT.test(u);

export const metricUnit = z
  .string()
  .superRefine((u, ctx) => {
    // invalid_value, as an enum would say it: the loader turns it into schema/invalid-value with a did-you-mean.
    if (!isMetricUnit(u)) ctx.addIssue({ code: 'invalid_value', values: [...FIXED_UNITS, 'currency:USD', 'currency:USD/search', 'per:search'], input: u, message: 'not a unit' });
  })
  .meta({ anyOf: [{ enum: [...FIXED_UNITS] }, { pattern: CURRENCY_UNIT.source }, { pattern: PER_UNIT.source }] })
  .describe('Unit of the measured value, shown in reports: percent, ratio, ms, seconds, hours, count, per_minute, bytes; currency:USD (any ISO 4217 code) or currency:USD/search (money per something); per:search (a count per something)');

export const metric = z
  .strictObject({
    description: z.string().optional().describe('What the metric measures'),
    unit: metricUnit,
    query: z
      .string()
      .min(1)
      .optional()
      .describe('PromQL template of the value; {{flag}}, {{window}}, {{variant}} (treatment|control|shadow) and {{env}} are substituted. Leave it out for a ratio metric'),
    ratio: z
      .strictObject({
        numerator: z.string().min(1).describe('Count query of the events in {{window}} (errors, conversions), e.g. sum(increase(x_total{outcome="error"}[{{window}}]))'),
        denominator: z.string().min(1).describe('Count query of the trials in {{window}} (requests, sessions)'),
      })
      .optional()
      .describe('A ratio metric measured from counts: value = numerator ÷ denominator (× 100 for unit percent). Thresholds and vsBaseline on it are decided on an always-valid confidence sequence, and the denominator is its sample count'),
    samples: z
      .string()
      .min(1)
      .optional()
      .describe('Count query of the samples the value rests on in {{window}} (a ratio metric has its denominator); without samples or ratio, no data cannot be told from zero'),
    minSamples: z.number().int().min(0).optional().describe('Default minSamples for criteria on this metric'),
    defaultWindow: duration.default('5m').describe('Window used when a criterion gives none'),
  })
  .describe('A metric and how to measure it');

export const metricsSpec = z
  .strictObject({
    metrics: z.record(snakeName, metric).describe('Metric name → definition'),
  })
  .describe('The metric catalog');

export const metricsDocument = document('Metrics', metricsSpec, 'rollgate Metrics: the catalog of measurable metrics');

export type Metric = z.output<typeof metric>;
export type MetricsDocument = z.output<typeof metricsDocument>;
