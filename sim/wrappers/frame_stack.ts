/**
 * FrameStack (Gymnasium 1.x `FrameStackObservation`, padding "reset"): the observation is the last
 * `stackSize` observations concatenated, oldest first; after a reset the stack is filled with copies of
 * the reset observation.
 */
import type { Env, ResetOptions, ResetResult, StepResult } from '../env.ts';
import { Box } from '../spaces/box.ts';
import type { Space } from '../spaces/space.ts';
import { Wrapper } from './wrapper.ts';

export class FrameStack<Act, State> extends Wrapper<Float32Array, Act, State> {
  private readonly space: Box;
  private readonly dim: number;
  private stack: Float32Array;

  constructor(env: Env<Float32Array, Act, State>, readonly stackSize: number) {
    super(env);
    if (!Number.isInteger(stackSize) || stackSize < 1) throw new RangeError(`FrameStack stackSize must be a positive integer, got ${stackSize}`);
    const s = env.observationSpace;
    if (!(s instanceof Box)) throw new TypeError(`FrameStack needs a Box observation space, got ${s.toString()}`);
    this.dim = s.flatDim;
    const low = new Float32Array(stackSize * this.dim);
    const high = new Float32Array(stackSize * this.dim);
    for (let k = 0; k < stackSize; k++) {
      low.set(s.low, k * this.dim);
      high.set(s.high, k * this.dim);
    }
    this.space = new Box({ low, high, shape: [stackSize, ...s.shape] });
    this.stack = new Float32Array(stackSize * this.dim);
  }

  override get observationSpace(): Space<Float32Array> {
    return this.space;
  }

  override reset(opts?: ResetOptions): ResetResult<Float32Array> {
    const [obs, info] = this.env.reset(opts);
    this.stack = new Float32Array(this.stackSize * this.dim);
    for (let k = 0; k < this.stackSize; k++) this.stack.set(obs, k * this.dim);
    return [this.stack.slice(), info];
  }

  override step(action: Act): StepResult<Float32Array> {
    const r = this.env.step(action);
    this.stack.copyWithin(0, this.dim);
    this.stack.set(r[0], (this.stackSize - 1) * this.dim);
    r[0] = this.stack.slice();
    return r;
  }
}
