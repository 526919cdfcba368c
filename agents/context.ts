/**
 * What a learner needs from the program that runs it (cli/train.ts builds this): vector envs, a
 * metrics sink, checkpoint hooks and a progress callback. Agents know sim only; the run directory,
 * file formats and the progress bar live in cli/ and sim/io/.
 */
import type { PretrainedActor } from './bc.ts';
import type { RolloutSource } from '../sim/rollout_source.ts';
import type { VectorEnv } from '../sim/vector/vector_env.ts';

/** A named tensor in a checkpoint (float32 / int32 / float64 data). */
export type CheckpointTensors = Record<string, Float32Array | Float64Array | Int32Array | Uint8Array>;

export interface AgentCheckpoint {
  readonly step: number;
  readonly tensors: CheckpointTensors;
  /** Plain JSON: counters, RNG states, normaliser statistics, env snapshots. */
  readonly state: Record<string, unknown>;
}

export interface ProgressStats {
  readonly globalStep: number;
  readonly totalSteps: number;
  readonly sps: number;
  /** Mean episodic return of recent episodes (NaN before the first episode ends). */
  readonly meanReturn: number;
  readonly successRate: number;
}

export interface TrainContext {
  /** Training envs: `numEnvs` copies seeded from the run seed. */
  makeEnv(numEnvs: number, autoresetMode: 'next-step' | 'same-step'): VectorEnv;
  /**
   * Present when rollouts are collected elsewhere: the gpu backend (`--backend gpu`, a fused rollout over
   * the same env with the actor and critic evaluated inside gpu.js kernels) or BullMQ workers
   * (`--workers redis://…`, cli/distributed_rollout.ts). Agents that can use it collect through it; the
   * others ignore it.
   */
  fusedRollout?(opts: { numEnvs: number; numSteps: number; hidden: readonly number[]; seed: number }): RolloutSource;
  /** Log scalars under CleanRL tag names (`charts/episodic_return`, `losses/value_loss`, …). */
  log(step: number, scalars: Record<string, number>): void;
  /** Called at iteration boundaries; returns true when a checkpoint should be written now. */
  checkpointDue(globalStep: number): boolean;
  saveCheckpoint(ckpt: AgentCheckpoint): void;
  /** A checkpoint to continue from (exact resume), or undefined for a fresh run. */
  readonly resumeFrom: AgentCheckpoint | undefined;
  /**
   * Start the actor from these weights (behaviour cloning, agents/bc.ts) instead of a random init; the
   * critic still starts fresh. PPO with Box actions only; ignored when resuming (the checkpoint wins).
   */
  readonly initActor?: PretrainedActor;
  progress(stats: ProgressStats): void;
  /**
   * Periodic evaluation hook, called at iteration boundaries with the current greedy policy;
   * returns true to stop training early (e.g. the bench's time-to-solve).
   */
  evaluate?(globalStep: number, policy: GreedyPolicy): boolean;
}

/** A deterministic policy over a batch of observations (argmax / mean action). */
export interface GreedyPolicy {
  readonly obsDim: number;
  readonly actDim: number;
  /** Write actions for `batch` rows of `obs` into `actions` (flat layout). */
  act(obs: Float32Array, batch: number, actions: Float32Array): void;
}
