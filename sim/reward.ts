/**
 * A reward is a pure function of `(state, action, nextState)` (Gymnasium `FuncEnv.reward`), where the
 * states are the env's privileged `state()` snapshots. It may report named components by writing into
 * `terms`; wrappers put them in `info.rewardTerms`.
 */
export type RewardTerms = Record<string, number>;

export interface RewardFunction<State = unknown, Act = unknown> {
  /** Short name used in logs and summaries (e.g. 'text2reward:offline'). */
  readonly name: string;
  compute(state: State, action: Act, nextState: State, terms: RewardTerms): number;
}
