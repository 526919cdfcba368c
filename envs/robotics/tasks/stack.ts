/**
 * robotics/Stack-v0 — put cube A (red) on top of cube B (green) and let go (ManiSkill StackCube-v1's
 * success rule on our hand).
 *
 * ## Observation — `Box(-inf, inf, (39,), float32)`
 * | idx   | name                     | unit |
 * |-------|--------------------------|------|
 * | 0–2   | TCP x, y, z              | m    |
 * | 3–5   | TCP velocity             | m/s  |
 * | 6     | gripper openness         | 1 = open, 0 = closed |
 * | 7–9   | cube A position          | m    |
 * | 10–13 | cube A quaternion w,x,y,z | —   |
 * | 14–16 | cube A velocity          | m/s  |
 * | 17–19 | cube A − TCP             | m    |
 * | 20–22 | cube B position          | m    |
 * | 23–26 | cube B quaternion w,x,y,z | —   |
 * | 27–29 | cube B velocity          | m/s  |
 * | 30–32 | cube B − TCP             | m    |
 * | 33–35 | goal = B + (0, 0, 0.04)  | m    |
 * | 36–38 | goal − cube A            | m    |
 *
 * ## Action — `Box(-1, 1, (4,), float32)`: [dx, dy, dz, grip] as in reach.ts.
 *
 * ## Starting state
 * TCP (0, 0.6, 0.2), gripper open; both cubes (4 cm, 50 g, yaw 0) resting on the table with centres in
 * x ∈ [−0.1, 0.1], y ∈ [0.6, 0.8], at least 0.1 m apart in xy (rejection sampling). Reset options:
 * `objects.cubeA`, `objects.cubeB`, `hand`.
 *
 * ## Reward
 * `expert` (default), staged as ManiSkill's StackCube dense reward: if A is on B: 4 + openness + static
 * (1 − tanh(10‖v_A‖)); else reach (1 − tanh(10‖TCP − A‖)) + grasp (1 if A grasped) + 2·place
 * (grasped ? 1 − tanh(5‖A − (B + (0, 0, 0.04))‖) : 0). Max 6; r = staged/6 − 1 before success, +1 on
 * success. `sparse`: 1 on success.
 *
 * ## Success, termination, truncation
 * ManiSkill StackCube: A on B (xy offset ≤ ‖(0.02, 0.02)‖ + 0.005, |dz − 0.04| ≤ 0.005), A static
 * (‖v‖ ≤ 0.01 m/s, ‖ω‖ ≤ 0.5 rad/s) and A not grasped. Terminated on success by default; truncated
 * after 250 steps.
 *
 * ## Version history
 * - v0: initial version.
 */
import type { RewardTerms } from '../../../sim/reward.ts';
import { CUBE } from '../geometry.ts';
import { dist3, isGraspedAt, isStaticAt, onTopAt } from '../predicates.ts';
import { opennessAt, type SceneBuffers } from '../scene_buffers.ts';
import type { RoboticsState } from '../state.ts';
import {
  ROBOT_OBS, type TaskDef, carryAction, moveTo, objectObsNames, pickAction, placeObject, stagedReward, writeGoalObs, writeObjectObs,
  writeRobotObs,
} from '../task.ts';

export const STACK_LOW = [-0.1, 0.6] as const;
export const STACK_HIGH = [0.1, 0.8] as const;
export const STACK_MIN_SEPARATION = 0.1;

export const stackTask: TaskDef = {
  name: 'Stack',
  id: 'robotics/Stack-v0',
  description: 'Stack cube A on cube B and release it (ManiSkill StackCube-v1 success rule).',
  maxEpisodeSteps: 250,
  objects: [
    { name: 'cubeA', half: CUBE.half, mass: CUBE.mass, color: 0xd23c32 },
    { name: 'cubeB', half: CUBE.half, mass: CUBE.mass, color: 0x2e9e48 },
  ],
  drawer: false,
  obsNames: [...ROBOT_OBS, ...objectObsNames('cubeA'), ...objectObsNames('cubeB'), 'goal.x', 'goal.y', 'goal.z', 'goal.x − cubeA.x', 'goal.y − cubeA.y', 'goal.z − cubeA.z'],
  spawn(rng, b, i, over) {
    const ax = rng.uniform(STACK_LOW[0], STACK_HIGH[0]);
    const ay = rng.uniform(STACK_LOW[1], STACK_HIGH[1]);
    let bx = ax, by = ay;
    // Rejection sampling with a bounded number of draws (deterministic for a given stream).
    for (let t = 0; t < 100; t++) {
      bx = rng.uniform(STACK_LOW[0], STACK_HIGH[0]);
      by = rng.uniform(STACK_LOW[1], STACK_HIGH[1]);
      if (Math.hypot(bx - ax, by - ay) >= STACK_MIN_SEPARATION) break;
    }
    if (Math.hypot(bx - ax, by - ay) < STACK_MIN_SEPARATION) bx = ax + (ax > 0 ? -STACK_MIN_SEPARATION : STACK_MIN_SEPARATION);
    const a = over?.objects?.cubeA ?? [ax, ay];
    const c = over?.objects?.cubeB ?? [bx, by];
    placeObject(b, i, 0, a[0], a[1], CUBE.half);
    placeObject(b, i, 1, c[0], c[1], CUBE.half);
  },
  updateGoal(b, i) {
    const o = b.objOff(i, 1);
    b.goal[3 * i] = b.obj[o];
    b.goal[3 * i + 1] = b.obj[o + 1];
    b.goal[3 * i + 2] = b.obj[o + 2] + b.objHalf[0] + b.objHalf[1];
  },
  writeObs(b, i, obs, off) {
    let o = writeRobotObs(b, i, obs, off);
    o = writeObjectObs(b, i, 0, obs, o);
    o = writeObjectObs(b, i, 1, obs, o);
    writeGoalObs(b, i, b.obj, b.objOff(i, 0), obs, o);
  },
  success(b, i) {
    return onTopAt(b, i, 0, 1) && isStaticAt(b, i, 0) && !isGraspedAt(b, i, 0);
  },
  reward(b: SceneBuffers, i: number, terms: RewardTerms | undefined): number {
    const oa = b.objOff(i, 0);
    const grasped = isGraspedAt(b, i, 0);
    let staged: number;
    if (onTopAt(b, i, 0, 1)) {
      const openness = opennessAt(b, i);
      const stat = 1 - Math.tanh(10 * Math.hypot(b.obj[oa + 7], b.obj[oa + 8], b.obj[oa + 9]));
      staged = 4 + openness + stat;
      if (terms) {
        terms.onTop = 1;
        terms.ungrasp = openness;
        terms.static = stat;
      }
    } else {
      const reach = 1 - Math.tanh(10 * dist3(b.tcp, 3 * i, b.obj, oa));
      const place = grasped ? 1 - Math.tanh(5 * dist3(b.obj, oa, b.goal, 3 * i)) : 0;
      staged = reach + (grasped ? 1 : 0) + 2 * place;
      if (terms) {
        terms.onTop = 0;
        terms.reach = reach;
        terms.grasp = grasped ? 1 : 0;
        terms.place = place;
      }
    }
    return stagedReward(staged, 6, this.success(b, i), terms);
  },
  expert(s: RoboticsState) {
    const A = s.cubeA!, B = s.cubeB!;
    const tcp = s.robot.ee.p;
    const h = A.halfSize + B.halfSize;
    const exy = Math.hypot(A.pose.p[0] - B.pose.p[0], A.pose.p[1] - B.pose.p[1]);
    const dz = A.pose.p[2] - B.pose.p[2];
    const onTop = exy <= Math.hypot(B.halfSize, B.halfSize) + 0.005 && Math.abs(dz - h) <= 0.005;
    if (onTop) {
      // Let go, hold still until A settles, then back off upwards.
      if (A.isGrasped || s.robot.gripperOpenness < 0.95) return moveTo(tcp, tcp, -1);
      return moveTo(tcp, [tcp[0], tcp[1], tcp[2] + 0.01], -1);
    }
    if (A.isGrasped) {
      const carryZ = B.pose.p[2] + h + 0.04;
      let dest: number[];
      if (exy > 0.003) {
        dest = A.pose.p[2] < carryZ - 0.01 && exy > 0.01 ? [A.pose.p[0], A.pose.p[1], carryZ] : [B.pose.p[0], B.pose.p[1], carryZ];
      } else {
        dest = [B.pose.p[0], B.pose.p[1], B.pose.p[2] + h + 0.002];
      }
      return carryAction(s, 'cubeA', dest);
    }
    return pickAction(s, 'cubeA')!;
  },
  abstraction: {
    instruction: 'pick up cube A and place it on top of cube B, then release it so that it rests there.',
    fields: '  cubeA: RigidObject; // the red cube to pick up\n  cubeB: RigidObject; // the green cube to stack onto\n',
    goal: 'the centre cube A should reach: top of cube B = cubeB.pose.p + [0, 0, cubeA.halfSize + cubeB.halfSize]',
    success:
      'A on B (|cubeA.pose.p.xy - cubeB.pose.p.xy| <= |[cubeB.halfSize, cubeB.halfSize]| + 0.005 and |cubeA.pose.p[2] - cubeB.pose.p[2] - (cubeA.halfSize + cubeB.halfSize)| <= 0.005) && cubeA.isStatic && !cubeA.isGrasped',
  },
};
