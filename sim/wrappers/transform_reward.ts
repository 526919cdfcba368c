/** TransformReward: applies `fn` to every reward (e.g. scaling or clipping). */
import type { Env, StepResult } from '../env.ts';
import { Wrapper } from './wrapper.ts';

export class TransformReward<Obs, Act, State> extends Wrapper<Obs, Act, State> {
  constructor(env: Env<Obs, Act, State>, readonly fn: (reward: number) => number) {
    super(env);
  }

  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    r[1] = this.fn(r[1]);
    return r;
  }
}
