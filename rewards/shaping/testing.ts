/**
 * Property-testing helpers for reward shaping, for users' own tests (fast-check):
 *
 *   fc.assert(fc.property(arbMdp(), arbPotentialFor, (mdp, phi) => optimalPolicyPreserved(mdp, pbrs(mdp, phi))))
 *
 * - `arbMdp()`: random finite MDPs (dynamics, rewards, terminal states, γ < 1).
 * - `arbPotential(nS)`: random potentials Φ over the states.
 * - `optimalPolicyPreserved(mdp, F)`: does r + F keep every state's optimal action set (value iteration)?
 *   True for every potential-based F; a counterexample shows a shaping that changes what is optimal.
 * - `shapedReturnTelescopes(phi, states, gamma, terminatedAtEnd)`: Σ γ^t F_t = γ^T Φ(s_T) − Φ(s_0)
 *   (with Φ(s_T) = 0 after a true termination).
 * - `cycleBonus(F, a, b, gamma)`: the discounted shaping collected by going A → B → A; > 0 exposes a
 *   shaping that pays for cycling (e.g. Φ(s') − Φ(s) without γ).
 */
import fc from 'fast-check';
import type { FiniteMdp, TransitionReward } from './mdp.ts';
import { optimalActions, valueIteration } from './mdp.ts';
import { shapingTerm } from './pbrs.ts';

export interface ArbMdpOptions {
  readonly maxStates?: number;
  readonly maxActions?: number;
  /** Deterministic transitions (each P[s][a] one-hot); default false. */
  readonly deterministic?: boolean;
}

export function arbMdp(opts: ArbMdpOptions = {}): fc.Arbitrary<FiniteMdp> {
  const maxS = opts.maxStates ?? 5;
  const maxA = opts.maxActions ?? 3;
  return fc
    .record({ nS: fc.integer({ min: 2, max: maxS }), nA: fc.integer({ min: 2, max: maxA }), gamma: fc.double({ min: 0.5, max: 0.95, noNaN: true }) })
    .chain(({ nS, nA, gamma }) =>
      fc.record({
        P: fc.array(
          fc.array(
            opts.deterministic
              ? fc.integer({ min: 0, max: nS - 1 }).map((k) => Array.from({ length: nS }, (_, j) => (j === k ? 1 : 0)))
              : fc.array(fc.integer({ min: 0, max: 4 }), { minLength: nS, maxLength: nS }).map((w) => {
                  const total = w.reduce((a, b) => a + b, 0);
                  return total === 0 ? w.map((_, j) => (j === 0 ? 1 : 0)) : w.map((x) => x / total);
                }),
            { minLength: nA, maxLength: nA },
          ),
          { minLength: nS, maxLength: nS },
        ),
        R: fc.array(fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: nS, maxLength: nS }), { minLength: nA, maxLength: nA }), { minLength: nS, maxLength: nS }),
        terminal: fc.array(fc.boolean(), { minLength: nS, maxLength: nS }).map((t) => t.map((x, i) => x && i > 0)),
        nS: fc.constant(nS),
        nA: fc.constant(nA),
        gamma: fc.constant(gamma),
      }),
    );
}

export function arbPotential(nS: number, scale = 5): fc.Arbitrary<number[]> {
  return fc.array(fc.double({ min: -scale, max: scale, noNaN: true }), { minLength: nS, maxLength: nS });
}

/** Potential-based shaping F = γΦ(s') − Φ(s) on a finite MDP (Φ = 0 on terminal states). */
export function pbrs(mdp: FiniteMdp, phi: readonly number[]): TransitionReward {
  return (s, _a, s2) => shapingTerm(phi[s], phi[s2], mdp.gamma, mdp.terminal[s2]);
}

/** Does r + F have the same optimal action sets as r in every non-terminal state? */
export function optimalPolicyPreserved(mdp: FiniteMdp, F: TransitionReward, tol = 1e-6): boolean {
  const base = optimalActions(valueIteration(mdp), tol);
  const shaped = optimalActions(valueIteration(mdp, (s, a, s2) => mdp.R[s][a][s2] + F(s, a, s2)), tol);
  for (let s = 0; s < mdp.nS; s++) {
    if (mdp.terminal[s]) continue;
    if (base[s].join(',') !== shaped[s].join(',')) return false;
  }
  return true;
}

/** Σ_{t<T} γ^t F_t along `states` equals γ^T Φ(s_T) − Φ(s_0) (Φ(s_T) = 0 if the last step terminated). */
export function shapedReturnTelescopes(phi: (s: number) => number, states: readonly number[], gamma: number, terminatedAtEnd: boolean, tol = 1e-9): boolean {
  const T = states.length - 1;
  let sum = 0;
  for (let t = 0; t < T; t++) sum += gamma ** t * shapingTerm(phi(states[t]), phi(states[t + 1]), gamma, terminatedAtEnd && t === T - 1);
  const expected = (terminatedAtEnd ? 0 : gamma ** T * phi(states[T])) - phi(states[0]);
  return Math.abs(sum - expected) <= tol * Math.max(1, Math.abs(expected));
}

/** Discounted shaping earned by the cycle A → B → A under F. */
export function cycleBonus(F: (s: number, s2: number) => number, a: number, b: number, gamma: number): number {
  return F(a, b) + gamma * F(b, a);
}
