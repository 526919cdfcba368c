/**
 * SceneBuffers: the numbers of N robotics scenes in struct-of-arrays form (float64), read from the
 * physics once per step. Success predicates, expert rewards and observations are all functions of
 * `(buffers, i)`, so the batched core (N = numEnvs) and the `RewardFunction` form (a size-1 scratch
 * filled from a `state()` snapshot by `loadState`) run the very same code.
 */
import { DRAWER, FINGER_TRAVEL, PAD } from './geometry.ts';
import type { BaseState, DrawerState, ObjectState, Pose, RoboticsState, Vec3 } from './state.ts';

/** Floats per object: position (3), quaternion w x y z (4), linear velocity (3), angular velocity (3). */
export const OBJ_STRIDE = 13;

export class SceneBuffers {
  /** TCP position [m] (the kinematic hand's commanded position). */
  readonly tcp: Float64Array;
  readonly tcpVel: Float64Array;
  /** Pad joint positions [m] (left, right); 0 open, FINGER_TRAVEL closed. */
  readonly closure: Float64Array;
  readonly closureVel: Float64Array;
  /** Commanded pad closure [m] (from a[3]). */
  readonly closureCmd: Float64Array;
  /** Last action (clipped), 4 per env. */
  readonly action: Float64Array;
  /** Objects, `nObj × OBJ_STRIDE` per env. */
  readonly obj: Float64Array;
  readonly goal: Float64Array;
  /** Drawer joint position and velocity. */
  readonly drawer: Float64Array;
  /** Drawer base point (x0, y0, 0) of each env. */
  readonly drawerBase: Float64Array;
  readonly handle: Float64Array;
  readonly handleInit: Float64Array;

  constructor(
    readonly n: number,
    /** Half sizes of the task's cubes (fixed per task). */
    readonly objHalf: readonly number[],
    readonly hasDrawer: boolean,
  ) {
    const k = objHalf.length;
    this.tcp = new Float64Array(3 * n);
    this.tcpVel = new Float64Array(3 * n);
    this.closure = new Float64Array(2 * n);
    this.closureVel = new Float64Array(2 * n);
    this.closureCmd = new Float64Array(n);
    this.action = new Float64Array(4 * n);
    this.obj = new Float64Array(OBJ_STRIDE * k * n);
    this.goal = new Float64Array(3 * n);
    this.drawer = new Float64Array(2 * n);
    this.drawerBase = new Float64Array(3 * n);
    this.handle = new Float64Array(3 * n);
    this.handleInit = new Float64Array(3 * n);
  }

  get nObj(): number {
    return this.objHalf.length;
  }

  /** Offset of object k of env i in `obj`. */
  objOff(i: number, k: number): number {
    return (i * this.objHalf.length + k) * OBJ_STRIDE;
  }

  /** Every array by name (snapshots). */
  arrays(): Record<string, Float64Array> {
    return {
      tcp: this.tcp, tcpVel: this.tcpVel, closure: this.closure, closureVel: this.closureVel, closureCmd: this.closureCmd,
      action: this.action, obj: this.obj, goal: this.goal, drawer: this.drawer, drawerBase: this.drawerBase,
      handle: this.handle, handleInit: this.handleInit,
    };
  }
}

const v3 = (a: ArrayLike<number>, o: number): Vec3 => [a[o], a[o + 1], a[o + 2]];

/** Gripper openness ∈ [0, 1] of env i (1 = open). */
export function opennessAt(b: SceneBuffers, i: number): number {
  const c = (b.closure[2 * i] + b.closure[2 * i + 1]) / 2;
  const o = 1 - c / FINGER_TRAVEL;
  return o < 0 ? 0 : o > 1 ? 1 : o;
}

function setV3(dst: Float64Array, o: number, v: readonly number[], what: string): void {
  if (!Array.isArray(v) || v.length !== 3) throw new TypeError(`state field ${what} must be [x, y, z], got ${JSON.stringify(v)}`);
  dst[o] = v[0];
  dst[o + 1] = v[1];
  dst[o + 2] = v[2];
}

/** Names of the task's objects, in buffer order. */
export type ObjectNames = readonly ('cube' | 'cubeA' | 'cubeB')[];

/** Fill env `i` of `b` from a `state()` snapshot (the inverse of `buildState` up to derived fields). */
export function loadState(b: SceneBuffers, i: number, s: RoboticsState, objectNames: ObjectNames): void {
  setV3(b.tcp, 3 * i, s.robot.ee.p, 'robot.ee.p');
  setV3(b.tcpVel, 3 * i, s.robot.eeVelocity, 'robot.eeVelocity');
  b.closure[2 * i] = s.robot.qpos[0];
  b.closure[2 * i + 1] = s.robot.qpos[1];
  b.closureVel[2 * i] = s.robot.qvel[0];
  b.closureVel[2 * i + 1] = s.robot.qvel[1];
  b.closureCmd[i] = ((s.robot.gripperCommand + 1) / 2) * FINGER_TRAVEL;
  for (let k = 0; k < 4; k++) b.action[4 * i + k] = s.lastAction[k];
  setV3(b.goal, 3 * i, s.goal, 'goal');
  objectNames.forEach((name, k) => {
    const o = s[name];
    if (!o) throw new TypeError(`state has no '${name}' object`);
    const off = b.objOff(i, k);
    setV3(b.obj, off, o.pose.p, `${name}.pose.p`);
    for (let j = 0; j < 4; j++) b.obj[off + 3 + j] = o.pose.q[j];
    setV3(b.obj, off + 7, o.velocity, `${name}.velocity`);
    setV3(b.obj, off + 10, o.angularVelocity, `${name}.angularVelocity`);
  });
  if (b.hasDrawer) {
    const d = s.drawer;
    if (!d) throw new TypeError("state has no 'drawer'");
    b.drawer[2 * i] = d.qpos;
    b.drawer[2 * i + 1] = d.qvel;
    setV3(b.handle, 3 * i, d.handle.p, 'drawer.handle.p');
    setV3(b.handleInit, 3 * i, d.handleInit, 'drawer.handleInit');
    // The drawer's base point follows from the handle's rest position (drawer_open.ts places both).
    for (let k = 0; k < 3; k++) b.drawerBase[3 * i + k] = d.handleInit[k] - DRAWER.box.offset[k] - DRAWER.handle.offset[k];
  }
}

/** Predicates the state exposes as flags. */
export interface StatePredicates {
  isGrasped(b: SceneBuffers, i: number, k: number): boolean;
  isStatic(b: SceneBuffers, i: number, k: number): boolean;
  success(b: SceneBuffers, i: number): boolean;
}

/** Build the plain `state()` object of env i. */
export function buildState(b: SceneBuffers, i: number, task: string, dt: number, objectNames: ObjectNames, pred: StatePredicates): RoboticsState {
  const t = v3(b.tcp, 3 * i);
  const cl = b.closure[2 * i];
  const cr = b.closure[2 * i + 1];
  const ident = (): [number, number, number, number] => [1, 0, 0, 0];
  const padPose = (sign: number, c: number): Pose => ({ p: [t[0] + sign * (PAD.openOffset - c), t[1], t[2]], q: ident() });
  const base: BaseState = {
    task,
    dt,
    robot: {
      ee: { p: t, q: ident() },
      eeVelocity: v3(b.tcpVel, 3 * i),
      leftFinger: padPose(-1, cl),
      rightFinger: padPose(1, cr),
      qpos: [cl, cr],
      qvel: [b.closureVel[2 * i], b.closureVel[2 * i + 1]],
      gripperOpenness: opennessAt(b, i),
      gripperCommand: (b.closureCmd[i] / FINGER_TRAVEL) * 2 - 1,
    },
    goal: v3(b.goal, 3 * i),
    lastAction: [b.action[4 * i], b.action[4 * i + 1], b.action[4 * i + 2], b.action[4 * i + 3]],
    success: pred.success(b, i),
  };
  const s: RoboticsState = base;
  objectNames.forEach((name, k) => {
    const off = b.objOff(i, k);
    const o: ObjectState = {
      pose: { p: v3(b.obj, off), q: [b.obj[off + 3], b.obj[off + 4], b.obj[off + 5], b.obj[off + 6]] },
      velocity: v3(b.obj, off + 7),
      angularVelocity: v3(b.obj, off + 10),
      halfSize: b.objHalf[k],
      isGrasped: pred.isGrasped(b, i, k),
      isStatic: pred.isStatic(b, i, k),
    };
    s[name] = o;
  });
  if (b.hasDrawer) {
    const d: DrawerState = {
      qpos: b.drawer[2 * i],
      qvel: b.drawer[2 * i + 1],
      travel: DRAWER.travel,
      handle: { p: v3(b.handle, 3 * i), q: ident() },
      handleInit: v3(b.handleInit, 3 * i),
    };
    s.drawer = d;
  }
  return s;
}
