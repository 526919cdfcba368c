/**
 * Running mean and variance over batches (parallel Welford / Chan et al.), as Gymnasium's
 * `RunningMeanStd` with its initial count of 1e-4. Float64 accumulators; state exportable for checkpoints.
 */
export class RunningMeanStd {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count: number;

  constructor(readonly dim: number, epsilon = 1e-4) {
    this.mean = new Float64Array(dim);
    this.var = new Float64Array(dim).fill(1);
    this.count = epsilon;
  }

  /** Update with `batch` rows of `x` (row-major [batch, dim]), reading rows where `mask` (if given) is 1. */
  update(x: ArrayLike<number>, batch: number, mask?: Uint8Array): void {
    let n = 0;
    for (let b = 0; b < batch; b++) if (!mask || mask[b]) n++;
    if (n === 0) return;
    const d = this.dim;
    const tot = this.count + n;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let b = 0; b < batch; b++) if (!mask || mask[b]) s += x[b * d + j];
      const bMean = s / n;
      let ss = 0;
      for (let b = 0; b < batch; b++) {
        if (mask && !mask[b]) continue;
        const e = x[b * d + j] - bMean;
        ss += e * e;
      }
      const bVar = ss / n;
      const delta = bMean - this.mean[j];
      const m2 = this.var[j] * this.count + bVar * n + delta * delta * this.count * n / tot;
      this.mean[j] += delta * n / tot;
      this.var[j] = m2 / tot;
    }
    this.count = tot;
  }

  toJSON(): { mean: number[]; var: number[]; count: number } {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  load(s: { mean: ArrayLike<number>; var: ArrayLike<number>; count: number }): void {
    if (s.mean.length !== this.dim || s.var.length !== this.dim) {
      throw new RangeError(`RunningMeanStd: state has dim ${s.mean.length}, expected ${this.dim}`);
    }
    this.mean.set(Array.from(s.mean));
    this.var.set(Array.from(s.var));
    this.count = s.count;
  }
}

/**
 * Observation normalisation as PPO applies it: out[r·d + j] = clip((x[r·d + j] − mean[j]) / √(var[j] + 1e-8),
 * ±clip) for `rows` rows of width d = mean.length. Used by PPO and by behaviour cloning, which must agree.
 */
export function normalizeInto(x: ArrayLike<number>, out: Float32Array, rows: number, mean: ArrayLike<number>, variance: ArrayLike<number>, clip: number): void {
  const d = mean.length;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < d; j++) {
      const v = (x[r * d + j] - mean[j]) / Math.sqrt(variance[j] + 1e-8);
      out[r * d + j] = v > clip ? clip : v < -clip ? -clip : v;
    }
  }
}
