/**
 * Behaviour cloning (agents/bc.ts) and PPO started from a cloned actor (`TrainContext.initActor`).
 */
import { describe, expect, it } from 'vitest';
import { behaviourClone, clonedPolicy, stackDemonstrations } from '../../agents/bc.ts';
import type { TrainContext } from '../../agents/context.ts';
import { PpoArgs, trainPpo } from '../../agents/ppo.ts';
import { defaultRegistry } from '../../envs/index.ts';
import { Rng } from '../../sim/rng.ts';

/** A smooth expert on 3-d observations: what the clone has to reproduce. */
const expert = (o: ArrayLike<number>): number[] => [Math.tanh(0.8 * o[0] - 0.5 * o[2]), Math.tanh(0.3 * o[1] + 0.2 * o[0] * o[2])];

function sample(n: number, seed: number): { obs: Float32Array; action: Float32Array }[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const obs = Float32Array.from([rng.uniform(-2, 2), rng.uniform(-1, 1) * 3 + 5, rng.uniform(-1, 1)]);
    return { obs, action: Float32Array.from(expert(obs)) };
  });
}

function mse(policy: ReturnType<typeof clonedPolicy>, pairs: ReturnType<typeof sample>): number {
  const obs = Float32Array.from(pairs.flatMap((p) => Array.from(p.obs)));
  const out = new Float32Array(pairs.length * 2);
  policy.act(obs, pairs.length, out);
  let s = 0;
  pairs.forEach((p, i) => {
    for (let k = 0; k < 2; k++) s += (out[i * 2 + k] - p.action[k]) ** 2;
  });
  return s / (pairs.length * 2);
}

describe('behaviour cloning', () => {
  it('fits a smooth expert: held-out error far below an untrained actor', () => {
    const train = stackDemonstrations(sample(2000, 1));
    const heldOut = sample(500, 2);
    const untrained = clonedPolicy(behaviourClone(train, { epochs: 1, learningRate: 1e-9 }));
    const clone = behaviourClone(train, { epochs: 60 });
    const base = mse(untrained, heldOut);
    const fit = mse(clonedPolicy(clone), heldOut);
    expect(base).toBeGreaterThan(0.1);
    expect(fit).toBeLessThan(0.01);
    expect(clone.finalLoss).toBeLessThan(0.01);
    expect(clone.obsRms!.mean[1]).toBeCloseTo(5, 0);
  });

  it('rejects rows of the wrong width, naming the step', () => {
    expect(() => stackDemonstrations([{ obs: [1, 2], action: [0] }, { obs: [1], action: [0] }])).toThrow(/step 1 has obs width 1/);
    expect(() => stackDemonstrations([])).toThrow(/no demonstrated steps/);
  });
});

describe('PPO from a cloned actor', () => {
  const envId = 'classic/Pendulum-v1';
  const ctx = (initActor: TrainContext['initActor']): TrainContext => ({
    makeEnv: (n, mode) => defaultRegistry.makeVec(envId, n, { autoresetMode: mode }),
    log: () => {},
    checkpointDue: () => false,
    saveCheckpoint: () => {},
    resumeFrom: undefined,
    initActor,
    progress: () => {},
  });
  const pendulumDemos = () => {
    const rng = new Rng(3);
    return stackDemonstrations(
      Array.from({ length: 256 }, () => {
        const th = rng.uniform(-Math.PI, Math.PI);
        return { obs: [Math.cos(th), Math.sin(th), rng.uniform(-8, 8)], action: [Math.max(-1, Math.min(1, -th))] };
      }),
    );
  };

  it("starts from the clone's weights: with a vanishing learning rate the trained policy is the clone", () => {
    const clone = behaviourClone(pendulumDemos(), { epochs: 20, normalizeObs: false });
    const args = PpoArgs.parse({ totalTimesteps: 256, numEnvs: 2, numSteps: 128, learningRate: 1e-12, annealLr: false, normalizeObs: false });
    const trained = trainPpo(args, ctx(clone)) as ReturnType<typeof clonedPolicy>;
    const fresh = trainPpo(args, ctx(undefined)) as ReturnType<typeof clonedPolicy>;
    const probe = Float32Array.from({ length: 30 }, (_, k) => Math.sin(k * 0.7) * 2);
    const a = new Float32Array(10), b = new Float32Array(10), c = new Float32Array(10);
    trained.act(probe, 10, a);
    clonedPolicy(clone).act(probe, 10, b);
    fresh.act(probe, 10, c);
    for (let i = 0; i < 10; i++) expect(a[i]).toBeCloseTo(b[i], 4);
    expect(Math.max(...Array.from(b, (v, i) => Math.abs(v - c[i])))).toBeGreaterThan(0.1);
  });

  it('refuses a clone that does not fit the run, naming what differs', () => {
    const demos = pendulumDemos();
    const args = PpoArgs.parse({ totalTimesteps: 256, numEnvs: 2, numSteps: 128, normalizeObs: true });
    expect(() => trainPpo(args, ctx(behaviourClone(demos, { epochs: 1, hidden: [32] })))).toThrow(/hidden \[32\].*hidden \[64, 64\]/);
    expect(() => trainPpo(args, ctx(behaviourClone(demos, { epochs: 1, normalizeObs: false })))).toThrow(/without observation normalisation.*normalizeObs true/);
    const wide = stackDemonstrations([{ obs: [0, 0, 0, 0], action: [0] }]);
    expect(() => trainPpo(args, ctx(behaviourClone(wide, { epochs: 1 })))).toThrow(/obs\/action widths 4\/1, the env has 3\/1/);
  });
});
