/**
 * Multi-layer perceptron: Linear → act → Linear → act → … → Linear (→ output activation), batched.
 *
 * Built for the CleanRL networks:
 * - PPO actor/critic: `new Mlp({ sizes: [obsDim, 64, 64, nActions], activation: 'tanh', outputGain: 0.01, rng })`
 *   and `{ sizes: [obsDim, 64, 64, 1], activation: 'tanh', outputGain: 1, rng }` (orthogonal, √2 hidden, bias 0);
 * - DQN Q-network: `{ sizes: [obsDim, 120, 84, nActions], activation: 'relu', init: 'torch', rng }`.
 *
 * Parameters are named like `torch.nn.Sequential(Linear, Act, Linear, Act, Linear).state_dict()` — linear
 * layer l is Sequential index 2l — with torch's shapes: `0.weight` [h1 × in], `0.bias` [h1],
 * `2.weight` [h2 × h1], `2.bias`, `4.weight` [out × h2], `4.bias`. So CleanRL's `actor.0.weight` is
 * `withPrefix('actor.', actor.params())[0]`.
 *
 * Buffers: every batch size gets its own workspace (inputs, pre-activations, activations, gradient
 * scratch), allocated on its first forward and reused after, so a training loop over fixed minibatch
 * sizes allocates nothing after the first iteration. `forward` returns a buffer of the workspace (valid
 * until the next forward with the same batch size); `backward` uses the activations cached by the last
 * forward and must get the same batch size.
 */
import type { Rng } from '../../sim/rng.ts';
import { activation, type Activation, type ActivationName } from './activations.ts';
import { Linear, type LinearInit } from './linear.ts';
import { formatShape, type Tensor } from './tensor.ts';

export interface MlpOptions {
  /** Layer widths `[in, h1, …, out]`, at least two entries, all positive integers. */
  sizes: readonly number[];
  /** Activation after every hidden layer. */
  activation: ActivationName;
  /** Activation after the last layer. Default `'identity'` (logits, values, Q-values, means). */
  outputActivation?: ActivationName;
  /** `'orthogonal'` (default, CleanRL `layer_init`) or `'torch'` (nn.Linear default; gains unused). */
  init?: LinearInit;
  /** Orthogonal gain of the hidden layers. Default √2. */
  hiddenGain?: number;
  /** Orthogonal gain of the last layer (0.01 for a PPO actor head, 1 for a critic). Default 1. */
  outputGain?: number;
  /** Orthogonal gain per linear layer (length sizes.length − 1); overrides hiddenGain/outputGain. */
  gains?: readonly number[];
  /** Orthogonal init's constant bias. Default 0. */
  biasConst?: number;
  /** Seeds the initial weights. */
  rng: Rng;
}

export interface MlpBackwardOptions {
  /** Also compute dLoss/dInput and return it (skipped by default: it costs a matmul). */
  inputGrad?: boolean;
}

/** Per-batch-size buffers. For an identity activation `post[l] === pre[l]`. */
interface Workspace {
  readonly batch: number;
  readonly input: Float32Array;
  readonly pre: Float32Array[];
  readonly post: Float32Array[];
  /** Ping-pong gradient buffers of batch × max(hidden width). */
  readonly gradA: Float32Array;
  readonly gradB: Float32Array;
  /** dLoss/dInput, allocated on the first backward that asks for it. */
  dInput: Float32Array | null;
}

export class Mlp {
  readonly sizes: readonly number[];
  readonly inSize: number;
  readonly outSize: number;
  readonly layers: readonly Linear[];
  readonly hidden: Activation;
  readonly output: Activation;
  private readonly paramList: readonly Tensor[];
  private readonly gradList: readonly Tensor[];
  private readonly workspaces = new Map<number, Workspace>();
  private last: Workspace | null = null;

  constructor(options: MlpOptions) {
    const sizes = options.sizes;
    if (!Array.isArray(sizes) || sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
      throw new RangeError(`Mlp: sizes must list at least two positive integers [in, ..., out], got ${Array.isArray(sizes) ? formatShape(sizes) : String(sizes)}`);
    }
    const nLayers = sizes.length - 1;
    const init = options.init ?? 'orthogonal';
    let gains: readonly number[];
    if (options.gains !== undefined) {
      if (options.gains.length !== nLayers) throw new RangeError(`Mlp: gains needs one entry per linear layer (${nLayers}), got ${options.gains.length}`);
      gains = options.gains;
    } else {
      gains = Array.from({ length: nLayers }, (_, l) => (l === nLayers - 1 ? (options.outputGain ?? 1) : (options.hiddenGain ?? Math.SQRT2)));
    }
    this.sizes = Object.freeze([...sizes]);
    this.inSize = sizes[0];
    this.outSize = sizes[nLayers];
    this.hidden = activation(options.activation);
    this.output = activation(options.outputActivation ?? 'identity');
    this.layers = Object.freeze(
      Array.from({ length: nLayers }, (_, l) =>
        new Linear(sizes[l], sizes[l + 1], init === 'orthogonal'
          ? { rng: options.rng, init, gain: gains[l], biasConst: options.biasConst ?? 0, name: String(2 * l) }
          : { rng: options.rng, init, name: String(2 * l) })),
    );
    this.paramList = Object.freeze(this.layers.flatMap((layer) => layer.params()));
    this.gradList = Object.freeze(this.layers.flatMap((layer) => layer.grads()));
  }

  private workspace(batch: number): Workspace {
    let ws = this.workspaces.get(batch);
    if (ws === undefined) {
      if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`Mlp: batch must be a positive integer, got ${batch}`);
      const pre: Float32Array[] = [];
      const post: Float32Array[] = [];
      let widest = 1;
      for (let l = 0; l < this.layers.length; l++) {
        const width = this.sizes[l + 1];
        const z = new Float32Array(batch * width);
        const act = l === this.layers.length - 1 ? this.output : this.hidden;
        pre.push(z);
        post.push(act.name === 'identity' ? z : new Float32Array(batch * width));
        widest = Math.max(widest, width);
      }
      ws = { batch, input: new Float32Array(batch * this.inSize), pre, post, gradA: new Float32Array(batch * widest), gradB: new Float32Array(batch * widest), dInput: null };
      this.workspaces.set(batch, ws);
    }
    return ws;
  }

  /**
   * y[batch × out] for x[batch × in] (row-major; x may be longer, only the first batch·in are read, and
   * they are copied so x may change before `backward`). Returns a workspace buffer of exactly batch·out
   * elements, overwritten by the next forward with the same batch size.
   */
  forward(x: Float32Array, batch: number): Float32Array {
    const ws = this.workspace(batch);
    const nIn = batch * this.inSize;
    if (x.length < nIn) throw new RangeError(`Mlp.forward: x has ${x.length} elements, needs batch*in = ${batch}*${this.inSize} = ${nIn}`);
    const input = ws.input;
    if (x.length === nIn) input.set(x);
    else for (let i = 0; i < nIn; i++) input[i] = x[i];
    let h = input;
    const last = this.layers.length - 1;
    for (let l = 0; l <= last; l++) {
      const z = ws.pre[l];
      this.layers[l].forward(h, batch, z);
      (l === last ? this.output : this.hidden).forward(z, ws.post[l], z.length);
      h = ws.post[l];
    }
    this.last = ws;
    return h;
  }

  /**
   * Backpropagate dOut = dLoss/dy [batch × out] through the last forward (same batch size), accumulating
   * (+=) into `grads()`. dOut is not modified. Returns dLoss/dx [batch × in] (a workspace buffer) when
   * `options.inputGrad` is set, else null.
   */
  backward(dOut: Float32Array, batch: number, options?: MlpBackwardOptions): Float32Array | null {
    const ws = this.last;
    if (ws === null || ws.batch !== batch) {
      throw new Error(`Mlp.backward: batch ${batch} does not match the last forward (${ws === null ? 'no forward yet' : `batch ${ws.batch}`}); call forward on this batch first`);
    }
    const last = this.layers.length - 1;
    const nOut = batch * this.outSize;
    if (dOut.length < nOut) throw new RangeError(`Mlp.backward: dOut has ${dOut.length} elements, needs batch*out = ${batch}*${this.outSize} = ${nOut}`);
    const inputGrad = options?.inputGrad === true;
    if (inputGrad && ws.dInput === null) ws.dInput = new Float32Array(batch * this.inSize);
    // dZ of the last layer: dOut itself for an identity output, else dOut ⊙ f'(z) in scratch.
    let dZ: Float32Array = dOut;
    if (this.output.name !== 'identity') {
      this.output.backward(ws.pre[last], ws.post[last], dOut, ws.gradA, nOut);
      dZ = ws.gradA;
    }
    for (let l = last; l >= 0; l--) {
      const hPrev = l === 0 ? ws.input : ws.post[l - 1];
      let dHPrev: Float32Array | null = null;
      if (l > 0) dHPrev = dZ === ws.gradA ? ws.gradB : ws.gradA;
      else if (inputGrad) dHPrev = ws.dInput;
      this.layers[l].backward(hPrev, dZ, batch, dHPrev);
      if (l > 0) {
        const dH = dHPrev as Float32Array;
        this.hidden.backward(ws.pre[l - 1], ws.post[l - 1], dH, dH, batch * this.sizes[l]);
        dZ = dH;
      }
    }
    return inputGrad ? ws.dInput : null;
  }

  /** Set every gradient to 0. */
  zeroGrad(): void {
    for (let k = 0; k < this.gradList.length; k++) this.gradList[k].data.fill(0);
  }

  /** Named parameters in layer order: `0.weight`, `0.bias`, `2.weight`, … (same array every call). */
  params(): readonly Tensor[] {
    return this.paramList;
  }

  /** Gradients with the same names and shapes as `params()`, in the same order. */
  grads(): readonly Tensor[] {
    return this.gradList;
  }

  /** Total number of parameters. */
  numParams(): number {
    let n = 0;
    for (const p of this.paramList) n += p.data.length;
    return n;
  }

  /**
   * θ ← τ·θ_other + (1 − τ)·θ (target networks: τ = 1, the default, is a hard copy as CleanRL DQN's
   * `target_network.load_state_dict`; τ < 1 is Polyak averaging). The architectures must match.
   */
  copyFrom(other: Mlp, tau = 1): void {
    if (other.sizes.length !== this.sizes.length || other.sizes.some((s, i) => s !== this.sizes[i])) {
      throw new Error(`Mlp.copyFrom: sizes ${formatShape(other.sizes)} of the source differ from ${formatShape(this.sizes)}`);
    }
    if (!(tau >= 0 && tau <= 1)) throw new RangeError(`Mlp.copyFrom: tau must be in [0, 1], got ${tau}`);
    for (let t = 0; t < this.paramList.length; t++) {
      const dst = this.paramList[t].data;
      const src = other.paramList[t].data;
      if (tau === 1) dst.set(src);
      else for (let i = 0; i < dst.length; i++) dst[i] = tau * src[i] + (1 - tau) * dst[i];
    }
  }

  /** Drop the cached per-batch-size workspaces (e.g. after a one-off large evaluation batch). */
  clearWorkspaces(): void {
    this.workspaces.clear();
    this.last = null;
  }
}
