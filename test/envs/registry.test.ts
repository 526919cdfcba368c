/** Every registered id passes checkEnv, is deterministic under a seed sweep, and its native vector env equals N scalar envs. */
import { describe, expect, it } from 'vitest';
import { listEnvs, make, makeVec } from '../../envs/index.ts';
import { checkEnv } from '../../sim/check_env.ts';
import { deriveSeed } from '../../sim/rng.ts';

describe('default registry', () => {
  it('holds every classic id', () => {
    expect(listEnvs()).toEqual(expect.arrayContaining(['classic/CartPole-v1', 'classic/Pendulum-v1', 'classic/MountainCar-v0', 'classic/MountainCarContinuous-v0', 'classic/Acrobot-v1']));
  });

  // The web family has structured observations (no flat vector form) and Chromium-backed ids; its ids get
  // checkEnv, determinism and the expert checks in test/envs/webnav/.
  for (const id of listEnvs().filter((i) => !i.startsWith('webnav/'))) {
    it(`${id} passes checkEnv`, () => {
      expect(() => checkEnv(make(id))).not.toThrow();
    });

    it(`${id}: same seed and actions → same trajectory (determinism sweep)`, () => {
      const run = (seed: number) => {
        const env = make(id);
        env.actionSpace.seed(seed);
        const out: unknown[] = [env.reset({ seed })[0]];
        for (let t = 0; t < 60; t++) {
          const r = env.step(env.actionSpace.sample());
          out.push(Array.from(r[0] as Float32Array), r[1], r[2], r[3]);
          if (r[2] || r[3]) out.push(env.reset()[0]);
        }
        return out;
      };
      for (const seed of [0, 1, 12345]) expect(run(seed)).toEqual(run(seed));
      expect(run(1)).not.toEqual(run(2));
    });

    it(`${id}: its vector env (native core or sync) equals N scalar envs`, () => {
      const N = 5;
      const vec = makeVec(id, N);
      const flat = (o: unknown) => Array.from(vec.singleObservationSpace.flatten(o as never));
      const scalars = Array.from({ length: N }, () => make(id));
      const [vo] = vec.reset({ seed: 77 });
      const dim = vec.obsDim;
      scalars.forEach((e, i) => expect(flat(e.reset({ seed: deriveSeed(77, i) })[0])).toEqual(Array.from(vo.subarray(i * dim, (i + 1) * dim))));
      const space = vec.singleActionSpace;
      space.seed(3);
      const actions = new Float32Array(N * vec.actDim);
      const needsReset = new Array<boolean>(N).fill(false);
      for (let t = 0; t < 80; t++) {
        const per = scalars.map(() => space.sample());
        per.forEach((a, i) => space.flatten(a, actions, i * vec.actDim));
        const [obs, rew, term, trunc] = vec.step(actions);
        for (let i = 0; i < N; i++) {
          if (needsReset[i]) {
            const [o] = scalars[i].reset();
            expect(Array.from(obs.subarray(i * dim, (i + 1) * dim))).toEqual(flat(o));
            needsReset[i] = false;
            continue;
          }
          const [o, r, te, tr] = scalars[i].step(per[i]);
          expect(Array.from(obs.subarray(i * dim, (i + 1) * dim))).toEqual(flat(o));
          expect(rew[i]).toBe(Math.fround(r));
          expect([term[i], trunc[i]]).toEqual([te ? 1 : 0, tr ? 1 : 0]);
          needsReset[i] = te || tr;
        }
      }
    });
  }
});
