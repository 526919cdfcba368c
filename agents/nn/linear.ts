/**
 * Fully connected layer y = x·Wᵀ + b over a batch, in torch's layout so state_dicts move between the two:
 *
 * | tensor        | shape            | meaning                                   |
 * |---------------|------------------|-------------------------------------------|
 * | `weight`      | [out × in]       | W, row-major (torch `nn.Linear.weight`)    |
 * | `bias`        | [out]            | b                                         |
 * | x / y         | [batch × in/out] | row-major inputs / outputs                |
 *
 * `forward` writes into a caller-owned `out`; `backward` accumulates (+=) into `weightGrad` and
 * `biasGrad` (zero them first, as torch's `zero_grad`) and optionally writes the input gradient.
 * Products go through the current `MatmulBackend`. No allocation after construction.
 */
import type { Rng } from '../../sim/rng.ts';
import { orthogonal, uniformFill } from './init.ts';
import { getMatmulBackend } from './matmul.ts';
import { tensor, type Tensor } from './tensor.ts';

/**
 * `'orthogonal'`: CleanRL's `layer_init` — orthogonal weight with `gain` (default √2), constant bias
 * `biasConst` (default 0). `'torch'`: `nn.Linear`'s default — weight and bias U(−1/√in, 1/√in)
 * (kaiming_uniform with a = √5), as CleanRL's DQN networks use.
 */
export type LinearInit = 'orthogonal' | 'torch';

export interface LinearOptions {
  rng: Rng;
  init?: LinearInit;
  /** Orthogonal gain (std in CleanRL's `layer_init`). Default √2. */
  gain?: number;
  /** Orthogonal init's constant bias. Default 0. */
  biasConst?: number;
  /** Name prefix of the parameters: `"0"` gives `0.weight`, `0.bias`; none gives `weight`, `bias`. */
  name?: string;
}

export class Linear {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** [out × in]. */
  readonly weight: Tensor;
  /** [out]. */
  readonly bias: Tensor;
  /** dLoss/dW, same name and shape as `weight`; accumulated by `backward`. */
  readonly weightGrad: Tensor;
  /** dLoss/db, same name and shape as `bias`; accumulated by `backward`. */
  readonly biasGrad: Tensor;
  private readonly paramList: readonly Tensor[];
  private readonly gradList: readonly Tensor[];

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions) {
    for (const [field, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`Linear: ${field} must be a positive integer, got ${v}`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const prefix = options.name === undefined || options.name === '' ? '' : `${options.name}.`;
    this.weight = tensor([outFeatures, inFeatures], undefined, `${prefix}weight`);
    this.bias = tensor([outFeatures], undefined, `${prefix}bias`);
    this.weightGrad = tensor([outFeatures, inFeatures], undefined, `${prefix}weight`);
    this.biasGrad = tensor([outFeatures], undefined, `${prefix}bias`);
    const init = options.init ?? 'orthogonal';
    if (init === 'orthogonal') {
      orthogonal(outFeatures, inFeatures, options.gain ?? Math.SQRT2, options.rng, this.weight.data);
      this.bias.data.fill(options.biasConst ?? 0);
    } else if (init === 'torch') {
      if (options.gain !== undefined || options.biasConst !== undefined) {
        throw new Error(`Linear: gain and biasConst apply to init 'orthogonal' only, got init '${init}'`);
      }
      const bound = 1 / Math.sqrt(inFeatures);
      uniformFill(this.weight.data, -bound, bound, options.rng);
      uniformFill(this.bias.data, -bound, bound, options.rng);
    } else {
      throw new RangeError(`Linear: init must be 'orthogonal' or 'torch', got ${String(init)}`);
    }
    this.paramList = [this.weight, this.bias];
    this.gradList = [this.weightGrad, this.biasGrad];
  }

  /** out[batch × out] = x[batch × in]·Wᵀ + b. */
  forward(x: Float32Array, batch: number, out: Float32Array): void {
    const o = this.outFeatures;
    const b = this.bias.data;
    if (out.length < batch * o) throw new RangeError(`Linear.forward: out has ${out.length} elements, needs batch*out = ${batch}*${o}`);
    // Broadcast b into every row (one row, then doubling memmoves), then accumulate x·Wᵀ on top.
    const total = batch * o;
    if (total > 0) {
      for (let j = 0; j < o; j++) out[j] = b[j];
      for (let filled = o; filled < total; filled *= 2) out.copyWithin(filled, 0, Math.min(filled, total - filled));
    }
    getMatmulBackend().matmulTransB(x, this.weight.data, out, batch, this.inFeatures, o, true);
  }

  /**
   * Given x (the forward input) and dOut = dLoss/dy [batch × out]: weightGrad += dOutᵀ·x,
   * biasGrad += Σ_rows dOut, and, when `dX` is given, dX[batch × in] = dOut·W (overwritten).
   */
  backward(x: Float32Array, dOut: Float32Array, batch: number, dX: Float32Array | null): void {
    const o = this.outFeatures;
    const backend = getMatmulBackend();
    backend.matmulTransA(dOut, x, this.weightGrad.data, o, batch, this.inFeatures, true);
    const gb = this.biasGrad.data;
    if (dOut.length < batch * o) throw new RangeError(`Linear.backward: dOut has ${dOut.length} elements, needs batch*out = ${batch}*${o}`);
    for (let r = 0; r < batch; r++) {
      const ro = r * o;
      for (let j = 0; j < o; j++) gb[j] += dOut[ro + j];
    }
    if (dX !== null) backend.matmul(dOut, this.weight.data, dX, batch, o, this.inFeatures, false);
  }

  /** [weight, bias]. */
  params(): readonly Tensor[] {
    return this.paramList;
  }

  /** [weightGrad, biasGrad], named like `params()`. */
  grads(): readonly Tensor[] {
    return this.gradList;
  }
}
