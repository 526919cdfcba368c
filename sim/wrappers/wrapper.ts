/**
 * Wrapper base: forwards every member of the env contract to the wrapped env; subclasses override what
 * they change (Gymnasium `gymnasium.Wrapper`).
 */
import type { Env, EnvMetadata, EnvSpec, Frame, RenderMode, RenderOptions, ResetOptions, ResetResult, StepResult } from '../env.ts';
import type { Rng } from '../rng.ts';
import type { Space } from '../spaces/space.ts';

export class Wrapper<Obs = unknown, Act = unknown, State = unknown, InnerObs = Obs, InnerAct = Act>
  implements Env<Obs, Act, State>
{
  constructor(readonly env: Env<InnerObs, InnerAct, State>) {}

  get observationSpace(): Space<Obs> {
    return this.env.observationSpace as unknown as Space<Obs>;
  }
  get actionSpace(): Space<Act> {
    return this.env.actionSpace as unknown as Space<Act>;
  }
  get metadata(): EnvMetadata {
    return this.env.metadata;
  }
  get renderMode(): RenderMode | undefined {
    return this.env.renderMode;
  }
  get spec(): EnvSpec | undefined {
    return this.env.spec;
  }
  set spec(s: EnvSpec | undefined) {
    this.env.spec = s;
  }
  get npRandom(): Rng {
    return this.env.npRandom;
  }

  reset(opts?: ResetOptions): ResetResult<Obs> {
    return this.env.reset(opts) as unknown as ResetResult<Obs>;
  }
  step(action: Act): StepResult<Obs> {
    return this.env.step(action as unknown as InnerAct) as unknown as StepResult<Obs>;
  }
  render(opts?: RenderOptions): Frame {
    return this.env.render(opts);
  }
  close(): void {
    this.env.close();
  }
  state(): State {
    return this.env.state();
  }
  abstraction(): string {
    return this.env.abstraction();
  }
  success(state: State): boolean {
    return this.env.success(state);
  }
}
