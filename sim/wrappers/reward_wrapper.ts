/**
 * RewardWrapper: computes a reward from the env's privileged states, `fn.compute(state, action,
 * nextState, terms)`, and either replaces the env reward (`mode: 'replace'`) or adds to it (`'add'`).
 * The components go to `info.rewardTerms` (plus `env` = the env's own reward and `total`). A non-finite
 * value is replaced by `nonFiniteValue` (default 0) and counted in `info.rewardTerms.nonFinite`.
 */
import type { Env, ResetOptions, ResetResult, StepResult } from '../env.ts';
import type { RewardFunction, RewardTerms } from '../reward.ts';
import { Wrapper } from './wrapper.ts';

export interface RewardWrapperOptions {
  readonly mode?: 'replace' | 'add';
  readonly nonFiniteValue?: number;
}

export class RewardWrapper<Obs, Act, State> extends Wrapper<Obs, Act, State> {
  readonly mode: 'replace' | 'add';
  readonly nonFiniteValue: number;
  private prevState: State | undefined;
  /** Non-finite rewards replaced since construction. */
  nonFiniteCount = 0;

  constructor(env: Env<Obs, Act, State>, readonly fn: RewardFunction<State, Act>, opts: RewardWrapperOptions = {}) {
    super(env);
    this.mode = opts.mode ?? 'replace';
    if (this.mode !== 'replace' && this.mode !== 'add') throw new RangeError(`RewardWrapper mode must be 'replace' or 'add', got '${String(this.mode)}'`);
    this.nonFiniteValue = opts.nonFiniteValue ?? 0;
  }

  override reset(opts?: ResetOptions): ResetResult<Obs> {
    const r = this.env.reset(opts);
    this.prevState = this.env.state();
    return r;
  }

  override step(action: Act): StepResult<Obs> {
    if (this.prevState === undefined) throw new Error('Cannot call env.step() before calling env.reset()');
    const r = this.env.step(action);
    const next = this.env.state();
    const terms: RewardTerms = {};
    let value = this.fn.compute(this.prevState, action, next, terms, { terminated: r[2], truncated: r[3] });
    if (!Number.isFinite(value)) {
      this.nonFiniteCount++;
      terms.nonFinite = 1;
      value = this.nonFiniteValue;
    }
    terms.env = r[1];
    const total = this.mode === 'replace' ? value : r[1] + value;
    terms.total = total;
    r[1] = total;
    r[4] = { ...r[4], rewardTerms: terms };
    this.prevState = next;
    return r;
  }
}
