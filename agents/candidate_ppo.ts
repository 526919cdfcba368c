/**
 * PPO over candidate sets (CleanRL `ppo.py` structure: Args → rollout → GAE → update), for envs whose
 * action set changes from step to step: a policy scores every candidate action of a state, the logits of
 * the state are those scores, and the value head reads the state. Used by DRRN-PPO (text/drrn_ppo.ts,
 * candidates = admissible commands) and the web agent (web/web_agent.ts, candidates = (action, element)
 * pairs).
 *
 * A `CandidatePolicy` keeps a per-episode memory `Ep` (built from the first observation by `begin`,
 * advanced by `next`, never mutated in place: the rollout stores memories by reference), lists its
 * candidate actions, and scores batches of memories. Time limits are not terminal: on truncation GAE
 * bootstraps from V(final state) (agents/gae.ts). All randomness comes from one seeded `Rng`; env i is
 * first reset with `deriveSeed(seed, 'env', i)`.
 */
import { z } from 'zod';
import type { Env, Info } from '../sim/env.ts';
import { deriveSeed, Rng } from '../sim/rng.ts';
import { computeGae } from './gae.ts';
import { Adam, clipGradNorm } from './nn/adam.ts';
import { PpoArgs } from './ppo.ts';
import { clippedSurrogate, clippedValueLoss, type LossTerm, normalizeAdvantages, ppoBatchShape } from './ppo_loss.ts';
import type { Tensor } from './nn/tensor.ts';

// ---------------------------------------------------------------- ARGS
/** A PPO argument with another default (same type, bounds and description). */
export function withDefault<T extends z.ZodDefault<z.ZodType>>(field: T, value: z.output<T>): z.ZodDefault<z.ZodType<z.output<T>>> {
  return (field.unwrap() as z.ZodType<z.output<T>>).default(value as never).describe(field.description ?? '') as never;
}

/** PPO's arguments that candidate-set PPO uses (agents/ppo.ts), with defaults for text and web agents. */
export const CandidatePpoArgs = PpoArgs.pick({
  totalTimesteps: true,
  learningRate: true,
  numEnvs: true,
  numSteps: true,
  annealLr: true,
  gamma: true,
  gaeLambda: true,
  numMinibatches: true,
  updateEpochs: true,
  normAdv: true,
  clipCoef: true,
  clipVloss: true,
  entCoef: true,
  vfCoef: true,
  maxGradNorm: true,
  seed: true,
})
  .extend({
    totalTimesteps: withDefault(PpoArgs.shape.totalTimesteps, 100_000),
    learningRate: withDefault(PpoArgs.shape.learningRate, 3e-3),
    numEnvs: withDefault(PpoArgs.shape.numEnvs, 16).describe('envs stepped together (one batched forward per step)'),
    numSteps: withDefault(PpoArgs.shape.numSteps, 32),
    annealLr: withDefault(PpoArgs.shape.annealLr, false),
    gamma: withDefault(PpoArgs.shape.gamma, 0.97),
    entCoef: withDefault(PpoArgs.shape.entCoef, 0),
    seed: withDefault(PpoArgs.shape.seed, 1),
  })
  .strict();
export type CandidatePpoArgs = z.infer<typeof CandidatePpoArgs>;

/** Scores of the candidates of a batch of states (`candOffsets[i]..candOffsets[i+1]` for state i). */
export interface CandidateScores {
  readonly scores: Float32Array;
  readonly values: Float32Array;
  readonly candOffsets: Int32Array;
}

export interface CandidatePolicy<Obs, Act, Ep> {
  /** The memory of an episode from its first observation. */
  begin(obs: Obs, info: Info): Ep;
  /** The memory after `action` (a candidate of `ep`) produced `obs`; `ep` itself is left unchanged. */
  next(ep: Ep, action: Act, obs: Obs, info: Info): Ep;
  /** The candidate actions of this state (non-empty). */
  candidates(ep: Ep): readonly Act[];
  /** Scores of every candidate and the value of every state; views valid until the next forward. */
  forward(eps: readonly Ep[]): CandidateScores;
  /** Accumulate gradients of the last forward into `grads()`. */
  backward(dScores: Float32Array, dValues: Float32Array): void;
  zeroGrad(): void;
  params(): readonly Tensor[];
  grads(): readonly Tensor[];
}

export interface CandidateTrainOptions<Obs, Act> {
  readonly makeEnv: (i: number) => Env<Obs, Act, unknown>;
  /** CleanRL-style scalars (`charts/success_rate`, `losses/value_loss`, …). */
  readonly log?: (globalStep: number, scalars: Record<string, number>) => void;
}

export interface CandidateTrainResult {
  readonly globalStep: number;
  readonly episodes: number;
  /** Success rate of the last 100 training episodes. */
  readonly recentSuccess: number;
  readonly seconds: number;
}

/** Sample (or argmax) among scores[c0..c1); returns the index within the slice and its log-probability. */
export function pickCandidate(scores: Float32Array, c0: number, c1: number, greedy: boolean, rng: Rng): { index: number; logp: number } {
  let max = -Infinity;
  let best = 0;
  for (let c = c0; c < c1; c++) {
    if (scores[c] > max) {
      max = scores[c];
      best = c - c0;
    }
  }
  let sum = 0;
  for (let c = c0; c < c1; c++) sum += Math.exp(scores[c] - max);
  const lse = max + Math.log(sum);
  if (greedy) return { index: best, logp: scores[c0 + best] - lse };
  let u = rng.random() * sum;
  for (let c = c0; c < c1; c++) {
    u -= Math.exp(scores[c] - max);
    if (u < 0) return { index: c - c0, logp: scores[c] - lse };
  }
  return { index: c1 - 1 - c0, logp: scores[c1 - 1] - lse };
}

export function trainCandidatePpo<Obs, Act, Ep>(args: CandidatePpoArgs, policy: CandidatePolicy<Obs, Act, Ep>, rng: Rng, opts: CandidateTrainOptions<Obs, Act>): CandidateTrainResult {
  const N = args.numEnvs;
  const T = args.numSteps;
  const { batchSize, minibatchSize, numIterations } = ppoBatchShape(args);
  const optimizer = new Adam(policy.params(), policy.grads(), { lr: args.learningRate, eps: 1e-5 });

  // ---------------------------------------------------------------- STORAGE (time-major, k = t·N + i)
  const stepEps: Ep[] = new Array(batchSize);
  const actBuf = new Int32Array(batchSize);
  const logprobBuf = new Float32Array(batchSize);
  const rewardBuf = new Float32Array(batchSize);
  const termBuf = new Uint8Array(batchSize);
  const truncBuf = new Uint8Array(batchSize);
  const valueBuf = new Float32Array(batchSize);
  const finalValueBuf = new Float32Array(batchSize);
  const advBuf = new Float32Array(batchSize);
  const retBuf = new Float32Array(batchSize);
  const idx = new Int32Array(batchSize);

  const envs = Array.from({ length: N }, (_, i) => opts.makeEnv(i));
  const eps: Ep[] = envs.map((env, i) => {
    const [o, info] = env.reset({ seed: deriveSeed(args.seed, 'env', i) });
    return policy.begin(o, info);
  });
  const recent: number[] = [];
  let episodes = 0;
  let globalStep = 0;
  const started = performance.now();
  const log = opts.log ?? (() => {});

  for (let iteration = 1; iteration <= numIterations; iteration++) {
    if (args.annealLr) optimizer.lr = (1 - (iteration - 1) / numIterations) * args.learningRate;

    // ROLLOUT
    for (let t = 0; t < T; t++) {
      globalStep += N;
      const row = t * N;
      const { scores, values, candOffsets } = policy.forward(eps);
      const finals: { k: number; ep: Ep }[] = [];
      for (let i = 0; i < N; i++) {
        const k = row + i;
        const { index, logp } = pickCandidate(scores, candOffsets[i], candOffsets[i + 1], false, rng);
        stepEps[k] = eps[i];
        actBuf[k] = index;
        logprobBuf[k] = logp;
        valueBuf[k] = values[i];
        const action = policy.candidates(eps[i])[index];
        const [obs, reward, terminated, truncated, info] = envs[i].step(action);
        rewardBuf[k] = reward;
        termBuf[k] = terminated ? 1 : 0;
        truncBuf[k] = truncated && !terminated ? 1 : 0;
        if (terminated || truncated) {
          const won = envs[i].success(envs[i].state());
          recent.push(won ? 1 : 0);
          if (recent.length > 100) recent.shift();
          episodes++;
          log(globalStep, { 'charts/success_rate': won ? 1 : 0 });
          // A time limit is not terminal: keep V(final state) to bootstrap from.
          if (truncBuf[k]) finals.push({ k, ep: policy.next(eps[i], action, obs, info) });
          const [o2, info2] = envs[i].reset();
          eps[i] = policy.begin(o2, info2);
        } else {
          eps[i] = policy.next(eps[i], action, obs, info);
        }
      }
      if (finals.length > 0) {
        const fv = policy.forward(finals.map((f) => f.ep)).values;
        finals.forEach((f, j) => (finalValueBuf[f.k] = fv[j]));
      }
    }

    // GAE
    const nextValue = Float32Array.from(policy.forward(eps).values);
    computeGae(
      { numSteps: T, numEnvs: N, gamma: args.gamma, gaeLambda: args.gaeLambda, rewards: rewardBuf, values: valueBuf, terminated: termBuf, truncated: truncBuf, finalValues: finalValueBuf, nextValue },
      advBuf,
      retBuf,
    );

    // UPDATE
    for (let k = 0; k < batchSize; k++) idx[k] = k;
    let pgLossSum = 0, vLossSum = 0, entSum = 0, klSum = 0, clipFracSum = 0, nMb = 0;
    const term: LossTerm = { loss: 0, grad: 0 };
    const M = minibatchSize;
    const mbAdv = new Float32Array(M);
    const dValue = new Float32Array(M);
    for (let epoch = 0; epoch < args.updateEpochs; epoch++) {
      rng.shuffle(idx);
      for (let start = 0; start + M <= batchSize; start += M) {
        const mbEps: Ep[] = new Array(M);
        for (let m = 0; m < M; m++) {
          mbEps[m] = stepEps[idx[start + m]];
          mbAdv[m] = advBuf[idx[start + m]];
        }
        if (args.normAdv) normalizeAdvantages(mbAdv, M);
        const { scores, values, candOffsets } = policy.forward(mbEps);
        const dScores = new Float32Array(scores.length);
        let pgLoss = 0, entropy = 0, approxKl = 0, clipped = 0, vLoss = 0;
        for (let m = 0; m < M; m++) {
          const k = idx[start + m];
          const c0 = candOffsets[m];
          const c1 = candOffsets[m + 1];
          // log-softmax over this state's candidates
          let max = -Infinity;
          for (let c = c0; c < c1; c++) if (scores[c] > max) max = scores[c];
          let sum = 0;
          for (let c = c0; c < c1; c++) sum += Math.exp(scores[c] - max);
          const lse = max + Math.log(sum);
          let ent = 0;
          for (let c = c0; c < c1; c++) {
            const lp = scores[c] - lse;
            ent -= Math.exp(lp) * lp;
          }
          const newLogprob = scores[c0 + actBuf[k]] - lse;
          const logratio = newLogprob - logprobBuf[k];
          const ratio = Math.exp(logratio);
          approxKl += ratio - 1 - logratio;
          if (Math.abs(ratio - 1) > args.clipCoef) clipped++;
          clippedSurrogate(mbAdv[m], ratio, args.clipCoef, M, term);
          pgLoss += term.loss;
          entropy += ent;
          const dLogp = term.grad;
          const dEnt = -args.entCoef / M;
          for (let c = c0; c < c1; c++) {
            const lp = scores[c] - lse;
            const p = Math.exp(lp);
            // dlogπ(a)/dz_c = 1[c=a] − p_c;  dH/dz_c = −p_c (log p_c + H)
            dScores[c] = dLogp * ((c - c0 === actBuf[k] ? 1 : 0) - p) + dEnt * (-p * (lp + ent));
          }
          // value loss (clipped as CleanRL)
          clippedValueLoss(values[m], retBuf[k], valueBuf[k], args.clipVloss, args.clipCoef, args.vfCoef, M, term);
          vLoss += term.loss;
          dValue[m] = term.grad;
        }
        policy.zeroGrad();
        policy.backward(dScores, dValue);
        clipGradNorm(policy.grads(), args.maxGradNorm);
        optimizer.step();
        pgLossSum += pgLoss / M;
        vLossSum += (0.5 * vLoss) / M;
        entSum += entropy / M;
        klSum += approxKl / M;
        clipFracSum += clipped / M;
        nMb++;
      }
    }

    // LOGGING
    const seconds = (performance.now() - started) / 1000;
    log(globalStep, {
      'losses/policy_loss': pgLossSum / nMb,
      'losses/value_loss': vLossSum / nMb,
      'losses/entropy': entSum / nMb,
      'losses/approx_kl': klSum / nMb,
      'losses/clipfrac': clipFracSum / nMb,
      'charts/learning_rate': optimizer.lr,
      'charts/recent_success_rate': recent.length > 0 ? recent.reduce((s, x) => s + x, 0) / recent.length : Number.NaN,
      'charts/SPS': globalStep / Math.max(seconds, 1e-9),
    });
  }
  for (const e of envs) e.close();
  return {
    globalStep,
    episodes,
    recentSuccess: recent.length > 0 ? recent.reduce((s, x) => s + x, 0) / recent.length : Number.NaN,
    seconds: (performance.now() - started) / 1000,
  };
}

export interface CandidateEvalOptions<Obs, Act> {
  readonly makeEnv: (i: number) => Env<Obs, Act, unknown>;
  readonly episodes: number;
  readonly seed: number;
  /** Argmax instead of sampling (default false: sample from the policy, as during training). */
  readonly greedy?: boolean;
  /** Envs run together (default 16). */
  readonly numEnvs?: number;
  /** The group an episode counts under in `perTask`, from its reset info (default: `info.taskType`, else 'all'). */
  readonly groupOf?: (info: Info) => string;
}

export interface CandidateEvalResult {
  readonly episodes: number;
  readonly successRate: number;
  readonly meanLength: number;
  /** Success rate per group (`groupOf` of the reset info). */
  readonly perTask: Record<string, { episodes: number; successRate: number }>;
}

/** Run `episodes` episodes (episode j reset with `deriveSeed(seed, 'eval', j)`) and report success. */
export function evaluateCandidatePolicy<Obs, Act, Ep>(policy: CandidatePolicy<Obs, Act, Ep>, opts: CandidateEvalOptions<Obs, Act>): CandidateEvalResult {
  const E = Math.min(opts.numEnvs ?? 16, opts.episodes);
  const rng = new Rng(deriveSeed(opts.seed, 'eval-rng'));
  const envs = Array.from({ length: E }, (_, i) => opts.makeEnv(i));
  const groupOf = opts.groupOf ?? ((info: Info) => (typeof info.taskType === 'string' ? info.taskType : 'all'));
  const per: Record<string, { episodes: number; wins: number }> = {};
  let next = 0;
  let wins = 0;
  let lengthSum = 0;
  const active: { env: Env<Obs, Act, unknown>; ep: Ep; len: number; task: string }[] = [];
  const start = (env: Env<Obs, Act, unknown>): void => {
    if (next >= opts.episodes) return;
    const [o, info] = env.reset({ seed: deriveSeed(opts.seed, 'eval', next++) });
    active.push({ env, ep: policy.begin(o, info), len: 0, task: groupOf(info) });
  };
  for (const env of envs) start(env);
  while (active.length > 0) {
    const { scores, candOffsets } = policy.forward(active.map((a) => a.ep));
    const choice = active.map((_, i) => pickCandidate(scores, candOffsets[i], candOffsets[i + 1], opts.greedy ?? false, rng).index);
    for (let j = active.length - 1; j >= 0; j--) {
      const a = active[j];
      const action = policy.candidates(a.ep)[choice[j]];
      const [obs, , term, trunc, info] = a.env.step(action);
      a.len++;
      if (term || trunc) {
        const won = a.env.success(a.env.state());
        wins += won ? 1 : 0;
        lengthSum += a.len;
        const p = (per[a.task] ??= { episodes: 0, wins: 0 });
        p.episodes++;
        p.wins += won ? 1 : 0;
        active.splice(j, 1);
        start(a.env);
      } else {
        a.ep = policy.next(a.ep, action, obs, info);
      }
    }
  }
  for (const e of envs) e.close();
  const perTask: Record<string, { episodes: number; successRate: number }> = {};
  for (const k of Object.keys(per).sort()) perTask[k] = { episodes: per[k].episodes, successRate: per[k].wins / per[k].episodes };
  return { episodes: opts.episodes, successRate: wins / opts.episodes, meanLength: lengthSum / opts.episodes, perTask };
}
