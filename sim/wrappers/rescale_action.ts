/** RescaleAction: the agent acts in [minAction, maxAction]; actions are mapped affinely onto the env's Box. */
import type { Env, StepResult } from '../env.ts';
import { Box } from '../spaces/box.ts';
import type { Space } from '../spaces/space.ts';
import { Wrapper } from './wrapper.ts';

export class RescaleAction<Obs, State> extends Wrapper<Obs, Float32Array, State> {
  private readonly inner: Box;
  private readonly space: Box;

  constructor(env: Env<Obs, Float32Array, State>, readonly minAction: number, readonly maxAction: number) {
    super(env);
    const s = env.actionSpace;
    if (!(s instanceof Box) || !s.isBounded()) throw new TypeError(`RescaleAction needs a bounded Box action space, got ${s.toString()}`);
    if (!(minAction < maxAction)) throw new RangeError(`RescaleAction needs minAction < maxAction, got ${minAction} and ${maxAction}`);
    this.inner = s;
    this.space = new Box({ low: minAction, high: maxAction, shape: s.shape });
  }

  override get actionSpace(): Space<Float32Array> {
    return this.space;
  }

  override step(action: Float32Array): StepResult<Obs> {
    if (!this.space.contains(action)) {
      throw new RangeError(`RescaleAction: action [${Array.from(action).join(', ')}] is not in ${this.space.toString()}`);
    }
    const a = new Float32Array(action.length);
    const span = this.maxAction - this.minAction;
    for (let i = 0; i < a.length; i++) {
      const u = (action[i] - this.minAction) / span;
      a[i] = this.inner.low[i] + u * (this.inner.high[i] - this.inner.low[i]);
    }
    return this.env.step(a);
  }
}
