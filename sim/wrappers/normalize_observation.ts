/**
 * NormalizeObservation: (obs − running mean) / sqrt(running var + ε), ε = 1e-8, statistics updated on
 * every reset and step while `updateRunningMean` is true (freeze it for evaluation).
 */
import type { Env, ResetOptions, ResetResult, StepResult } from '../env.ts';
import { RunningMeanStd } from '../running_mean_std.ts';
import { Box } from '../spaces/box.ts';
import type { Space } from '../spaces/space.ts';
import { Wrapper } from './wrapper.ts';

export class NormalizeObservation<Act, State> extends Wrapper<Float32Array, Act, State> {
  readonly obsRms: RunningMeanStd;
  updateRunningMean = true;
  private readonly space: Box;

  constructor(env: Env<Float32Array, Act, State>, readonly epsilon = 1e-8) {
    super(env);
    const s = env.observationSpace;
    if (!(s instanceof Box)) throw new TypeError(`NormalizeObservation needs a Box observation space, got ${s.toString()}`);
    this.obsRms = new RunningMeanStd(s.flatDim);
    this.space = new Box({ low: -Infinity, high: Infinity, shape: s.shape });
  }

  override get observationSpace(): Space<Float32Array> {
    return this.space;
  }

  private normalize(obs: Float32Array): Float32Array {
    if (this.updateRunningMean) this.obsRms.update(obs, 1);
    const out = new Float32Array(obs.length);
    for (let i = 0; i < obs.length; i++) out[i] = (obs[i] - this.obsRms.mean[i]) / Math.sqrt(this.obsRms.var[i] + this.epsilon);
    return out;
  }

  override reset(opts?: ResetOptions): ResetResult<Float32Array> {
    const [obs, info] = this.env.reset(opts);
    return [this.normalize(obs), info];
  }

  override step(action: Act): StepResult<Float32Array> {
    const r = this.env.step(action);
    r[0] = this.normalize(r[0]);
    return r;
  }
}
