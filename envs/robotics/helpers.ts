/**
 * Helper functions that reward code for robotics tasks may call (they are listed in every task's
 * `abstraction()`; a test checks that each listed helper exists here). Pure functions of `state()` values.
 */
import { STATIC_ANG, STATIC_LIN } from './predicates.ts';
import type { ObjectState, RoboticsState, Vec3 } from './state.ts';

export const ROBOTICS_HELPERS = {
  /** Euclidean distance [m]. */
  distance: (a: Vec3, b: Vec3): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]),
  norm: (v: Vec3): number => Math.hypot(v[0], v[1], v[2]),
  sub: (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]],
  add: (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]],
  dot: (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2],
  clamp: (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x)),
  tanh: Math.tanh,
  /** Whether both finger pads squeeze object `name` (same as `state[name].isGrasped`). */
  isGrasping: (state: RoboticsState, name: 'cube' | 'cubeA' | 'cubeB'): boolean => state[name]?.isGrasped === true,
  /** ManiSkill `check_static`: ‖velocity‖ ≤ linThresh [m/s] and ‖angularVelocity‖ ≤ angThresh [rad/s]. */
  isStatic: (obj: ObjectState, linThresh = STATIC_LIN, angThresh = STATIC_ANG): boolean =>
    Math.hypot(...obj.velocity) <= linThresh && Math.hypot(...obj.angularVelocity) <= angThresh,
} as const;

export type RoboticsHelpers = typeof ROBOTICS_HELPERS;
