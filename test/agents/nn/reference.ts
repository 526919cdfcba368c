// Independent float64 reference MLP (torch layout, exact Math.tanh) for the gradient checks.
import type { ActivationName } from '../../../agents/nn/activations.ts';

const f: Record<ActivationName, (z: number) => number> = {
  tanh: Math.tanh,
  relu: (z) => (z > 0 ? z : 0),
  identity: (z) => z,
};

/**
 * y = MLP(x) in float64. `params` holds W0, b0, W1, b1, … as float64 copies (W_l [out × in]).
 * `kinks`, when given, collects the sign of every relu pre-activation (to detect finite differences that
 * cross a kink).
 */
export function referenceForward(
  params: readonly Float64Array[], sizes: readonly number[], hidden: ActivationName, output: ActivationName,
  x: Float64Array, batch: number, kinks?: number[],
): Float64Array {
  let h = x;
  const nLayers = sizes.length - 1;
  for (let l = 0; l < nLayers; l++) {
    const nIn = sizes[l], nOut = sizes[l + 1];
    const w = params[2 * l], b = params[2 * l + 1];
    const act = l === nLayers - 1 ? output : hidden;
    const next = new Float64Array(batch * nOut);
    for (let r = 0; r < batch; r++) for (let j = 0; j < nOut; j++) {
      let s = b[j];
      for (let p = 0; p < nIn; p++) s += h[r * nIn + p] * w[j * nIn + p];
      if (kinks !== undefined && act === 'relu') kinks.push(s > 0 ? 1 : 0);
      next[r * nOut + j] = f[act](s);
    }
    h = next;
  }
  return h;
}

/** Σ_i r_i·y_i in float64. */
export function dot(r: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += r[i] * y[i];
  return s;
}
