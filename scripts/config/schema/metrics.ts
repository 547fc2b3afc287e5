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
      .describe('PromQL template; {{flag}}, {{window}}, {{variant}} (treatment|control) and {{env}} are substituted'),
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
