/** Rendering a state() snapshot equals render() of the live env, every task and camera. */
import { describe, expect, it } from 'vitest';
import { make } from '../../../envs/index.ts';
import { ROBOTICS_TASKS } from '../../../envs/robotics/registry.ts';
import { CAMERAS } from '../../../envs/robotics/scene_render.ts';
import type { RoboticsState } from '../../../envs/robotics/state.ts';
import { StateRenderer } from '../../../envs/robotics/state_render.ts';
import type { Env } from '../../../sim/env.ts';

describe('StateRenderer', () => {
  it.each(ROBOTICS_TASKS.map((t) => t.id))('%s: frames from a snapshot equal the env render', (id) => {
    const task = ROBOTICS_TASKS.find((t) => t.id === id)!;
    const env = make(id) as Env<Float32Array, Float32Array, RoboticsState>;
    env.reset({ seed: 4 });
    for (let t = 0; t < 6; t++) env.step(Float32Array.from(task.expert(env.state())));
    const r = new StateRenderer(task);
    for (const camera of CAMERAS) {
      const a = env.render({ camera, width: 40, height: 30 });
      const b = r.render(env.state(), camera, 40, 30);
      expect(Buffer.from(b.data).equals(Buffer.from(a.data))).toBe(true);
    }
    expect(() => r.render(env.state(), 'top-down', 8, 8)).toThrow(/camera 'top-down'/);
  });
});
