/**
 * A rollout source: something other than the learner's own vector env that collects K steps of N envs
 * with the learner's current policy and hands back a time-major trajectory. PPO collects through one when
 * its context offers it (`TrainContext.fusedRollout`). Two implementations:
 *
 * - `FusedRollout` (sim/gpu/fused_rollout.ts): the whole rollout inside one gpu.js pipeline;
 * - `RemoteRollout` (cli/distributed_rollout.ts): shards of the envs collected by BullMQ workers on
 *   other processes or machines, with the weights published per iteration under a version.
 *
 * Both normalise observations with statistics frozen for the whole rollout (PPO stores the same).
 */
import type { ObsNorm, PolicyWeights, Trajectory } from './gpu/fused_rollout.ts';

export interface RolloutSource {
  readonly numEnvs: number;
  readonly numSteps: number;
  /** Collect `numSteps` steps of every env with these weights; resolves to the trajectory. */
  collect(weights: PolicyWeights, obsNorm: ObsNorm | undefined): Promise<Trajectory>;
  /** The observation every env continues from ([N × obsDim], raw). */
  observations(): Float32Array;
  /** Whether the episode that ended at `finalObs` row offset `off` (of the last collect) succeeded. */
  episodeSuccess(finalObs: Float32Array, off: number): boolean;
  /** Plain-JSON state for checkpoints (exact resume). */
  getState(): object;
  setState(s: object): void;
  destroy(): Promise<void>;
}
