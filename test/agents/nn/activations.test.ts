// Proves: each activation's forward matches its exact definition (fast tanh to 3e-7) and its backward
// matches float64 central differences, including in place.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activation, fastTanh, type ActivationName } from '../../../agents/nn/activations.ts';
import { Rng } from '../../../sim/rng.ts';
import { centralDiff, expectGradClose, randomArray } from './gradcheck.ts';

const exact: Record<ActivationName, (z: number) => number> = {
  tanh: Math.tanh,
  relu: (z) => Math.max(z, 0),
  identity: (z) => z,
};

describe('fastTanh', () => {
  it('is within 3e-7 of Math.tanh on a dense grid, odd, and bounded by 1', () => {
    let worst = 0, largest = 0, oddViolations = 0;
    for (let x = -20; x <= 20; x += 1e-3) {
      const y = Math.fround(fastTanh(x));
      worst = Math.max(worst, Math.abs(y - Math.tanh(x)));
      largest = Math.max(largest, Math.abs(y));
      if (fastTanh(-x) !== -fastTanh(x)) oddViolations++;
    }
    expect(worst).toBeLessThan(3e-7);
    expect(largest).toBeLessThanOrEqual(1);
    expect(oddViolations).toBe(0);
    expect(fastTanh(0)).toBe(0);
    expect(fastTanh(Infinity)).toBeCloseTo(1, 6);
    expect(Number.isNaN(fastTanh(NaN))).toBe(true);
  });
});

describe.each(['tanh', 'relu', 'identity'] as const)('%s', (name) => {
  const act = activation(name);

  it('forward matches the exact function', () => {
    const z = randomArray(new Rng(1), 200, 3);
    const h = new Float32Array(200);
    act.forward(z, h, 200);
    for (let i = 0; i < 200; i++) expect(Math.abs(h[i] - exact[name](z[i]))).toBeLessThan(3e-7);
  });

  it('backward matches float64 central differences of Σ r·f(z), also in place', () => {
    fc.assert(fc.property(fc.nat(), fc.integer({ min: 1, max: 30 }), (seed, n) => {
      const rng = new Rng(seed);
      const z = randomArray(rng, n, 2);
      const r = randomArray(rng, n);
      const h = new Float32Array(n);
      act.forward(z, h, n);
      const dZ = new Float32Array(n);
      act.backward(z, h, r, dZ, n);
      const z64 = Float64Array.from(z);
      const numeric = new Float64Array(n);
      for (let i = 0; i < n; i++) numeric[i] = centralDiff(() => r[i] * exact[name](z64[i]), z64, i);
      expectGradClose(dZ, numeric, `${name}'`, 1e-5, 1e-5);
      const inPlace = Float32Array.from(r);
      act.backward(z, h, inPlace, inPlace, n);
      expect(Array.from(inPlace)).toEqual(Array.from(dZ));
    }), { numRuns: 100 });
  });
});

describe('activation()', () => {
  it('relu has derivative 0 at 0 (torch) and rejects unknown names', () => {
    const dZ = new Float32Array(1);
    activation('relu').backward(new Float32Array(1), new Float32Array(1), Float32Array.of(5), dZ, 1);
    expect(dZ[0]).toBe(0);
    expect(() => activation('gelu' as ActivationName)).toThrow('unknown activation "gelu", expected one of tanh, relu, identity');
  });
});
