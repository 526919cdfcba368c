/**
 * DRRN-PPO: PPO over the admissible commands of text environments (the candidate-set PPO of
 * agents/candidate_ppo.ts), with the DRRN scorer (drrn.ts) as the policy: the logits of
 * a state are the scores of its admissible commands, so the action set changes from step to step.
 *
 * What it needs from an env (any `Env<string, string>`, e.g. `textworld/ALFWorld-v0`): text observations,
 * `info.admissible: string[]` after every reset and step, and the first observation of an episode holding
 * the goal (the text after "Your task is to:" when present, else the whole first observation). The state
 * the agent sees is (goal, latest command + observation) — a one-step memory; the candidate commands
 * themselves reveal the rest (e.g. `move apple 1 to …` is only admissible while holding the apple).
 * Rewards are whatever the env returns: wrap it in `RewardWrapper` for a dense reward.
 *
 * Time limits are not terminal: on truncation GAE bootstraps from V(final state) (agents/gae.ts).
 * All randomness comes from one seeded `Rng`; env i is first reset with `deriveSeed(seed, 'env', i)`.
 *
 * Defaults were tuned briefly on `textworld/ALFWorld-v0` with the dense subgoal reward (higher learning
 * rate than CleanRL's, no annealing, no entropy bonus: the admissible set is small and the softmax over
 * it stays broad for long); figures in bench/textworld.ts.
 */
import { z } from 'zod';
import type { Env, Info } from '../../sim/env.ts';
import { deriveSeed, Rng } from '../../sim/rng.ts';
import { type CandidateEvalResult, CandidatePpoArgs, type CandidatePolicy, type CandidateScores, type CandidateTrainResult, evaluateCandidatePolicy, pickCandidate, trainCandidatePpo } from '../candidate_ppo.ts';
import type { Tensor } from '../nn/tensor.ts';
import { ppoBatchShape } from '../ppo_loss.ts';
import { type DrrnBatch, DrrnScorer } from './drrn.ts';
import { TextHasher } from './features.ts';

// ---------------------------------------------------------------- ARGS
export const DrrnPpoArgs = CandidatePpoArgs.extend({
  buckets: z.number().int().positive().default(8192).describe('hash buckets of the n-gram features (embedding rows)'),
  embedDim: z.number().int().positive().default(24).describe('embedding width d'),
  hidden: z.number().int().positive().default(64).describe('hidden width of the score and value MLPs'),
}).strict();
export type DrrnPpoArgs = z.infer<typeof DrrnPpoArgs>;

export type TextEnv = Env<string, string, unknown>;

export interface DrrnTrainOptions {
  /** Builds training env `i` (0 ≤ i < numEnvs). */
  readonly makeEnv: (i: number) => TextEnv;
  /** CleanRL-style scalars (`charts/success_rate`, `losses/value_loss`, …). */
  readonly log?: (globalStep: number, scalars: Record<string, number>) => void;
}

/** The goal part of an episode's first observation. */
export function goalOf(firstObs: string): string {
  const k = firstObs.indexOf('Your task is to:');
  return k >= 0 ? firstObs.slice(k + 16).trim() : firstObs;
}

function admissibleOf(info: Info): readonly string[] {
  const a = info.admissible;
  if (!Array.isArray(a) || a.length === 0) throw new Error('DRRN-PPO: the env must report a non-empty info.admissible (string[]) after reset and step');
  return a as readonly string[];
}

/** What the agent keeps about one running episode. */
interface Episode {
  readonly goal: Int32Array;
  readonly context: Int32Array;
  readonly commands: readonly string[];
  readonly cands: Int32Array[];
}

/** A trained DRRN policy: hashing + scorer, acting on (goal, context, commands). */
export class DrrnAgent implements CandidatePolicy<string, string, Episode> {
  constructor(
    readonly scorer: DrrnScorer,
    readonly hasher: TextHasher,
  ) {}

  /** Start an episode from its first observation and info. */
  begin(obs: string, info: Info): Episode {
    const commands = admissibleOf(info);
    return { goal: this.hasher.features(goalOf(obs)), context: this.hasher.features(obs), commands, cands: commands.map((c) => this.hasher.features(c)) };
  }

  /** The episode memory after `command` produced `obs`. */
  next(ep: Episode, command: string, obs: string, info: Info): Episode {
    const commands = admissibleOf(info);
    return { goal: ep.goal, context: this.hasher.features(`${command} . ${obs}`), commands, cands: commands.map((c) => this.hasher.features(c)) };
  }

  candidates(ep: Episode): readonly string[] {
    return ep.commands;
  }

  batch(eps: readonly Episode[]): DrrnBatch {
    const candOffsets = new Int32Array(eps.length + 1);
    const cands: Int32Array[] = [];
    eps.forEach((e, i) => {
      for (const c of e.cands) cands.push(c);
      candOffsets[i + 1] = cands.length;
    });
    return { goals: eps.map((e) => e.goal), contexts: eps.map((e) => e.context), candOffsets, cands };
  }

  forward(eps: readonly Episode[]): CandidateScores {
    const b = this.batch(eps);
    const { scores, values } = this.scorer.forward(b);
    return { scores, values, candOffsets: b.candOffsets };
  }

  backward(dScores: Float32Array, dValues: Float32Array): void {
    this.scorer.backward(dScores, dValues);
  }

  zeroGrad(): void {
    this.scorer.zeroGrad();
  }

  params(): readonly Tensor[] {
    return this.scorer.params();
  }

  grads(): readonly Tensor[] {
    return this.scorer.grads();
  }

  /** Choose a command index per episode: greedy (argmax score) or sampled from the softmax. */
  act(eps: readonly Episode[], greedy: boolean, rng: Rng): number[] {
    const { scores, candOffsets } = this.forward(eps);
    return eps.map((_, i) => pickCandidate(scores, candOffsets[i], candOffsets[i + 1], greedy, rng).index);
  }
}

export interface DrrnTrainResult extends CandidateTrainResult {
  readonly agent: DrrnAgent;
}

export function trainDrrnPpo(argsIn: Partial<DrrnPpoArgs>, opts: DrrnTrainOptions): DrrnTrainResult {
  const args = DrrnPpoArgs.parse(argsIn);
  const rng = new Rng(deriveSeed(args.seed, 'drrn-ppo'));
  ppoBatchShape(args); // bad batch arguments fail before the network is built
  // ---------------------------------------------------------------- NETWORK
  const hasher = new TextHasher({ buckets: args.buckets });
  const scorer = new DrrnScorer({ buckets: args.buckets, embedDim: args.embedDim, hidden: args.hidden, rng });
  const agent = new DrrnAgent(scorer, hasher);
  const res = trainCandidatePpo(args, agent, rng, opts);
  return { agent, ...res };
}

export interface TextEvalOptions {
  readonly makeEnv: (i: number) => TextEnv;
  readonly episodes: number;
  readonly seed: number;
  /** Argmax instead of sampling (default false: sample from the policy, as during training). */
  readonly greedy?: boolean;
  /** Envs run together (default 16). */
  readonly numEnvs?: number;
}

export type TextEvalResult = CandidateEvalResult;

/** Run `episodes` episodes (episode j reset with `deriveSeed(seed, 'eval', j)`) and report success per `info.taskType`. */
export function evaluateDrrn(agent: DrrnAgent, opts: TextEvalOptions): TextEvalResult {
  return evaluateCandidatePolicy(agent, opts);
}
