import { z } from 'zod';
import { document, kebabName } from './common.ts';

const envVarName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/);

export const channel = z
  .strictObject({
    type: z.enum(['pagerduty', 'slack', 'email', 'webhook']).describe('Kind of receiver'),
    pages: z
      .boolean()
      .optional()
      .describe('Whether a notification reaches on-call at once; pagerduty pages unless set false'),
    routingKeyEnv: envVarName.optional().describe('pagerduty: env variable holding the routing key'),
    channel: z.string().optional().describe('slack: channel name, e.g. #engineering-alerts'),
    webhookUrlEnv: envVarName.optional().describe('slack: env variable holding the incoming-webhook URL'),
    to: z.array(z.string()).optional().describe('email: recipients'),
    url: z.string().optional().describe('webhook: URL'),
    tokenEnv: envVarName.optional().describe('webhook: env variable holding the bearer token'),
    description: z.string().optional().describe('Who reads this channel'),
  })
  .describe('A notification receiver');

export const channelsSpec = z
  .strictObject({ channels: z.record(kebabName, channel).describe('Channel name → receiver') })
  .describe('Notification channels');

export const channelsDocument = document('Channels', channelsSpec, 'rollgate Channels: where alerts go');

export type Channel = z.output<typeof channel>;
export type ChannelsDocument = z.output<typeof channelsDocument>;
