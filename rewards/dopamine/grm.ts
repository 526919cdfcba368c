/**
 * GRM — a step-aware progress model in the manner of Robo-Dopamine's General Reward Model: it predicts
 * the hop h ∈ [−1, 1] (labels.ts) from a BEFORE to an AFTER observation, given START and GOAL reference
 * observations. Each observation is a multi-view vector (`viewFeatures`: several camera frames
 * downsampled, plus the state features as one more view).
 *
 * Network: a shared encoder E (MLP, tanh) maps each of the four observations to an embedding; a head
 * (MLP, tanh output) reads [E(B), E(A), E(A) − E(B), E(S), E(G)]. Trained with mean squared error on hop
 * labels of demonstration pairs (Adam); one-shot adaptation is the same training on pairs of a single
 * demonstration of a new task, starting from the trained weights.
 */
import { Adam, clipGradNorm } from '../../agents/nn/adam.ts';
import { Mlp } from '../../agents/nn/mlp.ts';
import { type Tensor, withPrefix } from '../../agents/nn/tensor.ts';
import type { Frame } from '../../sim/env.ts';
import type { Rng } from '../../sim/rng.ts';
import { discretizeDemo, hopFromProgress, hopLabel } from './labels.ts';

/** Box-average each frame to side×side RGB in [−0.5, 0.5] and append `extra` (state features). */
export function viewFeatures(frames: readonly Frame[], side: number, extra: ArrayLike<number> = [], out?: Float32Array): Float32Array {
  const dim = frames.length * side * side * 3 + extra.length;
  const v = out ?? new Float32Array(dim);
  if (v.length !== dim) throw new RangeError(`viewFeatures: out has ${v.length} slots, need ${dim}`);
  let o = 0;
  for (const f of frames) {
    const { width: W, height: H, data } = f;
    for (let y = 0; y < side; y++) {
      const y0 = Math.floor((y * H) / side);
      const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * H) / side));
      for (let x = 0; x < side; x++) {
        const x0 = Math.floor((x * W) / side);
        const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * W) / side));
        let r = 0, g = 0, b = 0;
        for (let yy = y0; yy < y1; yy++) {
          for (let xx = x0; xx < x1; xx++) {
            const k = (yy * W + xx) * 3;
            r += data[k];
            g += data[k + 1];
            b += data[k + 2];
          }
        }
        const n = (y1 - y0) * (x1 - x0) * 255;
        v[o++] = r / n - 0.5;
        v[o++] = g / n - 0.5;
        v[o++] = b / n - 0.5;
      }
    }
  }
  for (let k = 0; k < extra.length; k++) v[o++] = extra[k];
  return v;
}

/** One demonstration: the multi-view vector of every state and the indices where a new subtask starts. */
export interface Demo {
  readonly views: readonly Float32Array[];
  /** Subtask boundaries (increasing indices inside (0, length − 1)); [] for a single subtask. */
  readonly boundaries: readonly number[];
}

/** A training pair: indices into `views` of BEFORE, AFTER, START, GOAL, and the hop label. */
export interface HopPair {
  readonly before: Float32Array;
  readonly after: Float32Array;
  readonly start: Float32Array;
  readonly goal: Float32Array;
  readonly hop: number;
}

/**
 * Every ordered pair of the demo's discretized states, with labels. START and GOAL are the demo's first and
 * last states unless `refs` gives other references (e.g. another demonstration of the task, as at use).
 */
export function demoPairs(demo: Demo, perSubtask: number, refs?: { readonly start: Float32Array; readonly goal: Float32Array }): HopPair[] {
  const idx = discretizeDemo(demo.views.length, demo.boundaries, perSubtask);
  const M = idx.length - 1;
  const start = refs?.start ?? demo.views[0];
  const goal = refs?.goal ?? demo.views[demo.views.length - 1];
  const out: HopPair[] = [];
  for (let p = 0; p <= M; p++) for (let q = 0; q <= M; q++) out.push({ before: demo.views[idx[p]], after: demo.views[idx[q]], start, goal, hop: hopLabel(p, q, M) });
  return out;
}

export interface GrmOptions {
  readonly inputDim: number;
  readonly embed?: number;
  readonly hidden?: number;
  readonly rng: Rng;
}

export interface GrmFitOptions {
  readonly epochs: number;
  readonly batch?: number;
  readonly lr?: number;
  readonly rng: Rng;
  /** Called after each epoch with the mean squared error. */
  readonly onEpoch?: (epoch: number, mse: number) => void;
}

export class Grm {
  readonly inputDim: number;
  readonly embed: number;
  readonly encoder: Mlp;
  readonly head: Mlp;
  private readonly paramList: Tensor[];
  private readonly gradList: Tensor[];

  constructor(opts: GrmOptions) {
    this.inputDim = opts.inputDim;
    this.embed = opts.embed ?? 32;
    const hidden = opts.hidden ?? 64;
    this.encoder = new Mlp({ sizes: [opts.inputDim, hidden, this.embed], activation: 'tanh', outputActivation: 'tanh', outputGain: 1, rng: opts.rng });
    this.head = new Mlp({ sizes: [5 * this.embed, hidden, 1], activation: 'tanh', outputActivation: 'tanh', outputGain: 0.1, rng: opts.rng });
    this.paramList = [...withPrefix('encoder.', this.encoder.params()), ...withPrefix('head.', this.head.params())];
    this.gradList = [...withPrefix('encoder.', this.encoder.grads()), ...withPrefix('head.', this.head.grads())];
  }

  params(): readonly Tensor[] {
    return this.paramList;
  }

  grads(): readonly Tensor[] {
    return this.gradList;
  }

  /** Hops of a batch of pairs (a fresh array). */
  predict(pairs: readonly Omit<HopPair, 'hop'>[]): Float32Array {
    return Float32Array.from(this.forward(pairs));
  }

  private forward(pairs: readonly Omit<HopPair, 'hop'>[]): Float32Array {
    const B = pairs.length;
    const D = this.inputDim;
    const e = this.embed;
    const x = new Float32Array(4 * B * D);
    pairs.forEach((p, i) => {
      for (const [k, v] of [p.before, p.after, p.start, p.goal].entries()) {
        if (v.length !== D) throw new RangeError(`Grm: an observation has ${v.length} features, the model takes ${D}`);
        x.set(v, (k * B + i) * D);
      }
    });
    const E = this.encoder.forward(x, 4 * B);
    const h = new Float32Array(B * 5 * e);
    for (let i = 0; i < B; i++) {
      const o = i * 5 * e;
      for (let j = 0; j < e; j++) {
        const eb = E[i * e + j];
        const ea = E[(B + i) * e + j];
        h[o + j] = eb;
        h[o + e + j] = ea;
        h[o + 2 * e + j] = ea - eb;
        h[o + 3 * e + j] = E[(2 * B + i) * e + j];
        h[o + 4 * e + j] = E[(3 * B + i) * e + j];
      }
    }
    this.lastB = B;
    return this.head.forward(h, B);
  }

  private lastB = 0;
  private headIn = new Float32Array(0);

  /** The encoder's embedding of one observation (a fresh array). */
  encode(v: Float32Array): Float32Array {
    if (v.length !== this.inputDim) throw new RangeError(`Grm: an observation has ${v.length} features, the model takes ${this.inputDim}`);
    return Float32Array.from(this.encoder.forward(v, 1));
  }

  /**
   * Hops of several (BEFORE, AFTER) pairs from precomputed embeddings, all with the same START and GOAL
   * embeddings — the inference path of the potential (one encoder row per new state). Equals `predict`.
   */
  hopsFromEmbeddings(pairs: ReadonlyArray<readonly [Float32Array, Float32Array]>, eStart: Float32Array, eGoal: Float32Array): Float32Array {
    const e = this.embed;
    const B = pairs.length;
    if (this.headIn.length < B * 5 * e) this.headIn = new Float32Array(B * 5 * e);
    const h = this.headIn.subarray(0, B * 5 * e);
    for (let i = 0; i < B; i++) {
      const [eb, ea] = pairs[i];
      const o = i * 5 * e;
      for (let j = 0; j < e; j++) {
        h[o + j] = eb[j];
        h[o + e + j] = ea[j];
        h[o + 2 * e + j] = ea[j] - eb[j];
        h[o + 3 * e + j] = eStart[j];
        h[o + 4 * e + j] = eGoal[j];
      }
    }
    return this.head.forward(h, B);
  }

  private backward(dOut: Float32Array): void {
    const B = this.lastB;
    const e = this.embed;
    const dh = this.head.backward(dOut, B, { inputGrad: true }) as Float32Array;
    const dE = new Float32Array(4 * B * e);
    for (let i = 0; i < B; i++) {
      const o = i * 5 * e;
      for (let j = 0; j < e; j++) {
        dE[i * e + j] += dh[o + j] - dh[o + 2 * e + j];
        dE[(B + i) * e + j] += dh[o + e + j] + dh[o + 2 * e + j];
        dE[(2 * B + i) * e + j] += dh[o + 3 * e + j];
        dE[(3 * B + i) * e + j] += dh[o + 4 * e + j];
      }
    }
    this.encoder.backward(dE, 4 * B);
  }

  /** Fit hop labels by mean squared error; returns the last epoch's MSE. */
  fit(pairs: readonly HopPair[], opts: GrmFitOptions): number {
    if (pairs.length === 0) throw new RangeError('Grm.fit: no training pairs');
    const batch = Math.min(opts.batch ?? 128, pairs.length);
    const optimizer = new Adam(this.paramList, this.gradList, { lr: opts.lr ?? 1e-3 });
    const order = new Int32Array(pairs.length).map((_, i) => i);
    const dOut = new Float32Array(batch);
    let mse = 0;
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      opts.rng.shuffle(order);
      let sum = 0;
      let n = 0;
      for (let s = 0; s + batch <= pairs.length; s += batch) {
        const mb = Array.from(order.subarray(s, s + batch), (k) => pairs[k]);
        const y = this.forward(mb);
        for (let i = 0; i < batch; i++) {
          const d = y[i] - mb[i].hop;
          sum += d * d;
          dOut[i] = (2 * d) / batch;
        }
        n += batch;
        this.encoder.zeroGrad();
        this.head.zeroGrad();
        this.backward(dOut);
        clipGradNorm(this.gradList, 1);
        optimizer.step();
      }
      mse = sum / n;
      opts.onEpoch?.(epoch, mse);
    }
    return mse;
  }

  /** Copy weights from another model of the same shape (for adaptation from a trained model). */
  copyFrom(other: Grm): void {
    this.paramList.forEach((t, i) => t.data.set(other.params()[i].data));
  }
}

/**
 * Pairs from a non-expert episode with known progress (true progress per state, e.g. from a staged task
 * reward): `count` random (p, q) pairs labelled `hopFromProgress(progress[p], progress[q])`, with the given
 * START and GOAL references. Teaches the model the states a learning policy visits (regressions, dwelling).
 */
export function progressPairs(views: readonly Float32Array[], progress: readonly number[], count: number, refs: { readonly start: Float32Array; readonly goal: Float32Array }, rng: Rng): HopPair[] {
  if (views.length !== progress.length) throw new RangeError(`progressPairs: ${views.length} views but ${progress.length} progress values`);
  const out: HopPair[] = [];
  for (let k = 0; k < count; k++) {
    const p = rng.int(views.length);
    const q = rng.int(views.length);
    out.push({ before: views[p], after: views[q], start: refs.start, goal: refs.goal, hop: hopFromProgress(progress[p], progress[q]) });
  }
  return out;
}
