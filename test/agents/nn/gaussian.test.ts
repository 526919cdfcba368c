// Proves: diagonal-Gaussian logProb (summed over dims) and entropy equal closed forms / a float64
// reference, their gradients w.r.t. mean and logStd equal float64 central differences and accumulate,
// and sampling has the requested mean and std.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  gaussianEntropy, gaussianEntropyGrad, gaussianLogProb, gaussianLogProbGrad, gaussianSample,
} from '../../../agents/nn/gaussian.ts';
import { Rng } from '../../../sim/rng.ts';
import { centralDiff, expectGradClose, randomArray } from './gradcheck.ts';

function refLogProb(mean: Float64Array, logStd: Float64Array, a: Float32Array, b: number, dim: number): number {
  let s = 0;
  for (let d = 0; d < dim; d++) {
    const sigma = Math.exp(logStd[d]);
    const x = a[b * dim + d] - mean[b * dim + d];
    s += Math.log(Math.exp(-(x * x) / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI)));
  }
  return s;
}
function refEntropy(logStd: Float64Array, dim: number): number {
  let s = 0;
  for (let d = 0; d < dim; d++) s += 0.5 * Math.log(2 * Math.PI * Math.E * Math.exp(2 * logStd[d]));
  return s;
}

const problem = fc.record({ batch: fc.integer({ min: 1, max: 6 }), dim: fc.integer({ min: 1, max: 6 }), seed: fc.nat() });

function setup({ batch, dim, seed }: { batch: number; dim: number; seed: number }) {
  const rng = new Rng(seed);
  const mean = randomArray(rng, batch * dim);
  const logStd = randomArray(rng, dim, 0.5);
  const actions = randomArray(rng, batch * dim, 1.5);
  const coef = randomArray(rng, batch);
  return { mean, logStd, actions, coef, m64: Float64Array.from(mean), s64: Float64Array.from(logStd) };
}

describe('gaussian values', () => {
  it('logProb sums per-dimension log densities; entropy is ½log(2πeσ²) per dimension', () => {
    fc.assert(fc.property(problem, (pr) => {
      const { mean, logStd, actions, m64, s64 } = setup(pr);
      const lp = new Float32Array(pr.batch), h = new Float32Array(pr.batch);
      gaussianLogProb(mean, logStd, actions, pr.batch, pr.dim, lp);
      gaussianEntropy(logStd, pr.batch, pr.dim, h);
      for (let b = 0; b < pr.batch; b++) {
        expect(Math.abs(lp[b] - refLogProb(m64, s64, actions, b, pr.dim))).toBeLessThan(1e-4);
        expect(Math.abs(h[b] - refEntropy(s64, pr.dim))).toBeLessThan(1e-5);
      }
    }));
  });

  it('standard normal at the mean: logProb = −dim·½log 2π', () => {
    const lp = new Float32Array(1);
    gaussianLogProb(new Float32Array(3), new Float32Array(3), new Float32Array(3), 1, 3, lp);
    expect(lp[0]).toBeCloseTo(-1.5 * Math.log(2 * Math.PI), 5);
    expect(() => gaussianLogProb(new Float32Array(3), new Float32Array(2), new Float32Array(3), 1, 3, lp)).toThrow('gaussianLogProb: logStd has 2 elements, needs dim = 3');
  });
});

describe('gaussian gradients', () => {
  it('logProbGrad matches central differences w.r.t. mean and logStd, and accumulates', () => {
    fc.assert(fc.property(problem, (pr) => {
      const { mean, logStd, actions, coef, m64, s64 } = setup(pr);
      const dMean = new Float32Array(pr.batch * pr.dim).fill(0.25), dLogStd = new Float32Array(pr.dim).fill(-0.5);
      gaussianLogProbGrad(mean, logStd, actions, pr.batch, pr.dim, coef, dMean, dLogStd);
      const loss = () => { let s = 0; for (let b = 0; b < pr.batch; b++) s += coef[b] * refLogProb(m64, s64, actions, b, pr.dim); return s; };
      expectGradClose(dMean.map((v) => v - 0.25), m64.map((_, i) => centralDiff(loss, m64, i)), 'dMean', 1e-4, 1e-4);
      expectGradClose(dLogStd.map((v) => v + 0.5), s64.map((_, i) => centralDiff(loss, s64, i)), 'dLogStd', 1e-4, 1e-4);
    }));
  });

  it('entropyGrad matches central differences w.r.t. logStd (scalar and per-row coefficients)', () => {
    fc.assert(fc.property(problem, fc.boolean(), (pr, scalar) => {
      const { coef, s64 } = setup(pr);
      const dLogStd = new Float32Array(pr.dim);
      gaussianEntropyGrad(pr.batch, pr.dim, scalar ? -0.3 : coef, dLogStd);
      const loss = () => { let s = 0; for (let b = 0; b < pr.batch; b++) s += (scalar ? -0.3 : coef[b]) * refEntropy(s64, pr.dim); return s; };
      expectGradClose(dLogStd, s64.map((_, i) => centralDiff(loss, s64, i)), 'dLogStd', 1e-5, 1e-4);
    }));
  });
});

describe('gaussian sampling', () => {
  it('has the requested per-dimension mean and std', () => {
    const rng = new Rng(5);
    const N = 20000;
    const mean = new Float32Array(2 * N);
    for (let b = 0; b < N; b++) { mean[2 * b] = 1; mean[2 * b + 1] = -2; }
    const logStd = Float32Array.of(Math.log(0.5), Math.log(2));
    const out = new Float32Array(2 * N);
    gaussianSample(mean, logStd, N, 2, rng, out);
    for (const [d, mu, sigma] of [[0, 1, 0.5], [1, -2, 2]] as const) {
      let s = 0, s2 = 0;
      for (let b = 0; b < N; b++) { const v = out[2 * b + d]; s += v; s2 += v * v; }
      const m = s / N;
      expect(Math.abs(m - mu)).toBeLessThan(4 * sigma / Math.sqrt(N));
      expect(Math.abs(Math.sqrt(s2 / N - m * m) - sigma)).toBeLessThan(0.03 * sigma);
    }
  });
});
