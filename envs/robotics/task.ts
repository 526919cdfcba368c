/**
 * TaskDef: what one robotics task adds to the shared scene (table, kinematic hand, two dynamic finger
 * pads): its objects, spawn ranges, observation layout, success rule, expert staged reward, scripted
 * expert and the task lines of its abstraction. Every function of the scene takes `(buffers, i)` so the
 * batched core and the `RewardFunction` form share one implementation.
 */
import type { RewardTerms } from '../../sim/reward.ts';
import type { Rng } from '../../sim/rng.ts';
import { ACTION_SCALE, FINGER_TRAVEL, WORKSPACE } from './geometry.ts';
import { opennessAt, type SceneBuffers } from './scene_buffers.ts';
import type { RoboticsState, Vec3 } from './state.ts';

export type ObjectName = 'cube' | 'cubeA' | 'cubeB';

export interface ObjectDef {
  readonly name: ObjectName;
  readonly half: number;
  readonly mass: number;
  /** Render colour 0xRRGGBB. */
  readonly color: number;
}

/** Reset options a test or demo may pass to place things exactly (validated in the core). */
export interface ResetOverrides {
  /** Goal position (Reach, Push, PickPlace). */
  readonly goal?: Vec3;
  /** Object centre (x, y); z is set so the cube rests on the table (or on top of nothing else). */
  readonly objects?: Partial<Record<ObjectName, [number, number]>>;
  /** Drawer base x. */
  readonly drawerX?: number;
  /** Initial TCP position. */
  readonly hand?: Vec3;
}

export type Action4 = [number, number, number, number];

export interface TaskDef {
  readonly name: 'Reach' | 'Push' | 'PickPlace' | 'Stack' | 'DrawerOpen';
  readonly id: string;
  readonly description: string;
  readonly maxEpisodeSteps: number;
  readonly objects: readonly ObjectDef[];
  readonly drawer: boolean;
  /** One label per observation slot (the table at the top of the task file). */
  readonly obsNames: readonly string[];
  /** Draw the initial object poses (`b.obj`), goal and drawer base of env i; apply overrides. */
  spawn(rng: Rng, b: SceneBuffers, i: number, over: ResetOverrides | undefined): void;
  /** Recompute goals that follow the scene (Stack: the top of cube B) after a physics read. */
  updateGoal?(b: SceneBuffers, i: number): void;
  writeObs(b: SceneBuffers, i: number, obs: Float32Array, off: number): void;
  success(b: SceneBuffers, i: number): boolean;
  /**
   * Expert staged dense reward of the (next) scene at i: `staged / maxStaged − 1 ∈ [−1, 0)` before
   * success and `SUCCESS_REWARD` on success. Components go to `terms` when given.
   */
  reward(b: SceneBuffers, i: number, terms: RewardTerms | undefined): number;
  /** Scripted expert: an action from the privileged state. */
  expert(s: RoboticsState): Action4;
  /** Task-specific lines of the abstraction: the State interface body, the success rule, the goal. */
  readonly abstraction: { readonly instruction: string; readonly fields: string; readonly success: string; readonly goal: string };
}

/**
 * Reward on the success step. Non-success rewards lie in [−1, 0), so an episode that ends on success
 * always beats one that lingers (terminating on success never costs the agent reward).
 */
export const SUCCESS_REWARD = 1;

/** The staged-reward convention shared by the tasks. */
export function stagedReward(staged: number, maxStaged: number, success: boolean, terms: RewardTerms | undefined): number {
  const r = success ? SUCCESS_REWARD : staged / maxStaged - 1;
  if (terms) {
    terms.staged = staged;
    terms.success = success ? 1 : 0;
  }
  return r;
}

export function uniform3(rng: Rng, lo: readonly number[], hi: readonly number[], out: Float64Array, off: number): void {
  for (let k = 0; k < 3; k++) out[off + k] = lo[k] === hi[k] ? lo[k] : rng.uniform(lo[k], hi[k]);
}

/** Put object k of env i at (x, y, z) with identity rotation and zero velocity. */
export function placeObject(b: SceneBuffers, i: number, k: number, x: number, y: number, z: number): void {
  const o = b.objOff(i, k);
  b.obj.fill(0, o, o + 13);
  b.obj[o] = x;
  b.obj[o + 1] = y;
  b.obj[o + 2] = z;
  b.obj[o + 3] = 1;
}

// ---------------------------------------------------------------- observation blocks

/** Robot block (7): TCP xyz, TCP velocity xyz, gripper openness. */
export const ROBOT_OBS = ['tcp.x', 'tcp.y', 'tcp.z', 'tcpVel.x', 'tcpVel.y', 'tcpVel.z', 'gripperOpenness'] as const;

export function writeRobotObs(b: SceneBuffers, i: number, obs: Float32Array, off: number): number {
  for (let k = 0; k < 3; k++) {
    obs[off + k] = b.tcp[3 * i + k];
    obs[off + 3 + k] = b.tcpVel[3 * i + k];
  }
  obs[off + 6] = opennessAt(b, i);
  return off + 7;
}

/** Object block (13): position, quaternion wxyz, linear velocity, position − TCP. */
export function objectObsNames(name: string): string[] {
  return [
    `${name}.x`, `${name}.y`, `${name}.z`, `${name}.qw`, `${name}.qx`, `${name}.qy`, `${name}.qz`,
    `${name}.vx`, `${name}.vy`, `${name}.vz`, `${name}.x − tcp.x`, `${name}.y − tcp.y`, `${name}.z − tcp.z`,
  ];
}

export function writeObjectObs(b: SceneBuffers, i: number, k: number, obs: Float32Array, off: number): number {
  const o = b.objOff(i, k);
  for (let j = 0; j < 10; j++) obs[off + j] = b.obj[o + j];
  for (let j = 0; j < 3; j++) obs[off + 10 + j] = b.obj[o + j] - b.tcp[3 * i + j];
  return off + 13;
}

/** Goal block (6): goal, goal − `ref` (ref = 3-vector at `refOff` of `ref`). */
export function writeGoalObs(b: SceneBuffers, i: number, ref: Float64Array, refOff: number, obs: Float32Array, off: number): number {
  for (let j = 0; j < 3; j++) {
    obs[off + j] = b.goal[3 * i + j];
    obs[off + 3 + j] = b.goal[3 * i + j] - ref[refOff + j];
  }
  return off + 6;
}

// ---------------------------------------------------------------- expert helpers

const clip1 = (x: number): number => (x > 1 ? 1 : x < -1 ? -1 : x);

/** Action moving the TCP towards `target` (at most 1 cm per axis per step) with gripper command `grip`. */
export function moveTo(tcp: Vec3, target: readonly number[], grip: number): Action4 {
  return [clip1((target[0] - tcp[0]) / ACTION_SCALE), clip1((target[1] - tcp[1]) / ACTION_SCALE), clip1((target[2] - tcp[2]) / ACTION_SCALE), grip];
}

/** TCP height for grasping a cube resting at centre height `z` (pads cover the cube, above the table). */
export function graspHeight(z: number): number {
  return Math.max(z + 0.005, WORKSPACE.low[2]);
}

/**
 * The pick phase shared by the grasping experts: hover above the cube with the gripper open, descend,
 * close. Returns undefined once the cube is grasped (the caller then carries it).
 */
export function pickAction(s: RoboticsState, name: ObjectName): Action4 | undefined {
  const o = s[name]!;
  if (o.isGrasped) return undefined;
  const tcp = s.robot.ee.p;
  const c = o.pose.p;
  const gz = graspHeight(c[2]);
  const hover = c[2] + 0.08;
  const dxy = Math.hypot(tcp[0] - c[0], tcp[1] - c[1]);
  if (dxy > 0.006) {
    // Rise before travelling sideways when low, so the pads never sweep into the cube.
    if (tcp[2] < hover - 0.01 && dxy > 0.02) return moveTo(tcp, [tcp[0], tcp[1], hover], -1);
    return moveTo(tcp, [c[0], c[1], hover], -1);
  }
  return moveTo(tcp, [c[0], c[1], gz], tcp[2] > gz + 0.003 ? -1 : 1);
}

/** Carry a grasped object so that its centre goes to `dest` (keeps the TCP–object offset). */
export function carryAction(s: RoboticsState, name: ObjectName, dest: readonly number[]): Action4 {
  const tcp = s.robot.ee.p;
  const c = s[name]!.pose.p;
  return moveTo(tcp, [dest[0] + tcp[0] - c[0], dest[1] + tcp[1] - c[1], dest[2] + tcp[2] - c[2]], 1);
}

/** Closure command [m] of grip command g ∈ [−1, 1]. */
export function closureOf(g: number): number {
  return ((g + 1) / 2) * FINGER_TRAVEL;
}
