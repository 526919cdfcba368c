/**
 * Batched MLP forward passes on gpu.js — the agents/nn `gpu` backend for inference.
 *
 * One kernel per layer, cell (row, unit) = act(b + Σ_k W[unit, k]·x[row, k]); the layers are chained in
 * one gpu.js pipeline so intermediate activations never leave the device (one upload of x and the
 * weights, one readback of y). Training stays on the js backend (agents/nn/matmul.ts): backward passes
 * over minibatches of a few thousand rows are where the CPU kernels are already fast, and the weights
 * would have to travel both ways every step.
 *
 * `pickForwardBackend` measures both backends on the shape at hand and returns the faster, so callers
 * use the gpu only where it wins (large batches on a real GPU); `forward` on the js side is `Mlp.forward`.
 */
import type { GpuRuntime } from '../../sim/gpu/runtime.ts';
import type { Mlp } from './mlp.ts';

type Pipeline = ((...args: unknown[]) => Promise<unknown>) & { executorKind: string; destroy(): Promise<void> };
type Kernel = (...args: unknown[]) => unknown;

const ACT_SOURCE: Record<string, (v: string) => string> = {
  identity: (v) => v,
  tanh: (v) => `Math.tanh(${v})`,
  relu: (v) => `Math.max(${v}, 0.0)`,
};

export class GpuMlpForward {
  private readonly pipeline: Pipeline;
  private readonly packed: Float32Array;
  private readonly offsets: Array<{ w: number; b: number }>;

  constructor(
    readonly mlp: Mlp,
    readonly runtime: GpuRuntime,
    readonly batch: number,
  ) {
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`GpuMlpForward: batch must be a positive integer, got ${batch}`);
    const hiddenAct = ACT_SOURCE[mlp.hidden.name];
    const outAct = ACT_SOURCE[mlp.output.name];
    if (!hiddenAct || !outAct) throw new Error(`GpuMlpForward supports ${Object.keys(ACT_SOURCE).join(', ')} activations, got ${mlp.hidden.name} / ${mlp.output.name}`);
    let off = 0;
    this.offsets = mlp.layers.map((L) => {
      const o = { w: off, b: off + L.weight.data.length };
      off += L.weight.data.length + L.bias.data.length;
      return o;
    });
    this.packed = new Float32Array(off);
    const last = mlp.layers.length - 1;
    const kernels: Kernel[] = mlp.layers.map((L, l) => {
      const { w, b } = this.offsets[l];
      const nIn = L.inFeatures;
      const nOut = L.outFeatures;
      const act = l === last ? outAct : hiddenAct;
      const src = `function (X, WB) {
  const j = this.thread.x;
  const i = Math.floor(j / ${nOut}.0);
  const u = j - i * ${nOut}.0;
  let acc = WB[${b}.0 + u];
  for (let k = 0; k < ${nIn}; k++) { acc += WB[${w}.0 + u * ${nIn}.0 + k] * X[i * ${nIn}.0 + k]; }
  return ${act('acc')};
}`;
      return runtime.gpu.createKernel(src, { output: [batch * nOut], tactic: 'precision' }) as unknown as Kernel;
    });
    this.pipeline = runtime.gpu.createPipeline(function (X: unknown, WB: unknown) {
      let h = X;
      for (const k of kernels) h = k(h, WB);
      return h;
    } as never) as unknown as Pipeline;
  }

  /** y [batch × out] for x [batch × in], with the Mlp's current weights. */
  async forward(x: Float32Array): Promise<Float32Array> {
    const need = this.batch * this.mlp.inSize;
    if (x.length < need) throw new RangeError(`GpuMlpForward.forward: x has ${x.length} elements, needs batch*in = ${need}`);
    this.mlp.layers.forEach((L, l) => {
      this.packed.set(L.weight.data, this.offsets[l].w);
      this.packed.set(L.bias.data, this.offsets[l].b);
    });
    return (await this.pipeline(x.length === need ? x : x.subarray(0, need), this.packed)) as Float32Array;
  }

  get executorKind(): string {
    return this.pipeline.executorKind;
  }

  destroy(): Promise<void> {
    return this.pipeline.destroy();
  }
}

/** Multiply–adds of one forward pass of `mlp` over `batch` rows. */
export function forwardMacs(mlp: Mlp, batch: number): number {
  return batch * mlp.layers.reduce((s, L) => s + L.inFeatures * L.outFeatures, 0);
}

export interface ForwardTiming {
  readonly backend: 'js' | 'gpu';
  readonly js: { seconds: number; gflops: number };
  readonly gpu: { seconds: number; gflops: number; mode: string; executor: string };
}

/** Time one forward pass per backend (after a warm-up each) and name the faster. */
export async function pickForwardBackend(mlp: Mlp, runtime: GpuRuntime, x: Float32Array, batch: number, reps = 3): Promise<ForwardTiming> {
  const flops = 2 * forwardMacs(mlp, batch);
  mlp.forward(x, batch);
  let t0 = performance.now();
  for (let r = 0; r < reps; r++) mlp.forward(x, batch);
  const js = (performance.now() - t0) / 1000 / reps;
  const g = new GpuMlpForward(mlp, runtime, batch);
  try {
    await g.forward(x);
    t0 = performance.now();
    for (let r = 0; r < reps; r++) await g.forward(x);
    const gpu = (performance.now() - t0) / 1000 / reps;
    return {
      backend: gpu < js ? 'gpu' : 'js',
      js: { seconds: js, gflops: flops / js / 1e9 },
      gpu: { seconds: gpu, gflops: flops / gpu / 1e9, mode: runtime.mode, executor: g.executorKind },
    };
  } finally {
    await g.destroy();
  }
}
