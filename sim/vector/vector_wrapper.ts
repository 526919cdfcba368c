/**
 * Base of vector-env wrappers: every member delegates to the wrapped `env`; subclasses override what they
 * change (usually `step`, sometimes `reset`) and call `super`. Gymnasium's `VectorWrapper`.
 */
import type { VecBuffers, VecResetOptions, VecStepResult, VectorEnv } from './vector_env.ts';

export class VectorEnvWrapper implements VectorEnv {
  constructor(readonly env: VectorEnv) {}

  get numEnvs() { return this.env.numEnvs; }
  get singleObservationSpace() { return this.env.singleObservationSpace; }
  get singleActionSpace() { return this.env.singleActionSpace; }
  get obsDim() { return this.env.obsDim; }
  get actDim() { return this.env.actDim; }
  get autoresetMode() { return this.env.autoresetMode; }
  get maxEpisodeSteps() { return this.env.maxEpisodeSteps; }
  get buffers(): VecBuffers { return this.env.buffers; }

  reset(opts?: VecResetOptions): ReturnType<VectorEnv['reset']> {
    return this.env.reset(opts);
  }

  step(actions: Float32Array, out?: VecBuffers): VecStepResult {
    return this.env.step(actions, out);
  }

  stateAt(i: number): unknown {
    return this.env.stateAt(i);
  }

  close(): void {
    this.env.close();
  }
}
