/** ClipAction: clips a continuous action to the Box bounds; the exposed action space is unbounded. */
import type { Env, StepResult } from '../env.ts';
import { Box } from '../spaces/box.ts';
import type { Space } from '../spaces/space.ts';
import { Wrapper } from './wrapper.ts';

export class ClipAction<Obs, State> extends Wrapper<Obs, Float32Array, State> {
  private readonly inner: Box;
  private readonly space: Box;

  constructor(env: Env<Obs, Float32Array, State>) {
    super(env);
    const s = env.actionSpace;
    if (!(s instanceof Box)) throw new TypeError(`ClipAction needs a Box action space, got ${s.toString()}`);
    this.inner = s;
    this.space = new Box({ low: -Infinity, high: Infinity, shape: s.shape });
  }

  override get actionSpace(): Space<Float32Array> {
    return this.space;
  }

  override step(action: Float32Array): StepResult<Obs> {
    const a = new Float32Array(action.length);
    for (let i = 0; i < a.length; i++) a[i] = Math.min(Math.max(action[i], this.inner.low[i]), this.inner.high[i]);
    return this.env.step(a);
  }
}
