/**
 * A tiny env whose done pattern is driven by its actions, for testing vector envs and wrappers:
 * obs = [u, t] where u ~ U(0,1) is drawn from the env's RNG at reset and t counts steps; action 1
 * terminates, action 0 continues; reward = t + u (so rewards identify the episode and step).
 */
import { BatchedCore, CoreEnv } from '../../sim/batched.ts';
import type { EnvMetadata, Frame } from '../../sim/env.ts';
import type { EnvRegistration } from '../../sim/registration.ts';
import type { Rng } from '../../sim/rng.ts';
import { Box } from '../../sim/spaces/box.ts';
import { Discrete } from '../../sim/spaces/discrete.ts';

export interface ToyState {
  u: number;
  t: number;
}

export class ToyCore extends BatchedCore<ToyState> {
  readonly obsDim = 2;
  readonly actDim = 1;
  readonly observationSpace = new Box({ low: [0, 0], high: [1, 1e6] });
  readonly actionSpace = new Discrete(2);
  readonly metadata: EnvMetadata = { renderModes: ['rgb_array'], renderFps: 30, cameras: ['default'] };
  readonly u: Float64Array;
  readonly t: Float64Array;

  constructor(n: number) {
    super(n);
    this.u = new Float64Array(n);
    this.t = new Float64Array(n);
  }

  resetAt(i: number, rng: Rng, _o: unknown, obs: Float32Array, off: number): void {
    this.u[i] = rng.random();
    this.t[i] = 0;
    obs[off] = this.u[i];
    obs[off + 1] = 0;
  }

  step(actions: Float32Array, skip: Uint8Array, obs: Float32Array, reward: Float32Array, terminated: Uint8Array): void {
    for (let i = 0; i < this.numEnvs; i++) {
      if (skip[i]) continue;
      this.t[i] += 1;
      obs[2 * i] = this.u[i];
      obs[2 * i + 1] = this.t[i];
      reward[i] = this.t[i] + this.u[i];
      terminated[i] = actions[i] === 1 ? 1 : 0;
    }
  }

  stateAt(i: number): ToyState {
    return { u: this.u[i], t: this.t[i] };
  }

  abstraction(): string {
    return 'interface ToyState { u: number; t: number }';
  }

  success(s: ToyState): boolean {
    return s.t >= 3;
  }

  renderAt(i: number): Frame {
    const data = new Uint8Array(4 * 4 * 3).fill(Math.floor(this.u[i] * 255));
    return { width: 4, height: 4, data };
  }

  writeAction(action: unknown, out: Float32Array, off: number): void {
    if (!this.actionSpace.contains(action)) throw new RangeError(`Toy: action ${String(action)} is not in Discrete(2)`);
    out[off] = action as number;
  }
}

export function toyRegistration(maxEpisodeSteps?: number): EnvRegistration {
  return {
    id: 'test/Toy-v0',
    entryPoint: () => new CoreEnv(new ToyCore(1)),
    batched: (n) => new ToyCore(n),
    maxEpisodeSteps,
  };
}
