// The classic family's registry: Gymnasium's ids and limits, unique ids, and every entry builds a working
// env and a batched core of the requested size.
import { describe, expect, it } from 'vitest';
import { classicRegistrations } from '../../../envs/classic/registry.ts';

describe('classicRegistrations', () => {
  it('lists the five Gymnasium classic-control envs with their limits', () => {
    const table = classicRegistrations.map((r) => [r.id, r.maxEpisodeSteps, r.rewardThreshold]);
    expect(table).toEqual([
      ['classic/CartPole-v1', 500, 475],
      ['classic/Pendulum-v1', 200, undefined],
      ['classic/MountainCar-v0', 200, -110],
      ['classic/MountainCarContinuous-v0', 999, 90],
      ['classic/Acrobot-v1', 500, -100],
    ]);
    expect(new Set(classicRegistrations.map((r) => r.id)).size).toBe(classicRegistrations.length);
  });

  it.each(classicRegistrations.map((r) => [r.id, r] as const))('%s builds an env and a batched core', (_id, reg) => {
    const env = reg.entryPoint({ renderMode: 'rgb_array' });
    expect(env.renderMode).toBe('rgb_array');
    const [obs] = env.reset({ seed: 0 });
    expect(env.observationSpace.contains(obs)).toBe(true);
    const [obs2, reward, terminated, truncated] = env.step(env.actionSpace.sample());
    expect(obs2).toBeInstanceOf(Float32Array);
    expect(Number.isFinite(reward)).toBe(true);
    expect(typeof terminated).toBe('boolean');
    expect(truncated).toBe(false);
    expect(typeof env.abstraction()).toBe('string');
    expect(typeof env.success(env.state())).toBe('boolean');
    const core = reg.batched!(16, { renderMode: 'rgb_array' });
    expect(core.numEnvs).toBe(16);
    expect(core.observationSpace.equals(env.observationSpace)).toBe(true);
    expect(core.actionSpace.equals(env.actionSpace)).toBe(true);
    expect(() => reg.entryPoint({ nope: 1 })).toThrow(/unknown parameter\(s\) 'nope'/);
  });
});
