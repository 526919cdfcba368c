/**
 * What a family registers for each env id (Gymnasium `EnvSpec`). Each family exports a list of these
 * from its own registry file; envs/index.ts collects them into the default registry.
 */
import type { BatchedCore } from './batched.ts';
import type { Env, RenderMode } from './env.ts';

export interface EnvRegistration {
  /** `family/Name-vN`, e.g. `classic/CartPole-v1`. */
  readonly id: string;
  /** Builds one env from keyword arguments (registration kwargs overridden by `make` kwargs). */
  readonly entryPoint: (kwargs: Record<string, unknown> & { renderMode?: RenderMode }) => Env;
  /** TimeLimit applied by `make` (and by vector envs); undefined = no limit. */
  readonly maxEpisodeSteps?: number;
  /** Mean return at which the task counts as solved (Gymnasium `reward_threshold`). */
  readonly rewardThreshold?: number;
  readonly nondeterministic?: boolean;
  readonly kwargs?: Readonly<Record<string, unknown>>;
  /** Native struct-of-arrays core for vector envs; envs without one get the generic vector env. */
  readonly batched?: (numEnvs: number, kwargs: Record<string, unknown>) => BatchedCore;
  /** One line for `listEnvs()` output. */
  readonly description?: string;
}
