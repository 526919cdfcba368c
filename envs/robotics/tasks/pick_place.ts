/**
 * robotics/PickPlace-v0 — pick up a 4 cm cube and hold it at a goal point in the air (Meta-World
 * pick-place-v3 thresholds and spawn ranges).
 *
 * ## Observation — `Box(-inf, inf, (26,), float32)`: the same layout as Push
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
 * ## Action — `Box(-1, 1, (4,), float32)`: [dx, dy, dz, grip] as in reach.ts.
 *
 * ## Starting state
 * TCP (0, 0.6, 0.2), gripper open; cube on the table at x ∈ [−0.1, 0.1], y ∈ [0.6, 0.7]; goal
 * x ∈ [−0.1, 0.1], y ∈ [0.8, 0.9], z ∈ [0.05, 0.3]. Reset options: `objects.cube`, `goal`, `hand`.
 *
 * ## Reward
 * `expert` (default), staged: reach = 1 − tanh(10‖TCP − cube‖); grasp = 1 if grasped; place =
 * grasped ? 1 − tanh(5‖cube − goal‖) : 0; staged = reach + grasp + 2·place (max 4);
 * r = staged/4 − 1 before success, +1 on success. `sparse`: 1 on success.
 *
 * ## Success, termination, truncation
 * Success ‖cube − goal‖ ≤ 0.07 m (Meta-World pick-place). Terminated on success by default; truncated
 * after 200 steps.
 *
 * ## Version history
 * - v0: initial version.
 */
import type { RewardTerms } from '../../../sim/reward.ts';
import { CUBE } from '../geometry.ts';
import { dist3, isGraspedAt } from '../predicates.ts';
import type { SceneBuffers } from '../scene_buffers.ts';
import type { RoboticsState } from '../state.ts';
import {
  ROBOT_OBS, type TaskDef, carryAction, objectObsNames, pickAction, stagedReward, uniform3, writeGoalObs, writeObjectObs, writeRobotObs,
} from '../task.ts';
import { spawnCube } from './push.ts';

export const PICK_PLACE_THRESHOLD = 0.07;
export const PICK_GOAL_LOW = [-0.1, 0.8, 0.05] as const;
export const PICK_GOAL_HIGH = [0.1, 0.9, 0.3] as const;

export const pickPlaceTask: TaskDef = {
  name: 'PickPlace',
  id: 'robotics/PickPlace-v0',
  description: 'Pick up a cube and hold it at a goal point in the air (Meta-World pick-place-v3 thresholds).',
  maxEpisodeSteps: 200,
  objects: [{ name: 'cube', half: CUBE.half, mass: CUBE.mass, color: 0xd23c32 }],
  drawer: false,
  obsNames: [...ROBOT_OBS, ...objectObsNames('cube'), 'goal.x', 'goal.y', 'goal.z', 'goal.x − cube.x', 'goal.y − cube.y', 'goal.z − cube.z'],
  spawn(rng, b, i, over) {
    spawnCube(rng, b, i, over);
    uniform3(rng, PICK_GOAL_LOW, PICK_GOAL_HIGH, b.goal, 3 * i);
    if (over?.goal) b.goal.set(over.goal, 3 * i);
  },
  writeObs(b, i, obs, off) {
    const o = writeObjectObs(b, i, 0, obs, writeRobotObs(b, i, obs, off));
    writeGoalObs(b, i, b.obj, b.objOff(i, 0), obs, o);
  },
  success(b, i) {
    return dist3(b.obj, b.objOff(i, 0), b.goal, 3 * i) <= PICK_PLACE_THRESHOLD;
  },
  reward(b: SceneBuffers, i: number, terms: RewardTerms | undefined): number {
    const o = b.objOff(i, 0);
    const reach = 1 - Math.tanh(10 * dist3(b.tcp, 3 * i, b.obj, o));
    const grasped = isGraspedAt(b, i, 0) ? 1 : 0;
    const d = dist3(b.obj, o, b.goal, 3 * i);
    const place = grasped ? 1 - Math.tanh(5 * d) : 0;
    if (terms) {
      terms.reach = reach;
      terms.grasp = grasped;
      terms.place = place;
    }
    return stagedReward(reach + grasped + 2 * place, 4, d <= PICK_PLACE_THRESHOLD, terms);
  },
  expert(s: RoboticsState) {
    return pickAction(s, 'cube') ?? carryAction(s, 'cube', s.goal);
  },
  abstraction: {
    instruction: 'pick up the cube and bring it to the goal position in the air.',
    fields: '  cube: RigidObject; // the red 4 cm cube\n',
    goal: 'target position of the cube centre [m]',
    success: `distance(cube.pose.p, goal) <= ${PICK_PLACE_THRESHOLD}`,
  },
};
