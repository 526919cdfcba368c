/**
 * Regression losses with gradients, over the first `n` elements of flat arrays.
 *
 * Each returns the loss (float64) and, when `dPred` is given, ACCUMULATES (+=) its gradient w.r.t. `pred`
 * into it. `coef` scales both (so `mseLoss(v, ret, n, dV, 0.5 * vfCoef)` is CleanRL PPO's unclipped
 * `vf_coef · 0.5 · ((v − ret)²).mean()`, and `mseLoss(q, tdTarget, n, dQ)` is DQN's `F.mse_loss`).
 */

function check(op: string, pred: ArrayLike<number>, target: ArrayLike<number>, n: number, dPred: Float32Array | null): void {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`${op}: n must be a positive integer, got ${n}`);
  if (pred.length < n) throw new RangeError(`${op}: pred has ${pred.length} elements, needs n = ${n}`);
  if (target.length < n) throw new RangeError(`${op}: target has ${target.length} elements, needs n = ${n}`);
  if (dPred !== null && dPred.length < n) throw new RangeError(`${op}: dPred has ${dPred.length} elements, needs n = ${n}`);
}

/** coef · mean((pred − target)²); dPred[i] += coef · 2(pred_i − target_i)/n. */
export function mseLoss(pred: ArrayLike<number>, target: ArrayLike<number>, n: number, dPred: Float32Array | null = null, coef = 1): number {
  check('mseLoss', pred, target, n, dPred);
  let s = 0;
  const g = (2 * coef) / n;
  for (let i = 0; i < n; i++) {
    const e = pred[i] - target[i];
    s += e * e;
    if (dPred !== null) dPred[i] += g * e;
  }
  return (coef * s) / n;
}

/**
 * coef · mean(huber_δ(pred − target)) with huber_δ(e) = ½e² for |e| ≤ δ, δ(|e| − ½δ) beyond (torch
 * `huber_loss`; equals `smooth_l1_loss` for δ = 1). dPred[i] += coef · clamp(e, −δ, δ)/n.
 */
export function huberLoss(
  pred: ArrayLike<number>, target: ArrayLike<number>, n: number, delta = 1, dPred: Float32Array | null = null, coef = 1,
): number {
  check('huberLoss', pred, target, n, dPred);
  if (!(delta > 0)) throw new RangeError(`huberLoss: delta must be > 0, got ${delta}`);
  let s = 0;
  const g = coef / n;
  for (let i = 0; i < n; i++) {
    const e = pred[i] - target[i];
    const a = Math.abs(e);
    if (a <= delta) {
      s += 0.5 * e * e;
      if (dPred !== null) dPred[i] += g * e;
    } else {
      s += delta * (a - 0.5 * delta);
      if (dPred !== null) dPred[i] += g * (e > 0 ? delta : -delta);
    }
  }
  return (coef * s) / n;
}
