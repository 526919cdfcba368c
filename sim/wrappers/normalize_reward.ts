/**
 * NormalizeReward (Gymnasium 1.x): keeps a discounted return G ← γ·G·(1 − terminated) + r, tracks its
 * running variance, and returns r / sqrt(var(G) + ε). Rewards are scaled, never shifted.
 */
import type { Env, StepResult } from '../env.ts';
import { RunningMeanStd } from '../running_mean_std.ts';
import { Wrapper } from './wrapper.ts';

export class NormalizeReward<Obs, Act, State> extends Wrapper<Obs, Act, State> {
  readonly returnRms = new RunningMeanStd(1);
  updateRunningMean = true;
  private discountedReward = 0;
  private readonly scratch = new Float64Array(1);

  constructor(env: Env<Obs, Act, State>, readonly gamma = 0.99, readonly epsilon = 1e-8) {
    super(env);
    if (!(gamma >= 0 && gamma <= 1)) throw new RangeError(`NormalizeReward gamma must be in [0, 1], got ${gamma}`);
  }

  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    this.discountedReward = this.discountedReward * this.gamma * (r[2] ? 0 : 1) + r[1];
    if (this.updateRunningMean) {
      this.scratch[0] = this.discountedReward;
      this.returnRms.update(this.scratch, 1);
    }
    r[1] = r[1] / Math.sqrt(this.returnRms.var[0] + this.epsilon);
    return r;
  }
}
