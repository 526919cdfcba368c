/**
 * The privileged state of a robotics env (`env.state()`): a plain, JSON-safe snapshot in the spirit of
 * Text2Reward's compact abstraction (ManiSkill names in TypeScript): the robot's end-effector pose,
 * finger links, joint positions and velocities, gripper openness and grasp flags; each object's pose,
 * velocity, angular velocity and static flag; the goal; drawer joint and handle pose; `dt`.
 *
 * Vectors are `[x, y, z]` in metres (world frame, z up, table top z = 0); quaternions are `[w, x, y, z]`
 * with w ≥ 0.
 */

export type Vec3 = [number, number, number];
export type Quat = [number, number, number, number];

export interface Pose {
  /** Position [m]. */
  p: Vec3;
  /** Orientation quaternion [w, x, y, z]. */
  q: Quat;
}

export interface RobotState {
  /** Tool-centre point between the finger pads. The hand never rotates, so `q` is always [1, 0, 0, 0]. */
  ee: Pose;
  /** TCP velocity [m/s]. */
  eeVelocity: Vec3;
  /** Left (x < TCP) finger pad pose. */
  leftFinger: Pose;
  /** Right (x > TCP) finger pad pose. */
  rightFinger: Pose;
  /** Finger joint positions [m]: 0 = open, 0.048 = fully closed (left, right). */
  qpos: [number, number];
  /** Finger joint velocities [m/s] (left, right); positive = closing. */
  qvel: [number, number];
  /** 1 = fully open, 0 = fully closed (mean of both fingers). */
  gripperOpenness: number;
  /** Last gripper command a[3] ∈ [−1, 1] (+1 = close). */
  gripperCommand: number;
}

export interface ObjectState {
  pose: Pose;
  /** Linear velocity [m/s]. */
  velocity: Vec3;
  /** Angular velocity [rad/s]. */
  angularVelocity: Vec3;
  /** Half edge length of the cube [m]. */
  halfSize: number;
  /** Both finger pads squeeze the object (see predicates.ts `isGraspedAt`). */
  isGrasped: boolean;
  /** ‖velocity‖ ≤ 0.01 m/s and ‖angularVelocity‖ ≤ 0.5 rad/s (ManiSkill `is_static`). */
  isStatic: boolean;
}

export interface DrawerState {
  /** Drawer joint position [m]: 0 = closed, `travel` = fully open. */
  qpos: number;
  /** Drawer joint velocity [m/s]; positive = opening. */
  qvel: number;
  /** Maximum opening [m]. */
  travel: number;
  /** Handle bar centre pose (the bar runs along x). */
  handle: Pose;
  /** Handle position at reset [m]. */
  handleInit: Vec3;
}

/** Fields every task shares. */
export interface BaseState {
  task: string;
  /** Seconds per env step. */
  dt: number;
  robot: RobotState;
  /** Task goal [m]: TCP target (Reach), cube target (Push, PickPlace), top of cube B (Stack), handle target (DrawerOpen). */
  goal: Vec3;
  /** Last action applied (clipped to [−1, 1]); zeros after reset. */
  lastAction: [number, number, number, number];
  /** The task's success predicate on this state. */
  success: boolean;
}

export interface ReachState extends BaseState {}
export interface PushState extends BaseState {
  cube: ObjectState;
}
export interface PickPlaceState extends BaseState {
  cube: ObjectState;
}
export interface StackState extends BaseState {
  cubeA: ObjectState;
  cubeB: ObjectState;
}
export interface DrawerOpenState extends BaseState {
  drawer: DrawerState;
}

/** Any robotics task's state (objects present depend on the task). */
export type RoboticsState = BaseState & {
  cube?: ObjectState;
  cubeA?: ObjectState;
  cubeB?: ObjectState;
  drawer?: DrawerState;
};
