import type { PolicyRule } from '../rule.ts';
import { bake } from './bake.ts';
import { gateAndAdvance } from './gate-and-advance.ts';
import { liveStage } from './live-stage.ts';
import { oneStage } from './one-stage.ts';

/**
 * The PR policy, in the order it is checked. Rollbacks pass every rule. Production ahead of
 * staging needs no rule here: `plan` validates HEAD first (rollout/promotion-order).
 */
export const POLICY: readonly PolicyRule[] = [oneStage, bake, gateAndAdvance, liveStage];
