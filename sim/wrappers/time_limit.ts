/**
 * TimeLimit: sets `truncated` once `maxEpisodeSteps` steps have been taken since the last reset. A
 * terminal step on the limit is reported as terminated AND truncated, as in Gymnasium; learners must
 * treat it as terminal (terminated wins) and bootstrap only on pure truncation.
 */
import type { Env, ResetOptions, ResetResult, StepResult } from '../env.ts';
import { Wrapper } from './wrapper.ts';

export class TimeLimit<Obs, Act, State> extends Wrapper<Obs, Act, State> {
  private elapsed = 0;

  constructor(env: Env<Obs, Act, State>, readonly maxEpisodeSteps: number) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) {
      throw new RangeError(`Expect maxEpisodeSteps to be a positive integer, actually: ${maxEpisodeSteps}`);
    }
  }

  get elapsedSteps(): number {
    return this.elapsed;
  }

  override reset(opts?: ResetOptions): ResetResult<Obs> {
    this.elapsed = 0;
    return this.env.reset(opts);
  }

  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    this.elapsed++;
    if (this.elapsed >= this.maxEpisodeSteps) r[3] = true;
    return r;
  }
}
