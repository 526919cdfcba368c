/**
 * GAE against a direct computation: for each step, A_t = Σ_k (γλ)^k δ_{t+k} summed explicitly up to the
 * episode's end (or the rollout's end), with δ at a termination using no future value, δ at a
 * truncation bootstrapping from V(final obs), over random episodes with both kinds of endings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeGae } from '../../agents/gae.ts';

function direct(T: number, N: number, gamma: number, lam: number, r: number[], v: number[], term: number[], trunc: number[], fv: number[], nv: number[]): number[] {
  const adv = new Array<number>(T * N).fill(0);
  const delta = (t: number, i: number): { d: number; end: boolean } => {
    const k = t * N + i;
    if (term[k]) return { d: r[k] - v[k], end: true };
    if (trunc[k]) return { d: r[k] + gamma * fv[k] - v[k], end: true };
    const next = t === T - 1 ? nv[i] : v[k + N];
    return { d: r[k] + gamma * next - v[k], end: false };
  };
  for (let i = 0; i < N; i++) {
    for (let t = 0; t < T; t++) {
      let sum = 0;
      for (let j = t; j < T; j++) {
        const { d, end } = delta(j, i);
        sum += (gamma * lam) ** (j - t) * d;
        if (end) break;
      }
      adv[t * N + i] = sum;
    }
  }
  return adv;
}

describe('computeGae', () => {
  it('equals the explicit discounted sum of TD errors, cut at terminations and truncations', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.infiniteStream(fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }), fc.integer({ min: 0, max: 9 }), fc.double({ min: -5, max: 5, noNaN: true }))),
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 4, maxLength: 4 }),
        (T, N, gamma, lam, stream, nv) => {
          const it = stream[Symbol.iterator]();
          const r: number[] = [], v: number[] = [], term: number[] = [], trunc: number[] = [], fv: number[] = [];
          for (let k = 0; k < T * N; k++) {
            const [rk, vk, end, fvk] = it.next().value as [number, number, number, number];
            r.push(Math.fround(rk));
            v.push(Math.fround(vk));
            term.push(end === 0 ? 1 : 0);
            trunc.push(end === 1 ? 1 : 0);
            fv.push(Math.fround(fvk));
          }
          const adv = new Float32Array(T * N);
          const ret = new Float32Array(T * N);
          computeGae({ numSteps: T, numEnvs: N, gamma, gaeLambda: lam, rewards: r, values: v, terminated: term, truncated: trunc, finalValues: fv, nextValue: nv }, adv, ret);
          const want = direct(T, N, gamma, lam, r, v, term, trunc, fv, nv);
          for (let k = 0; k < T * N; k++) {
            expect(adv[k]).toBeCloseTo(want[k], 4);
            expect(ret[k]).toBeCloseTo(want[k] + v[k], 4);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a truncation bootstraps and a termination does not', () => {
    const base = { numSteps: 1, numEnvs: 1, gamma: 0.5, gaeLambda: 1, rewards: [1], values: [0], finalValues: [4], nextValue: [8] };
    const adv = new Float32Array(1);
    const ret = new Float32Array(1);
    computeGae({ ...base, terminated: [1], truncated: [0] }, adv, ret);
    expect(adv[0]).toBe(1);
    computeGae({ ...base, terminated: [0], truncated: [1] }, adv, ret);
    expect(adv[0]).toBe(3); // 1 + 0.5·4, not the next episode's 8
    computeGae({ ...base, terminated: [0], truncated: [0] }, adv, ret);
    expect(adv[0]).toBe(5); // 1 + 0.5·8
  });
});
