import { alertUnknownRollout } from './alert/unknown-rollout.ts';
import { duplicateAlertName } from './alert/duplicate-name.ts';
import { gateMetricUnwatched } from './alert/gate-metric-unwatched.ts';
import { productionCritical } from './alert/production-critical.ts';
import { pagingRequired } from './alert/paging-required.ts';
import { alertPromqlSyntax } from './alert/promql-syntax.ts';
import { alertPromqlType } from './alert/promql-type.ts';
import { alertRollbackStage } from './alert/rollback-stage.ts';
import { runbookRequired } from './alert/runbook-required.ts';
import { unknownChannel } from './alert/unknown-channel.ts';
import { alertUnknownEnvironment } from './alert/unknown-environment.ts';
import { metricsSettings } from './env/metrics-settings.ts';
import { promotionOrder } from './env/promotion-order.ts';
import { configOwners } from './env/config-owners.ts';
import { storeSettings } from './env/store-settings.ts';
import { atLeast } from './gate/at-least.ts';
import { baselineDirection } from './gate/baseline-direction.ts';
import { baselineVariant } from './gate/baseline-variant.ts';
import { boundsOrder } from './gate/bounds-order.ts';
import { criterionShape } from './gate/criterion-shape.ts';
import { extendsCycle } from './gate/extends-cycle.ts';
import { extendsUnknown } from './gate/extends-unknown.ts';
import { forShape } from './gate/for-shape.ts';
import { gateFirstStage } from './gate/first-stage.ts';
import { minSamples } from './gate/min-samples.ts';
import { unknownApproverGroup } from './gate/unknown-approver-group.ts';
import { unknownMetric } from './gate/unknown-metric.ts';
import { gateUnknownStage } from './gate/unknown-stage.ts';
import { duplicateMetric } from './metrics/duplicate-name.ts';
import { noDataAsZero } from './metrics/no-data-as-zero.ts';
import { querySyntax } from './metrics/query-syntax.ts';
import { queryType } from './metrics/query-type.ts';
import { missingEnvironments } from './repo/missing-environments.ts';
import { schemaComment } from './repo/schema-comment.ts';
import { singletons } from './repo/singletons.ts';
import { rollbackActionShape } from './rollback/action-shape.ts';
import { rollbackNotLower } from './rollback/not-lower.ts';
import { rollbackUnknownStage } from './rollback/unknown-stage.ts';
import { bakeDuration } from './rollout/bake-duration.ts';
import { duplicateFlag } from './rollout/duplicate-flag.ts';
import { duplicateRolloutName } from './rollout/duplicate-name.ts';
import { percentageOrder } from './rollout/percentage-order.ts';
import { percentagePrecision } from './rollout/percentage-precision.ts';
import { rolloutPromotionOrder } from './rollout/promotion-order.ts';
import { reservedFlagKey } from './rollout/reserved-flag-key.ts';
import { shadowPercentage } from './rollout/shadow-percentage.ts';
import { stageUnique } from './rollout/stage-unique.ts';
import { unknownEnvironment } from './rollout/unknown-environment.ts';
import { unknownStage } from './rollout/unknown-stage.ts';
import type { Rule } from './rule.ts';

/** Every cross-field and cross-file rule, in the order they run. */
export const RULES: readonly Rule[] = [
  // repository
  missingEnvironments,
  singletons,
  schemaComment,
  // rollouts
  stageUnique,
  percentageOrder,
  shadowPercentage,
  bakeDuration,
  unknownStage,
  unknownEnvironment,
  rolloutPromotionOrder,
  duplicateRolloutName,
  duplicateFlag,
  reservedFlagKey,
  percentagePrecision,
  // gates and the rollback matrix
  gateUnknownStage,
  gateFirstStage,
  extendsUnknown,
  extendsCycle,
  criterionShape,
  unknownMetric,
  boundsOrder,
  atLeast,
  unknownApproverGroup,
  baselineVariant,
  baselineDirection,
  minSamples,
  forShape,
  rollbackUnknownStage,
  rollbackActionShape,
  rollbackNotLower,
  // environments
  storeSettings,
  metricsSettings,
  promotionOrder,
  configOwners,
  // metrics catalog
  duplicateMetric,
  querySyntax,
  queryType,
  noDataAsZero,
  // alerts
  unknownChannel,
  runbookRequired,
  pagingRequired,
  duplicateAlertName,
  alertUnknownRollout,
  alertUnknownEnvironment,
  alertRollbackStage,
  alertPromqlSyntax,
  alertPromqlType,
  gateMetricUnwatched,
  productionCritical,
];

/** Rules that read one document: run per file, in parallel. */
export const FILE_RULES = RULES.filter((r) => r.scope === 'file');
/** Rules that look across files: run once on the whole model. */
export const REPOSITORY_RULES = RULES.filter((r) => r.scope === 'repository');
