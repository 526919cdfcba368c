// Shared checks for the classic-control tests: batched core vs N size-1 cores, render contract,
// float comparisons. Everything here talks to the public BatchedCore / Env API only.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { BatchedCore } from '../../../sim/batched.ts';
import type { Env } from '../../../sim/env.ts';
import { Rng, deriveSeed } from '../../../sim/rng.ts';

/** Assert |a[k] − b[k]| <= tol for all k (and equal lengths), with a message naming where. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, where: string): void {
  expect(actual.length, `${where}: length`).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) {
    const d = Math.abs(actual[k] - expected[k]);
    if (!(d <= tol)) throw new Error(`${where}: [${k}] = ${actual[k]}, expected ${expected[k]} (|diff| ${d} > ${tol})`);
  }
}

/**
 * Property: a core of N envs stepped with random actions and random skip masks gives, row by row, the
 * same obs / reward / terminated / state as N separate size-1 cores stepped one at a time; skipped rows
 * are left untouched; terminated envs are reset in both (the autoreset pattern).
 */
export function checkBatchedEqualsSingles(
  make: (n: number) => BatchedCore,
  actionArb: fc.Arbitrary<number[]>,
  opts: { numRuns?: number; steps?: number } = {},
): void {
  const N = 5;
  fc.assert(
    fc.property(
      fc.nat({ max: 2 ** 31 }),
      fc.array(fc.tuple(actionArb, fc.array(fc.boolean(), { minLength: N, maxLength: N })), {
        minLength: 1,
        maxLength: opts.steps ?? 60,
        size: 'max',
      }),
      (seed, plan) => {
        const batched = make(N);
        const singles = Array.from({ length: N }, () => make(1));
        const od = batched.obsDim;
        const ad = batched.actDim;
        const obsB = new Float32Array(N * od);
        const rewB = new Float32Array(N);
        const termB = new Uint8Array(N);
        const obs1 = new Float32Array(od);
        const rew1 = new Float32Array(1);
        const term1 = new Uint8Array(1);
        const zero = new Uint8Array(1);
        let resets = 0;
        const resetBoth = (i: number) => {
          const s = deriveSeed(seed, 'env', i, resets++);
          batched.resetAt(i, new Rng(s), undefined, obsB, i * od);
          singles[i].resetAt(0, new Rng(s), undefined, obs1, 0);
          expect(Array.from(obsB.subarray(i * od, (i + 1) * od))).toEqual(Array.from(obs1));
        };
        for (let i = 0; i < N; i++) resetBoth(i);
        const actions = new Float32Array(N * ad);
        const skip = new Uint8Array(N);
        for (const [acts, skips] of plan) {
          for (let k = 0; k < N * ad; k++) actions[k] = acts[k % acts.length];
          for (let i = 0; i < N; i++) skip[i] = skips[i] ? 1 : 0;
          const before = obsB.slice();
          rewB.fill(-12345);
          termB.fill(7);
          batched.step(actions, skip, obsB, rewB, termB);
          for (let i = 0; i < N; i++) {
            const row = Array.from(obsB.subarray(i * od, (i + 1) * od));
            if (skip[i]) {
              expect(row).toEqual(Array.from(before.subarray(i * od, (i + 1) * od)));
              expect(rewB[i]).toBe(-12345);
              expect(termB[i]).toBe(7);
              continue;
            }
            singles[i].step(actions.subarray(i * ad, (i + 1) * ad), zero, obs1, rew1, term1);
            expect(row).toEqual(Array.from(obs1));
            expect(rewB[i]).toBe(rew1[0]);
            expect(termB[i]).toBe(term1[0]);
            expect(batched.stateAt(i)).toEqual(singles[i].stateAt(0));
            expect(batched.successAt(i)).toBe(singles[i].successAt(0));
            if (termB[i]) resetBoth(i);
          }
        }
      },
    ),
    { numRuns: opts.numRuns ?? 25 },
  );
}

/** Render contract: size, bytes, determinism, sensitivity to the state, options and camera checks. */
export function checkRender(
  makeEnv: () => Env<Float32Array, unknown, unknown>,
  defaults: { width: number; height: number },
  act: (t: number) => unknown,
): void {
  const env = makeEnv();
  env.reset({ seed: 1 });
  const f0 = env.render();
  expect(f0.width).toBe(defaults.width);
  expect(f0.height).toBe(defaults.height);
  expect(f0.data).toBeInstanceOf(Uint8Array);
  expect(f0.data.length).toBe(defaults.width * defaults.height * 3);
  // Not blank: at least two colours.
  const first = f0.data[0] * 65536 + f0.data[1] * 256 + f0.data[2];
  let other = false;
  for (let k = 0; k < f0.data.length && !other; k += 3) other = f0.data[k] * 65536 + f0.data[k + 1] * 256 + f0.data[k + 2] !== first;
  expect(other).toBe(true);
  // Deterministic: same state → same bytes, and a second env reset with the same seed draws the same.
  expect(Buffer.from(env.render().data).equals(Buffer.from(f0.data))).toBe(true);
  const twin = makeEnv();
  twin.reset({ seed: 1 });
  expect(Buffer.from(twin.render().data).equals(Buffer.from(f0.data))).toBe(true);
  // Different state → different picture.
  for (let t = 0; t < 15; t++) env.step(act(t));
  const f1 = env.render();
  expect(Buffer.from(f1.data).equals(Buffer.from(f0.data))).toBe(false);
  // Size and camera options.
  const small = env.render({ width: 64, height: 48, camera: 'default' });
  expect([small.width, small.height, small.data.length]).toEqual([64, 48, 64 * 48 * 3]);
  expect(env.metadata.cameras).toEqual(['default']);
  expect(env.metadata.renderModes).toEqual(['rgb_array']);
  expect(() => env.render({ camera: 'top' })).toThrow(/camera 'top'/);
  expect(() => env.render({ width: 0 })).toThrow(/width.*got 0/);
  expect(() => env.render({ height: 2.5 })).toThrow(/height.*got 2.5/);
}

/** Float32 rounding of a number array (what an observation row holds). */
export function f32(xs: readonly number[]): number[] {
  return xs.map((x) => Math.fround(x));
}
