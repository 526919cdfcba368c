/**
 * Shaping invariants, each with its negative control: PBRS keeps every optimal action; a plain state
 * bonus does not (fast-check finds the counterexample); shaped returns telescope; Φ(s') − Φ(s) without γ
 * pays for an A → B → A cycle; in a vector env Φ is zeroed at a termination, kept at a truncation, and
 * never leaks across an autoreset.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeVec } from '../../../envs/index.ts';
import { PotentialShaping, shapingTerm } from '../../../rewards/shaping/pbrs.ts';
import { arbMdp, arbPotential, cycleBonus, optimalPolicyPreserved, pbrs, shapedReturnTelescopes } from '../../../rewards/shaping/testing.ts';

describe('potential-based shaping on finite MDPs', () => {
  it('PBRS preserves the optimal actions of every random MDP', () => {
    fc.assert(
      fc.property(arbMdp().chain((mdp) => fc.tuple(fc.constant(mdp), arbPotential(mdp.nS))), ([mdp, phi]) => optimalPolicyPreserved(mdp, pbrs(mdp, phi))),
      { numRuns: 200 },
    );
  });

  it('negative control: a plain bonus for reaching a state changes the optimal policy (counterexample found)', () => {
    const result = fc.check(
      fc.property(arbMdp({ deterministic: true }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 10 }), (mdp, k, bonus) =>
        optimalPolicyPreserved(mdp, (_s, _a, s2) => (s2 === k % mdp.nS ? bonus : 0)),
      ),
      { numRuns: 300, seed: 7 },
    );
    expect(result.failed).toBe(true);
  });

  it('negative control: the wrong γ in the shaping term is not potential-based', () => {
    const result = fc.check(
      fc.property(arbMdp({ deterministic: true }).chain((mdp) => fc.tuple(fc.constant(mdp), arbPotential(mdp.nS, 10))), ([mdp, phi]) =>
        optimalPolicyPreserved(mdp, (s, _a, s2) => shapingTerm(phi[s], phi[s2], 1, mdp.terminal[s2])),
      ),
      { numRuns: 300, seed: 11 },
    );
    expect(result.failed).toBe(true);
  });

  it('shaped returns telescope to γ^T Φ(s_T) − Φ(s_0), with Φ = 0 after a termination', () => {
    fc.assert(
      fc.property(arbPotential(6), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 2, maxLength: 30 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), (phi, states, gamma, terminated) =>
        shapedReturnTelescopes((s) => phi[s], states, gamma, terminated),
      ),
    );
  });

  it('the semantic trap: Φ(s′) − Φ(s) without γ pays (1 − γ)(Φ(B) − Φ(A)) for A → B → A; PBRS does not', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.5, max: 0.99, noNaN: true }), (pa, pb, gamma) => {
        const phi = [pa, pb];
        const naive = cycleBonus((s, s2) => phi[s2] - phi[s], 0, 1, gamma);
        const shaped = cycleBonus((s, s2) => shapingTerm(phi[s], phi[s2], gamma, false), 0, 1, gamma);
        expect(naive).toBeCloseTo((1 - gamma) * (pb - pa), 10);
        expect(shaped).toBeCloseTo((gamma * gamma - 1) * pa, 10); // = γ²Φ(A) − Φ(A): back where it started, no gain
        if (pb > pa + 1e-6) expect(naive).toBeGreaterThan(0);
      }),
    );
  });
});

describe('PotentialShaping on a vector env', () => {
  type S = { x: number; theta: number };
  const phi = (s: S) => 1 - Math.abs(s.theta) * 4;

  it('F = γΦ(s′) − Φ(s); Φ(s′) = 0 at termination, kept at truncation; no leak across autoreset', () => {
    const gamma = 0.9;
    const shaping = new PotentialShaping<S>(phi, gamma);
    const vec = makeVec('classic/CartPole-v1', 2, { reward: shaping as never, rewardMode: 'add', autoresetMode: 'same-step', maxEpisodeSteps: 12 });
    const plain = makeVec('classic/CartPole-v1', 2, { autoresetMode: 'same-step', maxEpisodeSteps: 12 });
    vec.reset({ seed: 3 });
    plain.reset({ seed: 3 });
    let prev = [vec.stateAt(0) as S, vec.stateAt(1) as S];
    let sawTerm = false;
    let sawTrunc = false;
    for (let t = 0; t < 40; t++) {
      // env 0 always pushes right (falls → terminated), env 1 alternates (survives to the time limit)
      const a = Float32Array.of(1, t % 2);
      const [, r, term, trunc, infos] = vec.step(a);
      const [, r0] = plain.step(a);
      for (let i = 0; i < 2; i++) {
        const terms = (infos.rewardTerms as Record<string, number>[])[i];
        const next = terms.potential;
        const F = (term[i] ? 0 : gamma * next) - phi(prev[i]);
        expect(r[i]).toBeCloseTo(r0[i] + F, 5);
        if (term[i]) sawTerm = true;
        if (trunc[i] && !term[i]) {
          sawTrunc = true;
          expect(terms.shaping).toBeCloseTo(gamma * next - phi(prev[i]), 6); // Φ kept at truncation
        }
        // after an autoreset the next transition starts from the reset state's Φ
        prev[i] = vec.stateAt(i) as S;
      }
    }
    expect(sawTerm && sawTrunc).toBe(true);
    expect(() => new PotentialShaping(phi, 1.5)).toThrow('PotentialShaping gamma must be in [0, 1], got 1.5');
  });
});
