/**
 * Robotics tasks: success predicates as properties (object within / outside the threshold → true /
 * false), the scripted experts on a handful of seeds, and grasping by friction only (opening the
 * fingers drops the cube).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoboticsEnv } from '../../../envs/robotics/env.ts';
import { ExpertReward } from '../../../envs/robotics/expert_reward.ts';
import { PAD } from '../../../envs/robotics/geometry.ts';
import { ROBOTICS_TASKS } from '../../../envs/robotics/registry.ts';
import type { RoboticsState, Vec3 } from '../../../envs/robotics/state.ts';
import type { TaskDef } from '../../../envs/robotics/task.ts';
import { runExpert, taskByName, withEnv } from './helpers.ts';

const clone = (s: RoboticsState): RoboticsState => structuredClone(s);

/** A point at distance d from c along the direction (ux, uy, uz) (normalised; a zero direction → +x). */
function offset(c: Vec3, d: number, u: [number, number, number]): Vec3 {
  const n = Math.hypot(...u);
  const [x, y, z] = n < 1e-9 ? [1, 0, 0] : [u[0] / n, u[1] / n, u[2] / n];
  return [c[0] + d * x, c[1] + d * y, c[2] + d * z];
}

const dir = fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }));
/** Distances away from the threshold by at least 1 µm (float rounding at the boundary is not the point). */
const distAround = (th: number) => fc.double({ min: 0, max: 2.5 * th, noNaN: true }).filter((d) => Math.abs(d - th) > 1e-6);

describe('success predicates (properties)', () => {
  const envs = new Map<string, RoboticsEnv>();
  const base = new Map<string, RoboticsState>();
  beforeAll(() => {
    for (const t of ROBOTICS_TASKS) {
      const env = new RoboticsEnv(t);
      env.reset({ seed: 11 });
      envs.set(t.name, env);
      base.set(t.name, env.state());
    }
  });
  afterAll(() => {
    for (const e of envs.values()) e.close();
  });

  const distanceRule = (name: TaskDef['name'], threshold: number, place: (s: RoboticsState, p: Vec3) => void, anchor: (s: RoboticsState) => Vec3) => {
    it(`${name}: success ⇔ distance ≤ ${threshold}`, () => {
      const env = envs.get(name)!;
      fc.assert(
        fc.property(distAround(threshold), dir, (d, u) => {
          const s = clone(base.get(name)!);
          place(s, offset(anchor(s), d, u));
          expect(env.success(s)).toBe(d <= threshold);
        }),
        { numRuns: 200 },
      );
    });
  };
  distanceRule('Reach', 0.05, (s, p) => { s.robot.ee.p = p; }, (s) => s.goal);
  distanceRule('Push', 0.05, (s, p) => { s.cube!.pose.p = p; }, (s) => s.goal);
  distanceRule('PickPlace', 0.07, (s, p) => { s.cube!.pose.p = p; }, (s) => s.goal);
  distanceRule('DrawerOpen', 0.03, (s, p) => { s.drawer!.handle.p = p; }, (s) => s.goal);

  it('Stack: success ⇔ A on B (xy ≤ ‖(h, h)‖ + 0.005, |dz − 0.04| ≤ 0.005) ∧ A static ∧ A not grasped', () => {
    const env = envs.get('Stack')!;
    const xyMax = Math.hypot(0.02, 0.02) + 0.005;
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2 * xyMax, noNaN: true }).filter((r) => Math.abs(r - xyMax) > 1e-6),
        fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
        fc.double({ min: 0.025, max: 0.055, noNaN: true }).filter((dz) => Math.abs(Math.abs(dz - 0.04) - 0.005) > 1e-6),
        fc.double({ min: 0, max: 0.03, noNaN: true }).filter((v) => Math.abs(v - 0.01) > 1e-6),
        fc.boolean(),
        (r, ang, dz, speed, grasped) => {
          const s = clone(base.get('Stack')!);
          const B = s.cubeB!.pose.p;
          const A: Vec3 = [B[0] + r * Math.cos(ang), B[1] + r * Math.sin(ang), B[2] + dz];
          s.cubeA!.pose.p = A;
          s.cubeA!.pose.q = [1, 0, 0, 0];
          s.cubeA!.velocity = [speed, 0, 0];
          s.goal = [B[0], B[1], B[2] + 0.04];
          // Grasped: TCP at A, both pad faces on A's sides, motors still squeezing; else open and away.
          if (grasped) {
            s.robot.ee.p = [A[0], A[1], A[2] + 0.005];
            const c = PAD.openOffset - PAD.half[0] - 0.02;
            s.robot.qpos = [c, c];
            s.robot.gripperCommand = 1;
          } else {
            s.robot.ee.p = [A[0], A[1], A[2] + 0.1];
            s.robot.qpos = [0, 0];
            s.robot.gripperCommand = -1;
          }
          const onTop = r <= xyMax && Math.abs(dz - 0.04) <= 0.005;
          expect(env.success(s)).toBe(onTop && speed <= 0.01 && !grasped);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the grasp flag needs both pads on the object and the motors squeezing', () => {
    const env = envs.get('PickPlace')!;
    const s = clone(base.get('PickPlace')!);
    const c = s.cube!.pose.p;
    s.robot.ee.p = [c[0], c[1], c[2] + 0.005];
    const touch = PAD.openOffset - PAD.half[0] - 0.02;
    s.robot.qpos = [touch, touch];
    s.robot.gripperCommand = 1;
    s.goal = c;
    expect(env.success(s)).toBe(true);
    expect(grasped(s)).toBe(true);
    expect(grasped({ ...s, robot: { ...s.robot, gripperCommand: -1 } })).toBe(false);
    expect(grasped({ ...s, robot: { ...s.robot, qpos: [touch - 0.01, touch] } })).toBe(false);
    expect(grasped({ ...s, robot: { ...s.robot, ee: { ...s.robot.ee, p: [c[0], c[1] + 0.05, c[2]] } } })).toBe(false);
  });
});

/** The grasp term of the PickPlace expert reward (the same predicate as the state's isGrasped flag). */
const expertPick = new ExpertReward(taskByName('PickPlace'));
function grasped(s: RoboticsState): boolean {
  const terms: Record<string, number> = {};
  expertPick.compute(s, [0, 0, 0, 0], s, terms);
  return terms.grasp === 1;
}

describe('scripted experts', () => {
  for (const task of ROBOTICS_TASKS) {
    it(`${task.id}: the expert succeeds on seeds 0–4`, () => {
      withEnv(task, {}, (env) => {
        for (let seed = 0; seed < 5; seed++) expect(runExpert(env, seed), `seed ${seed}`).toMatchObject({ success: true });
      });
    });
  }

  it('PickPlace: the cube is held by friction only — opening the fingers drops it', () => {
    withEnv(taskByName('PickPlace'), { terminateOnSuccess: false }, (env) => {
      const task = env.task;
      env.reset({ seed: 3, options: { objects: { cube: [0.05, 0.65] }, goal: [0.05, 0.7, 0.25] } });
      let t = 0;
      const near = (st: RoboticsState) => Math.hypot(...st.cube!.pose.p.map((v, k) => v - st.goal[k])) < 0.01;
      while (!near(env.state()) && t++ < 150) env.step(Float32Array.from(task.expert(env.state())));
      const held = env.state();
      expect(held.cube!.isGrasped).toBe(true);
      expect(held.cube!.pose.p[2]).toBeGreaterThan(0.2);
      // Hold still with the gripper closed: the cube stays.
      for (let k = 0; k < 80; k++) env.step(Float32Array.from([0, 0, 0, 1]));
      expect(env.state().cube!.pose.p[2]).toBeCloseTo(held.cube!.pose.p[2], 2);
      // Open: it falls back to the table and is no longer grasped.
      for (let k = 0; k < 60; k++) env.step(Float32Array.from([0, 0, 0, -1]));
      const after = env.state();
      expect(after.cube!.isGrasped).toBe(false);
      expect(after.cube!.pose.p[2]).toBeLessThan(0.03);
    });
  });

  it('Push: a cube pushed by the closed pads slides without tipping', () => {
    withEnv(taskByName('Push'), { terminateOnSuccess: false }, (env) => {
      env.reset({ seed: 0, options: { objects: { cube: [0, 0.65] }, goal: [0, 0.9, 0.02], hand: [0, 0.6, 0.1] } });
      // Down behind the cube with the gripper closed, then push along +y for 20 cm.
      for (let t = 0; t < 12; t++) env.step(Float32Array.from([0, 0, -1, 1]));
      for (let t = 0; t < 20; t++) env.step(Float32Array.from([0, 1, 0, 1]));
      const s = env.state();
      const [w] = s.cube!.pose.q;
      expect(s.cube!.pose.p[1]).toBeGreaterThan(0.75);
      expect(s.cube!.pose.p[2]).toBeCloseTo(0.02, 3);
      expect(w).toBeGreaterThan(0.99);
    });
  });

  it('Stack: after success cube A rests on B; DrawerOpen: the joint opened ≥ 0.17 m', () => {
    withEnv(taskByName('Stack'), {}, (env) => {
      expect(runExpert(env, 7).success).toBe(true);
      const s = env.state();
      expect(s.cubeA!.pose.p[2] - s.cubeB!.pose.p[2]).toBeCloseTo(0.04, 2);
      expect(s.cubeB!.pose.p[2]).toBeCloseTo(0.02, 2);
    });
    withEnv(taskByName('DrawerOpen'), {}, (env) => {
      expect(runExpert(env, 7).success).toBe(true);
      expect(env.state().drawer!.qpos).toBeGreaterThanOrEqual(0.17);
    });
  });

  it('a do-nothing policy does not succeed (the predicates are not trivially true)', () => {
    for (const task of ROBOTICS_TASKS) {
      withEnv(task, {}, (env) => {
        env.reset({ seed: 5 });
        let ok = false;
        for (let t = 0; t < 30; t++) ok ||= env.step(Float32Array.from([0, 0, 0, 0]))[4].success === true;
        expect(ok, task.id).toBe(false);
      });
    }
  });
});
