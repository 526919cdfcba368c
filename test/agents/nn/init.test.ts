// Proves: orthogonal init is orthogonal with the requested gain (WᵀW = gain²·I for square/tall, WWᵀ for
// wide), as torch.nn.init.orthogonal_, and deterministic in the seed; torch-default init stays in bounds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orthogonal } from '../../../agents/nn/init.ts';
import { Linear } from '../../../agents/nn/linear.ts';
import { Mlp } from '../../../agents/nn/mlp.ts';
import { Rng } from '../../../sim/rng.ts';

/** max |(gram) − gain²·I| where gram = WᵀW (over columns) when rows ≥ cols else WWᵀ. */
function gramError(w: Float32Array, rows: number, cols: number, gain: number): number {
  const tall = rows >= cols;
  const d = tall ? cols : rows;
  let worst = 0;
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
    let s = 0;
    if (tall) for (let i = 0; i < rows; i++) s += w[i * cols + a] * w[i * cols + b];
    else for (let j = 0; j < cols; j++) s += w[a * cols + j] * w[b * cols + j];
    worst = Math.max(worst, Math.abs(s - (a === b ? gain * gain : 0)));
  }
  return worst;
}

describe('orthogonal', () => {
  it('gives WᵀW ≈ gain²·I for square and tall, WWᵀ ≈ gain²·I for wide matrices', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.constantFrom(1, Math.SQRT2, 0.01, 3), fc.nat(),
      (rows, cols, gain, seed) => {
        const w = orthogonal(rows, cols, gain, new Rng(seed));
        expect(gramError(w, rows, cols, gain)).toBeLessThan(2e-6 * gain * gain * Math.max(rows, cols));
      },
    ), { numRuns: 200 });
  });

  it('is not the identity or a permutation (the Gaussian draw matters) and is deterministic in the seed', () => {
    const a = orthogonal(8, 8, 1, new Rng(5));
    expect(Array.from(orthogonal(8, 8, 1, new Rng(5)))).toEqual(Array.from(a));
    expect(Array.from(orthogonal(8, 8, 1, new Rng(6)))).not.toEqual(Array.from(a));
    const nearlyZero = Array.from(a).filter((v) => Math.abs(v) < 1e-6).length;
    expect(nearlyZero).toBeLessThan(8);
  });

  it('has entries with mean ≈ 0 and variance ≈ 1/rows for square matrices', () => {
    const rng = new Rng(11);
    let s = 0, s2 = 0, count = 0;
    for (let t = 0; t < 50; t++) {
      const w = orthogonal(16, 16, 1, rng);
      for (const v of w) { s += v; s2 += v * v; count++; }
    }
    expect(Math.abs(s / count)).toBeLessThan(0.01);
    expect(s2 / count).toBeCloseTo(1 / 16, 6);
  });

  it('rejects bad sizes', () => {
    expect(() => orthogonal(0, 3, 1, new Rng(0))).toThrow('orthogonal: rows and cols must be positive integers, got rows=0, cols=3');
  });
});

describe('layer initialisation', () => {
  it('Linear orthogonal init: weight [out × in] follows orthogonal_ on that shape, bias constant', () => {
    const layer = new Linear(5, 7, { rng: new Rng(1), gain: 2, biasConst: 0.5 });
    expect(layer.weight.shape).toEqual([7, 5]);
    expect(gramError(layer.weight.data, 7, 5, 2)).toBeLessThan(1e-5);
    expect(Array.from(layer.bias.data)).toEqual(new Array(7).fill(0.5));
  });

  it("Linear 'torch' init: weight and bias inside ±1/√in and not constant", () => {
    const layer = new Linear(9, 30, { rng: new Rng(2), init: 'torch' });
    const bound = 1 / 3;
    for (const v of [...layer.weight.data, ...layer.bias.data]) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    expect(Math.max(...layer.weight.data) - Math.min(...layer.weight.data)).toBeGreaterThan(bound);
    expect(() => new Linear(2, 2, { rng: new Rng(0), init: 'torch', gain: 2 })).toThrow(/gain and biasConst apply to init 'orthogonal' only/);
  });

  it('Mlp uses CleanRL layer_init gains: √2 hidden, outputGain on the head, zero biases', () => {
    const actor = new Mlp({ sizes: [4, 64, 64, 2], activation: 'tanh', outputGain: 0.01, rng: new Rng(3) });
    const [l0, l1, l2] = actor.layers;
    expect(gramError(l0.weight.data, 64, 4, Math.SQRT2)).toBeLessThan(1e-5);
    expect(gramError(l1.weight.data, 64, 64, Math.SQRT2)).toBeLessThan(1e-4);
    expect(gramError(l2.weight.data, 2, 64, 0.01)).toBeLessThan(1e-8);
    for (const layer of actor.layers) expect(layer.bias.data.every((v) => v === 0)).toBe(true);
    const custom = new Mlp({ sizes: [3, 3, 3], activation: 'relu', gains: [0.5, 2], rng: new Rng(4) });
    expect(gramError(custom.layers[0].weight.data, 3, 3, 0.5)).toBeLessThan(1e-6);
    expect(gramError(custom.layers[1].weight.data, 3, 3, 2)).toBeLessThan(1e-5);
    expect(() => new Mlp({ sizes: [3, 3, 3], activation: 'relu', gains: [1], rng: new Rng(4) })).toThrow('Mlp: gains needs one entry per linear layer (2), got 1');
  });
});
