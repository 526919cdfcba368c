// Proves: categorical logProb/entropy equal a float64 reference (and closed forms), their gradient
// helpers equal float64 central differences and accumulate, sampling follows softmax and never picks
// a masked (−∞) action, and bad actions are rejected with the row and value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  categoricalArgmax, categoricalEntropy, categoricalEntropyGrad, categoricalLogProb, categoricalLogProbGrad, categoricalSample,
} from '../../../agents/nn/categorical.ts';
import { Rng } from '../../../sim/rng.ts';
import { centralDiff, expectGradClose, randomArray } from './gradcheck.ts';

/** float64 log-softmax of row b. */
function refLogSoftmax(z: Float64Array, b: number, n: number): number[] {
  const row = Array.from(z.subarray(b * n, b * n + n));
  const max = Math.max(...row);
  const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
  return row.map((v) => v - lse);
}
const refLogProb = (z: Float64Array, a: ArrayLike<number>, b: number, n: number) => refLogSoftmax(z, b, n)[a[b]];
const refEntropy = (z: Float64Array, b: number, n: number) => -refLogSoftmax(z, b, n).reduce((s, lp) => s + Math.exp(lp) * lp, 0);

const problem = fc.record({ batch: fc.integer({ min: 1, max: 6 }), n: fc.integer({ min: 1, max: 9 }), seed: fc.nat(), scale: fc.constantFrom(0.1, 1, 4) });

function setup({ batch, n, seed, scale }: { batch: number; n: number; seed: number; scale: number }) {
  const rng = new Rng(seed);
  const logits = randomArray(rng, batch * n, scale);
  const actions = Int32Array.from({ length: batch }, () => rng.int(n));
  const coef = randomArray(rng, batch);
  return { rng, logits, actions, coef, z64: Float64Array.from(logits) };
}

describe('categorical values', () => {
  it('logProb and entropy equal the float64 reference', () => {
    fc.assert(fc.property(problem, (pr) => {
      const { logits, actions, z64 } = setup(pr);
      const lp = new Float32Array(pr.batch), h = new Float32Array(pr.batch);
      categoricalLogProb(logits, actions, pr.batch, pr.n, lp);
      categoricalEntropy(logits, pr.batch, pr.n, h);
      for (let b = 0; b < pr.batch; b++) {
        expect(Math.abs(lp[b] - refLogProb(z64, actions, b, pr.n))).toBeLessThan(1e-5);
        expect(Math.abs(h[b] - refEntropy(z64, b, pr.n))).toBeLessThan(1e-5);
      }
    }));
  });

  it('uniform logits give logProb −log n and entropy log n; a masked action has probability 0', () => {
    const lp = new Float32Array(1), h = new Float32Array(1);
    categoricalLogProb(new Float32Array(5).fill(3), [2], 1, 5, lp);
    categoricalEntropy(new Float32Array(5).fill(3), 1, 5, h);
    expect(lp[0]).toBeCloseTo(-Math.log(5), 6);
    expect(h[0]).toBeCloseTo(Math.log(5), 6);
    const masked = Float32Array.of(0, -Infinity, 0);
    categoricalEntropy(masked, 1, 3, h);
    expect(h[0]).toBeCloseTo(Math.log(2), 6);
    const d = new Float32Array(3);
    categoricalEntropyGrad(masked, 1, 3, 1, d);
    categoricalLogProbGrad(masked, [0], 1, 3, [1], d);
    expect(Array.from(d).every(Number.isFinite)).toBe(true);
    expect(d[1]).toBe(0);
  });

  it('rejects out-of-range or fractional actions naming the row', () => {
    const out = new Float32Array(2);
    expect(() => categoricalLogProb(new Float32Array(6), [0, 3], 2, 3, out)).toThrow('categoricalLogProb: actions[1] must be an integer in [0, 3), got 3');
    expect(() => categoricalLogProb(new Float32Array(6), [0.5, 1], 2, 3, out)).toThrow(/actions\[0\] must be an integer in \[0, 3\), got 0.5/);
    expect(() => categoricalEntropy(new Float32Array(5), 2, 3, out)).toThrow('categoricalEntropy: logits has 5 elements, needs batch*n = 2*3');
  });
});

describe('categorical gradients', () => {
  it('logProbGrad = ∂(Σ g_b log π(a_b))/∂logits by central differences', () => {
    fc.assert(fc.property(problem, (pr) => {
      const { logits, actions, coef, z64 } = setup(pr);
      const d = new Float32Array(pr.batch * pr.n);
      categoricalLogProbGrad(logits, actions, pr.batch, pr.n, coef, d);
      const loss = () => { let s = 0; for (let b = 0; b < pr.batch; b++) s += coef[b] * refLogProb(z64, actions, b, pr.n); return s; };
      expectGradClose(d, z64.map((_, i) => centralDiff(loss, z64, i)), 'dLogits', 1e-5, 1e-4);
    }));
  });

  it('entropyGrad = ∂(Σ g_b H_b)/∂logits by central differences, scalar or per-row coefficient', () => {
    fc.assert(fc.property(problem, fc.boolean(), (pr, scalar) => {
      const { logits, coef, z64 } = setup(pr);
      const d = new Float32Array(pr.batch * pr.n);
      categoricalEntropyGrad(logits, pr.batch, pr.n, scalar ? 0.7 : coef, d);
      const loss = () => { let s = 0; for (let b = 0; b < pr.batch; b++) s += (scalar ? 0.7 : coef[b]) * refEntropy(z64, b, pr.n); return s; };
      expectGradClose(d, z64.map((_, i) => centralDiff(loss, z64, i)), 'dLogits', 1e-5, 1e-4);
    }));
  });

  it('the two helpers accumulate into one dLogits (PPO: pg term + entropy term)', () => {
    const pr = { batch: 4, n: 5, seed: 3, scale: 1 };
    const { logits, actions, coef } = setup(pr);
    const a = new Float32Array(20), b = new Float32Array(20), both = new Float32Array(20);
    categoricalLogProbGrad(logits, actions, 4, 5, coef, a);
    categoricalEntropyGrad(logits, 4, 5, -0.01, b);
    categoricalLogProbGrad(logits, actions, 4, 5, coef, both);
    categoricalEntropyGrad(logits, 4, 5, -0.01, both);
    expectGradClose(both, a.map((v, i) => v + b[i]), 'sum', 1e-7, 1e-6);
  });
});

describe('categorical sampling', () => {
  it('follows softmax frequencies and is deterministic in the Rng', () => {
    const logits = Float32Array.of(1, 0, -1, 2, -Infinity);
    const p = [1, 0, -1, 2].map(Math.exp);
    const total = p.reduce((s, v) => s + v, 0);
    const N = 40000;
    const counts = new Array(5).fill(0);
    const out = new Int32Array(1);
    const rng = new Rng(8);
    for (let t = 0; t < N; t++) {
      categoricalSample(logits, 1, 5, rng, out);
      counts[out[0]]++;
    }
    for (let j = 0; j < 4; j++) expect(Math.abs(counts[j] / N - p[j] / total)).toBeLessThan(0.01);
    expect(counts[4]).toBe(0);
    const batch = new Float32Array(30).map((_, i) => Math.sin(i));
    const a1 = new Int32Array(10), a2 = new Int32Array(10);
    categoricalSample(batch, 10, 3, new Rng(1), a1);
    categoricalSample(batch, 10, 3, new Rng(1), a2);
    expect(Array.from(a1)).toEqual(Array.from(a2));
  });

  it('argmax picks the largest logit per row', () => {
    const out = [0, 0];
    categoricalArgmax(Float32Array.of(0, 3, 1, 5, -1, 2), 2, 3, out);
    expect(out).toEqual([1, 0]);
  });
});
