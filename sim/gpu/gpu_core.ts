/**
 * GpuCore — the `gpu` backend of a classic-control env behind the same `BatchedCore` interface as the
 * `js` backend: the N envs' state lives in one float32 array and `step` runs one gpu.js kernel over all
 * of them (sim/gpu/kernels.ts), so `NativeVectorEnv`, the wrappers and the reward hooks work unchanged.
 *
 * What stays on the CPU, through one size-1 JS core of the same env: `resetAt` (so a reset draws from
 * the vector env's alea `Rng` exactly as the js backend does — autoreset semantics and seeding are
 * identical), `stateAt`, `success` and renders (the row is copied into the JS core first).
 *
 * In webgpu mode a kernel call returns a Promise, so `step` throws and `stepAsync` is the way in; the
 * fused rollouts (sim/gpu/fused_rollout.ts) are where the GPU earns its keep in any case.
 */
import { BatchedCore } from '../batched.ts';
import type { EnvMetadata, Frame, RenderOptions } from '../env.ts';
import type { Rng } from '../rng.ts';
import type { Space } from '../spaces/space.ts';
import { stepKernelSource, stepWidth } from './kernels.ts';
import type { GpuRuntime } from './runtime.ts';
import type { KernelEnvSpec } from './spec.ts';

type Kernel = ((...args: unknown[]) => Float32Array | Promise<Float32Array>) & { destroy?(): void };

export class GpuCore extends BatchedCore {
  readonly obsDim: number;
  readonly actDim: number;
  readonly observationSpace: Space<Float32Array>;
  readonly actionSpace: Space<unknown>;
  readonly metadata: EnvMetadata;
  /** Float32 state rows [N × stateDim]. */
  readonly state: Float32Array;
  private readonly js: BatchedCore;
  private readonly kernel: Kernel;
  private readonly width: number;

  constructor(
    readonly spec: KernelEnvSpec,
    readonly runtime: GpuRuntime,
    numEnvs: number,
    kwargs: Record<string, unknown> = {},
  ) {
    super(numEnvs);
    this.js = spec.makeJsCore(1, kwargs);
    this.obsDim = this.js.obsDim;
    this.actDim = this.js.actDim;
    this.observationSpace = this.js.observationSpace;
    this.actionSpace = this.js.actionSpace;
    this.metadata = this.js.metadata;
    this.state = new Float32Array(numEnvs * spec.stateDim);
    this.width = stepWidth(spec);
    this.kernel = runtime.gpu.createKernel(stepKernelSource(spec, spec.snippets(kwargs)), { output: [numEnvs * this.width], tactic: 'precision' }) as unknown as Kernel;
  }

  resetAt(i: number, rng: Rng, options: Record<string, unknown> | undefined, obs: Float32Array, off: number): void {
    this.js.resetAt(0, rng, options, obs, off);
    this.spec.read(this.js, 0, this.state, i * this.spec.stateDim);
  }

  step(actions: Float32Array, skip: Uint8Array, obs: Float32Array, reward: Float32Array, terminated: Uint8Array): void {
    if (this.runtime.asyncOnly) throw new Error(`GpuCore.step: gpu mode '${this.runtime.mode}' only runs kernels asynchronously; call stepAsync`);
    this.apply(this.kernel(this.state, actions) as Float32Array, skip, obs, reward, terminated);
  }

  /** `step` for every mode (webgpu included). */
  async stepAsync(actions: Float32Array, skip: Uint8Array, obs: Float32Array, reward: Float32Array, terminated: Uint8Array): Promise<void> {
    this.apply(await this.kernel(this.state, actions), skip, obs, reward, terminated);
  }

  private apply(out: Float32Array, skip: Uint8Array, obs: Float32Array, reward: Float32Array, terminated: Uint8Array): void {
    const S = this.spec.stateDim;
    const O = this.obsDim;
    const W = this.width;
    const st = this.state;
    for (let i = 0, n = this.numEnvs; i < n; i++) {
      if (skip[i]) continue;
      const b = i * W;
      for (let k = 0; k < S; k++) st[i * S + k] = out[b + k];
      for (let k = 0; k < O; k++) obs[i * O + k] = out[b + S + k];
      reward[i] = out[b + S + O];
      terminated[i] = out[b + S + O + 1] > 0.5 ? 1 : 0;
    }
  }

  stateAt(i: number): unknown {
    this.spec.write(this.js, 0, this.state, i * this.spec.stateDim);
    return this.js.stateAt(0);
  }

  abstraction(): string {
    return this.js.abstraction();
  }

  success(state: unknown): boolean {
    return this.js.success(state);
  }

  renderAt(i: number, opts?: RenderOptions): Frame {
    this.spec.write(this.js, 0, this.state, i * this.spec.stateDim);
    return this.js.renderAt(0, opts);
  }

  writeAction(action: unknown, out: Float32Array, off: number): void {
    this.js.writeAction(action, out, off);
  }

  override close(): void {
    this.kernel.destroy?.();
    this.js.close();
  }
}
