/**
 * robotics/DrawerOpen-v0 — pull a drawer open by its bar handle (Meta-World drawer-open-v3 threshold
 * and spawn range).
 *
 * ## Observation — `Box(-inf, inf, (21,), float32)`
 * | idx   | name                     | unit |
 * |-------|--------------------------|------|
 * | 0–2   | TCP x, y, z              | m    |
 * | 3–5   | TCP velocity             | m/s  |
 * | 6     | gripper openness         | 1 = open, 0 = closed |
 * | 7     | drawer joint position    | m (0 closed, 0.2 fully open) |
 * | 8     | drawer joint velocity    | m/s  |
 * | 9–11  | handle position          | m    |
 * | 12–14 | handle − TCP             | m    |
 * | 15–17 | goal (handle target)     | m    |
 * | 18–20 | goal − handle            | m    |
 *
 * ## Action — `Box(-1, 1, (4,), float32)`: [dx, dy, dz, grip] as in reach.ts.
 *
 * ## Starting state
 * TCP (0, 0.6, 0.2), gripper open; cabinet base at x ∈ [−0.1, 0.1], y = 0.9 (Meta-World drawer
 * `obj_low/high`), drawer closed; handle bar (along x) at base + (0, −0.159, 0.09). Goal = handle's
 * start + (0, −0.2, 0) (Meta-World: the handle pulled out by `maxDist` = 0.2 m). Reset options:
 * `drawerX`, `hand`.
 *
 * ## Reward
 * `expert` (default), staged: reach = 1 − tanh(10‖TCP − hook‖) with hook = handle + (0, 0.0265, 0)
 * (between the bar and the drawer front); open = clamp(qpos / 0.17, 0, 1); staged = reach + 2·open
 * (max 3); r = staged/3 − 1 before success, +1 on success. `sparse`: 1 on success.
 *
 * ## Success, termination, truncation
 * ‖handle − goal‖ ≤ 0.03 m (Meta-World drawer-open), i.e. opened ≥ 0.17 m. Terminated on success by
 * default; truncated after 150 steps.
 *
 * ## Version history
 * - v0: initial version.
 */
import type { RewardTerms } from '../../../sim/reward.ts';
import { DRAWER, HOOK_OFFSET_Y } from '../geometry.ts';
import { dist3 } from '../predicates.ts';
import type { SceneBuffers } from '../scene_buffers.ts';
import type { RoboticsState } from '../state.ts';
import { ROBOT_OBS, type TaskDef, moveTo, stagedReward, writeRobotObs } from '../task.ts';

export const DRAWER_THRESHOLD = 0.03;
export const DRAWER_X_RANGE = [-0.1, 0.1] as const;
export const DRAWER_Y = 0.9;

export const drawerOpenTask: TaskDef = {
  name: 'DrawerOpen',
  id: 'robotics/DrawerOpen-v0',
  description: 'Pull a drawer open by its bar handle (Meta-World drawer-open-v3 threshold).',
  maxEpisodeSteps: 150,
  objects: [],
  drawer: true,
  obsNames: [
    ...ROBOT_OBS, 'drawer.qpos', 'drawer.qvel', 'handle.x', 'handle.y', 'handle.z', 'handle.x − tcp.x', 'handle.y − tcp.y', 'handle.z − tcp.z',
    'goal.x', 'goal.y', 'goal.z', 'goal.x − handle.x', 'goal.y − handle.y', 'goal.z − handle.z',
  ],
  spawn(rng, b, i, over) {
    const x = over?.drawerX ?? rng.uniform(DRAWER_X_RANGE[0], DRAWER_X_RANGE[1]);
    b.drawerBase[3 * i] = x;
    b.drawerBase[3 * i + 1] = DRAWER_Y;
    b.drawerBase[3 * i + 2] = 0;
    for (let k = 0; k < 3; k++) {
      const h = b.drawerBase[3 * i + k] + DRAWER.box.offset[k] + DRAWER.handle.offset[k];
      b.handleInit[3 * i + k] = h;
      b.handle[3 * i + k] = h;
      b.goal[3 * i + k] = h;
    }
    b.goal[3 * i + 1] -= DRAWER.travel;
  },
  writeObs(b, i, obs, off) {
    const o = writeRobotObs(b, i, obs, off);
    obs[o] = b.drawer[2 * i];
    obs[o + 1] = b.drawer[2 * i + 1];
    for (let k = 0; k < 3; k++) {
      obs[o + 2 + k] = b.handle[3 * i + k];
      obs[o + 5 + k] = b.handle[3 * i + k] - b.tcp[3 * i + k];
      obs[o + 8 + k] = b.goal[3 * i + k];
      obs[o + 11 + k] = b.goal[3 * i + k] - b.handle[3 * i + k];
    }
  },
  success(b, i) {
    return dist3(b.handle, 3 * i, b.goal, 3 * i) <= DRAWER_THRESHOLD;
  },
  reward(b: SceneBuffers, i: number, terms: RewardTerms | undefined): number {
    const hx = b.handle[3 * i] - b.tcp[3 * i];
    const hy = b.handle[3 * i + 1] + HOOK_OFFSET_Y - b.tcp[3 * i + 1];
    const hz = b.handle[3 * i + 2] - b.tcp[3 * i + 2];
    const reach = 1 - Math.tanh(10 * Math.hypot(hx, hy, hz));
    const q = b.drawer[2 * i] / (DRAWER.travel - DRAWER_THRESHOLD);
    const open = q < 0 ? 0 : q > 1 ? 1 : q;
    if (terms) {
      terms.reach = reach;
      terms.open = open;
    }
    return stagedReward(reach + 2 * open, 3, dist3(b.handle, 3 * i, b.goal, 3 * i) <= DRAWER_THRESHOLD, terms);
  },
  /** Hook the closed pads behind the bar (between it and the drawer front) and pull towards −y. */
  expert(s: RoboticsState) {
    const tcp = s.robot.ee.p;
    const h = s.drawer!.handle.p;
    const hook = [h[0], h[1] + HOOK_OFFSET_Y, h[2]];
    const ex = tcp[0] - hook[0], ey = tcp[1] - hook[1], ez = tcp[2] - hook[2];
    if (Math.abs(ex) < 0.01 && ey > -0.02 && ey < 0.008 && Math.abs(ez) < 0.01) {
      return moveTo(tcp, [hook[0], tcp[1] - 0.01, hook[2]], 1);
    }
    const hover = hook[2] + 0.08;
    if (Math.hypot(ex, ey) < 0.004) return moveTo(tcp, hook, 1);
    if (tcp[2] < hover - 0.01 && Math.hypot(ex, ey) > 0.02) return moveTo(tcp, [tcp[0], tcp[1], hover], 1);
    return moveTo(tcp, [hook[0], hook[1], hover], 1);
  },
  abstraction: {
    instruction: 'open the drawer by pulling its handle towards the robot (-y).',
    fields: '  drawer: Drawer; // the drawer articulation and its handle\n',
    goal: 'target position of the handle centre (its start pulled out by 0.2 m along -y) [m]',
    success: `distance(drawer.handle.p, goal) <= ${DRAWER_THRESHOLD}`,
  },
};
