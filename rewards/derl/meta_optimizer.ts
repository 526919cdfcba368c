/**
 * DERL's meta-optimizer: a small learned stochastic policy that writes a reward formula token by token,
 * updated by policy gradient with GROUP-RELATIVE advantages and PPO clipping.
 *
 * ## Vocabulary and constrained decoding
 * Tokens: `+ - * /`, `( )`, a few number literals (`args.numbers`), the family's primitive names, and
 * `<eos>`. The decoder tracks (expectOperand, depth, len, hasPrimitive) and masks every token after which
 * no valid formula fits in `maxLen` tokens:
 * - expecting an operand (start, after an operator or `(`): a number, a primitive, or `(`;
 * - after an operand or `)`: an operator, `)` when depth > 0, `<eos>` when depth = 0 and a primitive was used;
 * - a token is allowed only if the shortest completion after it still fits: from "expect operand at
 *   depth d" it is 1 + d (a primitive, then d closes); from "after operand at depth d" it is d, plus 2
 *   (an operator and a primitive) when no primitive appeared yet.
 * So every sampled formula parses, has balanced parentheses and ≥ 1 primitive (formula.ts still checks
 * finiteness: `g / (g - g)` can be sampled and scores −1).
 *
 * ## Network
 * `Mlp([inDim, hidden, V], tanh)` over a fixed-size encoding of the prefix (no recurrence, kept simple):
 * one-hot of the last `context` tokens (slot value "none" before the start), the count of each primitive so
 * far / maxLen, and [len / maxLen, depth / maxLen, hasPrimitive, expectOperand]. Masked logits are −∞.
 * A simplicity prior stands in for the LLM's: the output bias starts at `eosBias` for `<eos>` and
 * `primitiveBias` for primitives (0 elsewhere), so the first formulas are short sums and products of
 * primitives (about 5 tokens) rather than long strings of numbers (about 11 tokens with no bias).
 *
 * ## Update (`metaStep`)
 * For the n formulas of one iteration with scores v_i: A_i = (v_i − mean v) / std v (population std over
 * the group; a group with std < 1e-8 gets A = 0 and no update). Every token of formula i carries A_i.
 * Loss = −Σ_i (1/n)(1/T_i) Σ_t min(ρ_t A_i, clip(ρ_t, 1 ± ε) A_i) − entCoef · same-weighted entropy,
 * ρ_t = π_θ(a_t | prefix_t) / π_old(a_t | prefix_t), for `epochs` full-batch Adam steps with gradient-norm
 * clipping. Batches are padded to n·(maxLen + 1) rows (zero weight) so the Mlp reuses one workspace.
 */
import { z } from 'zod';
import { Adam, clipGradNorm } from '../../agents/nn/adam.ts';
import { categoricalEntropy, categoricalEntropyGrad, categoricalLogProb, categoricalLogProbGrad, categoricalSample } from '../../agents/nn/categorical.ts';
import { Mlp } from '../../agents/nn/mlp.ts';
import { Rng } from '../../sim/rng.ts';

export const MetaOptimizerArgs = z
  .object({
    maxLen: z.number().int().min(1).max(64).default(15).describe('most tokens in a formula (without <eos>)'),
    numbers: z.array(z.string().regex(/^\d+(\.\d+)?$/)).default(['0.5', '1', '2', '3']).describe('number literals the policy may write'),
    context: z.number().int().min(1).max(16).default(4).describe('last k tokens one-hot encoded as the prefix features'),
    hidden: z.number().int().min(1).default(64).describe('hidden width of the policy MLP'),
    lr: z.number().positive().default(5e-3).describe('Adam learning rate'),
    clipCoef: z.number().positive().default(0.2).describe('PPO clipping ε on the token probability ratio'),
    epochs: z.number().int().min(1).default(4).describe('full-batch PPO epochs per metaStep'),
    entCoef: z.number().min(0).default(0.01).describe('entropy bonus coefficient'),
    maxGradNorm: z.number().positive().default(1).describe('global gradient-norm clip'),
    eosBias: z.number().default(1).describe('initial logit bias of <eos> (a prior towards short formulas)'),
    primitiveBias: z.number().default(1).describe('initial logit bias of the primitive tokens (a prior towards primitives over numbers and parentheses)'),
  })
  .strict();
export type MetaOptimizerArgs = z.output<typeof MetaOptimizerArgs>;

/** One sampled formula with what the update needs. */
export interface FormulaSample {
  readonly tokens: readonly string[];
  /** Tokens joined by spaces, e.g. `( g_won + 2 ) * g_goalHeld`. */
  readonly formula: string;
  /** Encodings [T × inDim] (T = tokens + <eos>). */
  readonly obs: Float32Array;
  /** Allowed-token masks [T × V], 1 = allowed. */
  readonly masks: Uint8Array;
  readonly actions: Int32Array;
  /** log π_old(a_t | prefix_t). */
  readonly logp: Float32Array;
}

/** Diagnostics of one metaStep; losses, entropy, KL and clipFrac are those of the last epoch, before its step. */
export interface MetaStepStats {
  readonly advantages: Float64Array;
  readonly pgLoss: number;
  readonly entropy: number;
  readonly approxKl: number;
  readonly clipFrac: number;
  /** False when every advantage was 0 (nothing to learn from this group). */
  readonly updated: boolean;
}

/** A_i = (v_i − mean v) / std v with the population std; all zeros when std < 1e-8. */
export function groupRelativeAdvantages(scores: ArrayLike<number>): Float64Array {
  const n = scores.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(scores[i])) throw new RangeError(`groupRelativeAdvantages: scores[${i}] must be finite, got ${scores[i]}`);
    mean += scores[i];
  }
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (scores[i] - mean) ** 2;
  const std = Math.sqrt(v / n);
  if (std < 1e-8) return out;
  for (let i = 0; i < n; i++) out[i] = (scores[i] - mean) / std;
  return out;
}

const OPS = ['+', '-', '*', '/'] as const;
const EOS = '<eos>';

export class FormulaPolicy {
  readonly args: MetaOptimizerArgs;
  readonly vocab: readonly string[];
  readonly primitives: readonly string[];
  readonly inDim: number;
  readonly net: Mlp;
  readonly adam: Adam;
  private readonly kind: Int8Array; // 0 op, 1 '(', 2 ')', 3 number, 4 primitive, 5 eos
  private readonly primIndex: Int32Array; // vocab id → primitive slot or -1
  private readonly rowObs: Float32Array;
  private readonly rowLogits: Float32Array;
  private readonly rowAction = new Int32Array(1);
  private readonly rowLogp = new Float32Array(1);

  constructor(primitives: readonly string[], seed: number, args: Partial<z.input<typeof MetaOptimizerArgs>> = {}) {
    if (primitives.length === 0) throw new RangeError('FormulaPolicy: primitives must list at least one primitive name, got []');
    this.args = MetaOptimizerArgs.parse(args);
    this.primitives = [...primitives];
    this.vocab = [...OPS, '(', ')', ...this.args.numbers, ...primitives, EOS];
    const V = this.vocab.length;
    this.kind = new Int8Array(V);
    this.primIndex = new Int32Array(V).fill(-1);
    this.vocab.forEach((t, i) => {
      const p = primitives.indexOf(t);
      this.kind[i] = (OPS as readonly string[]).includes(t) ? 0 : t === '(' ? 1 : t === ')' ? 2 : t === EOS ? 5 : p >= 0 ? 4 : 3;
      if (p >= 0) this.primIndex[i] = p;
    });
    this.inDim = this.args.context * (V + 1) + primitives.length + 4;
    this.net = new Mlp({ sizes: [this.inDim, this.args.hidden, V], activation: 'tanh', outputGain: 0.01, rng: new Rng(seed) });
    // The simplicity prior: the output layer's bias starts at eosBias for <eos> and primitiveBias for primitives.
    const outBias = this.net.params()[this.net.params().length - 1].data;
    for (let i = 0; i < V; i++) outBias[i] = this.kind[i] === 5 ? this.args.eosBias : this.kind[i] === 4 ? this.args.primitiveBias : 0;
    this.adam = new Adam(this.net.params(), this.net.grads(), { lr: this.args.lr, eps: 1e-5 });
    this.rowObs = new Float32Array(this.inDim);
    this.rowLogits = new Float32Array(V);
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** Allowed next tokens (1/0 per vocab id) in decoding state (expectOperand, depth, len, hasPrim), into `out`. */
  allowedMask(expectOperand: boolean, depth: number, len: number, hasPrim: boolean, out: Uint8Array): void {
    const remaining = this.args.maxLen - len - 1; // tokens left after placing the next one
    for (let j = 0; j < this.vocab.length; j++) {
      let ok = false;
      switch (this.kind[j]) {
        case 0: // operator → expect operand at the same depth
          ok = !expectOperand && 1 + depth <= remaining;
          break;
        case 1: // '(' → expect operand at depth + 1
          ok = expectOperand && 1 + (depth + 1) <= remaining;
          break;
        case 2: // ')' → after operand at depth − 1
          ok = !expectOperand && depth > 0 && depth - 1 + (hasPrim ? 0 : 2) <= remaining;
          break;
        case 3: // number → after operand, a primitive still needed if none yet
          ok = expectOperand && depth + (hasPrim ? 0 : 2) <= remaining;
          break;
        case 4: // primitive
          ok = expectOperand && depth <= remaining;
          break;
        case 5: // <eos>
          ok = !expectOperand && depth === 0 && hasPrim;
          break;
      }
      out[j] = ok ? 1 : 0;
    }
  }

  /** The prefix features (see the header) into `out[0..inDim)`. */
  private encode(prefix: readonly number[], depth: number, hasPrim: boolean, expectOperand: boolean, out: Float32Array): void {
    out.fill(0);
    const V1 = this.vocab.length + 1;
    const { context, maxLen } = this.args;
    for (let s = 0; s < context; s++) {
      const idx = prefix.length - 1 - s;
      out[s * V1 + (idx >= 0 ? prefix[idx] : V1 - 1)] = 1;
    }
    const base = context * V1;
    for (const t of prefix) if (this.primIndex[t] >= 0) out[base + this.primIndex[t]] += 1 / maxLen;
    const f = base + this.primitives.length;
    out[f] = prefix.length / maxLen;
    out[f + 1] = depth / maxLen;
    out[f + 2] = hasPrim ? 1 : 0;
    out[f + 3] = expectOperand ? 1 : 0;
  }

  /** Sample one formula with `rng` under the constrained-decoding mask. */
  sampleOne(rng: Rng): FormulaSample {
    const V = this.vocab.length;
    const T = this.args.maxLen + 1;
    const obs = new Float32Array(T * this.inDim);
    const masks = new Uint8Array(T * V);
    const actions = new Int32Array(T);
    const logp = new Float32Array(T);
    const prefix: number[] = [];
    let depth = 0;
    let hasPrim = false;
    let expectOperand = true;
    let t = 0;
    for (;;) {
      const mask = masks.subarray(t * V, (t + 1) * V);
      this.allowedMask(expectOperand, depth, prefix.length, hasPrim, mask);
      this.encode(prefix, depth, hasPrim, expectOperand, this.rowObs);
      obs.set(this.rowObs, t * this.inDim);
      const logits = this.net.forward(this.rowObs, 1);
      for (let j = 0; j < V; j++) this.rowLogits[j] = mask[j] ? logits[j] : -Infinity;
      categoricalSample(this.rowLogits, 1, V, rng, this.rowAction);
      categoricalLogProb(this.rowLogits, this.rowAction, 1, V, this.rowLogp);
      const a = this.rowAction[0];
      actions[t] = a;
      logp[t] = this.rowLogp[0];
      t++;
      const k = this.kind[a];
      if (k === 5) break;
      prefix.push(a);
      if (k === 1) depth++;
      else if (k === 2) depth--;
      if (k === 4) hasPrim = true;
      expectOperand = k === 0 || k === 1;
    }
    const tokens = prefix.map((i) => this.vocab[i]);
    return { tokens, formula: tokens.join(' '), obs: obs.slice(0, t * this.inDim), masks: masks.slice(0, t * V), actions: actions.slice(0, t), logp: logp.slice(0, t) };
  }

  /** n formulas, sampled in order with `rng`. */
  sample(n: number, rng: Rng): FormulaSample[] {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`FormulaPolicy.sample: n must be a positive integer, got ${n}`);
    return Array.from({ length: n }, () => this.sampleOne(rng));
  }

  /**
   * One outer update from a group of formulas and their validation scores (invalid = −1, threw = 0):
   * group-relative advantages, then `epochs` clipped policy-gradient steps over all their tokens.
   */
  metaStep(samples: readonly FormulaSample[], scores: ArrayLike<number>): MetaStepStats {
    const n = samples.length;
    if (scores.length !== n) throw new RangeError(`metaStep: got ${n} samples but ${scores.length} scores`);
    const advantages = groupRelativeAdvantages(scores);
    if (advantages.every((a) => a === 0)) return { advantages, pgLoss: 0, entropy: 0, approxKl: 0, clipFrac: 0, updated: false };
    const V = this.vocab.length;
    const D = this.inDim;
    const N = n * (this.args.maxLen + 1); // padded batch
    // BATCH: every token row, its advantage and weight 1/(n·T_i); padding rows have weight 0.
    const obs = new Float32Array(N * D);
    const masks = new Uint8Array(N * V).fill(1);
    const actions = new Int32Array(N);
    const oldLogp = new Float32Array(N);
    const adv = new Float64Array(N);
    const w = new Float64Array(N);
    let rows = 0;
    samples.forEach((s, i) => {
      const T = s.actions.length;
      obs.set(s.obs, rows * D);
      masks.set(s.masks, rows * V);
      actions.set(s.actions, rows);
      oldLogp.set(s.logp, rows);
      for (let t = 0; t < T; t++) {
        adv[rows + t] = advantages[i];
        w[rows + t] = 1 / (n * T);
      }
      rows += T;
    });
    const logits = new Float32Array(N * V);
    const dLogits = new Float32Array(N * V);
    const newLogp = new Float32Array(N);
    const ent = new Float32Array(N);
    const gLogp = new Float64Array(N);
    const gEnt = new Float64Array(N);
    const eps = this.args.clipCoef;
    let pgLoss = 0;
    let entropy = 0;
    let approxKl = 0;
    let clipped = 0;
    // UPDATE: full-batch PPO epochs.
    for (let epoch = 0; epoch < this.args.epochs; epoch++) {
      const out = this.net.forward(obs, N);
      for (let r = 0; r < N * V; r++) logits[r] = masks[r] ? out[r] : -Infinity;
      categoricalLogProb(logits, actions, N, V, newLogp);
      categoricalEntropy(logits, N, V, ent);
      pgLoss = 0;
      entropy = 0;
      approxKl = 0;
      clipped = 0;
      for (let r = 0; r < rows; r++) {
        const ratio = Math.exp(newLogp[r] - oldLogp[r]);
        const a = adv[r];
        const unclippedObj = ratio * a;
        const clippedObj = Math.min(Math.max(ratio, 1 - eps), 1 + eps) * a;
        pgLoss -= w[r] * Math.min(unclippedObj, clippedObj);
        const isClipped = (a > 0 && ratio > 1 + eps) || (a < 0 && ratio < 1 - eps);
        if (isClipped) clipped++;
        // d(−w·min(ρA, clip(ρ)A))/d log π = −w·A·ρ where the unclipped term is active, else 0.
        gLogp[r] = isClipped ? 0 : -w[r] * a * ratio;
        gEnt[r] = -this.args.entCoef * w[r];
        entropy += w[r] * ent[r];
        approxKl += w[r] * (oldLogp[r] - newLogp[r]);
      }
      for (let r = rows; r < N; r++) {
        gLogp[r] = 0;
        gEnt[r] = 0;
      }
      dLogits.fill(0);
      categoricalLogProbGrad(logits, actions, N, V, gLogp, dLogits);
      categoricalEntropyGrad(logits, N, V, gEnt, dLogits);
      this.net.zeroGrad();
      this.net.backward(dLogits, N);
      clipGradNorm(this.net.grads(), this.args.maxGradNorm);
      this.adam.step();
    }
    return { advantages, pgLoss, entropy, approxKl, clipFrac: rows > 0 ? clipped / rows : 0, updated: true };
  }
}

/** `policy.metaStep(samples, scores)` as a function (the outer update of one DERL iteration). */
export function metaStep(policy: FormulaPolicy, samples: readonly FormulaSample[], scores: ArrayLike<number>): MetaStepStats {
  return policy.metaStep(samples, scores);
}
