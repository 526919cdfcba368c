// Shared helpers for the nn gradient checks: float64 central differences and a tolerance that suits
// float32 analytic gradients compared against float64 numerical ones.
import { expect } from 'vitest';
import { Rng } from '../../../sim/rng.ts';

/** Central difference of f at x[i] (x is float64; restored afterwards). */
export function centralDiff(f: () => number, x: Float64Array, i: number, eps = 1e-6): number {
  const x0 = x[i];
  x[i] = x0 + eps;
  const fp = f();
  x[i] = x0 - eps;
  const fm = f();
  x[i] = x0;
  return (fp - fm) / (2 * eps);
}

/** |a − n| ≤ atol + rtol·max(|a|, |n|) for every element, failing with the first offending index. */
export function expectGradClose(analytic: ArrayLike<number>, numeric: ArrayLike<number>, label: string, atol = 1e-4, rtol = 1e-3): void {
  expect(analytic.length, `${label}: length`).toBe(numeric.length);
  for (let i = 0; i < analytic.length; i++) {
    const a = analytic[i], n = numeric[i];
    const tol = atol + rtol * Math.max(Math.abs(a), Math.abs(n));
    if (!(Math.abs(a - n) <= tol)) {
      expect.fail(`${label}[${i}]: analytic ${a} vs numeric ${n} (|diff| ${Math.abs(a - n)} > tol ${tol})`);
    }
  }
}

export function randomArray(rng: Rng, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal(0, scale);
  return a;
}
