/**
 * Potential-based reward shaping (Ng, Harada & Russell 1999), in one place:
 *
 *   F(s, a, s') = γ·Φ(s') − Φ(s),   with Φ(s') = 0 when s' is a true terminal (terminated),
 *                                     and Φ(s') kept when the episode is only truncated (time limit);
 *
 * γ must be the learner's discount. Used as a RewardFunction in `rewardMode: 'add'`, so the trained
 * reward is r + F. Any other γ — or Φ(s') − Φ(s) without γ — is not potential-based and can change the
 * optimal policy (the "semantic trap": it pays for A → B → A cycles).
 */
import type { RewardFunction, RewardTerms, TransitionEnd } from '../../sim/reward.ts';

export type Potential<S> = (state: S) => number;

/** F for one transition. */
export function shapingTerm(phiS: number, phiNext: number, gamma: number, terminated: boolean): number {
  return (terminated ? 0 : gamma * phiNext) - phiS;
}

export class PotentialShaping<S = unknown> implements RewardFunction<S> {
  readonly name: string;

  constructor(readonly phi: Potential<S>, readonly gamma: number, name = 'pbrs') {
    if (!(gamma >= 0 && gamma <= 1)) throw new RangeError(`PotentialShaping gamma must be in [0, 1], got ${gamma}`);
    this.name = name;
  }

  compute(state: S, _action: unknown, next: S, terms: RewardTerms, end?: TransitionEnd): number {
    const phiS = this.phi(state);
    const phiNext = this.phi(next);
    const f = shapingTerm(phiS, phiNext, this.gamma, end?.terminated === true);
    terms.potential = phiNext;
    terms.shaping = f;
    return f;
  }
}
