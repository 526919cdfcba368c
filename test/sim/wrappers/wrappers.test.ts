/**
 * Wrappers behave as Gymnasium's: each test compares against the unwrapped env stepped with the same
 * seed and actions, so a wrapper that does nothing (or the wrong thing) fails.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { make } from '../../../envs/index.ts';
import type { Env } from '../../../sim/env.ts';
import type { RewardFunction } from '../../../sim/reward.ts';
import { Box } from '../../../sim/spaces/box.ts';
import { ClipAction } from '../../../sim/wrappers/clip_action.ts';
import { FrameStack } from '../../../sim/wrappers/frame_stack.ts';
import { NormalizeObservation } from '../../../sim/wrappers/normalize_observation.ts';
import { NormalizeReward } from '../../../sim/wrappers/normalize_reward.ts';
import { RecordEpisodeStatistics } from '../../../sim/wrappers/record_episode_statistics.ts';
import { RescaleAction } from '../../../sim/wrappers/rescale_action.ts';
import { RewardWrapper } from '../../../sim/wrappers/reward_wrapper.ts';
import { TimeLimit } from '../../../sim/wrappers/time_limit.ts';
import { TransformReward } from '../../../sim/wrappers/transform_reward.ts';

const pendulum = () => make('classic/Pendulum-v1') as Env<Float32Array, Float32Array>;
const cartpole = () => make('classic/CartPole-v1') as Env<Float32Array, number>;

describe('wrappers', () => {
  it('TimeLimit truncates after exactly maxEpisodeSteps and resets the count', () => {
    const env = new TimeLimit(cartpole(), 7);
    for (let ep = 0; ep < 2; ep++) {
      env.reset({ seed: 3 });
      let t = 0;
      let done = false;
      while (!done) {
        const r = env.step(t % 2);
        t++;
        done = r[2] || r[3];
        if (r[3]) expect(t).toBe(7);
      }
      expect(t).toBeLessThanOrEqual(7);
    }
    expect(() => new TimeLimit(cartpole(), 0)).toThrow('Expect maxEpisodeSteps to be a positive integer, actually: 0');
  });

  it('RecordEpisodeStatistics reports return and length on the last step only', () => {
    const env = new RecordEpisodeStatistics(cartpole());
    env.reset({ seed: 1 });
    let ret = 0;
    let len = 0;
    for (;;) {
      const [, r, term, trunc, info] = env.step(1);
      ret += r;
      len++;
      if (term || trunc) {
        expect(info.episode).toMatchObject({ r: ret, l: len });
        expect((info.episode as { t: number }).t).toBeGreaterThanOrEqual(0);
        break;
      }
      expect(info.episode).toBeUndefined();
    }
    expect(env.returnQueue).toEqual([ret]);
  });

  it('NormalizeObservation matches a running mean/variance computed by hand', () => {
    const env = new NormalizeObservation(pendulum());
    const raw = pendulum();
    const [o] = env.reset({ seed: 2 });
    const [r0] = raw.reset({ seed: 2 });
    const seen = [Array.from(r0)];
    expect(o.length).toBe(3);
    for (let t = 0; t < 30; t++) {
      const a = Float32Array.of(Math.sin(t));
      const [on] = env.step(a);
      const [or] = raw.step(a);
      seen.push(Array.from(or));
      for (let j = 0; j < 3; j++) {
        const xs = seen.map((s) => s[j]);
        const count = 1e-4 + xs.length;
        const mean = xs.reduce((p, q) => p + q, 0) / count;
        // Gymnasium's RunningMeanStd starts at mean 0, var 1 with count 1e-4
        const m2 = xs.reduce((p, q) => p + (q - mean) ** 2, 0) + 1e-4 * (0 - mean) ** 2 + 1e-4 * 1;
        const v = m2 / count;
        expect(on[j]).toBeCloseTo((or[j] - mean) / Math.sqrt(v + 1e-8), 3);
      }
    }
    expect(env.observationSpace.toString()).toBe('Box(-Infinity, Infinity, (3))');
  });

  it('NormalizeReward divides by the std of the discounted return and never shifts', () => {
    const env = new NormalizeReward(pendulum(), 0.9);
    const raw = pendulum();
    env.reset({ seed: 4 });
    raw.reset({ seed: 4 });
    const G: number[] = [];
    let g = 0;
    for (let t = 0; t < 40; t++) {
      const a = Float32Array.of(1);
      const [, rn] = env.step(a);
      const [, rr] = raw.step(a);
      g = g * 0.9 + rr;
      G.push(g);
      const count = 1e-4 + G.length;
      const mean = G.reduce((p, q) => p + q, 0) / count;
      const v = (G.reduce((p, q) => p + (q - mean) ** 2, 0) + 1e-4 * mean ** 2 + 1e-4) / count;
      expect(rn).toBeCloseTo(rr / Math.sqrt(v + 1e-8), 4);
      expect(Math.sign(rn)).toBe(Math.sign(rr));
    }
  });

  it('ClipAction clips to the bounds; RescaleAction maps [-1, 1] onto [-2, 2]', () => {
    const clipped = new ClipAction(pendulum());
    const raw = pendulum();
    clipped.reset({ seed: 5 });
    raw.reset({ seed: 5 });
    expect(clipped.step(Float32Array.of(50))).toEqual(raw.step(Float32Array.of(2)));
    const rescaled = new RescaleAction(pendulum(), -1, 1);
    const raw2 = pendulum();
    rescaled.reset({ seed: 6 });
    raw2.reset({ seed: 6 });
    expect(rescaled.step(Float32Array.of(0.5))).toEqual(raw2.step(Float32Array.of(1)));
    expect(() => rescaled.step(Float32Array.of(1.5))).toThrow(/action \[1.5\] is not in Box\(-1, 1, \(1\)\)/);
    expect((rescaled.actionSpace as Box).high[0]).toBe(1);
  });

  it('TransformReward applies its function', () => {
    const env = new TransformReward(cartpole(), (r) => r * 3 - 1);
    env.reset({ seed: 0 });
    expect(env.step(0)[1]).toBe(2);
  });

  it('FrameStack keeps the last k observations, padded with the reset observation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 6 }), (k, actions) => {
        const env = new FrameStack(cartpole(), k);
        const raw = cartpole();
        const [o] = env.reset({ seed: 9 });
        const [r0] = raw.reset({ seed: 9 });
        const history = [Array.from(r0)];
        expect(Array.from(o)).toEqual(Array.from({ length: k }, () => Array.from(r0)).flat());
        for (const a of actions) {
          const [os, , te, tr] = env.step(a);
          const [or] = raw.step(a);
          history.push(Array.from(or));
          const want: number[] = [];
          for (let j = k; j >= 1; j--) want.push(...history[Math.max(0, history.length - j)]);
          expect(Array.from(os)).toEqual(want);
          if (te || tr) break;
        }
        expect(env.observationSpace.shape).toEqual([k, 4]);
      }),
      { numRuns: 30 },
    );
  });

  it('RewardWrapper computes from (state, action, nextState), replaces or adds, and reports terms', () => {
    type S = { x: number; theta: number };
    const fn: RewardFunction<S, number> = {
      name: 'test:upright',
      compute(s, a, s2, terms) {
        terms.upright = 1 - Math.abs(s2.theta);
        terms.moved = s2.x - s.x;
        return terms.upright + a;
      },
    };
    const replace = new RewardWrapper(cartpole() as unknown as Env<Float32Array, number, S>, fn);
    replace.reset({ seed: 1 });
    const before = replace.state();
    const [, r, , , info] = replace.step(1);
    const after = replace.state();
    expect(r).toBeCloseTo(1 - Math.abs(after.theta) + 1, 10);
    expect(info.rewardTerms).toMatchObject({ env: 1, total: r, moved: after.x - before.x });
    const add = new RewardWrapper(cartpole() as unknown as Env<Float32Array, number, S>, fn, { mode: 'add' });
    add.reset({ seed: 1 });
    expect(add.step(1)[1]).toBeCloseTo(r + 1, 10);
    const nan = new RewardWrapper(cartpole() as unknown as Env<Float32Array, number, S>, { name: 'nan', compute: () => Number.NaN });
    nan.reset({ seed: 1 });
    const [, rn, , , infoN] = nan.step(0);
    expect(rn).toBe(0);
    expect(infoN.rewardTerms).toMatchObject({ nonFinite: 1 });
    expect(nan.nonFiniteCount).toBe(1);
    expect(() => new RewardWrapper(cartpole(), fn as never, { mode: 'mix' as 'add' })).toThrow("RewardWrapper mode must be 'replace' or 'add', got 'mix'");
  });
});
