import type { z } from 'zod';
import { alertRulesDocument } from './alert-rules.ts';
import { channelsDocument } from './channels.ts';
import { environmentsDocument } from './environments.ts';
import { metricsDocument } from './metrics.ts';
import { rolloutDocument } from './rollout.ts';

/** Every config kind, its schema, and the file its JSON Schema is written to. */
export const KINDS = {
  Rollout: { schema: rolloutDocument, file: 'rollout.schema.json' },
  Metrics: { schema: metricsDocument, file: 'metrics.schema.json' },
  Environments: { schema: environmentsDocument, file: 'environments.schema.json' },
  AlertRules: { schema: alertRulesDocument, file: 'alert-rules.schema.json' },
  Channels: { schema: channelsDocument, file: 'channels.schema.json' },
} as const satisfies Record<string, { schema: z.ZodType; file: string }>;

export type Kind = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as Kind[];

export * from './common.ts';
export * from './rollout.ts';
export * from './metrics.ts';
export * from './environments.ts';
export * from './alert-rules.ts';
export * from './channels.ts';
