import { z } from 'zod';
import { document, duration, snakeName } from './common.ts';

/** Placeholders a query template may use. */
export const PLACEHOLDERS = ['flag', 'window', 'variant', 'env'] as const;

export const metricUnit = z
  .enum(['percent', 'ratio', 'ms', 'seconds', 'hours', 'count', 'per_minute', 'bytes'])
  .describe('Unit of the measured value, shown in reports');

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
