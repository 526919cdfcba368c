/**
 * A reward is a pure function of `(state, action, nextState)` (Gymnasium `FuncEnv.reward`), where the
 * states are the env's privileged `state()` snapshots. It may report named components by writing into
 * `terms`; wrappers put them in `info.rewardTerms`.
 */
export type RewardTerms = Record<string, number>;

/** How the transition ended: needed by potential-based shaping (Φ = 0 at a true terminal only). */
export interface TransitionEnd {
  readonly terminated: boolean;
  readonly truncated: boolean;
}

export interface RewardFunction<State = unknown, Act = unknown> {
  /** Short name used in logs and summaries (e.g. 'text2reward:builtin'). */
  readonly name: string;
  compute(state: State, action: Act, nextState: State, terms: RewardTerms, end?: TransitionEnd): number;
}
