/**
 * Kernel specs of the classic-control family: each env's reset, step and observation written once as
 * straight-line code in the gpu.js kernel dialect (float32, no allocation, no early return), which
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
import { CartPoleCore, parseCartPoleParams } from '../../envs/classic/cartpole.ts';
import { envKwargs } from '../../envs/classic/params.ts';
import { flt } from './runtime.ts';

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
  /** A state from the range the env visits (for property tests), from uniforms `u()` in [0, 1). */
  randomState(u: () => number, out: Float32Array, off: number): void;
}

// ---------------------------------------------------------------- CartPole-v1
export const cartPoleSpec: KernelEnvSpec = {
  id: 'classic/CartPole-v1',
  stateDim: 4,
  obsDim: 4,
  actDim: 1,
  nActions: 2,
  resetDraws: 4,
  snippets(kwargs) {
    const p = parseCartPoleParams(envKwargs(kwargs));
    const totalMass = p.massPole + p.massCart;
    const pml = p.massPole * p.length;
    const tau = flt(p.tau, 'tau');
    const integrate = p.kinematicsIntegrator === 'euler'
      ? `n0 = s0 + ${tau} * s1; n1 = s1 + ${tau} * xAcc; n2 = s2 + ${tau} * s3; n3 = s3 + ${tau} * thAcc;`
      : `n1 = s1 + ${tau} * xAcc; n0 = s0 + ${tau} * n1; n3 = s3 + ${tau} * thAcc; n2 = s2 + ${tau} * n3;`;
    const step = `
      let force = ${flt(-p.forceMag)};
      if (a0 > 0.5) { force = ${flt(p.forceMag)}; }
      const ct = Math.cos(s2);
      const st = Math.sin(s2);
      const temp = (force + ${flt(pml)} * (s3 * s3) * st) / ${flt(totalMass)};
      const thAcc = (${flt(p.gravity)} * st - ct * temp) / (${flt(p.length)} * (${flt(4 / 3)} - (${flt(p.massPole)} * (ct * ct)) / ${flt(totalMass)}));
      const xAcc = temp - (${flt(pml)} * thAcc * ct) / ${flt(totalMass)};
      ${integrate}
      rew = 1.0;
      if (n0 < ${flt(-p.xThreshold)} || n0 > ${flt(p.xThreshold)} || n2 < ${flt(-p.thetaThresholdRadians)} || n2 > ${flt(p.thetaThresholdRadians)}) { term = 1.0; }`;
    const obs = 'o0 = q0; o1 = q1; o2 = q2; o3 = q3;';
    const reset = 'r0 = -0.05 + 0.1 * U(0); r1 = -0.05 + 0.1 * U(1); r2 = -0.05 + 0.1 * U(2); r3 = -0.05 + 0.1 * U(3);';
    return { step, obs, reset };
  },
  makeJsCore: (n, kwargs) => new CartPoleCore(n, parseCartPoleParams(envKwargs(kwargs))),
  read(core, i, out, off) {
    const c = core as CartPoleCore;
    out[off] = c.x[i];
    out[off + 1] = c.xDot[i];
    out[off + 2] = c.theta[i];
    out[off + 3] = c.thetaDot[i];
  },
  write(core, i, src, off) {
    const c = core as CartPoleCore;
    c.x[i] = src[off];
    c.xDot[i] = src[off + 1];
    c.theta[i] = src[off + 2];
    c.thetaDot[i] = src[off + 3];
    c.terminatedBefore[i] = 0;
  },
  randomState(u, out, off) {
    out[off] = -2.6 + 5.2 * u();
    out[off + 1] = -3 + 6 * u();
    out[off + 2] = -0.25 + 0.5 * u();
    out[off + 3] = -3 + 6 * u();
  },
};

/** Specs by registry id. */
export const KERNEL_SPECS: ReadonlyMap<string, KernelEnvSpec> = new Map([cartPoleSpec].map((s) => [s.id, s]));

export function kernelSpecFor(id: string): KernelEnvSpec {
  const spec = KERNEL_SPECS.get(id);
  if (!spec) throw new Error(`the gpu backend has kernels for ${[...KERNEL_SPECS.keys()].join(', ')}; '${id}' has none (use --backend js)`);
  return spec;
}
