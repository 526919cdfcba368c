/**
 * Element-wise activations with their derivatives, over typed arrays (no allocation).
 *
 * `forward(z, h, n)` writes h = f(z) for the first n elements; `backward(z, h, dH, dZ, n)` writes
 * dZ = dH ⊙ f'(z) using whichever of the cached pre-activation z or output h is cheaper. `h` may alias `z`
 * and `dZ` may alias `dH` (in-place).
 *
 * tanh uses a clamped [13/6] rational approximation (Eigen's `generic_fast_tanh_float`, the one torch's
 * CPU kernels vectorise to) rather than `Math.tanh`: ~10× faster on V8, max abs error 2.4e-7 vs the exact
 * value (a few float32 ulps), exactly odd, |tanh| < 1. Its derivative is taken as 1 − h².
 * relu's derivative at 0 is 0 (torch's convention).
 */

export type ActivationName = 'tanh' | 'relu' | 'identity';

export interface Activation {
  readonly name: ActivationName;
  forward(z: Float32Array, h: Float32Array, n: number): void;
  backward(z: Float32Array, h: Float32Array, dH: Float32Array, dZ: Float32Array, n: number): void;
}

const TANH_CLAMP = 7.90531110763549805;

/** tanh(x) to float32 accuracy (see the file header). */
export function fastTanh(x: number): number {
  const v = x > TANH_CLAMP ? TANH_CLAMP : x < -TANH_CLAMP ? -TANH_CLAMP : x;
  const x2 = v * v;
  let p = x2 * -2.76076847742355e-16 + 2.00018790482477e-13;
  p = x2 * p + -8.60467152213735e-11;
  p = x2 * p + 5.12229709037114e-8;
  p = x2 * p + 1.48572235717979e-5;
  p = x2 * p + 6.37261928875436e-4;
  p = x2 * p + 4.89352455891786e-3;
  let q = x2 * 1.19825839466702e-6 + 1.18534705686654e-4;
  q = x2 * q + 2.268434632439e-3;
  q = x2 * q + 4.89352518554385e-3;
  // NaN in gives NaN out (the clamp comparisons are false for NaN).
  return (v * p) / q;
}

export const tanh: Activation = Object.freeze({
  name: 'tanh' as const,
  forward(z: Float32Array, h: Float32Array, n: number): void {
    for (let i = 0; i < n; i++) h[i] = fastTanh(z[i]);
  },
  backward(_z: Float32Array, h: Float32Array, dH: Float32Array, dZ: Float32Array, n: number): void {
    for (let i = 0; i < n; i++) {
      const y = h[i];
      dZ[i] = dH[i] * (1 - y * y);
    }
  },
});

export const relu: Activation = Object.freeze({
  name: 'relu' as const,
  forward(z: Float32Array, h: Float32Array, n: number): void {
    for (let i = 0; i < n; i++) {
      const v = z[i];
      h[i] = v > 0 ? v : 0;
    }
  },
  backward(z: Float32Array, _h: Float32Array, dH: Float32Array, dZ: Float32Array, n: number): void {
    for (let i = 0; i < n; i++) dZ[i] = z[i] > 0 ? dH[i] : 0;
  },
});

export const identity: Activation = Object.freeze({
  name: 'identity' as const,
  forward(z: Float32Array, h: Float32Array, n: number): void {
    if (h !== z) for (let i = 0; i < n; i++) h[i] = z[i];
  },
  backward(_z: Float32Array, _h: Float32Array, dH: Float32Array, dZ: Float32Array, n: number): void {
    if (dZ !== dH) for (let i = 0; i < n; i++) dZ[i] = dH[i];
  },
});

const ACTIVATIONS: Readonly<Record<ActivationName, Activation>> = { tanh, relu, identity };

/** The activation called `name`; the error lists the valid names. */
export function activation(name: ActivationName): Activation {
  const a = Object.prototype.hasOwnProperty.call(ACTIVATIONS, name) ? ACTIVATIONS[name] : undefined;
  if (a === undefined) throw new RangeError(`unknown activation "${String(name)}", expected one of ${Object.keys(ACTIVATIONS).join(', ')}`);
  return a;
}
