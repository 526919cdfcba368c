/**
 * DrrnScorer — a DRRN-style network (He et al. 2016, "Deep Reinforcement Learning with a Natural Language
 * Action Space") that scores (state, command) pairs, with a value head for actor-critic training.
 *
 * Inputs are bags of hashed n-gram ids (features.ts) for three texts per state — the goal `g`, the
 * context `o` (latest observation and command) — and one bag per candidate command `a`. One embedding
 * table `emb` [buckets × d] is shared by all texts, so a command word that matches a goal word gives
 * aligned vectors and their product carries the match:
 *
 *   ē(text) = mean of emb rows over its ids                                       [d]
 *   score(s, a) = scoreNet([ē(g)⊙ē(a), ē(o)⊙ē(a), ē(a), ē(g), ē(o), m_g(a), m_o(a)])  Mlp 5d+14 → hidden → 1
 *   V(s)        = valueNet([ē(g), ē(o), mean over candidates ē(a)])               Mlp 3d → hidden → 1
 *
 * m_g(a), m_o(a) are lexical-overlap features: the fraction of the command's n-gram ids that also occur
 * in the goal / the context, and, for each of the command's first MATCH_POSITIONS words, whether that
 * word occurs in the goal / the context (so "take X from Y" can learn to care that X, not Y, is in the goal). Products of averaged random embeddings carry a shared word only weakly at
 * first (one matching term among |g|·|a| cross terms); the exact-match fractions give the scorer that
 * signal from the first update (a standard addition to DRRN-style scorers in text games).
 *
 * A state's policy is the softmax of its candidates' scores. `forward` takes a batch of states with a
 * variable number of candidates each (`candOffsets`), `backward` takes dLoss/dscore and dLoss/dV and
 * ACCUMULATES into `grads()` (zero them first), through both MLPs and into the embedding rows used.
 * Batches are padded to multiples of 64 states / 256 candidates so the MLPs see few distinct batch
 * sizes (their per-size workspaces are reused).
 */
import type { Rng } from '../../sim/rng.ts';
import { Mlp } from '../nn/mlp.ts';
import { type Tensor, tensor, withPrefix } from '../nn/tensor.ts';
import { unigramCount } from './features.ts';

export interface DrrnOptions {
  readonly buckets: number;
  readonly embedDim: number;
  readonly hidden: number;
  readonly rng: Rng;
}

/** A batch of states: per state a goal bag and a context bag; candidates `cands[candOffsets[i] .. candOffsets[i+1])`. */
export interface DrrnBatch {
  readonly goals: readonly Int32Array[];
  readonly contexts: readonly Int32Array[];
  readonly candOffsets: Int32Array;
  readonly cands: readonly Int32Array[];
}

/** Word positions of a command with their own exact-match inputs. */
export const MATCH_POSITIONS = 6;
/** Extra per-candidate inputs appended to the score MLP's input (lexical overlaps). */
export const EXTRA_FEATURES = 2 + 2 * MATCH_POSITIONS;

const roundUp = (n: number, m: number): number => Math.max(m, Math.ceil(n / m) * m);

export class DrrnScorer {
  readonly buckets: number;
  readonly embedDim: number;
  readonly emb: Tensor;
  readonly embGrad: Tensor;
  readonly scoreNet: Mlp;
  readonly valueNet: Mlp;
  private readonly paramList: Tensor[];
  private readonly gradList: Tensor[];
  // scratch of the last forward (grown on demand)
  private g = new Float32Array(0);
  private o = new Float32Array(0);
  private a = new Float32Array(0);
  private abar = new Float32Array(0);
  private x = new Float32Array(0);
  private v = new Float32Array(0);
  private dS = new Float32Array(0);
  private dVal = new Float32Array(0);
  private last: DrrnBatch | undefined;
  private lastB = 0;
  private lastC = 0;
  /** Marks of ids in the current goal / context (epoch stamps, for the overlap features). */
  private readonly markG: Int32Array;
  private readonly markO: Int32Array;
  private epoch = 0;

  constructor(opts: DrrnOptions) {
    for (const [k, v] of [['buckets', opts.buckets], ['embedDim', opts.embedDim], ['hidden', opts.hidden]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`DrrnScorer: ${k} must be a positive integer, got ${v}`);
    }
    const d = opts.embedDim;
    this.buckets = opts.buckets;
    this.embedDim = d;
    this.emb = tensor([opts.buckets, d], undefined, 'emb.weight');
    this.embGrad = tensor([opts.buckets, d], undefined, 'emb.weight');
    for (let i = 0; i < this.emb.data.length; i++) this.emb.data[i] = opts.rng.normal();
    this.markG = new Int32Array(opts.buckets);
    this.markO = new Int32Array(opts.buckets);
    this.scoreNet = new Mlp({ sizes: [5 * d + EXTRA_FEATURES, opts.hidden, 1], activation: 'tanh', outputGain: 0.01, rng: opts.rng });
    this.valueNet = new Mlp({ sizes: [3 * d, opts.hidden, 1], activation: 'tanh', outputGain: 1, rng: opts.rng });
    this.paramList = [this.emb, ...withPrefix('score.', this.scoreNet.params()), ...withPrefix('value.', this.valueNet.params())];
    this.gradList = [this.embGrad, ...withPrefix('score.', this.scoreNet.grads()), ...withPrefix('value.', this.valueNet.grads())];
  }

  params(): readonly Tensor[] {
    return this.paramList;
  }

  grads(): readonly Tensor[] {
    return this.gradList;
  }

  zeroGrad(): void {
    for (const t of this.gradList) t.data.fill(0);
  }

  private bag(ids: Int32Array, out: Float32Array, off: number): void {
    const d = this.embedDim;
    const e = this.emb.data;
    for (let k = 0; k < d; k++) out[off + k] = 0;
    for (let j = 0; j < ids.length; j++) {
      const row = ids[j] * d;
      for (let k = 0; k < d; k++) out[off + k] += e[row + k];
    }
    const inv = 1 / ids.length;
    for (let k = 0; k < d; k++) out[off + k] *= inv;
  }

  private unbag(ids: Int32Array, dOut: Float32Array, off: number): void {
    const d = this.embedDim;
    const g = this.embGrad.data;
    const inv = 1 / ids.length;
    for (let j = 0; j < ids.length; j++) {
      const row = ids[j] * d;
      for (let k = 0; k < d; k++) g[row + k] += dOut[off + k] * inv;
    }
  }

  /**
   * Scores of every candidate (`scores[c]`, in `cands` order) and values of every state. The returned
   * arrays are views into scratch, valid until the next forward.
   */
  forward(batch: DrrnBatch): { scores: Float32Array; values: Float32Array } {
    const d = this.embedDim;
    const B = batch.goals.length;
    const C = batch.cands.length;
    if (batch.contexts.length !== B || batch.candOffsets.length !== B + 1 || batch.candOffsets[B] !== C) {
      throw new RangeError(`DrrnScorer.forward: ${B} goals, ${batch.contexts.length} contexts, candOffsets of length ${batch.candOffsets.length} ending at ${batch.candOffsets[B]}, ${C} candidates do not line up`);
    }
    const Bp = roundUp(B, 64);
    const Cp = roundUp(C, 256);
    if (this.g.length < Bp * d) {
      this.g = new Float32Array(Bp * d);
      this.o = new Float32Array(Bp * d);
      this.abar = new Float32Array(Bp * d);
      this.v = new Float32Array(Bp * 3 * d);
      this.dVal = new Float32Array(Bp);
    }
    if (this.a.length < Cp * d) {
      this.a = new Float32Array(Cp * d);
      this.x = new Float32Array(Cp * (5 * d + EXTRA_FEATURES));
      this.dS = new Float32Array(Cp);
    }
    const { g, o, a, abar, x, v } = this;
    const W = 5 * d + EXTRA_FEATURES;
    for (let i = 0; i < B; i++) {
      this.bag(batch.goals[i], g, i * d);
      this.bag(batch.contexts[i], o, i * d);
      const ep = ++this.epoch;
      for (const id of batch.goals[i]) this.markG[id] = ep;
      for (const id of batch.contexts[i]) this.markO[id] = ep;
      for (let k = 0; k < d; k++) abar[i * d + k] = 0;
      const c0 = batch.candOffsets[i];
      const c1 = batch.candOffsets[i + 1];
      if (c1 <= c0) throw new RangeError(`DrrnScorer.forward: state ${i} has no candidate commands`);
      for (let c = c0; c < c1; c++) {
        this.bag(batch.cands[c], a, c * d);
        const xo = c * W;
        const ids = batch.cands[c];
        let mg = 0;
        let mo = 0;
        for (let j = 0; j < ids.length; j++) {
          if (this.markG[ids[j]] === ep) mg++;
          if (this.markO[ids[j]] === ep) mo++;
        }
        x[xo + 5 * d] = mg / ids.length;
        x[xo + 5 * d + 1] = mo / ids.length;
        // Position-wise exact matches of the command's words (ids start with its unigrams, in order).
        const nWords = unigramCount(ids);
        for (let p = 0; p < MATCH_POSITIONS; p++) {
          const w = p < nWords ? ids[p] : -1;
          x[xo + 5 * d + 2 + p] = w >= 0 && this.markG[w] === ep ? 1 : 0;
          x[xo + 5 * d + 2 + MATCH_POSITIONS + p] = w >= 0 && this.markO[w] === ep ? 1 : 0;
        }
        for (let k = 0; k < d; k++) {
          const ak = a[c * d + k];
          x[xo + k] = g[i * d + k] * ak;
          x[xo + d + k] = o[i * d + k] * ak;
          x[xo + 2 * d + k] = ak;
          x[xo + 3 * d + k] = g[i * d + k];
          x[xo + 4 * d + k] = o[i * d + k];
          abar[i * d + k] += ak;
        }
      }
      const inv = 1 / (c1 - c0);
      const vo = i * 3 * d;
      for (let k = 0; k < d; k++) {
        abar[i * d + k] *= inv;
        v[vo + k] = g[i * d + k];
        v[vo + d + k] = o[i * d + k];
        v[vo + 2 * d + k] = abar[i * d + k];
      }
    }
    x.fill(0, C * W, Cp * W);
    v.fill(0, B * 3 * d, Bp * 3 * d);
    const scores = this.scoreNet.forward(x.subarray(0, Cp * W), Cp);
    const values = this.valueNet.forward(v.subarray(0, Bp * 3 * d), Bp);
    this.last = batch;
    this.lastB = B;
    this.lastC = C;
    return { scores: scores.subarray(0, C), values: values.subarray(0, B) };
  }

  /** Accumulate gradients of a loss with dLoss/dscore = `dScores` [C] and dLoss/dV = `dValues` [B] (last forward). */
  backward(dScores: ArrayLike<number>, dValues: ArrayLike<number>): void {
    const batch = this.last;
    if (!batch) throw new Error('DrrnScorer.backward: call forward first');
    const d = this.embedDim;
    const B = this.lastB;
    const C = this.lastC;
    const Bp = roundUp(B, 64);
    const Cp = roundUp(C, 256);
    const dS = this.dS;
    const dVal = this.dVal;
    dS.fill(0, 0, Cp);
    dVal.fill(0, 0, Bp);
    for (let c = 0; c < C; c++) dS[c] = dScores[c];
    for (let i = 0; i < B; i++) dVal[i] = dValues[i];
    const dX = this.scoreNet.backward(dS.subarray(0, Cp), Cp, { inputGrad: true }) as Float32Array;
    const dV = this.valueNet.backward(dVal.subarray(0, Bp), Bp, { inputGrad: true }) as Float32Array;
    const { g, o, a } = this;
    const dg = new Float32Array(d);
    const dO = new Float32Array(d);
    const da = new Float32Array(d);
    for (let i = 0; i < B; i++) {
      const c0 = batch.candOffsets[i];
      const c1 = batch.candOffsets[i + 1];
      const vo = i * 3 * d;
      const inv = 1 / (c1 - c0);
      for (let k = 0; k < d; k++) {
        dg[k] = dV[vo + k];
        dO[k] = dV[vo + d + k];
      }
      for (let c = c0; c < c1; c++) {
        const xo = c * (5 * d + EXTRA_FEATURES);
        for (let k = 0; k < d; k++) {
          const ak = a[c * d + k];
          dg[k] += dX[xo + k] * ak + dX[xo + 3 * d + k];
          dO[k] += dX[xo + d + k] * ak + dX[xo + 4 * d + k];
          da[k] = dX[xo + k] * g[i * d + k] + dX[xo + d + k] * o[i * d + k] + dX[xo + 2 * d + k] + dV[vo + 2 * d + k] * inv;
        }
        this.unbag(batch.cands[c], da, 0);
      }
      this.unbag(batch.goals[i], dg, 0);
      this.unbag(batch.contexts[i], dO, 0);
    }
  }
}
