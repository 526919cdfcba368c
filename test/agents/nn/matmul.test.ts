// Proves: the three JS matmul kernels (incl. their 2×4-blocked main loops and every tail) equal a naive
// triple loop on random shapes, in both overwrite and accumulate modes; size errors name the argument;
// setMatmulBackend swaps the backend that layers use.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { getMatmulBackend, jsBackend, setMatmulBackend, type MatmulBackend } from '../../../agents/nn/matmul.ts';
import { Mlp } from '../../../agents/nn/mlp.ts';
import { Rng } from '../../../sim/rng.ts';
import { randomArray } from './gradcheck.ts';

/** Naive float64 reference: out[i,j] = Σ_p A(i,p)·B(p,j) with accessors for the transposed layouts. */
function naive(m: number, k: number, n: number, aAt: (i: number, p: number) => number, bAt: (p: number, j: number) => number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += aAt(i, p) * bAt(p, j);
    out[i * n + j] = s;
  }
  return out;
}

function expectNear(actual: Float32Array, expected: Float64Array, k: number, label: string): void {
  for (let i = 0; i < expected.length; i++) {
    const tol = 1e-5 * (1 + k);
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) expect.fail(`${label}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

const shape = fc.record({ m: fc.integer({ min: 0, max: 19 }), k: fc.integer({ min: 0, max: 19 }), n: fc.integer({ min: 0, max: 19 }), seed: fc.nat(), accumulate: fc.boolean() });

describe('jsBackend', () => {
  it('matmul equals the naive product (out = a·b), overwrite and accumulate', () => {
    fc.assert(fc.property(shape, ({ m, k, n, seed, accumulate }) => {
      const rng = new Rng(seed);
      const a = randomArray(rng, m * k), b = randomArray(rng, k * n), out = randomArray(rng, m * n);
      const before = Float64Array.from(out);
      jsBackend.matmul(a, b, out, m, k, n, accumulate);
      const ref = naive(m, k, n, (i, p) => a[i * k + p], (p, j) => b[p * n + j]);
      if (accumulate) for (let i = 0; i < ref.length; i++) ref[i] += before[i];
      expectNear(out, ref, k, `matmul ${m}x${k}x${n}`);
    }), { numRuns: 300 });
  });

  it('matmulTransA equals the naive aᵀ·b with a stored [k×m]', () => {
    fc.assert(fc.property(shape, ({ m, k, n, seed, accumulate }) => {
      const rng = new Rng(seed);
      const a = randomArray(rng, k * m), b = randomArray(rng, k * n), out = randomArray(rng, m * n);
      const before = Float64Array.from(out);
      jsBackend.matmulTransA(a, b, out, m, k, n, accumulate);
      const ref = naive(m, k, n, (i, p) => a[p * m + i], (p, j) => b[p * n + j]);
      if (accumulate) for (let i = 0; i < ref.length; i++) ref[i] += before[i];
      expectNear(out, ref, k, `matmulTransA ${m}x${k}x${n}`);
    }), { numRuns: 300 });
  });

  it('matmulTransB equals the naive a·bᵀ with b stored [n×k]', () => {
    fc.assert(fc.property(shape, ({ m, k, n, seed, accumulate }) => {
      const rng = new Rng(seed);
      const a = randomArray(rng, m * k), b = randomArray(rng, n * k), out = randomArray(rng, m * n);
      const before = Float64Array.from(out);
      jsBackend.matmulTransB(a, b, out, m, k, n, accumulate);
      const ref = naive(m, k, n, (i, p) => a[i * k + p], (p, j) => b[j * k + p]);
      if (accumulate) for (let i = 0; i < ref.length; i++) ref[i] += before[i];
      expectNear(out, ref, k, `matmulTransB ${m}x${k}x${n}`);
    }), { numRuns: 300 });
  });

  it('agrees with the naive product at PPO sizes (130 × 64 × 67)', () => {
    const rng = new Rng(3);
    const m = 130, k = 64, n = 67;
    const a = randomArray(rng, m * k), b = randomArray(rng, k * n), bt = randomArray(rng, n * k), at = randomArray(rng, k * m);
    const out = new Float32Array(m * n);
    jsBackend.matmul(a, b, out, m, k, n);
    expectNear(out, naive(m, k, n, (i, p) => a[i * k + p], (p, j) => b[p * n + j]), k, 'matmul');
    jsBackend.matmulTransB(a, bt, out, m, k, n);
    expectNear(out, naive(m, k, n, (i, p) => a[i * k + p], (p, j) => bt[j * k + p]), k, 'matmulTransB');
    jsBackend.matmulTransA(at, b, out, m, k, n);
    expectNear(out, naive(m, k, n, (i, p) => at[p * m + i], (p, j) => b[p * n + j]), k, 'matmulTransA');
  });

  it('reads only the first m·k / k·n elements of larger buffers and writes only m·n of out', () => {
    const a = new Float32Array([1, 2, 3, 4, 99]), b = new Float32Array([5, 6, 7, 8, 99]);
    const out = new Float32Array([0, 0, 0, 0, -1]);
    jsBackend.matmul(a, b, out, 2, 2, 2);
    expect(Array.from(out)).toEqual([19, 22, 43, 50, -1]);
  });

  it('names the undersized argument', () => {
    const f = new Float32Array(4);
    expect(() => jsBackend.matmul(new Float32Array(3), f, f, 2, 2, 2)).toThrow(/matmul: a has 3 elements, needs m\*k = 4/);
    expect(() => jsBackend.matmulTransA(f, new Float32Array(3), f, 2, 2, 2)).toThrow(/matmulTransA: b has 3 elements/);
    expect(() => jsBackend.matmulTransB(f, f, new Float32Array(3), 2, 2, 2)).toThrow(/matmulTransB: out has 3 elements/);
    expect(() => jsBackend.matmul(f, f, f, 2, -1, 2)).toThrow(/sizes must be non-negative integers/);
  });
});

describe('setMatmulBackend', () => {
  afterEach(() => {
    setMatmulBackend(jsBackend);
  });

  it('routes layer products through the backend that is current at call time', () => {
    const calls: string[] = [];
    const counting: MatmulBackend = {
      name: 'counting',
      matmul: (...args) => { calls.push('matmul'); jsBackend.matmul(...args); },
      matmulTransA: (...args) => { calls.push('matmulTransA'); jsBackend.matmulTransA(...args); },
      matmulTransB: (...args) => { calls.push('matmulTransB'); jsBackend.matmulTransB(...args); },
    };
    const net = new Mlp({ sizes: [3, 4, 2], activation: 'tanh', rng: new Rng(1) });
    const x = new Float32Array(6).fill(0.5);
    const y0 = Float32Array.from(net.forward(x, 2));
    expect(setMatmulBackend(counting)).toBe(jsBackend);
    expect(getMatmulBackend()).toBe(counting);
    const y1 = net.forward(x, 2);
    net.backward(new Float32Array(4).fill(1), 2, { inputGrad: true });
    expect(calls).toEqual(['matmulTransB', 'matmulTransB', 'matmulTransA', 'matmul', 'matmulTransA', 'matmul']);
    expect(Array.from(y1)).toEqual(Array.from(y0));
  });

  it('rejects an object without the three kernels', () => {
    expect(() => setMatmulBackend({ name: 'broken' } as unknown as MatmulBackend)).toThrow(/backend "broken" has no matmul\(\) function/);
    expect(getMatmulBackend()).toBe(jsBackend);
  });
});
