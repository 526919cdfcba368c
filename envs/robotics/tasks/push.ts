/**
 * robotics/Push-v0 — move a 4 cm cube across the table to a goal on the table (Meta-World push-v3
 * thresholds and spawn ranges; pushing or dragging both count).
 *
 * ## Observation — `Box(-inf, inf, (26,), float32)`
 * | idx   | name                  | unit |
 * |-------|-----------------------|------|
 * | 0–2   | TCP x, y, z           | m    |
 * | 3–5   | TCP velocity          | m/s  |
 * | 6     | gripper openness      | 1 = open, 0 = closed |
 * | 7–9   | cube position         | m    |
 * | 10–13 | cube quaternion w,x,y,z | —  |
 * | 14–16 | cube velocity         | m/s  |
 * | 17–19 | cube − TCP            | m    |
 * | 20–22 | goal x, y, z          | m    |
 * | 23–25 | goal − cube           | m    |
 *
 * ## Action — `Box(-1, 1, (4,), float32)`: [dx, dy, dz, grip] as in reach.ts (1 cm per step; +1 closes).
 *
 * ## Starting state
 * TCP (0, 0.6, 0.2), gripper open; cube resting on the table at x ∈ [−0.1, 0.1], y ∈ [0.6, 0.7]
 * (yaw 0); goal on the table (z = 0.02, the resting cube's centre height) at x ∈ [−0.1, 0.1],
 * y ∈ [0.8, 0.9]. Reset options: `objects.cube` (x, y), `goal`, `hand`.
 *
 * ## Reward
 * `expert` (default), staged (ManiSkill PushCube style): reach = 1 − tanh(10‖TCP − push pose‖) with the
 * push pose behind the cube on the far side from the goal (cube − û·0.035, û = unit xy direction cube→goal,
 * at grasp height); closed = 1 − gripper openness (closed pads make a pusher); place = 1 − tanh(5‖cube −
 * goal‖); staged = reach + 0.5·closed + 2·place (max 3.5); r = staged/3.5 − 1 before success, +1 on
 * success. `sparse`: 1 on success.
 *
 * ## Success, termination, truncation
 * Success ‖cube − goal‖ ≤ 0.05 m (Meta-World push). Terminated on success by default; truncated after
 * 150 steps.
 *
 * ## Version history
 * - v0: initial version.
 */
import type { RewardTerms } from '../../../sim/reward.ts';
import type { Rng } from '../../../sim/rng.ts';
import { CUBE, PAD } from '../geometry.ts';
import { dist3 } from '../predicates.ts';
import { opennessAt, type SceneBuffers } from '../scene_buffers.ts';
import type { RoboticsState } from '../state.ts';
import {
  ROBOT_OBS, type ResetOverrides, type TaskDef, carryAction, graspHeight, objectObsNames, pickAction, placeObject, stagedReward,
  writeGoalObs, writeObjectObs, writeRobotObs,
} from '../task.ts';

export const PUSH_THRESHOLD = 0.05;
export const OBJ_LOW = [-0.1, 0.6] as const;
export const OBJ_HIGH = [0.1, 0.7] as const;
export const GOAL_XY_LOW = [-0.1, 0.8] as const;
export const GOAL_XY_HIGH = [0.1, 0.9] as const;

/** Cube spawn shared by Push and PickPlace. */
export function spawnCube(rng: Rng, b: SceneBuffers, i: number, over: ResetOverrides | undefined): void {
  const x = rng.uniform(OBJ_LOW[0], OBJ_HIGH[0]);
  const y = rng.uniform(OBJ_LOW[1], OBJ_HIGH[1]);
  const xy = over?.objects?.cube ?? [x, y];
  placeObject(b, i, 0, xy[0], xy[1], CUBE.half);
}

export const pushTask: TaskDef = {
  name: 'Push',
  id: 'robotics/Push-v0',
  description: 'Move a cube across the table to a goal on the table (Meta-World push-v3 thresholds).',
  maxEpisodeSteps: 150,
  objects: [{ name: 'cube', half: CUBE.half, mass: CUBE.mass, color: 0xd23c32 }],
  drawer: false,
  obsNames: [...ROBOT_OBS, ...objectObsNames('cube'), 'goal.x', 'goal.y', 'goal.z', 'goal.x − cube.x', 'goal.y − cube.y', 'goal.z − cube.z'],
  spawn(rng, b, i, over) {
    spawnCube(rng, b, i, over);
    b.goal[3 * i] = rng.uniform(GOAL_XY_LOW[0], GOAL_XY_HIGH[0]);
    b.goal[3 * i + 1] = rng.uniform(GOAL_XY_LOW[1], GOAL_XY_HIGH[1]);
    b.goal[3 * i + 2] = CUBE.half;
    if (over?.goal) b.goal.set(over.goal, 3 * i);
  },
  writeObs(b, i, obs, off) {
    const o = writeObjectObs(b, i, 0, obs, writeRobotObs(b, i, obs, off));
    writeGoalObs(b, i, b.obj, b.objOff(i, 0), obs, o);
  },
  success(b, i) {
    return dist3(b.obj, b.objOff(i, 0), b.goal, 3 * i) <= PUSH_THRESHOLD;
  },
  reward(b: SceneBuffers, i: number, terms: RewardTerms | undefined): number {
    const o = b.objOff(i, 0);
    // Push pose (ManiSkill PushCube style): behind the cube on the far side from the goal, at its height,
    // so the closed pads touch the cube's face.
    let ux = b.goal[3 * i] - b.obj[o], uy = b.goal[3 * i + 1] - b.obj[o + 1];
    const n = Math.hypot(ux, uy);
    if (n > 1e-9) {
      ux /= n;
      uy /= n;
    } else {
      ux = 0;
      uy = 1;
    }
    const back = b.objHalf[0] + PAD.half[1] + 0.003;
    const px = b.obj[o] - ux * back - b.tcp[3 * i];
    const py = b.obj[o + 1] - uy * back - b.tcp[3 * i + 1];
    const pz = graspHeight(b.obj[o + 2]) - b.tcp[3 * i + 2];
    const reach = 1 - Math.tanh(10 * Math.hypot(px, py, pz));
    const closed = 1 - opennessAt(b, i);
    const d = dist3(b.obj, o, b.goal, 3 * i);
    const place = 1 - Math.tanh(5 * d);
    if (terms) {
      terms.reach = reach;
      terms.closed = closed;
      terms.place = place;
    }
    return stagedReward(reach + 0.5 * closed + 2 * place, 3.5, d <= PUSH_THRESHOLD, terms);
  },
  /** Meta-World's push policy grasps the puck and drags it; so does this one (cube 1 cm above the goal). */
  expert(s: RoboticsState) {
    return pickAction(s, 'cube') ?? carryAction(s, 'cube', [s.goal[0], s.goal[1], s.goal[2] + 0.01]);
  },
  abstraction: {
    instruction: 'move the cube to the goal position on the table (pushing or dragging both count).',
    fields: '  cube: RigidObject; // the red 4 cm cube\n',
    goal: 'target position of the cube centre on the table [m]',
    success: `distance(cube.pose.p, goal) <= ${PUSH_THRESHOLD}`,
  },
};
