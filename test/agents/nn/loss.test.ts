// Proves: MSE and Huber return coef·mean(loss) with torch's definitions and accumulate gradients equal
// to central differences, on both sides of the Huber threshold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { huberLoss, mseLoss } from '../../../agents/nn/loss.ts';
import { Rng } from '../../../sim/rng.ts';
import { centralDiff, expectGradClose } from './gradcheck.ts';

const problem = fc.record({ n: fc.integer({ min: 1, max: 12 }), seed: fc.nat(), coef: fc.constantFrom(1, 0.5, 2.5), delta: fc.constantFrom(0.5, 1, 3) });

function setup(n: number, seed: number) {
  const rng = new Rng(seed);
  const pred = Float64Array.from({ length: n }, () => rng.normal(0, 2));
  const target = Float64Array.from({ length: n }, () => rng.normal(0, 2));
  return { pred, target };
}

describe('mseLoss', () => {
  it('computes coef·mean((p − t)²) and its gradient', () => {
    expect(mseLoss([1, 2], [0, 4], 2)).toBe(2.5);
    expect(mseLoss([1, 2], [0, 4], 2, null, 0.5)).toBe(1.25);
    fc.assert(fc.property(problem, ({ n, seed, coef }) => {
      const { pred, target } = setup(n, seed);
      const d = new Float32Array(n).fill(1);
      mseLoss(pred, target, n, d, coef);
      const numeric = pred.map((_, i) => centralDiff(() => mseLoss(pred, target, n, null, coef), pred, i));
      expectGradClose(d.map((v) => v - 1), numeric, 'dPred', 1e-5, 1e-4);
    }));
  });
});

describe('huberLoss', () => {
  it('is ½e² inside δ and δ(|e| − ½δ) outside (torch huber_loss)', () => {
    expect(huberLoss([0.5], [0], 1)).toBe(0.125);
    expect(huberLoss([3], [0], 1)).toBe(2.5);
    expect(huberLoss([-3], [0], 1, 2)).toBe(4);
    expect(huberLoss([0.5, 3], [0, 0], 2, 1, null, 2)).toBe(2.625);
    expect(() => huberLoss([1], [0], 1, 0)).toThrow('huberLoss: delta must be > 0, got 0');
  });

  it('gradient matches central differences (clamped outside δ)', () => {
    fc.assert(fc.property(problem, ({ n, seed, coef, delta }) => {
      const { pred, target } = setup(n, seed);
      const d = new Float32Array(n);
      huberLoss(pred, target, n, delta, d, coef);
      const numeric = pred.map((_, i) => centralDiff(() => huberLoss(pred, target, n, delta, null, coef), pred, i));
      expectGradClose(d, numeric, 'dPred', 1e-5, 1e-4);
      for (let i = 0; i < n; i++) expect(Math.abs(d[i])).toBeLessThanOrEqual((coef * delta) / n + 1e-7);
    }));
  });

  it('checks lengths', () => {
    expect(() => mseLoss([1], [1, 2], 2)).toThrow('mseLoss: pred has 1 elements, needs n = 2');
  });
});
