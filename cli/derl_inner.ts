/**
 * DERL's inner loop: train a policy with a formula reward and score it on a validation split.
 *
 * - Text world (`textworld/ALFWorld-v0`): DRRN-PPO (agents/text) on the `train` split with the
 *   formula's compiled reward replacing the env reward (RewardWrapper), scored by the success rate of
 *   sampled-policy episodes on the validation split.
 * - Robotics (`robotics/*`): PPO with the task preset and the formula as a code reward, scored by the
 *   success rate of greedy episodes (the env's own success predicate, whatever the reward).
 *
 * Jobs run in worker threads, `parallel` at a time (each worker loads tsx, then this file). A job carries
 * the formula as text and is re-checked and re-compiled in the worker through rewards/lang; nothing but
 * data crosses the thread boundary. Every seed is derived from the job's seed, so a job's result does not
 * depend on which worker runs it or when.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { evaluatePolicy } from '../agents/evaluate.ts';
import { AGENTS, trainSync } from '../agents/index.ts';
import type { TrainContext } from '../agents/context.ts';
import { DrrnPpoArgs, type TextEnv, evaluateDrrn, trainDrrnPpo } from '../agents/text/drrn_ppo.ts';
import { defaultRegistry, make } from '../envs/index.ts';
import { EpisodeEndReward, FirstFireFormulaReward, ScaledFormulaReward } from '../rewards/derl/episode_reward.ts';
import { compileFormula } from '../rewards/derl/formula.ts';
import { primitiveFamilyFor } from '../rewards/derl/primitives.ts';
import { GuardedReward } from '../rewards/lang/compile.ts';
import { deriveSeed } from '../sim/rng.ts';
import type { RewardFunction } from '../sim/reward.ts';
import { RewardWrapper } from '../sim/wrappers/reward_wrapper.ts';

export interface InnerJob {
  readonly envId: string;
  /** A formula over the family's primitives, or 'env' for the env's own reward. */
  readonly formula: string;
  readonly seed: number;
  /** Env steps of the inner training. */
  readonly steps: number;
  /** Split (text world) to score on, e.g. 'valid_seen'. */
  readonly evalSplit: string;
  readonly evalEpisodes: number;
  /** Text world: more splits to score the same trained policy on (`extraScores`), e.g. the held-out one. */
  readonly extraEvalSplits?: string[];
  /**
   * 'episode': the formula pays once, on an episode's last transition (DERL's episode-level reward);
   * 'first': every step, with each primitive firing only the first time in an episode (subgoal events);
   * 'step': every step, primitives as they are.
   * 'first' and 'step' pay (f − f(none)) / scale (rewards/derl/episode_reward.ts); 'episode' pays f.
   */
  readonly timing: 'step' | 'episode' | 'first';
}

export interface InnerResult {
  readonly formula: string;
  /** Validation success rate in [0, 1]. */
  readonly score: number;
  readonly trainSeconds: number;
  readonly envSteps: number;
  /** Reward-guard counters of the formula during training. */
  readonly guard?: { calls: number; errors: number; nonFinite: number };
  /**
   * A fingerprint of the trained policy beside the score: mean return of the validation episodes
   * (robotics) or their mean length (text world). Executors are compared on it (local threads vs BullMQ
   * workers must agree exactly), since tiny test budgets leave every score at 0.
   */
  readonly evalFingerprint?: number;
  /** Success rate per split of `extraEvalSplits`, with `evalEpisodes` episodes each. */
  readonly extraScores?: Record<string, number>;
}

function formulaReward(envId: string, formula: string): GuardedReward {
  const compiled = compileFormula(formula, primitiveFamilyFor(envId));
  return new GuardedReward(compiled.compiled, { name: `derl:${formula}` });
}

/**
 * The job's reward per training env (undefined for 'env'). `FirstFireFormulaReward` remembers which
 * primitives fired in the current episode, so every call gives a fresh one; the compiled formula (and
 * its guard counters) is shared.
 */
export function innerRewardFactory(job: InnerJob): { guard?: GuardedReward; rewardFor: () => RewardFunction | undefined } {
  const guard = job.formula === 'env' ? undefined : formulaReward(job.envId, job.formula);
  const prims = primitiveFamilyFor(job.envId).primitives;
  const names = prims.map((p) => p.name);
  const repeating = prims.filter((p) => p.repeats === true).map((p) => p.name);
  const rewardFor = (): RewardFunction | undefined => !guard ? undefined
    : job.timing === 'episode' ? new EpisodeEndReward(guard)
    : job.timing === 'first' ? new FirstFireFormulaReward(guard, job.formula, names, repeating)
    : new ScaledFormulaReward(guard, job.formula, names);
  return { guard, rewardFor };
}

/** One inner training and validation, in this thread. */
export function runInnerJob(job: InnerJob): InnerResult {
  const { guard, rewardFor } = innerRewardFactory(job);
  const t0 = performance.now();
  if (job.envId.startsWith('textworld/')) {
    const args = DrrnPpoArgs.parse({ totalTimesteps: job.steps, seed: deriveSeed(job.seed, 'drrn') });
    const makeTrain = (): TextEnv => {
      const env = make(job.envId, { kwargs: { split: 'train' } }) as TextEnv;
      const reward = rewardFor();
      return reward ? (new RewardWrapper(env, reward) as unknown as TextEnv) : env;
    };
    const res = trainDrrnPpo(args, { makeEnv: makeTrain });
    const trainSeconds = (performance.now() - t0) / 1000;
    const scoreOn = (split: string): ReturnType<typeof evaluateDrrn> =>
      evaluateDrrn(res.agent, { makeEnv: () => make(job.envId, { kwargs: { split } }) as TextEnv, episodes: job.evalEpisodes, seed: deriveSeed(job.seed, 'eval') });
    const ev = scoreOn(job.evalSplit);
    let extraScores: Record<string, number> | undefined;
    for (const split of job.extraEvalSplits ?? []) extraScores = { ...extraScores, [split]: scoreOn(split).successRate };
    return { formula: job.formula, score: ev.successRate, trainSeconds, envSteps: res.globalStep, guard: guard ? { calls: guard.calls, errors: guard.errors, nonFinite: guard.nonFinite } : undefined, evalFingerprint: ev.meanLength, ...(extraScores ? { extraScores } : {}) };
  }
  if (job.envId.startsWith('robotics/')) {
    // One reward serves the whole native vector env, so a per-episode memory cannot be kept per env.
    if (job.extraEvalSplits?.length) throw new Error(`DERL inner loop: '${job.envId}' has no splits; extraEvalSplits is for text worlds`);
    if (job.timing === 'first') throw new Error(`DERL inner loop: timing 'first' keeps per-episode state and is supported on text worlds only, not '${job.envId}'; use 'step' or 'episode'`);
    const reward = rewardFor();
    const agent = AGENTS.ppo;
    const args = agent.schema.parse({ ...(agent.presets[job.envId] ?? {}), seed: deriveSeed(job.seed, 'ppo'), totalTimesteps: job.steps }) as never;
    const ctx: TrainContext = {
      makeEnv: (n, mode) => defaultRegistry.makeVec(job.envId, n, { autoresetMode: mode, reward }),
      log: () => {},
      checkpointDue: () => false,
      saveCheckpoint: () => {},
      resumeFrom: undefined,
      progress: () => {},
    };
    const policy = trainSync(agent, args, ctx);
    const trainSeconds = (performance.now() - t0) / 1000;
    const evalEnv = defaultRegistry.makeVec(job.envId, Math.min(20, job.evalEpisodes));
    const ev = evaluatePolicy(evalEnv, policy, job.evalEpisodes, deriveSeed(job.seed, 'eval'));
    evalEnv.close();
    return { formula: job.formula, score: ev.successRate, trainSeconds, envSteps: job.steps, guard: guard ? { calls: guard.calls, errors: guard.errors, nonFinite: guard.nonFinite } : undefined, evalFingerprint: ev.meanReturn };
  }
  throw new Error(`DERL inner loop: no trainer for '${job.envId}' (text world and robotics are supported)`);
}

/** Default worker count: the machine's parallelism, at most the number of jobs. */
export function defaultParallel(jobs: number): number {
  return Math.max(1, Math.min(jobs, os.availableParallelism()));
}

/**
 * Run jobs in `parallel` worker threads (1 = in this thread). Results come back in job order; a job
 * that throws yields a rejected entry (`{ error }`) rather than stopping the others.
 */
export async function runInnerJobs(jobs: readonly InnerJob[], parallel = defaultParallel(jobs.length)): Promise<Array<InnerResult | { error: string }>> {
  const out = new Array<InnerResult | { error: string }>(jobs.length);
  if (parallel <= 1) {
    for (let k = 0; k < jobs.length; k++) {
      try {
        out[k] = runInnerJob(jobs[k]);
      } catch (e) {
        out[k] = { error: (e as Error).message };
      }
    }
    return out;
  }
  let next = 0;
  const one = async (): Promise<void> => {
    while (next < jobs.length) {
      const k = next++;
      out[k] = await new Promise<InnerResult | { error: string }>((resolve) => {
        // Workers do not inherit the tsx loader on Node 20: register it in the worker, then load this file.
        const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
        const w = new Worker(boot, { eval: true, workerData: { derlInnerJob: jobs[k] } });
        let settled = false;
        w.once('message', (m: InnerResult | { error: string }) => {
          settled = true;
          resolve(m);
        });
        w.once('error', (e) => {
          if (!settled) resolve({ error: e.message });
          settled = true;
        });
        w.once('exit', (code) => {
          if (!settled) resolve({ error: `worker exited with code ${code} before reporting` });
          settled = true;
        });
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, one));
  return out;
}

const wd = workerData as { derlInnerJob?: InnerJob } | undefined;
if (!isMainThread && wd?.derlInnerJob) {
  let msg: InnerResult | { error: string };
  try {
    msg = runInnerJob(wd.derlInnerJob);
  } catch (e) {
    msg = { error: (e as Error).message };
  }
  parentPort!.postMessage(msg);
}

export const DERL_INNER_FILE = fileURLToPath(import.meta.url);
