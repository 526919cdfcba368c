/**
 * The compact TypeScript-like description of a robotics task's `state()` that reward generators put in
 * their prompts (Text2Reward §1.1: robot end-effector pose, fingers, joint positions/velocities,
 * gripper openness, grasp check; objects' pose, velocity, angular velocity, static check; articulation
 * joint and handle pose; goal; action space; dt; helper functions). Every field named here exists in
 * `state()` (test/envs/robotics/abstraction.test.ts resolves each one).
 */
import { HELPER_SIGNATURES } from '../../sim/reward_helpers.ts';
import { DT, FINGER_TRAVEL, WORKSPACE } from './geometry.ts';
import type { TaskDef } from './task.ts';

const ROBOT = `interface Robot {
  ee: Pose; // tool-centre point (TCP) midway between the finger pads; the hand never rotates
  eeVelocity: Vec3; // TCP velocity [m/s]
  leftFinger: Pose; // left finger pad link (x < TCP)
  rightFinger: Pose; // right finger pad link (x > TCP)
  qpos: [number, number]; // finger joint positions [m]: 0 = open, ${FINGER_TRAVEL} = closed (left, right)
  qvel: [number, number]; // finger joint velocities [m/s], positive = closing
  gripperOpenness: number; // in [0, 1]: 1 = fully open, 0 = fully closed
  gripperCommand: number; // last action[3] in [-1, 1]: +1 = close, -1 = open
}`;

const OBJECT = `interface RigidObject {
  pose: Pose; // centre and orientation of the cube
  velocity: Vec3; // linear velocity [m/s]
  angularVelocity: Vec3; // angular velocity [rad/s]
  halfSize: number; // half edge length [m]
  isGrasped: boolean; // both finger pads squeeze it
  isStatic: boolean; // |velocity| <= 0.01 m/s and |angularVelocity| <= 0.5 rad/s
}`;

const DRAWER = `interface Drawer {
  qpos: number; // drawer joint position [m]: 0 = closed, travel = fully open
  qvel: number; // drawer joint velocity [m/s], positive = opening
  travel: number; // maximum opening [m]
  handle: Pose; // centre of the handle bar (the bar runs along x; pull it towards -y to open)
  handleInit: Vec3; // handle position at reset [m]
}`;

export function buildAbstraction(task: TaskDef): string {
  const a = task.abstraction;
  const lo = WORKSPACE.low, hi = WORKSPACE.high;
  return `// ${task.id}: ${a.instruction}
// Units: metres, seconds, radians. World frame: z up, table top at z = 0; the robot stands near y = 0 and
// works towards +y. One step lasts dt = ${DT} s.
type Vec3 = [number, number, number]; // [x, y, z]
type Quat = [number, number, number, number]; // [w, x, y, z], w >= 0
interface Pose {
  p: Vec3; // position [m]
  q: Quat; // orientation
}
${ROBOT}
${task.objects.length > 0 ? `${OBJECT}\n` : ''}${task.drawer ? `${DRAWER}\n` : ''}interface State {
  task: string; // '${task.name}'
  dt: number; // seconds per step
  robot: Robot;
${a.fields}  goal: Vec3; // ${a.goal}
  lastAction: [number, number, number, number]; // previous action (zeros after reset)
  success: boolean; // success(state), below
}
// Action space: Box(-1, 1, (4,)) = [dx, dy, dz, grip]. The TCP moves by action[0:3] * 0.01 m per step,
// clamped to x in [${lo[0]}, ${hi[0]}], y in [${lo[1]}, ${hi[1]}], z in [${lo[2]}, ${hi[2]}]; grip +1 closes the fingers, -1 opens them.
// success(state): ${a.success}
// Helper functions available to reward code:
${HELPER_SIGNATURES.map((h) => `//   ${h}`).join('\n')}
// Grasp and rest checks are fields: next.cube.isGrasped, next.cube.isStatic (cubeA / cubeB in Stack).`;
}
