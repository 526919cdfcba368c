/** OrderEnforcing: `step` (and `render` unless allowed) before the first `reset` is an error. */
import type { Env, Frame, RenderOptions, ResetOptions, ResetResult, StepResult } from '../env.ts';
import { Wrapper } from './wrapper.ts';

export class OrderEnforcing<Obs, Act, State> extends Wrapper<Obs, Act, State> {
  private hasReset = false;

  constructor(env: Env<Obs, Act, State>, readonly disableRenderOrderEnforcing = true) {
    super(env);
  }

  override reset(opts?: ResetOptions): ResetResult<Obs> {
    this.hasReset = true;
    return this.env.reset(opts);
  }

  override step(action: Act): StepResult<Obs> {
    if (!this.hasReset) throw new Error('Cannot call env.step() before calling env.reset()');
    return this.env.step(action);
  }

  override render(opts?: RenderOptions): Frame {
    if (!this.disableRenderOrderEnforcing && !this.hasReset) {
      throw new Error('Cannot call env.render() before calling env.reset()');
    }
    return this.env.render(opts);
  }
}
