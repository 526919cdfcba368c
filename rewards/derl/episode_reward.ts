/**
 * Episode-level DERL rewards. In DERL the primitives judge a whole episode (the LLM agent's answer or
 * trajectory) and the formula's value is the episode's reward. Paid at every step, state primitives
 * such as "holds the goal object" or "moved to another place" can be farmed: an agent that keeps
 * earning them has no reason to finish the task. `EpisodeEndReward` keeps DERL's semantics in a
 * per-step environment: the formula is evaluated on the episode's last transition (terminated or
 * truncated) and pays once, and every other step pays 0. The primitives then read the final state:
 * won, goal object held at the end, required state change done by the end, and so on.
 */
import type { RewardFunction, RewardTerms, TransitionEnd } from '../../sim/reward.ts';

export class EpisodeEndReward<S = unknown, A = unknown> implements RewardFunction<S, A> {
  readonly name: string;
  constructor(readonly inner: RewardFunction<S, A>) {
    this.name = `${inner.name}@episode-end`;
  }

  compute(state: S, action: A, next: S, terms: RewardTerms, end?: TransitionEnd): number {
    if (end === undefined) throw new Error(`${this.name}: needs the transition's end flags (run it inside RewardWrapper)`);
    if (!end.terminated && !end.truncated) return 0;
    return this.inner.compute(state, action, next, terms, end);
  }
}
