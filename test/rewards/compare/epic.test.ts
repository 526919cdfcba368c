/**
 * EPIC and STARC-style distances: invariant to potential shaping and positive scaling (distance ≈ 0),
 * maximal for a negated reward (EPIC = 1), and clearly non-zero for a different reward — on random
 * tabular rewards and on CartPole states.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { make } from '../../../envs/index.ts';
import { epicDistance, starcDistance, type CoverageSample } from '../../../rewards/compare/epic.ts';
import { sampleTransitions } from '../../../rewards/lang/preflight.ts';

const nS = 6;
const nA = 3;
const tabularCoverage: CoverageSample<number, number> = {
  transitions: Array.from({ length: nS * nA * nS }, (_, k) => ({ s: Math.floor(k / (nA * nS)), a: Math.floor(k / nS) % nA, s2: k % nS })),
  states: Array.from({ length: nS }, (_, i) => i),
  actions: Array.from({ length: nA }, (_, i) => i),
};
const arbTable = fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: nS * nA * nS, maxLength: nS * nA * nS });
const arbPhi = fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: nS, maxLength: nS });
const table = (t: number[]) => (s: number, a: number, s2: number) => t[(s * nA + a) * nS + s2];

describe('EPIC / STARC', () => {
  it('D(R, λR + γΦ(s′) − Φ(s)) ≈ 0 for λ > 0, and D(R, −R) = 1', () => {
    fc.assert(
      fc.property(arbTable, arbPhi, fc.double({ min: 0.1, max: 10, noNaN: true }), fc.double({ min: 0.5, max: 0.99, noNaN: true }), (t, phi, lambda, gamma) => {
        const R = table(t);
        const spread = Math.max(...t) - Math.min(...t);
        fc.pre(spread > 1e-3);
        const shaped = (s: number, a: number, s2: number) => lambda * R(s, a, s2) + gamma * phi[s2] - phi[s];
        expect(epicDistance(R, shaped, tabularCoverage, gamma)).toBeLessThan(1e-6);
        expect(starcDistance(R, shaped, tabularCoverage, gamma)).toBeLessThan(1e-6);
        expect(epicDistance(R, (s, a, s2) => -R(s, a, s2), tabularCoverage, gamma)).toBeCloseTo(1, 6);
      }),
      { numRuns: 100 },
    );
  });

  it('a different reward is at a clearly non-zero distance; shaping with the wrong γ is not invisible', () => {
    const gamma = 0.9;
    const R = table(Array.from({ length: nS * nA * nS }, (_, k) => Math.sin(k)));
    const other = table(Array.from({ length: nS * nA * nS }, (_, k) => Math.cos(3 * k)));
    expect(epicDistance(R, other, tabularCoverage, gamma)).toBeGreaterThan(0.3);
    const phi = [0, 5, -3, 2, 8, -6];
    const wrongGamma = (s: number, a: number, s2: number) => R(s, a, s2) + phi[s2] - phi[s];
    expect(epicDistance(R, wrongGamma, tabularCoverage, gamma)).toBeGreaterThan(0.05);
  });

  it('on CartPole states: an upright reward vs its shaped, scaled copy ≈ 0; vs a centring reward > 0', () => {
    type S = { x: number; theta: number };
    const samples = sampleTransitions(make('classic/CartPole-v1'), 400, 5);
    const cov: CoverageSample<S, number> = {
      transitions: samples.map((t) => ({ s: t.state as S, a: t.action as number, s2: t.next as S })),
      states: samples.map((t) => t.state as S),
      actions: [0, 1],
    };
    const up = (_s: S, _a: number, n: S) => Math.cos(n.theta);
    const shaped = (s: S, a: number, n: S) => 3 * up(s, a, n) + 0.99 * n.x * 2 - s.x * 2;
    const centre = (_s: S, _a: number, n: S) => -Math.abs(n.x);
    expect(epicDistance(up, shaped, cov, 0.99)).toBeLessThan(1e-6);
    expect(epicDistance(up, centre, cov, 0.99)).toBeGreaterThan(0.2);
  });
});
