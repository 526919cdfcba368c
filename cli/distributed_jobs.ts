/**
 * What a worker computes for each kind of job — plain functions of the job data, no Redis here
 * (cli/worker.ts wires them to BullMQ; cli/distributed_thread.ts runs the long ones on threads):
 *
 *   rollout  K steps of N envs with given policy weights, from a vector-env snapshot → trajectory
 *   train    one whole `train:env` run from a config → summary.json and the run directory's location
 *   eval     greedy evaluation of given actor weights → mean return, success rate
 *   inner    one DERL inner training (cli/derl_inner.ts) → validation score
 *
 * Every random draw derives from seeds in the job, so a job computes the same result on any worker and
 * on any attempt — what makes retries and duplicate runs harmless (sim/distributed/result_store.ts).
 * Reward code arrives as restricted-language source or a DERL formula and is re-checked here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { evaluatePolicy } from '../agents/evaluate.ts';
import type { GreedyPolicy } from '../agents/context.ts';
import { Mlp } from '../agents/nn/mlp.ts';
import { defaultRegistry } from '../envs/index.ts';
import { FormulaError } from '../rewards/derl/formula.ts';
import { RewardLangError } from '../rewards/lang/checker.ts';
import { PreflightError } from '../rewards/lang/preflight.ts';
import { b64ToF32, f32ToB64, u8ToB64 } from '../sim/distributed/codec.ts';
import type { EvalJobData, EvalResultData, InnerJobData, InnerResultData, RewardPayload, RolloutJobData, RolloutResult, TrainJobData, TrainResult, WeightsPayload } from '../sim/distributed/jobs.ts';
import { Rng } from '../sim/rng.ts';
import { Discrete } from '../sim/spaces/discrete.ts';
import { type NativeVectorEnvState, asSnapshotable } from '../sim/vector/native_vector_env.ts';
import type { VectorEnv } from '../sim/vector/vector_env.ts';
import { runInnerJob } from './derl_inner.ts';
import { type LoadedCodeReward, loadCodeReward } from './reward_spec.ts';
import { runTraining } from './run_training.ts';
import { type TrainConfig, TrainArgsError } from './train_args.ts';

export const WORKER_NAME = `${os.hostname()}:${process.pid}`;

/** Errors a retry cannot fix (bad config, reward code the checker rejects): fail the job at once. */
export function isConfigError(e: unknown): boolean {
  return e instanceof TrainArgsError || e instanceof RewardLangError || e instanceof PreflightError || e instanceof FormulaError || e instanceof TypeError;
}

// ---------------------------------------------------------------- NETWORKS
/** An MLP with tanh hidden layers (PPO's actor/critic) holding the given parameters. */
export function mlpFrom(p: { sizes: number[]; params: string }, outputGain: number): Mlp {
  const net = new Mlp({ sizes: p.sizes, activation: 'tanh', outputGain, rng: new Rng(0) });
  const flat = b64ToF32(p.params, 'mlp params');
  let off = 0;
  for (const layer of net.layers) {
    for (const t of [layer.weight.data, layer.bias.data]) {
      if (off + t.length > flat.length) throw new TypeError(`mlp params: ${flat.length} values do not fill sizes [${p.sizes.join(', ')}]`);
      t.set(flat.subarray(off, off + t.length));
      off += t.length;
    }
  }
  if (off !== flat.length) throw new TypeError(`mlp params: ${flat.length} values for sizes [${p.sizes.join(', ')}], expected ${off}`);
  return net;
}

/** The learner side of `mlpFrom`: sizes and concatenated [W0, b0, W1, b1, …]. */
export function mlpPayload(net: { sizes: readonly number[]; layers: ReadonlyArray<{ weight: { data: Float32Array }; bias: { data: Float32Array } }> }): { sizes: number[]; params: string } {
  const parts = net.layers.flatMap((l) => [l.weight.data, l.bias.data]);
  const flat = new Float32Array(parts.reduce((n, a) => n + a.length, 0));
  let off = 0;
  for (const a of parts) {
    flat.set(a, off);
    off += a.length;
  }
  return { sizes: [...net.sizes], params: f32ToB64(flat) };
}

function normalizer(obsNorm: { mean: number[]; var: number[]; clip: number } | null, obsDim: number) {
  return (raw: Float32Array, out: Float32Array, rows: number): void => {
    if (!obsNorm) {
      out.set(raw.subarray(0, rows * obsDim));
      return;
    }
    const c = obsNorm.clip;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < obsDim; j++) {
        const v = (raw[r * obsDim + j] - obsNorm.mean[j]) / Math.sqrt(obsNorm.var[j] + 1e-8);
        out[r * obsDim + j] = v > c ? c : v < -c ? -c : v;
      }
    }
  };
}

// ---------------------------------------------------------------- REWARDS
const rewardCache = new Map<string, LoadedCodeReward>();
/** The rollout's reward: the env's own, or restricted-language source re-checked (checker + pre-flight) once per worker. */
function rewardFor(envId: string, reward: RewardPayload, seed: number): LoadedCodeReward | undefined {
  if (reward.kind === 'env') return undefined;
  const key = `${envId}:${reward.sha256}`;
  let r = rewardCache.get(key);
  if (!r) {
    r = loadCodeReward(reward.source, envId, 'worker', seed);
    if (r.sha256 !== reward.sha256) throw new TypeError(`reward source sha256 ${r.sha256} does not match the job's ${reward.sha256}`);
    rewardCache.set(key, r);
  }
  return r;
}

// ---------------------------------------------------------------- ROLLOUT
const envCache = new Map<string, VectorEnv>();
function shardEnv(d: RolloutJobData): VectorEnv {
  const key = JSON.stringify([d.runId, d.shard, d.envId, d.numEnvs, d.envArgs, d.reward.kind === 'code' ? d.reward.sha256 : 'env']);
  let env = envCache.get(key);
  if (!env) {
    if (envCache.size >= 16) {
      const [k0, e0] = envCache.entries().next().value!;
      e0.close();
      envCache.delete(k0);
    }
    env = defaultRegistry.makeVec(d.envId, d.numEnvs, { autoresetMode: 'same-step', reward: rewardFor(d.envId, d.reward, d.seed)?.reward, kwargs: d.envArgs });
    envCache.set(key, env);
  }
  return env;
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Collect `numSteps` steps of the shard's envs with the version's weights, exactly as PPO's own rollout
 * does (same-step autoreset; sampled actions; frozen observation normalisation), from the snapshot in
 * the job. The env is restored from the snapshot every time, so the result does not depend on what this
 * worker ran before.
 */
export function collectRollout(d: RolloutJobData, w: WeightsPayload): RolloutResult {
  const t0 = performance.now();
  const env = shardEnv(d);
  const snap = asSnapshotable(env);
  if (!snap) throw new TypeError(`${d.envId} has no vector-env snapshot; distributed rollouts need a native core`);
  const N = d.numEnvs;
  const T = d.numSteps;
  const obsDim = env.obsDim;
  const actDim = env.actDim;
  const space = env.singleActionSpace;
  const discrete = space instanceof Discrete;
  const nOut = discrete ? space.n : actDim;
  const actStart = discrete ? space.start : 0;
  const actor = mlpFrom(w.actor, 0.01);
  const critic = mlpFrom(w.critic, 1);
  if (actor.inSize !== obsDim || actor.outSize !== nOut) throw new TypeError(`actor sizes [${w.actor.sizes.join(', ')}] do not fit ${d.envId} (obs ${obsDim}, outputs ${nOut})`);
  const logStd = w.logStd ? b64ToF32(w.logStd, 'logStd') : undefined;
  if (!discrete && (!logStd || logStd.length !== nOut)) throw new TypeError(`logStd must hold ${nOut} values for ${d.envId}`);
  let obs: Float32Array;
  if (d.envState) {
    snap.setState(d.envState as unknown as NativeVectorEnvState);
    obs = Float32Array.from((d.envState as unknown as { obs?: number[] }).obs ?? []);
  } else {
    [obs] = env.reset({ seed: d.resetSeed });
    obs = obs.slice();
  }
  if (obs.length !== N * obsDim) throw new TypeError(`envState.obs holds ${obs.length} values, expected ${N * obsDim}`);
  const norm = normalizer(d.obsNorm, obsDim);
  const rng = new Rng(d.seed);
  const B = N * T;
  const out = {
    obs: new Float32Array(B * obsDim), actions: new Float32Array(B * actDim), logp: new Float32Array(B), values: new Float32Array(B),
    rewards: new Float32Array(B), terminated: new Uint8Array(B), truncated: new Uint8Array(B), finalObs: new Float32Array(B * obsDim), success: new Uint8Array(B),
  };
  const x = new Float32Array(N * obsDim);
  const actions = new Float32Array(N * actDim);
  const p = new Float64Array(nOut);
  const stepOut = { obs: new Float32Array(N * obsDim), reward: new Float32Array(N), terminated: new Uint8Array(N), truncated: new Uint8Array(N) };
  for (let t = 0; t < T; t++) {
    const row = t * N;
    out.obs.set(obs, row * obsDim);
    norm(obs, x, N);
    const logits = actor.forward(x, N);
    for (let i = 0; i < N; i++) {
      if (discrete) {
        let max = -Infinity;
        for (let k = 0; k < nOut; k++) if (logits[i * nOut + k] > max) max = logits[i * nOut + k];
        let sum = 0;
        for (let k = 0; k < nOut; k++) sum += p[k] = Math.exp(logits[i * nOut + k] - max);
        const a = rng.categorical(p);
        actions[i] = a + actStart;
        out.logp[row + i] = logits[i * nOut + a] - max - Math.log(sum);
      } else {
        let lp = 0;
        for (let k = 0; k < nOut; k++) {
          const std = Math.exp(logStd![k]);
          const noise = rng.normal();
          actions[i * nOut + k] = logits[i * nOut + k] + std * noise;
          lp += -0.5 * noise * noise - logStd![k] - 0.5 * LOG_2PI;
        }
        out.logp[row + i] = lp;
      }
    }
    out.actions.set(actions, row * actDim);
    out.values.set(critic.forward(x, N).subarray(0, N), row);
    const [nextObs, reward, term, trunc, infos] = env.step(actions, stepOut);
    for (let i = 0; i < N; i++) {
      const k = row + i;
      out.rewards[k] = reward[i];
      out.terminated[k] = term[i];
      out.truncated[k] = trunc[i];
      if ((term[i] || trunc[i]) && infos.finalObs) out.finalObs.set(infos.finalObs.subarray(i * obsDim, (i + 1) * obsDim), k * obsDim);
      if (infos._episode?.[i]) out.success[k] = infos.episode!.success[i] ? 1 : 0;
    }
    obs = nextObs.slice();
  }
  const envState = { ...snap.getState(), obs: Array.from(obs) } as unknown as Record<string, unknown>;
  return {
    runId: d.runId, version: d.version, shard: d.shard, numEnvs: N, numSteps: T, obsDim, actDim,
    obs: f32ToB64(out.obs), actions: f32ToB64(out.actions), logp: f32ToB64(out.logp), values: f32ToB64(out.values), rewards: f32ToB64(out.rewards),
    terminated: u8ToB64(out.terminated), truncated: u8ToB64(out.truncated), finalObs: f32ToB64(out.finalObs), success: u8ToB64(out.success),
    nextObs: f32ToB64(obs), envState, worker: WORKER_NAME, seconds: (performance.now() - t0) / 1000,
  };
}

/** A fresh shard snapshot (what the learner sends with its first rollout): reset with `seed`, plus its observation. */
export function initialShardState(envId: string, numEnvs: number, envArgs: Record<string, unknown>, seed: number): { state: Record<string, unknown>; obs: Float32Array } {
  const env = defaultRegistry.makeVec(envId, numEnvs, { autoresetMode: 'same-step', kwargs: envArgs });
  try {
    const snap = asSnapshotable(env);
    if (!snap) throw new TrainArgsError(`--workers: ${envId} has no vector-env snapshot (native core), which distributed rollouts need; train it locally`);
    const [o] = env.reset({ seed });
    const obs = o.slice();
    return { state: { ...snap.getState(), obs: Array.from(obs) } as unknown as Record<string, unknown>, obs };
  } finally {
    env.close();
  }
}

// ---------------------------------------------------------------- EVAL
export function evaluateWeights(d: EvalJobData): EvalResultData {
  const env = defaultRegistry.makeVec(d.envId, Math.min(20, d.episodes), { kwargs: d.envArgs });
  try {
    const space = env.singleActionSpace;
    const discrete = space instanceof Discrete;
    const actor = mlpFrom(d.actor, 0.01);
    const obsDim = env.obsDim;
    const norm = normalizer(d.obsNorm, obsDim);
    const scratch = new Map<number, Float32Array>();
    const policy: GreedyPolicy = {
      obsDim,
      actDim: env.actDim,
      act(obs, batch, out) {
        const x = scratch.get(batch) ?? new Float32Array(batch * obsDim);
        scratch.set(batch, x);
        norm(obs, x, batch);
        const y = actor.forward(x, batch);
        const n = actor.outSize;
        for (let r = 0; r < batch; r++) {
          if (discrete) {
            let best = 0;
            for (let k = 1; k < n; k++) if (y[r * n + k] > y[r * n + best]) best = k;
            out[r] = best + space.start;
          } else {
            for (let k = 0; k < n; k++) out[r * n + k] = y[r * n + k];
          }
        }
      },
    };
    const ev = evaluatePolicy(env, policy, d.episodes, d.seed);
    return { evalId: d.evalId, episodes: ev.episodes, meanReturn: ev.meanReturn, stdReturn: ev.stdReturn, successRate: ev.successRate, meanLength: ev.meanLength, worker: WORKER_NAME };
  } finally {
    env.close();
  }
}

// ---------------------------------------------------------------- TRAIN
/**
 * One `train:env` run from a job's config into `<runsDir>/<runId>/<configId>`. A retry on the same
 * machine finds the directory: a finished run is returned as it is, an interrupted one resumes from its
 * last checkpoint (`--resume`).
 */
export async function runTrainJob(d: TrainJobData, runsDir: string, attempt: number): Promise<TrainResult> {
  if (d.failAttempts !== undefined && attempt < d.failAttempts) throw new Error(`injected failure on attempt ${attempt + 1} of a job set to fail ${d.failAttempts} time(s) (failAttempts)`);
  const t0 = performance.now();
  const c = d.config;
  const dir = path.resolve(runsDir, d.runId, d.configId);
  const summaryPath = path.join(dir, 'summary.json');
  const done = (summary: Record<string, unknown>): TrainResult => ({ configId: d.configId, summary, artifacts: { host: os.hostname(), dir }, worker: WORKER_NAME, seconds: (performance.now() - t0) / 1000 });
  if (fs.existsSync(summaryPath)) return done(JSON.parse(fs.readFileSync(summaryPath, 'utf8')));
  let reward = c.reward;
  if (d.rewardSource !== undefined) {
    // The source is checked again by loadCodeReward (reward-language checker, then pre-flight) in runTraining.
    const file = `${dir}.reward.js`;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, d.rewardSource);
    reward = `file:${file}`;
  } else if (reward.startsWith('file:')) {
    throw new TrainArgsError(`config ${d.configId}: reward '${reward}' names a file on the submitting machine; the submitter sends its source (rewardSource)`);
  }
  const str = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
  const cfg: TrainConfig = {
    env: c.env, agent: c.agent, reward, steps: c.steps, seed: c.seed, numEnvs: c.numEnvs, out: dir,
    viewer: false, viewerHost: '127.0.0.1', viewerPort: 0, video: false, evalEpisodes: c.evalEpisodes, quiet: true, backend: 'js', gpuMode: 'auto',
    set: Object.fromEntries(Object.entries(c.set).map(([k, v]) => [k, str(v)])),
    envArg: Object.fromEntries(Object.entries(c.envArg).map(([k, v]) => [k, str(v)])),
  };
  if (!listed(c.env)) throw new TrainArgsError(`config ${d.configId}: unknown env id '${c.env}'`);
  const resuming = fs.existsSync(path.join(dir, 'config.json'));
  const res = await runTraining(resuming ? { ...cfg, resume: dir, explicit: ['resume'] } : cfg);
  return done(res.summary);
}

function listed(id: string): boolean {
  try {
    defaultRegistry.resolve(id);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- DERL
export function runInnerJobData(d: InnerJobData): InnerResultData {
  return runInnerJob(d.job);
}
