/**
 * Helper functions for robotics reward code. The ones listed in every task's `abstraction()` are the
 * reward language's helper library (sim/reward_helpers.ts — exactly what generated code can call; a test
 * checks that each listed helper exists here). `isGrasping`/`isStatic` are for TypeScript rewards; reward
 * code reads the same facts as the fields `obj.isGrasped` / `obj.isStatic`.
 */
import { HELPERS } from '../../sim/reward_helpers.ts';
import { STATIC_ANG, STATIC_LIN } from './predicates.ts';
import type { ObjectState, RoboticsState } from './state.ts';

export const ROBOTICS_HELPERS = {
  ...HELPERS,
  /** Whether both finger pads squeeze object `name` (same as `state[name].isGrasped`). */
  isGrasping: (state: RoboticsState, name: 'cube' | 'cubeA' | 'cubeB'): boolean => state[name]?.isGrasped === true,
  /** ManiSkill `check_static`: ‖velocity‖ ≤ linThresh [m/s] and ‖angularVelocity‖ ≤ angThresh [rad/s]. */
  isStatic: (obj: ObjectState, linThresh = STATIC_LIN, angThresh = STATIC_ANG): boolean =>
    Math.hypot(...obj.velocity) <= linThresh && Math.hypot(...obj.angularVelocity) <= angThresh,
} as const;

export type RoboticsHelpers = typeof ROBOTICS_HELPERS;
