/**
 * Robotics renders: every camera gives deterministic H×W×3 frames of the requested size; the cube's and
 * the goal's pixels appear where the camera projection puts their centres (and move when they move);
 * the wrist camera follows the hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoboticsEnv } from '../../../envs/robotics/env.ts';
import { CAMERAS, cameraFor } from '../../../envs/robotics/scene_render.ts';
import type { Frame } from '../../../sim/env.ts';
import { CameraProjection } from '../../../sim/render/camera3d.ts';
import { taskByName } from './helpers.ts';

const px = (f: Frame, x: number, y: number): [number, number, number] => {
  const k = (Math.floor(y) * f.width + Math.floor(x)) * 3;
  return [f.data[k], f.data[k + 1], f.data[k + 2]];
};
const isRed = ([r, g, b]: number[]) => r > 1.8 * g && r > 1.8 * b && r > 60;
const isBlue = ([r, g, b]: number[]) => b > 1.6 * r && b > 1.2 * g && b > 60;

describe('robotics renders', () => {
  let env: RoboticsEnv;
  beforeAll(() => {
    env = new RoboticsEnv(taskByName('Push'));
  });
  afterAll(() => env.close());

  const place = (cube: [number, number], goal: [number, number, number]) =>
    env.reset({ seed: 0, options: { objects: { cube }, goal, hand: [0, 0.5, 0.3] } });

  it('every camera: deterministic frames of the requested size (default 128×128)', () => {
    place([0.05, 0.65], [-0.05, 0.85, 0.02]);
    for (const camera of CAMERAS) {
      const a = env.render({ camera });
      expect([a.width, a.height, a.data.length]).toEqual([128, 128, 128 * 128 * 3]);
      expect(env.render({ camera }).data).toEqual(a.data);
      const b = env.render({ camera, width: 96, height: 64 });
      expect([b.width, b.height, b.data.length]).toEqual([96, 64, 96 * 64 * 3]);
    }
    const views = env.renderViews(['front', 'top', 'wrist'], { width: 84, height: 84 });
    expect(views.map((v) => v.width)).toEqual([84, 84, 84]);
    expect(() => env.render({ camera: 'back' })).toThrow(/camera 'back' is not one of \[front, side, top, wrist\]/);
  });

  for (const camera of ['front', 'side', 'top'] as const) {
    it(`${camera}: the cube and the goal are drawn where the projection puts them, and move with them`, () => {
      const cubeAt = (xy: [number, number]) => {
        place(xy, [-0.08, 0.88, 0.02]);
        const f = env.render({ camera, width: 128, height: 128 });
        const proj = new CameraProjection(cameraFor(camera, env.core.b, 0), 128, 128);
        return { f, proj, cube: proj.project(env.state().cube!.pose.p), goal: proj.project(env.state().goal) };
      };
      const a = cubeAt([0.06, 0.62]);
      expect(isRed(px(a.f, a.cube.x, a.cube.y)), `cube pixel ${px(a.f, a.cube.x, a.cube.y)}`).toBe(true);
      expect(isBlue(px(a.f, a.goal.x, a.goal.y)), `goal pixel ${px(a.f, a.goal.x, a.goal.y)}`).toBe(true);
      const b = cubeAt([-0.06, 0.7]);
      expect(isRed(px(b.f, b.cube.x, b.cube.y))).toBe(true);
      expect(Math.hypot(b.cube.x - a.cube.x, b.cube.y - a.cube.y)).toBeGreaterThan(4);
      // The old place is no longer red.
      expect(isRed(px(b.f, a.cube.x, a.cube.y))).toBe(false);
    });
  }

  it('the wrist camera follows the hand', () => {
    place([0.05, 0.65], [-0.05, 0.85, 0.02]);
    const a = env.render({ camera: 'wrist', width: 64, height: 64 });
    const front = env.render({ camera: 'front', width: 64, height: 64 });
    for (let t = 0; t < 5; t++) env.step(Float32Array.from([1, 0, 0, -1]));
    const b = env.render({ camera: 'wrist', width: 64, height: 64 });
    expect(b.data).not.toEqual(a.data);
    // Hand over the cube: the cube fills the centre of the wrist view below the pads.
    place([0, 0.62], [-0.05, 0.85, 0.02]);
    const proj = new CameraProjection(cameraFor('wrist', env.core.b, 0), 64, 64);
    const c = proj.project(env.state().cube!.pose.p);
    expect(c.depth).toBeGreaterThan(0);
    const w = env.render({ camera: 'wrist', width: 64, height: 64 });
    expect(isRed(px(w, c.x, c.y)), `wrist cube pixel ${px(w, c.x, c.y)}`).toBe(true);
    expect(front.data.length).toBe(64 * 64 * 3);
  });
});
