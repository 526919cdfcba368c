/**
 * robotics/Reach-v0 — move the gripper's tool-centre point (TCP) to a goal point in the air
 * (Meta-World reach-v3 on our hand).
 *
 * ## Observation — `Box(-inf, inf, (13,), float32)`
 * | idx   | name                | unit |
 * |-------|---------------------|------|
 * | 0–2   | TCP x, y, z         | m    |
 * | 3–5   | TCP velocity        | m/s  |
 * | 6     | gripper openness    | 1 = open, 0 = closed |
 * | 7–9   | goal x, y, z        | m    |
 * | 10–12 | goal − TCP          | m    |
 *
 * ## Action — `Box(-1, 1, (4,), float32)` (Meta-World)
 * | idx | name | effect |
 * |-----|------|--------|
 * | 0–2 | dx, dy, dz | TCP target moves by a·0.01 m per step, clamped to x ∈ [−0.3, 0.3], y ∈ [0.4, 1.0], z ∈ [0.025, 0.35] |
 * | 3   | grip | finger closure (a + 1)/2 · 0.048 m: −1 open, +1 closed |
 *
 * ## Starting state
 * TCP at (0, 0.6, 0.2), gripper open; goal uniform in x ∈ [−0.1, 0.1], y ∈ [0.8, 0.9], z ∈ [0.05, 0.3]
 * (Meta-World reach-v3 `goal_low/high`). Reset options: `goal`, `hand`.
 *
 * ## Reward
 * `expert` (default): staged = 1 − tanh(5‖TCP − goal‖); r = staged − 1 ∈ [−1, 0) before success and
 * +1 on the success step. `sparse`: 1 on success, else 0.
 *
 * ## Success, termination, truncation
 * Success ‖TCP − goal‖ ≤ 0.05 m (Meta-World). Terminated on success (param `terminateOnSuccess`,
 * default true). Truncated after 100 steps.
 *
 * ## Version history
 * - v0: initial version.
 */
import type { RewardTerms } from '../../../sim/reward.ts';
import type { Rng } from '../../../sim/rng.ts';
import type { SceneBuffers } from '../scene_buffers.ts';
import type { RoboticsState } from '../state.ts';
import { ROBOT_OBS, type ResetOverrides, type TaskDef, moveTo, stagedReward, uniform3, writeGoalObs, writeRobotObs } from '../task.ts';
import { dist3 } from '../predicates.ts';

export const REACH_THRESHOLD = 0.05;
export const REACH_GOAL_LOW = [-0.1, 0.8, 0.05] as const;
export const REACH_GOAL_HIGH = [0.1, 0.9, 0.3] as const;

export const reachTask: TaskDef = {
  name: 'Reach',
  id: 'robotics/Reach-v0',
  description: 'Move the gripper to a goal point in the air (Meta-World reach-v3 thresholds).',
  maxEpisodeSteps: 100,
  objects: [],
  drawer: false,
  obsNames: [...ROBOT_OBS, 'goal.x', 'goal.y', 'goal.z', 'goal.x − tcp.x', 'goal.y − tcp.y', 'goal.z − tcp.z'],
  spawn(rng: Rng, b: SceneBuffers, i: number, over: ResetOverrides | undefined): void {
    uniform3(rng, REACH_GOAL_LOW, REACH_GOAL_HIGH, b.goal, 3 * i);
    if (over?.goal) b.goal.set(over.goal, 3 * i);
  },
  writeObs(b: SceneBuffers, i: number, obs: Float32Array, off: number): void {
    writeGoalObs(b, i, b.tcp, 3 * i, obs, writeRobotObs(b, i, obs, off));
  },
  success(b: SceneBuffers, i: number): boolean {
    return dist3(b.tcp, 3 * i, b.goal, 3 * i) <= REACH_THRESHOLD;
  },
  reward(b: SceneBuffers, i: number, terms: RewardTerms | undefined): number {
    const d = dist3(b.tcp, 3 * i, b.goal, 3 * i);
    const reach = 1 - Math.tanh(5 * d);
    if (terms) terms.reach = reach;
    return stagedReward(reach, 1, d <= REACH_THRESHOLD, terms);
  },
  expert(s: RoboticsState) {
    return moveTo(s.robot.ee.p, s.goal, -1);
  },
  abstraction: {
    instruction: 'move the gripper (robot.ee) to the goal point.',
    fields: '',
    goal: 'target position of the TCP [m]',
    success: `distance(robot.ee.p, goal) <= ${REACH_THRESHOLD}`,
  },
};
