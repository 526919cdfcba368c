/**
 * VLM-RM's goal–baseline reward (Rocamonde et al., "Vision-Language Models are Zero-Shot Reward Models
 * for Reinforcement Learning", ICLR 2024, AlignmentResearch/vlmrm):
 *
 *   x = image embedding / ‖image embedding‖                      (one frame, dim D)
 *   g = mean_k(t_k / ‖t_k‖) over the goal prompts                 (NOT re-normalised)
 *   b = mean_k(t_k / ‖t_k‖) over the baseline prompts             (NOT re-normalised)
 *   d = g − b,   P = α·d dᵀ/‖d‖² + (1 − α)·I
 *   R(x) = 1 − ½‖(x − g)P‖²
 *
 * P is symmetric, so with y = x − g and p = y·d/‖d‖ the squared norm expands to
 *   ‖(x − g)P‖² = α(2 − α)·p² + (1 − α)²·‖y‖²
 * which is what `rewardBatch` computes: O(D) per frame, no allocation, no D×D matrix.
 *
 * Properties (tested in test/rewards/vlm/vlmrm.test.ts): R(g) = 1 is the maximum; α = 0 with one goal
 * prompt gives R = cos(x, g) (since ‖x‖ = ‖g‖ = 1, ½‖x − g‖² = 1 − cos); α = 1 only sees the component of
 * x − g along d; a frame's reward does not depend on the other frames of its batch.
 *
 * Multi-view: with V cameras the reward of a step is the mean of the V per-view rewards (each view is
 * embedded and scored on its own; `rewardViews`). The mean keeps R ≤ 1 and R = 1 only when every view
 * matches the goal.
 */

export interface VlmRmOptions {
  /** α ∈ [0, 1]: 0 = plain distance to the goal embedding, 1 = only the goal − baseline direction. */
  readonly alpha: number;
}

/** ‖v‖ of row `row` of a row-major [n × dim] array. */
function rowNorm(v: Float32Array, off: number, dim: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) s += v[off + k] * v[off + k];
  return Math.sqrt(s);
}

/**
 * Mean of the L2-normalised rows of `rows` [n × dim] (not re-normalised), the VLM-RM goal/baseline point.
 * Throws when a row is zero or non-finite (an embedder bug: the direction would be undefined).
 */
export function meanOfNormalised(rows: Float32Array, n: number, dim: number, what = 'embedding'): Float32Array {
  if (n < 1) throw new RangeError(`meanOfNormalised: needs at least one ${what}, got 0`);
  if (rows.length < n * dim) throw new RangeError(`meanOfNormalised: ${what}s have ${rows.length} values, need n*dim = ${n}*${dim}`);
  const out = new Float32Array(dim);
  for (let i = 0; i < n; i++) {
    const nrm = rowNorm(rows, i * dim, dim);
    if (!(nrm > 0) || !Number.isFinite(nrm)) throw new RangeError(`meanOfNormalised: ${what} ${i} has norm ${nrm}; cannot normalise it`);
    for (let k = 0; k < dim; k++) out[k] += rows[i * dim + k] / nrm / n;
  }
  return out;
}

/**
 * The reward model for one (goal prompts, baseline prompts, α): holds g, d/‖d‖ and the two coefficients,
 * scores batches of image embeddings into a caller-owned buffer.
 */
export class VlmRm {
  readonly dim: number;
  readonly alpha: number;
  /** Goal point g (mean of normalised goal embeddings). */
  readonly goal: Float32Array;
  /** Baseline point b. */
  readonly baseline: Float32Array;
  /** d/‖d‖ (zeros when α = 0 and d = 0: unused then). */
  readonly direction: Float32Array;
  private readonly cDir: number;
  private readonly cIso: number;

  /**
   * `goalEmb` [nGoal × dim] and `baselineEmb` [nBase × dim] are raw text embeddings (normalised here).
   * With α > 0 the baseline must differ from the goal (‖d‖ > 0); with α = 0 the baseline is not used and
   * may be empty.
   */
  constructor(goalEmb: Float32Array, nGoal: number, baselineEmb: Float32Array, nBase: number, dim: number, opts: VlmRmOptions) {
    if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`VlmRm: dim must be a positive integer, got ${dim}`);
    const alpha = opts.alpha;
    if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`VlmRm: alpha must be in [0, 1], got ${alpha}`);
    this.dim = dim;
    this.alpha = alpha;
    this.goal = meanOfNormalised(goalEmb, nGoal, dim, 'goal prompt embedding');
    this.baseline = nBase > 0 ? meanOfNormalised(baselineEmb, nBase, dim, 'baseline prompt embedding') : new Float32Array(dim);
    if (alpha > 0 && nBase < 1) throw new RangeError(`VlmRm: alpha = ${alpha} > 0 needs at least one baseline prompt`);
    this.direction = new Float32Array(dim);
    let dn = 0;
    for (let k = 0; k < dim; k++) dn += (this.goal[k] - this.baseline[k]) ** 2;
    dn = Math.sqrt(dn);
    if (alpha > 0) {
      if (!(dn > 1e-12)) throw new RangeError(`VlmRm: the goal and baseline embeddings coincide (‖g − b‖ = ${dn}); with alpha = ${alpha} > 0 the direction is undefined — use other baseline prompts or alpha 0`);
      for (let k = 0; k < dim; k++) this.direction[k] = (this.goal[k] - this.baseline[k]) / dn;
    }
    this.cDir = alpha * (2 - alpha);
    this.cIso = (1 - alpha) * (1 - alpha);
  }

  /**
   * R for one raw image embedding at `img[off .. off+dim)` (normalised here). A zero embedding gives NaN
   * (the caller's guard counts it).
   */
  rewardOne(img: Float32Array, off = 0): number {
    const dim = this.dim, g = this.goal, u = this.direction;
    const inv = 1 / rowNorm(img, off, dim);
    let yy = 0;
    let p = 0;
    for (let k = 0; k < dim; k++) {
      const y = img[off + k] * inv - g[k];
      yy += y * y;
      p += y * u[k];
    }
    return 1 - 0.5 * (this.cDir * p * p + this.cIso * yy);
  }

  /** R of each of the n raw image embeddings in `imgs` [n × dim] into `out[outOff + i]`. */
  rewardBatch(imgs: Float32Array, n: number, out: Float32Array, outOff = 0): Float32Array {
    if (imgs.length < n * this.dim) throw new RangeError(`VlmRm.rewardBatch: imgs has ${imgs.length} values, needs n*dim = ${n}*${this.dim}`);
    if (out.length < outOff + n) throw new RangeError(`VlmRm.rewardBatch: out has ${out.length} slots, needs ${outOff + n}`);
    for (let i = 0; i < n; i++) out[outOff + i] = this.rewardOne(imgs, i * this.dim);
    return out;
  }

  /**
   * Multi-view: `imgs` holds n steps × V views, row (i·V + v) = step i seen by camera v. The step's reward
   * is the mean of its V per-view rewards, written to `out[outOff + i]`.
   */
  rewardViews(imgs: Float32Array, n: number, views: number, out: Float32Array, outOff = 0): Float32Array {
    if (!Number.isInteger(views) || views < 1) throw new RangeError(`VlmRm.rewardViews: views must be a positive integer, got ${views}`);
    if (imgs.length < n * views * this.dim) throw new RangeError(`VlmRm.rewardViews: imgs has ${imgs.length} values, needs n*views*dim = ${n}*${views}*${this.dim}`);
    if (out.length < outOff + n) throw new RangeError(`VlmRm.rewardViews: out has ${out.length} slots, needs ${outOff + n}`);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let v = 0; v < views; v++) s += this.rewardOne(imgs, (i * views + v) * this.dim);
      out[outOff + i] = s / views;
    }
    return out;
  }
}
