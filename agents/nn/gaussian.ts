/**
 * Diagonal Gaussian policy head with a state-independent log standard deviation (CleanRL
 * ppo_continuous_action: `action_mean = actor_mean(x)`, `actor_logstd` a [1 × dim] parameter, zeros at init).
 * Stateless functions over row-major buffers; nothing allocates.
 *
 * Shapes: `mean` and `actions` [batch × dim]; `logStd` [dim] (the data of a [1 × dim] tensor); per-row
 * outputs [batch]. log-probabilities and entropies are summed over the action dimensions (torch
 * `Normal(...).log_prob(a).sum(1)`, `.entropy().sum(1)`). Argument order: inputs, `batch`, `dim`,
 * coefficients, outputs.
 *
 * Gradient helpers ACCUMULATE (+=) into `dMean` [batch × dim] and `dLogStd` [dim]. With σ = exp(logStd)
 * and u = (a − μ)/σ:
 *   log π = Σ_d −u_d²/2 − logσ_d − ½log 2π,   ∂log π/∂μ_d = u_d/σ_d,   ∂log π/∂logσ_d = u_d² − 1;
 *   H = Σ_d ½ + ½log 2π + logσ_d,             ∂H/∂μ = 0,               ∂H/∂logσ_d = 1.
 * PPO usage: `gaussianLogProbGrad(mean, logStd, actions, mb, dim, gLogp, dMean, logStdGrad.data)`,
 * `gaussianEntropyGrad(mb, dim, -entCoef / mb, logStdGrad.data)`, then `actorMean.backward(dMean, mb)`.
 */
import type { Rng } from '../../sim/rng.ts';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

function checkDims(op: string, batch: number, dim: number): void {
  if (!(Number.isInteger(batch) && batch >= 0 && Number.isInteger(dim) && dim >= 1)) {
    throw new RangeError(`${op}: batch must be a non-negative integer and dim a positive integer, got batch=${batch}, dim=${dim}`);
  }
}

function need(op: string, name: string, arr: ArrayLike<number>, n: number, what: string): void {
  if (arr.length < n) throw new RangeError(`${op}: ${name} has ${arr.length} elements, needs ${what} = ${n}`);
}

/** out[b, d] = μ[b, d] + exp(logStd[d])·ε, ε ~ N(0, 1) from `rng.normal()`. */
export function gaussianSample(mean: Float32Array, logStd: Float32Array, batch: number, dim: number, rng: Rng, out: Float32Array): void {
  const op = 'gaussianSample';
  checkDims(op, batch, dim);
  need(op, 'logStd', logStd, dim, 'dim');
  need(op, 'mean', mean, batch * dim, 'batch*dim');
  need(op, 'out', out, batch * dim, 'batch*dim');
  for (let b = 0; b < batch; b++) {
    const o = b * dim;
    for (let d = 0; d < dim; d++) out[o + d] = mean[o + d] + Math.exp(logStd[d]) * rng.normal();
  }
}

/** out[b] = Σ_d log N(a[b, d]; μ[b, d], σ_d²). */
export function gaussianLogProb(mean: Float32Array, logStd: Float32Array, actions: Float32Array, batch: number, dim: number, out: Float32Array): void {
  const op = 'gaussianLogProb';
  checkDims(op, batch, dim);
  need(op, 'logStd', logStd, dim, 'dim');
  need(op, 'mean', mean, batch * dim, 'batch*dim');
  need(op, 'actions', actions, batch * dim, 'batch*dim');
  need(op, 'out', out, batch, 'batch');
  for (let b = 0; b < batch; b++) {
    const o = b * dim;
    let s = 0;
    for (let d = 0; d < dim; d++) {
      const ls = logStd[d];
      const u = (actions[o + d] - mean[o + d]) * Math.exp(-ls);
      s -= 0.5 * u * u + ls + HALF_LOG_2PI;
    }
    out[b] = s;
  }
}

/** out[b] = Σ_d ½ + ½log 2π + logσ_d (the same for every row: the std does not depend on the state). */
export function gaussianEntropy(logStd: Float32Array, batch: number, dim: number, out: Float32Array): void {
  checkDims('gaussianEntropy', batch, dim);
  need('gaussianEntropy', 'logStd', logStd, dim, 'dim');
  let h = 0;
  for (let d = 0; d < dim; d++) h += 0.5 + HALF_LOG_2PI + logStd[d];
  for (let b = 0; b < batch; b++) out[b] = h;
}

/** dMean[b, d] += gLogp[b]·u/σ_d and dLogStd[d] += Σ_b gLogp[b]·(u² − 1), u = (a − μ)/σ. */
export function gaussianLogProbGrad(
  mean: Float32Array, logStd: Float32Array, actions: Float32Array, batch: number, dim: number,
  gLogp: ArrayLike<number>, dMean: Float32Array, dLogStd: Float32Array,
): void {
  const op = 'gaussianLogProbGrad';
  checkDims(op, batch, dim);
  need(op, 'logStd', logStd, dim, 'dim');
  need(op, 'mean', mean, batch * dim, 'batch*dim');
  need(op, 'actions', actions, batch * dim, 'batch*dim');
  need(op, 'gLogp', gLogp, batch, 'batch');
  need(op, 'dMean', dMean, batch * dim, 'batch*dim');
  need(op, 'dLogStd', dLogStd, dim, 'dim');
  for (let d = 0; d < dim; d++) {
    const invStd = Math.exp(-logStd[d]);
    let gls = 0;
    for (let b = 0; b < batch; b++) {
      const g = gLogp[b];
      const i = b * dim + d;
      const u = (actions[i] - mean[i]) * invStd;
      dMean[i] += g * u * invStd;
      gls += g * (u * u - 1);
    }
    dLogStd[d] += gls;
  }
}

/** dLogStd[d] += Σ_b gEnt_b (∂H/∂logσ_d = 1 per row; the mean gets no entropy gradient). */
export function gaussianEntropyGrad(batch: number, dim: number, gEnt: number | ArrayLike<number>, dLogStd: Float32Array): void {
  checkDims('gaussianEntropyGrad', batch, dim);
  need('gaussianEntropyGrad', 'dLogStd', dLogStd, dim, 'dim');
  if (typeof gEnt !== 'number') need('gaussianEntropyGrad', 'gEnt', gEnt, batch, 'batch');
  let total = 0;
  if (typeof gEnt === 'number') total = gEnt * batch;
  else for (let b = 0; b < batch; b++) total += gEnt[b];
  for (let d = 0; d < dim; d++) dLogStd[d] += total;
}
