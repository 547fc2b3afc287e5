import type { PolicyRule } from '../rule.ts';
import { advanceAlone } from './advance-alone.ts';
import { bake } from './bake.ts';
import { freeze } from './freeze.ts';
import { liveStage } from './live-stage.ts';
import { noBaseGate } from './no-base-gate.ts';
import { oneStage } from './one-stage.ts';
import { stageAsOnBase } from './stage-as-on-base.ts';

/**
 * The PR policy, in the order it is checked. Every rule looks at the moves of the change
 * set: each rollout/environment whose flags would serve someone new, or whose stage moves
 * forward. Anything that serves fewer users (a rollback, a removal) passes every rule.
 * Production ahead of staging needs no rule here: the head is validated first.
 */
export const POLICY: readonly PolicyRule[] = [freeze, noBaseGate, oneStage, liveStage, stageAsOnBase, advanceAlone, bake];
