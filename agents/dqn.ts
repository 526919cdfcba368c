/**
 * DQN, after CleanRL's `dqn.py`, read top to bottom: Args → Q-network → loop (ε-greedy act, store in
 * the replay buffer, TD update, target sync). As in CleanRL, a time limit is not terminal: the buffer
 * stores the real final observation of a truncated episode (`same-step` autoreset gives it) and `done`
 * is the termination flag only. Options beyond CleanRL: Double DQN, several gradient steps per update
 * (SB3's `gradient_steps`), Polyak target updates (τ < 1). Everything, replay buffer included, is
 * checkpointed for an exact resume.
 */
import { z } from 'zod';
import { Rng, type RngState, deriveSeed } from '../sim/rng.ts';
import { Discrete } from '../sim/spaces/discrete.ts';
import { type NativeVectorEnvState, asSnapshotable } from '../sim/vector/native_vector_env.ts';
import type { CheckpointTensors, GreedyPolicy, TrainContext } from './context.ts';
import { Adam } from './nn/adam.ts';
import { Mlp } from './nn/mlp.ts';

// ---------------------------------------------------------------- ARGS
export const DqnArgs = z.object({
  totalTimesteps: z.number().int().positive().default(500_000).describe('total env steps'),
  learningRate: z.number().positive().default(2.5e-4).describe('Adam learning rate'),
  numEnvs: z.number().int().positive().default(1).describe('parallel envs'),
  bufferSize: z.number().int().positive().default(10_000).describe('replay buffer capacity (transitions)'),
  gamma: z.number().min(0).max(1).default(0.99).describe('discount factor γ'),
  tau: z.number().min(0).max(1).default(1).describe('target update rate (1 = hard copy)'),
  targetNetworkFrequency: z.number().int().positive().default(500).describe('env steps between target updates'),
  batchSize: z.number().int().positive().default(128).describe('transitions per gradient step'),
  startE: z.number().min(0).max(1).default(1).describe('initial ε'),
  endE: z.number().min(0).max(1).default(0.05).describe('final ε'),
  explorationFraction: z.number().min(0).max(1).default(0.5).describe('fraction of totalTimesteps over which ε decays linearly'),
  learningStarts: z.number().int().min(0).default(10_000).describe('env steps before learning starts'),
  trainFrequency: z.number().int().positive().default(10).describe('env steps between updates'),
  gradientSteps: z.number().int().positive().default(1).describe('gradient steps per update'),
  doubleDqn: z.boolean().default(false).describe('Double DQN: online net picks a\', target net scores it'),
  hidden: z.array(z.number().int().positive()).default([120, 84]).describe('hidden layer widths (ReLU)'),
  seed: z.number().int().min(0).default(1).describe('seed of init, exploration and sampling'),
});
export type DqnArgs = z.infer<typeof DqnArgs>;

export const DQN_PRESETS: Record<string, Partial<DqnArgs>> = {
  // rl-baselines3-zoo's CartPole settings (128 gradient steps every 256 env steps, target every 10)
  // with a 64-64 network, which solves in ~30 k steps (npm run bench -- --suite train).
  'classic/CartPole-v1': {
    totalTimesteps: 50_000, learningRate: 2.3e-3, bufferSize: 100_000, batchSize: 64, learningStarts: 1_000,
    trainFrequency: 256, gradientSteps: 128, targetNetworkFrequency: 10, explorationFraction: 0.16, endE: 0.04,
    hidden: [64, 64],
  },
  'classic/Acrobot-v1': { totalTimesteps: 100_000, learningRate: 6.3e-4, bufferSize: 50_000, batchSize: 128, learningStarts: 1_000, trainFrequency: 4, gradientSteps: 4, targetNetworkFrequency: 250, explorationFraction: 0.12, endE: 0.1, hidden: [256, 256] },
  'classic/MountainCar-v0': { totalTimesteps: 120_000, learningRate: 4e-3, bufferSize: 10_000, batchSize: 128, learningStarts: 1_000, trainFrequency: 16, gradientSteps: 8, targetNetworkFrequency: 600, explorationFraction: 0.2, endE: 0.07, gamma: 0.98, hidden: [256, 256] },
};

interface DqnState {
  globalStep: number;
  rng: RngState;
  /** Env snapshot for an exact resume; absent for families without a native core (resume then re-seeds the envs). */
  env?: NativeVectorEnvState;
  rbPos: number;
  rbFull: boolean;
  obs: number[];
}

export function trainDqn(args: DqnArgs, ctx: TrainContext): GreedyPolicy {
  const rng = new Rng(deriveSeed(args.seed, 'dqn'));
  const envs = ctx.makeEnv(args.numEnvs, 'same-step');
  const space = envs.singleActionSpace;
  if (!(space instanceof Discrete)) throw new Error(`DQN needs a Discrete action space, got ${space.toString()}`);
  const N = args.numEnvs;
  const obsDim = envs.obsDim;
  const nA = space.n;
  const actStart = space.start;

  // ---------------------------------------------------------------- Q-NETWORK
  const qNetwork = new Mlp({ sizes: [obsDim, ...args.hidden, nA], activation: 'relu', init: 'torch', rng });
  const targetNetwork = new Mlp({ sizes: [obsDim, ...args.hidden, nA], activation: 'relu', init: 'torch', rng });
  targetNetwork.copyFrom(qNetwork);
  const optimizer = new Adam(qNetwork.params(), qNetwork.grads(), { lr: args.learningRate });

  // ---------------------------------------------------------------- REPLAY BUFFER
  const cap = args.bufferSize;
  const rbObs = new Float32Array(cap * obsDim);
  const rbNextObs = new Float32Array(cap * obsDim);
  const rbAct = new Int32Array(cap);
  const rbRew = new Float32Array(cap);
  const rbDone = new Uint8Array(cap);
  let rbPos = 0;
  let rbFull = false;

  const B = args.batchSize;
  const bObs = new Float32Array(B * obsDim);
  const bNext = new Float32Array(B * obsDim);
  const bIdx = new Int32Array(B);
  const tdTarget = new Float32Array(B);
  const dQ = new Float32Array(B * nA);
  const obs = new Float32Array(N * obsDim);
  const actions = new Float32Array(N);
  const stepOut = { obs: new Float32Array(N * obsDim), reward: new Float32Array(N), terminated: new Uint8Array(N), truncated: new Uint8Array(N) };

  let globalStep = 0;
  const resume = ctx.resumeFrom;
  if (resume) {
    const st = resume.state as unknown as DqnState;
    const load = (prefix: string, net: Mlp) => {
      for (const p of net.params()) {
        const saved = resume.tensors[`${prefix}${p.name}`];
        if (!saved || saved.length !== p.data.length) throw new Error(`checkpoint is missing tensor '${prefix}${p.name}' or its size differs`);
        p.data.set(saved);
      }
    };
    load('q.', qNetwork);
    load('target.', targetNetwork);
    optimizer.loadStateDict(optimizer.stateDict().map((t) => {
      const saved = resume.tensors[`optim.${t.name}`];
      if (!saved) throw new Error(`checkpoint is missing optimizer tensor 'optim.${t.name}'`);
      return { ...t, data: Float32Array.from(saved) };
    }));
    const copy = (name: string, dst: Float32Array | Int32Array | Uint8Array) => {
      const saved = resume.tensors[name];
      if (!saved || saved.length !== dst.length) throw new Error(`checkpoint is missing replay tensor '${name}' or its size differs`);
      dst.set(saved);
    };
    copy('rb.obs', rbObs);
    copy('rb.next_obs', rbNextObs);
    copy('rb.actions', rbAct);
    copy('rb.rewards', rbRew);
    copy('rb.dones', rbDone);
    rbPos = st.rbPos;
    rbFull = st.rbFull;
    rng.setState(st.rng);
    const snap = asSnapshotable(envs);
    if (snap && st.env) {
      snap.setState(st.env);
      obs.set(st.obs);
    } else {
      // No env snapshot: continue on freshly seeded episodes (weights, optimizer and buffer still exact).
      obs.set(envs.reset({ seed: deriveSeed(args.seed, 'resume', st.globalStep) })[0]);
    }
    globalStep = st.globalStep;
  } else {
    const [o] = envs.reset({ seed: args.seed });
    obs.set(o);
  }

  const linearSchedule = (startE: number, endE: number, duration: number, t: number) => Math.max(endE + (startE - endE) * (1 - t / duration), endE);

  // ---------------------------------------------------------------- TRAINING LOOP
  const started = performance.now();
  const stepsAtStart = globalStep;
  const recentReturns: number[] = [];
  const recentSuccess: number[] = [];
  const totalIters = Math.floor(args.totalTimesteps / N);
  const decaySteps = args.explorationFraction * args.totalTimesteps;
  let iter = Math.floor(globalStep / N);
  let lastLog = globalStep;
  while (iter < totalIters) {
    iter++;
    const epsilon = linearSchedule(args.startE, args.endE, decaySteps, globalStep);
    // ACT (ε-greedy)
    const q = qNetwork.forward(obs, N);
    for (let i = 0; i < N; i++) {
      if (rng.random() < epsilon) actions[i] = actStart + rng.int(nA);
      else {
        let best = 0;
        for (let k = 1; k < nA; k++) if (q[i * nA + k] > q[i * nA + best]) best = k;
        actions[i] = actStart + best;
      }
    }
    const [nextObs, reward, term, trunc, infos] = envs.step(actions, stepOut);
    globalStep += N;

    // STORE (the real next obs of an episode that ended is in infos.finalObs)
    for (let i = 0; i < N; i++) {
      const ended = term[i] || trunc[i];
      rbObs.set(obs.subarray(i * obsDim, (i + 1) * obsDim), rbPos * obsDim);
      const src = ended && infos.finalObs ? infos.finalObs : nextObs;
      rbNextObs.set(src.subarray(i * obsDim, (i + 1) * obsDim), rbPos * obsDim);
      rbAct[rbPos] = actions[i] - actStart;
      rbRew[rbPos] = reward[i];
      rbDone[rbPos] = term[i];
      rbPos = (rbPos + 1) % cap;
      if (rbPos === 0) rbFull = true;
    }
    obs.set(nextObs.subarray(0, N * obsDim));
    if (infos._episode) {
      for (let i = 0; i < N; i++) {
        if (!infos._episode[i]) continue;
        const ep = infos.episode!;
        ctx.log(globalStep, { 'charts/episodic_return': ep.r[i], 'charts/episodic_length': ep.l[i], 'charts/success_rate': ep.success[i], 'charts/epsilon': epsilon });
        recentReturns.push(ep.r[i]);
        recentSuccess.push(ep.success[i]);
        if (recentReturns.length > 100) {
          recentReturns.shift();
          recentSuccess.shift();
        }
      }
    }

    // UPDATE
    if (globalStep > args.learningStarts && iter % args.trainFrequency === 0) {
      const size = rbFull ? cap : rbPos;
      let lossSum = 0;
      let qSum = 0;
      for (let g = 0; g < args.gradientSteps; g++) {
        for (let b = 0; b < B; b++) {
          const k = rng.int(size);
          bIdx[b] = k;
          bObs.set(rbObs.subarray(k * obsDim, (k + 1) * obsDim), b * obsDim);
          bNext.set(rbNextObs.subarray(k * obsDim, (k + 1) * obsDim), b * obsDim);
        }
        // td_target = r + γ (1 − done) · Q_target(s', a*)
        const qNextTarget = targetNetwork.forward(bNext, B);
        if (args.doubleDqn) {
          const qNextOnline = qNetwork.forward(bNext, B);
          for (let b = 0; b < B; b++) {
            let best = 0;
            for (let k = 1; k < nA; k++) if (qNextOnline[b * nA + k] > qNextOnline[b * nA + best]) best = k;
            tdTarget[b] = rbRew[bIdx[b]] + args.gamma * qNextTarget[b * nA + best] * (1 - rbDone[bIdx[b]]);
          }
        } else {
          for (let b = 0; b < B; b++) {
            let max = -Infinity;
            for (let k = 0; k < nA; k++) if (qNextTarget[b * nA + k] > max) max = qNextTarget[b * nA + k];
            tdTarget[b] = rbRew[bIdx[b]] + args.gamma * max * (1 - rbDone[bIdx[b]]);
          }
        }
        // loss = mse(td_target, Q(s, a))
        const qPred = qNetwork.forward(bObs, B);
        dQ.fill(0);
        let loss = 0;
        for (let b = 0; b < B; b++) {
          const a = rbAct[bIdx[b]];
          const diff = qPred[b * nA + a] - tdTarget[b];
          loss += diff * diff;
          qSum += qPred[b * nA + a];
          dQ[b * nA + a] = (2 * diff) / B;
        }
        optimizer.zeroGrad();
        qNetwork.backward(dQ, B);
        optimizer.step();
        lossSum += loss / B;
      }
      if (globalStep - lastLog >= 1000) {
        lastLog = globalStep;
        const sps = Math.round((globalStep - stepsAtStart) / Math.max((performance.now() - started) / 1000, 1e-9));
        ctx.log(globalStep, { 'losses/td_loss': lossSum / args.gradientSteps, 'losses/q_values': qSum / (args.gradientSteps * B), 'charts/SPS': sps });
      }
    }

    // TARGET SYNC
    if (globalStep > args.learningStarts && iter % Math.max(1, Math.round(args.targetNetworkFrequency / N)) === 0) {
      targetNetwork.copyFrom(qNetwork, args.tau);
    }

    if (iter % Math.max(1, Math.round(1000 / N)) === 0 || iter === totalIters) {
      const sps = Math.round((globalStep - stepsAtStart) / Math.max((performance.now() - started) / 1000, 1e-9));
      const mean = (a: number[]) => (a.length === 0 ? Number.NaN : a.reduce((x, y) => x + y, 0) / a.length);
      ctx.progress({ globalStep, totalSteps: totalIters * N, sps, meanReturn: mean(recentReturns), successRate: mean(recentSuccess) });
      // CHECKPOINT
      if (ctx.checkpointDue(globalStep) || iter === totalIters) {
        const tensors: CheckpointTensors = {};
        for (const p of qNetwork.params()) tensors[`q.${p.name}`] = p.data;
        for (const p of targetNetwork.params()) tensors[`target.${p.name}`] = p.data;
        for (const t of optimizer.stateDict()) tensors[`optim.${t.name}`] = t.data;
        tensors['rb.obs'] = rbObs;
        tensors['rb.next_obs'] = rbNextObs;
        tensors['rb.actions'] = rbAct;
        tensors['rb.rewards'] = rbRew;
        tensors['rb.dones'] = rbDone;
        const state: DqnState = { globalStep, rng: rng.getState(), env: asSnapshotable(envs)?.getState(), rbPos, rbFull, obs: Array.from(obs) };
        ctx.saveCheckpoint({ step: globalStep, tensors, state: state as unknown as Record<string, unknown> });
      }
      if (ctx.evaluate?.(globalStep, greedy())) break;
    }
  }
  envs.close();
  return greedy();

  function greedy(): GreedyPolicy {
    return {
      obsDim,
      actDim: 1,
      act(o: Float32Array, batch: number, out: Float32Array): void {
        const qv = qNetwork.forward(o, batch);
        for (let r = 0; r < batch; r++) {
          let best = 0;
          for (let k = 1; k < nA; k++) if (qv[r * nA + k] > qv[r * nA + best]) best = k;
          out[r] = best + actStart;
        }
      },
    };
  }
}

