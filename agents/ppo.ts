/**
 * PPO, after CleanRL's `ppo.py` (discrete actions) and `ppo_continuous_action.py` (Box actions), read
 * top to bottom: Args → networks → rollout → GAE → update. Differences from CleanRL, on purpose:
 *
 * - Time limits are not terminal. The envs run with `same-step` autoreset; when an episode is truncated
 *   (not terminated) GAE bootstraps from V(final obs) (agents/gae.ts) instead of treating the time
 *   limit as a failure (CleanRL sets `next_done = term | trunc`).
 * - Observation and reward normalisation (CleanRL's continuous script does it with gym wrappers) are
 *   done here over the whole vector, with their statistics saved in checkpoints.
 * - All randomness (init, action sampling, minibatch shuffles) comes from one seeded `Rng`, and the
 *   whole state — weights, Adam moments, normalisers, env state, RNG — is checkpointed, so a resumed
 *   run is bit-identical to an uninterrupted one.
 */
import { z } from 'zod';
import { Rng, type RngState, deriveSeed } from '../sim/rng.ts';
import { Box } from '../sim/spaces/box.ts';
import { Discrete } from '../sim/spaces/discrete.ts';
import { normalizeInto, RunningMeanStd } from '../sim/running_mean_std.ts';
import { type NativeVectorEnvState, asSnapshotable } from '../sim/vector/native_vector_env.ts';
import type { FusedRolloutState, Trajectory } from '../sim/gpu/fused_rollout.ts';
import type { CheckpointTensors, GreedyPolicy, TrainContext } from './context.ts';
import { computeGae } from './gae.ts';
import { Adam, clipGradNorm } from './nn/adam.ts';
import { Mlp } from './nn/mlp.ts';
import { withPrefix } from './nn/tensor.ts';
import { clippedSurrogate, clippedValueLoss, type LossTerm, normalizeAdvantages, ppoBatchShape } from './ppo_loss.ts';

// ---------------------------------------------------------------- ARGS
export const PpoArgs = z.object({
  totalTimesteps: z.number().int().positive().default(500_000).describe('total env steps'),
  learningRate: z.number().positive().default(2.5e-4).describe('Adam learning rate'),
  numEnvs: z.number().int().positive().default(4).describe('parallel envs'),
  numSteps: z.number().int().positive().default(128).describe('steps per env per rollout'),
  annealLr: z.boolean().default(true).describe('linearly anneal the learning rate to 0'),
  gamma: z.number().min(0).max(1).default(0.99).describe('discount factor γ'),
  gaeLambda: z.number().min(0).max(1).default(0.95).describe('GAE λ'),
  numMinibatches: z.number().int().positive().default(4).describe('minibatches per epoch'),
  updateEpochs: z.number().int().positive().default(4).describe('epochs over each rollout'),
  normAdv: z.boolean().default(true).describe('normalise advantages per minibatch'),
  clipCoef: z.number().positive().default(0.2).describe('surrogate clipping ε'),
  clipVloss: z.boolean().default(true).describe('clip the value loss as in the PPO paper'),
  entCoef: z.number().min(0).default(0.01).describe('entropy bonus coefficient'),
  vfCoef: z.number().min(0).default(0.5).describe('value loss coefficient'),
  maxGradNorm: z.number().positive().default(0.5).describe('global gradient-norm clip'),
  targetKl: z.number().positive().nullable().default(null).describe('stop the epochs early past this approx KL (null = never)'),
  hidden: z.array(z.number().int().positive()).default([64, 64]).describe('hidden layer widths of actor and critic'),
  normalizeObs: z.boolean().default(false).describe('normalise observations by running mean/std (continuous control)'),
  normalizeReward: z.boolean().default(false).describe('scale rewards by the running std of the discounted return'),
  clipObs: z.number().positive().default(10).describe('clip normalised observations to ±clipObs'),
  clipReward: z.number().positive().default(10).describe('clip normalised rewards to ±clipReward'),
  initLogStd: z.number().default(0).describe('initial log std of the Gaussian policy (Box actions)'),
  seed: z.number().int().min(0).default(1).describe('seed of init, sampling and shuffles'),
});
export type PpoArgs = z.infer<typeof PpoArgs>;

/** Tuned starting points per env id (merged under user overrides). */
/** PPO on robotics/Push-v0 with the expert dense reward (bench/robotics.ts measures it). */
const PUSH_PRESET: Partial<PpoArgs> = {
  totalTimesteps: 1_000_000, numEnvs: 32, numSteps: 64, learningRate: 3e-4, gamma: 0.95, numMinibatches: 8, updateEpochs: 5,
  entCoef: 0, normalizeObs: true, normalizeReward: true, initLogStd: -0.5,
};

/**
 * PPO on the grasping tasks with the expert dense reward, after ManiSkill's PPO baseline for PickCube
 * (γ = 0.8, λ = 0.9, 50-step rollouts over many envs, 8 epochs): with a short horizon the staged
 * reward's next stage is what the learner chases. Push's settings gave PickPlace 0 % success (γ = 0.95
 * at 1 M steps, γ = 0.97 at 3 M); these give 100 % at 2 M (BENCHMARKS.md "Text2Reward").
 */
const GRASP_PRESET: Partial<PpoArgs> = {
  totalTimesteps: 2_000_000, numEnvs: 64, numSteps: 50, learningRate: 3e-4, gamma: 0.8, gaeLambda: 0.9, numMinibatches: 16, updateEpochs: 8,
  entCoef: 0, normalizeObs: true, normalizeReward: true, initLogStd: -0.5,
};

export const PPO_PRESETS: Record<string, Partial<PpoArgs>> = {
  'classic/CartPole-v1': {
    totalTimesteps: 100_000, numEnvs: 8, numSteps: 32, learningRate: 1e-3, gamma: 0.98, gaeLambda: 0.8,
    numMinibatches: 2, updateEpochs: 10, entCoef: 0, clipCoef: 0.2,
  },
  'classic/Acrobot-v1': { totalTimesteps: 200_000, numEnvs: 8, numSteps: 128, normalizeObs: true, entCoef: 0, learningRate: 1e-3, updateEpochs: 4 },
  'classic/MountainCar-v0': { totalTimesteps: 500_000, numEnvs: 16, numSteps: 128, normalizeObs: true, entCoef: 0 },
  'classic/Pendulum-v1': {
    totalTimesteps: 300_000, numEnvs: 4, numSteps: 1024, learningRate: 1e-3, gamma: 0.9, gaeLambda: 0.95,
    numMinibatches: 64, updateEpochs: 10, entCoef: 0, normalizeObs: true, normalizeReward: true, initLogStd: -0.5,
  },
  'classic/MountainCarContinuous-v0': { totalTimesteps: 300_000, numEnvs: 4, numSteps: 1024, normalizeObs: true, normalizeReward: true, numMinibatches: 32, updateEpochs: 10, entCoef: 0 },
  // Robotics, with the envs' default expert dense reward (bench/robotics.ts measures these budgets).
  'robotics/Reach-v0': {
    totalTimesteps: 100_000, numEnvs: 16, numSteps: 128, learningRate: 3e-4, gamma: 0.95, numMinibatches: 8, updateEpochs: 10,
    entCoef: 0, normalizeObs: true, normalizeReward: true, initLogStd: -0.5,
  },
  'robotics/Push-v0': PUSH_PRESET,
  'robotics/PickPlace-v0': GRASP_PRESET,
  // Not tuned yet: the PickPlace settings as a starting point (bench/text2reward.ts reports what they reach).
  'robotics/Stack-v0': GRASP_PRESET,
  'robotics/DrawerOpen-v0': {
    totalTimesteps: 1_000_000, numEnvs: 32, numSteps: 64, learningRate: 3e-4, gamma: 0.95, numMinibatches: 8, updateEpochs: 5,
    entCoef: 0, normalizeObs: true, normalizeReward: true, initLogStd: -0.5,
  },
};

const LOG_2PI = Math.log(2 * Math.PI);

/** Everything a checkpoint holds besides tensors. */
interface PpoState {
  iteration: number;
  globalStep: number;
  rng: RngState;
  adamStep: number;
  /** Env snapshot for an exact resume; absent for families without a native core (resume then re-seeds the envs). */
  env?: NativeVectorEnvState;
  obsRms?: { mean: number[]; var: number[]; count: number };
  retRms?: { mean: number[]; var: number[]; count: number };
  discountedReturn?: number[];
  /** The (normalised) observation the next rollout starts from. */
  nextObs: number[];
  /** The rollout source's state (gpu backend: env rows and draw counter; workers: shard env states), and its running episode returns and lengths. */
  fused?: FusedRolloutState | object;
  fusedEpisodes?: { returns: number[]; lengths: number[] };
}

/**
 * Train with PPO. Synchronous on the js backend; with the gpu backend (`ctx.fusedRollout`) the rollouts
 * are awaited, so the result is a Promise. One loop serves both: it is a generator that yields only
 * where a rollout is asynchronous (`drive` below).
 */
export function trainPpo(args: PpoArgs, ctx: TrainContext): GreedyPolicy | Promise<GreedyPolicy> {
  return drive(ppoLoop(args, ctx));
}

/** Run a generator to its end, awaiting what it yields; stays synchronous while it yields nothing. */
function drive<T>(gen: Generator<Promise<unknown>, T, unknown>): T | Promise<T> {
  let r = gen.next();
  if (r.done) return r.value;
  return (async () => {
    while (!r.done) {
      let v: unknown;
      try {
        v = await r.value;
      } catch (e) {
        r = gen.throw(e);
        continue;
      }
      r = gen.next(v);
    }
    return r.value;
  })();
}

function* ppoLoop(args: PpoArgs, ctx: TrainContext): Generator<Promise<unknown>, GreedyPolicy, unknown> {
  const rng = new Rng(deriveSeed(args.seed, 'ppo'));
  const envs = ctx.makeEnv(args.numEnvs, 'same-step');
  const N = args.numEnvs;
  const T = args.numSteps;
  const { batchSize, minibatchSize, numIterations } = ppoBatchShape(args);

  const space = envs.singleActionSpace;
  const discrete = space instanceof Discrete;
  if (!discrete && !(space instanceof Box)) throw new Error(`PPO supports Discrete and Box action spaces, got ${space.toString()}`);
  const obsDim = envs.obsDim;
  const actDim = envs.actDim;
  const nOut = discrete ? (space as Discrete).n : actDim;
  const actStart = discrete ? (space as Discrete).start : 0;

  // ---------------------------------------------------------------- NETWORKS
  const critic = new Mlp({ sizes: [obsDim, ...args.hidden, 1], activation: 'tanh', outputGain: 1, rng });
  const actor = new Mlp({ sizes: [obsDim, ...args.hidden, nOut], activation: 'tanh', outputGain: 0.01, rng });
  const logStd = { name: 'actor_logstd', shape: [nOut], data: new Float32Array(nOut).fill(args.initLogStd) };
  const logStdGrad = { name: 'actor_logstd', shape: [nOut], data: new Float32Array(nOut) };
  const params = [...withPrefix('critic.', critic.params()), ...withPrefix('actor.', actor.params()), ...(discrete ? [] : [logStd])];
  const grads = [...withPrefix('critic.', critic.grads()), ...withPrefix('actor.', actor.grads()), ...(discrete ? [] : [logStdGrad])];
  const optimizer = new Adam(params, grads, { lr: args.learningRate, eps: 1e-5 });
  const obsRms = args.normalizeObs ? new RunningMeanStd(obsDim) : undefined;
  const retRms = args.normalizeReward ? new RunningMeanStd(1) : undefined;
  const discountedReturn = new Float64Array(N);

  // ---------------------------------------------------------------- STORAGE
  const obsBuf = new Float32Array(batchSize * obsDim);
  const actBuf = new Float32Array(batchSize * actDim);
  const logprobBuf = new Float32Array(batchSize);
  const rewardBuf = new Float32Array(batchSize);
  const termBuf = new Uint8Array(batchSize);
  const truncBuf = new Uint8Array(batchSize);
  const finalValueBuf = new Float32Array(batchSize);
  const valueBuf = new Float32Array(batchSize);
  const advBuf = new Float32Array(batchSize);
  const retBuf = new Float32Array(batchSize);
  const nextObs = new Float32Array(N * obsDim); // normalised
  const finalObs = new Float32Array(N * obsDim);
  let finalObsAll: Float32Array | undefined; // gpu backend: final observations of a whole rollout
  const stepOut = { obs: new Float32Array(N * obsDim), reward: new Float32Array(N), terminated: new Uint8Array(N), truncated: new Uint8Array(N) };
  const actions = new Float32Array(N * actDim);
  const rowScratch = new Float64Array(nOut);
  const idx = new Int32Array(batchSize);
  const mbObs = new Float32Array(minibatchSize * obsDim);
  const dLogits = new Float32Array(minibatchSize * nOut);
  const dValue = new Float32Array(minibatchSize);
  const mbAdv = new Float32Array(minibatchSize);
  const retScratch = new Float64Array(1);

  const normalizeObsInto = (raw: Float32Array, out: Float32Array, rows: number, update: boolean): void => {
    if (!obsRms) {
      out.set(raw.subarray(0, rows * obsDim));
      return;
    }
    if (update) obsRms.update(raw, rows);
    normalizeInto(raw, out, rows, obsRms.mean, obsRms.var, args.clipObs);
  };

  // The gpu backend: K steps of all envs with this policy inside one gpu.js pipeline (sim/gpu).
  const fused = ctx.fusedRollout?.({ numEnvs: N, numSteps: T, hidden: args.hidden, seed: deriveSeed(args.seed, 'ppo-gpu') });
  const epReturn = new Float64Array(N);
  const epLength = new Float64Array(N);

  // ---------------------------------------------------------------- RESUME / START
  let startIteration = 1;
  let globalStep = 0;
  const resume = ctx.resumeFrom;
  if (ctx.initActor && !resume) {
    const init = ctx.initActor;
    if (discrete) throw new Error('PPO: initActor (behaviour cloning) needs a Box action space');
    if (init.obsDim !== obsDim || init.actDim !== actDim) throw new Error(`PPO: initActor has obs/action widths ${init.obsDim}/${init.actDim}, the env has ${obsDim}/${actDim}`);
    if (init.hidden.join(',') !== args.hidden.join(',')) throw new Error(`PPO: initActor has hidden [${init.hidden.join(', ')}], the run has hidden [${args.hidden.join(', ')}]`);
    if ((init.obsRms !== undefined) !== args.normalizeObs) throw new Error(`PPO: initActor was cloned ${init.obsRms ? 'with' : 'without'} observation normalisation, the run has normalizeObs ${args.normalizeObs}`);
    if (init.obsRms && init.clipObs !== args.clipObs) throw new Error(`PPO: initActor clips observations at ${init.clipObs}, the run at clipObs ${args.clipObs}`);
    for (const p of params) {
      if (!p.name!.startsWith('actor.') || p === logStd) continue;
      const w = init.tensors[p.name!];
      if (!w || w.length !== p.data.length) throw new Error(`PPO: initActor is missing tensor '${p.name}' or its size differs`);
      p.data.set(w);
    }
    logStd.data.fill(init.logStd);
    if (obsRms && init.obsRms) obsRms.load(init.obsRms);
  }
  if (resume) {
    const st = resume.state as unknown as PpoState;
    for (const p of params) {
      const saved = resume.tensors[p.name!];
      if (!saved || saved.length !== p.data.length) throw new Error(`checkpoint is missing tensor '${p.name}' or its size differs`);
      p.data.set(saved);
    }
    const adamState = optimizer.stateDict().map((t) => {
      const saved = resume.tensors[`optim.${t.name}`];
      if (!saved) throw new Error(`checkpoint is missing optimizer tensor 'optim.${t.name}'`);
      return { ...t, data: Float32Array.from(saved) };
    });
    optimizer.loadStateDict(adamState);
    rng.setState(st.rng);
    if (obsRms && st.obsRms) obsRms.load(st.obsRms);
    if (retRms && st.retRms) retRms.load(st.retRms);
    if (st.discountedReturn) discountedReturn.set(st.discountedReturn);
    const snap = asSnapshotable(envs);
    if (fused) {
      if (!st.fused) throw new Error('checkpoint has no gpu rollout state (it was written by a --backend js run); resume it with --backend js');
      fused.setState(st.fused);
      nextObs.set(st.nextObs);
      if (st.fusedEpisodes) {
        epReturn.set(st.fusedEpisodes.returns);
        epLength.set(st.fusedEpisodes.lengths);
      }
    } else if (snap && st.env) {
      snap.setState(st.env);
      nextObs.set(st.nextObs);
    } else {
      // No env snapshot: continue on freshly seeded episodes (weights and optimizer still exact).
      const [o] = envs.reset({ seed: deriveSeed(args.seed, 'resume', st.globalStep) });
      normalizeObsInto(o, nextObs, N, false);
    }
    startIteration = st.iteration + 1;
    globalStep = st.globalStep;
  } else if (fused) {
    // The fused rollout reset its envs from counter draws; its first observations are in its rows.
    normalizeObsInto(fused.observations(), nextObs, N, true);
  } else {
    const [o] = envs.reset({ seed: args.seed });
    normalizeObsInto(o, nextObs, N, true);
  }

  // Policy head helpers: write logits/means for `rows` observations, sample or score actions.
  const sampleActions = (rows: number, logits: Float32Array, actOut: Float32Array, lpOut: Float32Array, lpOff: number): void => {
    for (let r = 0; r < rows; r++) {
      if (discrete) {
        let max = -Infinity;
        for (let k = 0; k < nOut; k++) if (logits[r * nOut + k] > max) max = logits[r * nOut + k];
        let sum = 0;
        for (let k = 0; k < nOut; k++) sum += rowScratch[k] = Math.exp(logits[r * nOut + k] - max);
        const a = rng.categorical(rowScratch);
        actOut[r] = a + actStart;
        lpOut[lpOff + r] = logits[r * nOut + a] - max - Math.log(sum);
      } else {
        let lp = 0;
        for (let k = 0; k < nOut; k++) {
          const std = Math.exp(logStd.data[k]);
          const noise = rng.normal();
          const a = logits[r * nOut + k] + std * noise;
          actOut[r * nOut + k] = a;
          lp += -0.5 * noise * noise - logStd.data[k] - 0.5 * LOG_2PI;
        }
        lpOut[lpOff + r] = lp;
      }
    }
  };

  /** Env i's reward as the learner stores it: scaled by the running return's std and clipped when normalising. */
  const learnerReward = (i: number, r: number, done: boolean): number => {
    if (!retRms) return r;
    discountedReturn[i] = discountedReturn[i] * args.gamma + r;
    retScratch[0] = discountedReturn[i];
    retRms.update(retScratch, 1);
    let out = r / Math.sqrt(retRms.var[0] + 1e-8);
    out = out > args.clipReward ? args.clipReward : out < -args.clipReward ? -args.clipReward : out;
    if (done) discountedReturn[i] = 0;
    return out;
  };
  /** Log a finished episode and keep it in the last-100 window the progress line reports. */
  const logEpisode = (step: number, ret: number, len: number, success: number): void => {
    ctx.log(step, { 'charts/episodic_return': ret, 'charts/episodic_length': len, 'charts/success_rate': success });
    recentReturns.push(ret);
    recentSuccess.push(success);
    if (recentReturns.length > 100) {
      recentReturns.shift();
      recentSuccess.shift();
    }
  };

  // ---------------------------------------------------------------- TRAINING LOOP
  const started = performance.now();
  const stepsAtStart = globalStep; // SPS counts this process's steps
  const recentReturns: number[] = [];
  const recentSuccess: number[] = [];
  // One greedy view of the live actor, built once (it reads the current weights at every call).
  const policy = greedy();
  for (let iteration = startIteration; iteration <= numIterations; iteration++) {
    if (args.annealLr) optimizer.lr = (1 - (iteration - 1) / numIterations) * args.learningRate;

    // ROLLOUT
    if (fused) {
      const tr = (yield fused.collect(
        { actor, critic, logStd: discrete ? undefined : logStd.data },
        obsRms ? { mean: obsRms.mean, var: obsRms.var, clip: args.clipObs } : undefined,
      )) as Trajectory;
      globalStep += batchSize;
      // The kernels normalised with the statistics frozen at the start of the rollout: store the same.
      normalizeObsInto(tr.obs, obsBuf, batchSize, false);
      actBuf.set(tr.actions);
      logprobBuf.set(tr.logp);
      valueBuf.set(tr.values);
      let anyTrunc = false;
      for (let t = 0; t < T; t++) {
        for (let i = 0; i < N; i++) {
          const k = t * N + i;
          const r = tr.rewards[k];
          epReturn[i] += r;
          epLength[i] += 1;
          const done = tr.terminated[k] === 1 || tr.truncated[k] === 1;
          rewardBuf[k] = learnerReward(i, r, done);
          termBuf[k] = tr.terminated[k];
          truncBuf[k] = tr.truncated[k] & (tr.terminated[k] ^ 1);
          if (truncBuf[k]) anyTrunc = true;
          if (done) {
            logEpisode(globalStep - batchSize + (t + 1) * N, epReturn[i], epLength[i], fused.episodeSuccess(tr.finalObs, k * obsDim) ? 1 : 0);
            epReturn[i] = 0;
            epLength[i] = 0;
          }
        }
      }
      if (anyTrunc) {
        // A time limit is not terminal: V(final obs), with the rollout's frozen statistics.
        const fo = (finalObsAll ??= new Float32Array(batchSize * obsDim));
        normalizeObsInto(tr.finalObs, fo, batchSize, false);
        const fv = critic.forward(fo, batchSize);
        for (let k = 0; k < batchSize; k++) if (truncBuf[k]) finalValueBuf[k] = fv[k];
      }
      if (obsRms) obsRms.update(tr.obs, batchSize);
      normalizeObsInto(tr.nextObs, nextObs, N, false);
    } else {
      for (let t = 0; t < T; t++) {
        globalStep += N;
        const row = t * N;
        obsBuf.set(nextObs, row * obsDim);
        const logits = actor.forward(nextObs, N);
        sampleActions(N, logits, actions, logprobBuf, row);
        actBuf.set(actions, row * actDim);
        const v = critic.forward(nextObs, N);
        valueBuf.set(v.subarray(0, N), row);

        const [rawObs, reward, term, trunc, infos] = envs.step(actions, stepOut);
        let anyTrunc = false;
        for (let i = 0; i < N; i++) {
          rewardBuf[row + i] = learnerReward(i, reward[i], term[i] === 1 || trunc[i] === 1);
          termBuf[row + i] = term[i];
          truncBuf[row + i] = trunc[i] & (term[i] ^ 1);
          if (truncBuf[row + i]) anyTrunc = true;
        }
        if (anyTrunc && infos.finalObs) {
          // A time limit is not terminal: keep V(final obs) to bootstrap from in GAE.
          normalizeObsInto(infos.finalObs, finalObs, N, false);
          const fv = critic.forward(finalObs, N);
          for (let i = 0; i < N; i++) if (truncBuf[row + i]) finalValueBuf[row + i] = fv[i];
        }
        normalizeObsInto(rawObs, nextObs, N, true);

        if (infos._episode) {
          for (let i = 0; i < N; i++) {
            if (!infos._episode[i]) continue;
            const ep = infos.episode!;
            logEpisode(globalStep, ep.r[i], ep.l[i], ep.success[i]);
          }
        }
      }

    }

    // GAE
    const nextValue = critic.forward(nextObs, N);
    computeGae(
      { numSteps: T, numEnvs: N, gamma: args.gamma, gaeLambda: args.gaeLambda, rewards: rewardBuf, values: valueBuf, terminated: termBuf, truncated: truncBuf, finalValues: finalValueBuf, nextValue },
      advBuf,
      retBuf,
    );

    // UPDATE
    for (let i = 0; i < batchSize; i++) idx[i] = i;
    let pgLossSum = 0, vLossSum = 0, entSum = 0, klSum = 0, oldKlSum = 0, clipFracSum = 0, nMb = 0;
    let stop = false;
    const term: LossTerm = { loss: 0, grad: 0 };
    for (let epoch = 0; epoch < args.updateEpochs && !stop; epoch++) {
      rng.shuffle(idx);
      for (let start = 0; start + minibatchSize <= batchSize; start += minibatchSize) {
        const M = minibatchSize;
        for (let m = 0; m < M; m++) mbObs.set(obsBuf.subarray(idx[start + m] * obsDim, (idx[start + m] + 1) * obsDim), m * obsDim);
        // advantages of this minibatch, normalised
        for (let m = 0; m < M; m++) mbAdv[m] = advBuf[idx[start + m]];
        if (args.normAdv) normalizeAdvantages(mbAdv, M);
        optimizer.zeroGrad();
        if (!discrete) logStdGrad.data.fill(0);

        // policy loss
        const logits = actor.forward(mbObs, M);
        let pgLoss = 0, entropy = 0, approxKl = 0, oldApproxKl = 0, clipped = 0;
        for (let m = 0; m < M; m++) {
          const b = idx[start + m];
          let newLogprob = 0;
          let ent = 0;
          if (discrete) {
            let max = -Infinity;
            for (let k = 0; k < nOut; k++) if (logits[m * nOut + k] > max) max = logits[m * nOut + k];
            let sum = 0;
            for (let k = 0; k < nOut; k++) sum += rowScratch[k] = Math.exp(logits[m * nOut + k] - max);
            const lse = max + Math.log(sum);
            for (let k = 0; k < nOut; k++) {
              rowScratch[k] /= sum;
              const lp = logits[m * nOut + k] - lse;
              if (rowScratch[k] > 0) ent -= rowScratch[k] * lp;
            }
            newLogprob = logits[m * nOut + (actBuf[b] - actStart)] - lse;
          } else {
            for (let k = 0; k < nOut; k++) {
              const std = Math.exp(logStd.data[k]);
              const z = (actBuf[b * nOut + k] - logits[m * nOut + k]) / std;
              newLogprob += -0.5 * z * z - logStd.data[k] - 0.5 * LOG_2PI;
              ent += 0.5 + 0.5 * LOG_2PI + logStd.data[k];
            }
          }
          const logratio = newLogprob - logprobBuf[b];
          const ratio = Math.exp(logratio);
          oldApproxKl += -logratio;
          approxKl += ratio - 1 - logratio;
          if (Math.abs(ratio - 1) > args.clipCoef) clipped++;
          clippedSurrogate(mbAdv[m], ratio, args.clipCoef, M, term);
          pgLoss += term.loss;
          entropy += ent;
          const dLogp = term.grad;
          // d(−entCoef·entropy/M)
          const dEnt = -args.entCoef / M;
          if (discrete) {
            const a = actBuf[b] - actStart;
            for (let k = 0; k < nOut; k++) {
              const p = rowScratch[k];
              const lp = Math.log(p > 0 ? p : 1e-30);
              // dlogp(a)/dz_k = 1[k=a] − p_k;  dH/dz_k = −p_k (log p_k + H)
              dLogits[m * nOut + k] = dLogp * ((k === a ? 1 : 0) - p) + dEnt * (-p * (lp + ent));
            }
          } else {
            for (let k = 0; k < nOut; k++) {
              const std = Math.exp(logStd.data[k]);
              const diff = actBuf[b * nOut + k] - logits[m * nOut + k];
              dLogits[m * nOut + k] = dLogp * (diff / (std * std));
              logStdGrad.data[k] += dLogp * ((diff * diff) / (std * std) - 1) + dEnt;
            }
          }
        }
        actor.backward(dLogits, M);

        // value loss
        const newValue = critic.forward(mbObs, M);
        let vLoss = 0;
        for (let m = 0; m < M; m++) {
          const b = idx[start + m];
          clippedValueLoss(newValue[m], retBuf[b], valueBuf[b], args.clipVloss, args.clipCoef, args.vfCoef, M, term);
          vLoss += term.loss;
          dValue[m] = term.grad;
        }
        critic.backward(dValue, M);

        clipGradNorm(grads, args.maxGradNorm);
        optimizer.step();

        pgLossSum += pgLoss / M;
        vLossSum += (0.5 * vLoss) / M;
        entSum += entropy / M;
        klSum += approxKl / M;
        oldKlSum += oldApproxKl / M;
        clipFracSum += clipped / M;
        nMb++;
      }
      if (args.targetKl !== null && klSum / nMb > args.targetKl) stop = true;
    }

    // LOGGING
    let varY = 0, varRes = 0, meanY = 0, meanRes = 0;
    for (let k = 0; k < batchSize; k++) {
      meanY += retBuf[k];
      meanRes += retBuf[k] - valueBuf[k];
    }
    meanY /= batchSize;
    meanRes /= batchSize;
    for (let k = 0; k < batchSize; k++) {
      varY += (retBuf[k] - meanY) ** 2;
      varRes += (retBuf[k] - valueBuf[k] - meanRes) ** 2;
    }
    const explainedVar = varY === 0 ? Number.NaN : 1 - varRes / varY;
    const elapsed = (performance.now() - started) / 1000;
    const sps = Math.round((globalStep - stepsAtStart) / Math.max(elapsed, 1e-9));
    ctx.log(globalStep, {
      'charts/learning_rate': optimizer.lr,
      'losses/value_loss': vLossSum / nMb,
      'losses/policy_loss': pgLossSum / nMb,
      'losses/entropy': entSum / nMb,
      'losses/old_approx_kl': oldKlSum / nMb,
      'losses/approx_kl': klSum / nMb,
      'losses/clipfrac': clipFracSum / nMb,
      'losses/explained_variance': explainedVar,
      'charts/SPS': sps,
    });
    const mean = (a: number[]) => (a.length === 0 ? Number.NaN : a.reduce((x, y) => x + y, 0) / a.length);
    ctx.progress({ globalStep, totalSteps: numIterations * batchSize, sps, meanReturn: mean(recentReturns), successRate: mean(recentSuccess) });

    // CHECKPOINT
    if (ctx.checkpointDue(globalStep) || iteration === numIterations) {
      const tensors: CheckpointTensors = {};
      for (const p of params) tensors[p.name!] = p.data;
      for (const t of optimizer.stateDict()) tensors[`optim.${t.name}`] = t.data;
      const state: PpoState = {
        iteration,
        globalStep,
        rng: rng.getState(),
        adamStep: optimizer.stepCount,
        env: fused ? undefined : asSnapshotable(envs)?.getState(),
        fused: fused?.getState(),
        fusedEpisodes: fused ? { returns: Array.from(epReturn), lengths: Array.from(epLength) } : undefined,
        obsRms: obsRms?.toJSON(),
        retRms: retRms?.toJSON(),
        discountedReturn: retRms ? Array.from(discountedReturn) : undefined,
        nextObs: Array.from(nextObs),
      };
      ctx.saveCheckpoint({ step: globalStep, tensors, state: state as unknown as Record<string, unknown> });
    }
    if (ctx.evaluate?.(globalStep, policy)) break;
  }
  envs.close();
  if (fused) yield fused.destroy();
  return policy;

  function greedy(): GreedyPolicy {
    const normScratch = new Map<number, Float32Array>();
    return {
      obsDim,
      actDim,
      act(obs: Float32Array, batch: number, out: Float32Array): void {
        let x = obs;
        if (obsRms) {
          x = normScratch.get(batch) ?? new Float32Array(batch * obsDim);
          normScratch.set(batch, x);
          normalizeObsInto(obs, x, batch, false);
        }
        const y = actor.forward(x, batch);
        for (let r = 0; r < batch; r++) {
          if (discrete) {
            let best = 0;
            for (let k = 1; k < nOut; k++) if (y[r * nOut + k] > y[r * nOut + best]) best = k;
            out[r] = best + actStart;
          } else {
            for (let k = 0; k < nOut; k++) out[r * nOut + k] = y[r * nOut + k];
          }
        }
      },
    };
  }
}

