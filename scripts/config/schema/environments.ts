import { z } from 'zod';
import { document, duration, kebabName, timestamp } from './common.ts';
import { progressionMode } from './rollout.ts';

const envVarName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/);

/** A path inside a branch: relative, no `.` or `..` segments, no empty segment. */
const branchPath = z.string().regex(/^(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/);

/** A branch name git accepts and a shell needs no quotes for. */
const branchName = z.string().regex(/^(?!.*\.\.)(?!.*\/\/)(?!.*\.lock(?:\/|$))(?!.*\/\.)[A-Za-z0-9][A-Za-z0-9._/-]{0,199}(?<![./])$/);

export const publish = z
  .strictObject({
    branch: branchName.describe('The branch of this repository the flag file is committed to, one commit per applied sync (never main): flagd\'s HTTP sync, a git-sync sidecar or Argo CD read it'),
    path: branchPath.describe('The flag file on that branch, e.g. production.flagd.json'),
    configMap: z
      .strictObject({
        path: branchPath.describe('Where the manifest goes on the branch, e.g. deploy/production/flags.yaml (the path Argo CD or Flux applies)'),
        name: kebabName.describe('metadata.name of the ConfigMap'),
        namespace: kebabName.optional().describe('metadata.namespace (default: the one the GitOps tool applies into)'),
        key: z.string().regex(/^(?!\.\.?$)[A-Za-z0-9._-]{1,253}$/).optional().describe('The data key, the file name where the ConfigMap is mounted (default: the name of the flag file, e.g. production.flagd.json)'),
      })
      .optional()
      .describe('Also publish the flag file as a Kubernetes ConfigMap manifest, in the same commit'),
  })
  .describe('flagd: publish the flag file to a branch of this repository (pushed to the remote named by ROLLGATE_PUBLISH_REMOTE, with a lease)');

export const store = z
  .strictObject({
    type: z.enum(['flagd', 'unleash']).describe('flagd: an OpenFeature flag file (the embedded default); unleash: an Unleash server'),
    path: z.string().optional().describe('flagd: the flag file, relative to the repository (a file on this machine; or use publish)'),
    publish: publish.optional(),
    url: z.string().optional().describe('unleash: base URL of the server'),
    project: z.string().optional().describe('unleash: project id'),
    environment: z.string().optional().describe('unleash: environment name in Unleash'),
    tokenEnv: envVarName.optional().describe('unleash: name of the env variable holding an admin API token (never the token)'),
    stateFeature: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/)
      .optional()
      .describe('unleash: the feature whose description records the applied git SHA (default rollgate.applied-sha.<environment>)'),
  })
  .describe('Where flags of this environment live');

export const metricsProvider = z
  .strictObject({
    type: z.enum(['prometheus', 'static', 'none']).describe('prometheus: HTTP API; static: a metrics file; none: only built-ins'),
    url: z.string().optional().describe('prometheus: base URL'),
    file: z.string().optional().describe('static: metrics file, relative to the repository'),
    tokenEnv: envVarName.optional().describe('prometheus: env variable holding a bearer token, if needed'),
    timeout: duration.default('10s').describe('Per-query timeout'),
  })
  .describe('Where gate metrics of this environment come from');

export const environment = z
  .strictObject({
    description: z.string().optional().describe('What this environment is'),
    store,
    metrics: metricsProvider,
  })
  .describe('One environment');

export const environmentsSpec = z
  .strictObject({
    mainBranch: z.string().default('main').describe('The branch whose tip the sync applies'),
    promotionOrder: z
      .array(kebabName)
      .min(1)
      .describe('Environments from first to last: a later one may never be ahead of an earlier one'),
    environments: z.record(kebabName, environment).describe('Environment name → settings'),
    approverGroups: z
      .record(
        kebabName,
        z.strictObject({
          members: z.array(z.string().min(1)).min(1).describe('GitHub users or teams (@org/team)'),
          description: z.string().optional().describe('Who the group is and what it signs off'),
        }),
      )
      .default({})
      .describe('Named groups that gates require approvals from'),
    progression: z
      .strictObject({
        default: progressionMode.default('manual').describe('Mode of rollouts that set none'),
        maxOpenProposals: z.number().int().min(1).default(5).describe('At most this many bot PRs open at once, across all rollouts'),
      })
      .optional()
      .describe('Automatic progression: what `rollgate propose` may do'),
    freeze: z
      .strictObject({
        reason: z.string().min(1).describe('Why: shown on every refused advance and skipped proposal'),
        until: timestamp.optional().describe('When the freeze ends by itself (ISO 8601); left out, it holds until removed'),
        environments: z.array(kebabName).min(1).optional().describe('The environments frozen; left out, all of them'),
      })
      .optional()
      .describe('The emergency pause: while it holds, plan refuses every advance (rollbacks stay allowed) and propose opens nothing. Read from the base branch, so a PR cannot lift the freeze it advances under'),
    configOwners: kebabName
      .optional()
      .describe('The approver group that reviews every config change that could make a later gate weaker (gates, rollback matrix, metric catalog, providers, approver groups, alerts); its approval is required on such a PR besides the approvals of the gates it touches'),
  })
  .describe('Environments, their stores and metrics providers');

export const environmentsDocument = document('Environments', environmentsSpec, 'rollgate Environments: flag stores, metrics providers, promotion order');

export type Store = z.output<typeof store>;
export type Publish = z.output<typeof publish>;
export type MetricsProvider = z.output<typeof metricsProvider>;
export type EnvironmentsDocument = z.output<typeof environmentsDocument>;
