/**
 * A reward function on a vector env (native and sync) equals RewardWrapper on scalar envs: same
 * values from (state, action, nextState), terms reported, the env's own reward kept in infos and in
 * the episode statistics, and the autoreset boundary never pairs a final state with a reset state.
 */
import { describe, expect, it } from 'vitest';
import { make, makeVec } from '../../../envs/index.ts';
import { deriveSeed } from '../../../sim/rng.ts';
import type { RewardFunction } from '../../../sim/reward.ts';
import { RewardWrapper } from '../../../sim/wrappers/reward_wrapper.ts';

type S = { x: number; theta: number; thetaDot: number };
const fn: RewardFunction<S, number> = {
  name: 'test',
  compute(s, a, n, terms) {
    terms.upright = Math.cos(n.theta);
    terms.dx = n.x - s.x;
    return terms.upright + 0.5 * a - 10 * (n.x - s.x);
  },
};

describe('vector env reward hook', () => {
  for (const vectorization of ['native', 'sync'] as const) {
    it(`${vectorization}: equals RewardWrapper on scalar envs across autoresets`, () => {
      const N = 3;
      const vec = makeVec('classic/CartPole-v1', N, { vectorization, autoresetMode: 'same-step', reward: fn as RewardFunction });
      const scalars = Array.from({ length: N }, () => new RewardWrapper(make('classic/CartPole-v1') as never, fn as RewardFunction<S, number>));
      vec.reset({ seed: 5 });
      scalars.forEach((e, i) => e.reset({ seed: deriveSeed(5, i) }));
      const actions = new Float32Array(N);
      let ends = 0;
      for (let t = 0; t < 120; t++) {
        for (let i = 0; i < N; i++) actions[i] = (t * (i + 1)) % 3 === 0 ? 1 : 0;
        const [, rew, term, trunc, infos] = vec.step(actions);
        for (let i = 0; i < N; i++) {
          const [, r, te, tr, info] = scalars[i].step(actions[i]);
          expect(rew[i]).toBeCloseTo(r, 5);
          // same-step autoreset: the sync env reports the final step's info in finalInfo (Gymnasium)
          const terms = (infos.rewardTerms as (Record<string, number> | undefined)[] | undefined)?.[i] ?? ((infos.finalInfo as { rewardTerms: Record<string, number> }[])[i].rewardTerms);
          expect(terms.upright).toBeCloseTo((info.rewardTerms as Record<string, number>).upright, 6);
          expect(terms.env).toBe(1);
          if (te || tr) {
            ends++;
            expect(term[i] || trunc[i]).toBeTruthy();
            expect(infos._episode![i]).toBe(1);
            // the episode return counts CartPole's own +1 per step, not the generated reward
            expect(infos.episode!.r[i]).toBe(infos.episode!.l[i]);
            scalars[i].reset();
          }
        }
      }
      expect(ends).toBeGreaterThan(3);
    });
  }

  it("'add' mode adds to the env reward", () => {
    const vec = makeVec('classic/CartPole-v1', 2, { reward: fn as RewardFunction, rewardMode: 'add' });
    const plain = makeVec('classic/CartPole-v1', 2, { reward: fn as RewardFunction });
    vec.reset({ seed: 1 });
    plain.reset({ seed: 1 });
    const [, a] = vec.step(Float32Array.of(1, 0));
    const [, b] = plain.step(Float32Array.of(1, 0));
    expect(a[0]).toBeCloseTo(b[0] + 1, 6);
    expect(() => makeVec('classic/CartPole-v1', 2, { reward: fn as RewardFunction, rewardMode: 'mul' as 'add' })).toThrow("rewardMode must be 'replace' or 'add', got 'mul'");
  });
});
