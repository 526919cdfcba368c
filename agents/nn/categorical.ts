/**
 * Batched categorical distribution over `n` actions parameterised by logits (torch `Categorical(logits=…)`),
 * for discrete PPO heads. Stateless functions over row-major buffers; nothing allocates.
 *
 * Shapes: `logits` [batch × n]; `actions` [batch] integers in [0, n); per-row outputs [batch].
 * Argument order throughout: inputs, `batch`, `n`, then coefficients, then outputs.
 *
 * Gradient helpers ACCUMULATE (+=) into `dLogits` (zero it first), so the policy and entropy terms of a
 * loss add up. For a loss L = Σ_b gLogp[b]·log π(a_b) + Σ_b gEnt[b]·H_b:
 *   ∂log π(a)/∂z_j = 1[j = a] − p_j,        ∂H/∂z_j = −p_j·(log p_j + H).
 * PPO usage (per minibatch of `mb` rows, `nA` actions):
 * ```
 * const logits = actor.forward(obs, mb);
 * categoricalLogProb(logits, actions, mb, nA, newLogp);
 * categoricalEntropy(logits, mb, nA, entropy);
 * // ratio = exp(newLogp − oldLogp); gLogp[b] = dPgLoss/dNewLogp[b] (includes 1/mb and the clip mask)
 * dLogits.fill(0);
 * categoricalLogProbGrad(logits, actions, mb, nA, gLogp, dLogits);
 * categoricalEntropyGrad(logits, mb, nA, -entCoef / mb, dLogits);   // loss −entCoef·mean(H)
 * actor.backward(dLogits, mb);
 * ```
 * Logits of −Infinity (masked actions) get probability 0 and contribute nothing to entropy or gradients.
 */
import type { Rng } from '../../sim/rng.ts';

/** Writable numeric array for sampled actions (Int32Array, Float32Array, number[] …). */
export type ActionsOut = { length: number; [i: number]: number };

function checkLogits(op: string, logits: Float32Array, batch: number, n: number): void {
  if (!(Number.isInteger(batch) && batch >= 0 && Number.isInteger(n) && n >= 1)) {
    throw new RangeError(`${op}: batch must be a non-negative integer and n a positive integer, got batch=${batch}, n=${n}`);
  }
  if (logits.length < batch * n) throw new RangeError(`${op}: logits has ${logits.length} elements, needs batch*n = ${batch}*${n}`);
}

function need(op: string, name: string, arr: ArrayLike<number>, n: number, what: string): void {
  if (arr.length < n) throw new RangeError(`${op}: ${name} has ${arr.length} elements, needs ${what} = ${n}`);
}

function actionAt(op: string, actions: ArrayLike<number>, b: number, n: number): number {
  const a = actions[b];
  if (!(Number.isInteger(a) && a >= 0 && a < n)) throw new RangeError(`${op}: actions[${b}] must be an integer in [0, ${n}), got ${a}`);
  return a;
}

/** log Σ_j exp(z_j) of row `o..o+n`, stable. */
function logSumExp(logits: Float32Array, o: number, n: number): number {
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (logits[o + j] > max) max = logits[o + j];
  if (max === -Infinity || max === Infinity) return max;
  let s = 0;
  for (let j = 0; j < n; j++) s += Math.exp(logits[o + j] - max);
  return max + Math.log(s);
}

/** Entropy of row `o..o+n` given its log-sum-exp. */
function rowEntropy(logits: Float32Array, o: number, n: number, lse: number): number {
  let h = 0;
  for (let j = 0; j < n; j++) {
    const lp = logits[o + j] - lse;
    const p = Math.exp(lp);
    if (p > 0) h -= p * lp;
  }
  return h;
}

/** out[b] = a_b ~ softmax(logits_b), by inverse CDF with one `rng.random()` per row. */
export function categoricalSample(logits: Float32Array, batch: number, n: number, rng: Rng, out: ActionsOut): void {
  checkLogits('categoricalSample', logits, batch, n);
  need('categoricalSample', 'out', out, batch, 'batch');
  for (let b = 0; b < batch; b++) {
    const o = b * n;
    const lse = logSumExp(logits, o, n);
    let u = rng.random();
    let a = -1;
    let lastPositive = -1;
    for (let j = 0; j < n; j++) {
      const p = Math.exp(logits[o + j] - lse);
      if (p > 0) lastPositive = j;
      u -= p;
      if (u < 0 && p > 0) {
        a = j;
        break;
      }
    }
    // Rounding can leave u ≥ 0 after the last action: take the last action with non-zero probability.
    out[b] = a >= 0 ? a : Math.max(lastPositive, 0);
  }
}

/** out[b] = argmax_j logits[b, j] (first on ties), for deterministic evaluation. */
export function categoricalArgmax(logits: Float32Array, batch: number, n: number, out: ActionsOut): void {
  checkLogits('categoricalArgmax', logits, batch, n);
  need('categoricalArgmax', 'out', out, batch, 'batch');
  for (let b = 0; b < batch; b++) {
    const o = b * n;
    let best = 0;
    for (let j = 1; j < n; j++) if (logits[o + j] > logits[o + best]) best = j;
    out[b] = best;
  }
}

/** out[b] = log softmax(logits_b)[a_b]. */
export function categoricalLogProb(logits: Float32Array, actions: ArrayLike<number>, batch: number, n: number, out: Float32Array): void {
  checkLogits('categoricalLogProb', logits, batch, n);
  need('categoricalLogProb', 'actions', actions, batch, 'batch');
  need('categoricalLogProb', 'out', out, batch, 'batch');
  for (let b = 0; b < batch; b++) {
    const o = b * n;
    out[b] = logits[o + actionAt('categoricalLogProb', actions, b, n)] - logSumExp(logits, o, n);
  }
}

/** out[b] = H(softmax(logits_b)) = −Σ_j p_j log p_j (nats). */
export function categoricalEntropy(logits: Float32Array, batch: number, n: number, out: Float32Array): void {
  checkLogits('categoricalEntropy', logits, batch, n);
  need('categoricalEntropy', 'out', out, batch, 'batch');
  for (let b = 0; b < batch; b++) {
    const o = b * n;
    out[b] = rowEntropy(logits, o, n, logSumExp(logits, o, n));
  }
}

/** dLogits[b, j] += gLogp[b] · (1[j = a_b] − p_bj). */
export function categoricalLogProbGrad(
  logits: Float32Array, actions: ArrayLike<number>, batch: number, n: number, gLogp: ArrayLike<number>, dLogits: Float32Array,
): void {
  checkLogits('categoricalLogProbGrad', logits, batch, n);
  need('categoricalLogProbGrad', 'actions', actions, batch, 'batch');
  need('categoricalLogProbGrad', 'gLogp', gLogp, batch, 'batch');
  need('categoricalLogProbGrad', 'dLogits', dLogits, batch * n, 'batch*n');
  for (let b = 0; b < batch; b++) {
    const g = gLogp[b];
    if (g === 0) continue;
    const o = b * n;
    const a = actionAt('categoricalLogProbGrad', actions, b, n);
    const lse = logSumExp(logits, o, n);
    for (let j = 0; j < n; j++) dLogits[o + j] -= g * Math.exp(logits[o + j] - lse);
    dLogits[o + a] += g;
  }
}

/** dLogits[b, j] += gEnt_b · (−p_bj · (log p_bj + H_b)); `gEnt` is one coefficient for all rows or one per row. */
export function categoricalEntropyGrad(
  logits: Float32Array, batch: number, n: number, gEnt: number | ArrayLike<number>, dLogits: Float32Array,
): void {
  checkLogits('categoricalEntropyGrad', logits, batch, n);
  need('categoricalEntropyGrad', 'dLogits', dLogits, batch * n, 'batch*n');
  if (typeof gEnt !== 'number') need('categoricalEntropyGrad', 'gEnt', gEnt, batch, 'batch');
  const perRow = typeof gEnt !== 'number';
  for (let b = 0; b < batch; b++) {
    const g = perRow ? (gEnt as ArrayLike<number>)[b] : (gEnt as number);
    if (g === 0) continue;
    const o = b * n;
    const lse = logSumExp(logits, o, n);
    const h = rowEntropy(logits, o, n, lse);
    for (let j = 0; j < n; j++) {
      const lp = logits[o + j] - lse;
      const p = Math.exp(lp);
      if (p > 0) dLogits[o + j] -= g * p * (lp + h);
    }
  }
}
