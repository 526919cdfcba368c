/**
 * What an env family provides to run on the gpu backend (envs/classic/gpu_kernels.ts has the classic
 * ones): the env's reset, step and observation written once as straight-line code in the gpu.js kernel dialect (float32, no allocation, no early return), which
 * sim/gpu/kernels.ts pastes into the per-step and fused-rollout kernels.
 *
 * Conventions inside a snippet:
 * - `step`: reads the state `s0 … s{S-1}` and the action `a0 … a{A-1}` (a Discrete action is its
 *   integer value as a float), assigns the next state `n0 … n{S-1}`, the reward `rew` and `term`
 *   (1.0 = terminated, 0.0 = not). Every output variable is pre-declared with `let … = 0.0`.
 * - `obs`: reads `q0 … q{S-1}` (a state), assigns `o0 … o{O-1}`.
 * - `reset`: calls `U(j)` for its j-th uniform draw in [0, 1) and assigns `r0 … r{S-1}`.
 * Physical constants are pasted in as float literals from the env's validated params (so domain
 * randomisation kwargs work on the gpu backend too). The JS core of the same env is the reference:
 * `read`/`write` move one env's state between the JS core's arrays and a float32 state row, so the
 * gpu backend reuses the JS core for resets from an alea `Rng`, privileged state, success and renders.
 */
import type { BatchedCore } from '../batched.ts';

export interface KernelEnvSpec {
  /** Registry id the spec mirrors. */
  readonly id: string;
  /** State slots per env (float32). */
  readonly stateDim: number;
  readonly obsDim: number;
  /** Action slots per env in the flat layout (1 for Discrete). */
  readonly actDim: number;
  /** Number of discrete actions, or 0 for a Box action. */
  readonly nActions: number;
  /** Uniform draws one reset takes. */
  readonly resetDraws: number;
  /** Build the snippets for validated kwargs (same kwargs as the registry's `batched`). */
  snippets(kwargs: Record<string, unknown>): { step: string; obs: string; reset: string };
  /** The JS core of the same env, size n. */
  makeJsCore(n: number, kwargs: Record<string, unknown>): BatchedCore;
  /** Copy env i's state out of a JS core into `out[off ..]` (float32). */
  read(core: BatchedCore, i: number, out: Float32Array, off: number): void;
  /** Copy a float32 state row into env i of a JS core. */
  write(core: BatchedCore, i: number, src: Float32Array, off: number): void;
  /**
   * The state an observation came from (classic-control observations determine the state: identity, or
   * angles back from their cos/sin). Used to judge an episode's success from its final observation with
   * the JS core's own `success` predicate.
   */
  stateFromObs(obs: ArrayLike<number>, off: number, out: Float32Array, soff: number): void;
  /** A state from the range the env visits (for property tests), from uniforms `u()` in [0, 1). */
  randomState(u: () => number, out: Float32Array, off: number): void;
}
