/**
 * The batched functional core (gymnax/PufferLib style): N envs' state lives in typed arrays owned by a
 * `BatchedCore`, and `step` writes observations, rewards and terminations into buffers the caller owns.
 * `CoreEnv` is the thin Gymnasium shell over a core of size 1; `NativeVectorEnv` (sim/vector) drives a
 * core of size N. Families with a native core get both from one implementation, so "batched step equals
 * N scalar steps" holds by construction and is property-tested.
 *
 * Flat action layout: `actions: Float32Array [N * actDim]`; a Discrete action is stored as its integer
 * value in one float slot.
 */
import type { Env, EnvMetadata, EnvSpec, Frame, RenderMode, RenderOptions, ResetOptions, ResetResult, StepResult } from './env.ts';
import { Rng, assertSeed } from './rng.ts';
import type { Space } from './spaces/space.ts';

export abstract class BatchedCore<State = unknown> {
  /** Observation size per env (float32 slots). */
  abstract readonly obsDim: number;
  /** Action size per env in the flat action buffer. */
  abstract readonly actDim: number;
  abstract readonly observationSpace: Space<Float32Array>;
  abstract readonly actionSpace: Space<unknown>;
  abstract readonly metadata: EnvMetadata;

  constructor(readonly numEnvs: number) {
    if (!Number.isInteger(numEnvs) || numEnvs <= 0) throw new RangeError(`numEnvs must be a positive integer, got ${numEnvs}`);
  }

  /** Reset env `i`, drawing its initial state from `rng`, and write its observation to `obs[off..]`. */
  abstract resetAt(i: number, rng: Rng, options: Record<string, unknown> | undefined, obs: Float32Array, off: number): void;

  /**
   * Advance every env whose `skip[i]` is 0 by one step with `actions[i*actDim ..]`; write `obs` rows,
   * `reward[i]` and `terminated[i]` (1 = MDP terminal). Envs with `skip[i] = 1` are left untouched.
   * Must not allocate.
   */
  abstract step(
    actions: Float32Array,
    skip: Uint8Array,
    obs: Float32Array,
    reward: Float32Array,
    terminated: Uint8Array,
  ): void;

  /** Privileged state snapshot of env `i` (a fresh plain object). */
  abstract stateAt(i: number): State;
  abstract abstraction(): string;
  abstract success(state: State): boolean;
  /** Success predicate of env `i` now; override with an allocation-free version when cheap. */
  successAt(i: number): boolean {
    return this.success(this.stateAt(i));
  }
  /** RGB frame of env `i`. */
  abstract renderAt(i: number, opts?: RenderOptions): Frame;

  /**
   * The core's per-env state arrays (every typed-array field), for checkpoints. Cores whose state is
   * not all in typed-array fields override both methods.
   */
  snapshot(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const [k, v] of Object.entries(this)) if (ArrayBuffer.isView(v) && !(v instanceof DataView)) out[k] = Array.from(v as unknown as ArrayLike<number>);
    return out;
  }

  restore(snap: Record<string, number[]>): void {
    for (const [k, v] of Object.entries(this)) {
      if (!ArrayBuffer.isView(v) || v instanceof DataView) continue;
      const saved = snap[k];
      const arr = v as unknown as { length: number; set(a: ArrayLike<number>): void };
      if (!saved || saved.length !== arr.length) throw new Error(`core snapshot is missing '${k}' or has the wrong length`);
      arr.set(saved);
    }
  }

  /** Release what the core holds (WASM worlds, workers). Idempotent; cores without resources keep this no-op. */
  close(): void {}

  /** Convert one env's action (as the action space holds it) into the flat layout at `out[off..]`. */
  abstract writeAction(action: unknown, out: Float32Array, off: number): void;
}

/** Gymnasium-style single env over a size-1 core. */
export class CoreEnv<State = unknown, Act = unknown> implements Env<Float32Array, Act, State> {
  readonly observationSpace: Space<Float32Array>;
  readonly actionSpace: Space<Act>;
  readonly metadata: EnvMetadata;
  readonly renderMode: RenderMode | undefined;
  spec: EnvSpec | undefined = undefined;
  private rng: Rng;
  private closed = false;
  private readonly actBuf: Float32Array;
  private readonly obsBuf: Float32Array;
  private readonly rewBuf = new Float32Array(1);
  private readonly termBuf = new Uint8Array(1);
  private readonly skipBuf = new Uint8Array(1);

  constructor(
    readonly core: BatchedCore<State>,
    opts: { renderMode?: RenderMode } = {},
  ) {
    if (core.numEnvs !== 1) throw new RangeError(`CoreEnv needs a core with numEnvs = 1, got ${core.numEnvs}`);
    this.observationSpace = core.observationSpace;
    this.actionSpace = core.actionSpace as Space<Act>;
    this.metadata = core.metadata;
    if (opts.renderMode !== undefined && !core.metadata.renderModes.includes(opts.renderMode)) {
      throw new RangeError(`renderMode '${opts.renderMode}' is not one of [${core.metadata.renderModes.join(', ')}]`);
    }
    this.renderMode = opts.renderMode;
    this.rng = new Rng(0);
    this.actBuf = new Float32Array(core.actDim);
    this.obsBuf = new Float32Array(core.obsDim);
  }

  get npRandom(): Rng {
    return this.rng;
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) {
      assertSeed(opts.seed, 'reset seed');
      this.rng = new Rng(opts.seed);
    }
    this.core.resetAt(0, this.rng, opts.options, this.obsBuf, 0);
    return [this.obsBuf.slice(), {}];
  }

  step(action: Act): StepResult<Float32Array> {
    this.core.writeAction(action, this.actBuf, 0);
    this.core.step(this.actBuf, this.skipBuf, this.obsBuf, this.rewBuf, this.termBuf);
    return [this.obsBuf.slice(), this.rewBuf[0], this.termBuf[0] === 1, false, {}];
  }

  render(opts?: RenderOptions): Frame {
    return this.core.renderAt(0, opts);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.core.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  state(): State {
    return this.core.stateAt(0);
  }

  abstraction(): string {
    return this.core.abstraction();
  }

  success(state: State): boolean {
    return this.core.success(state);
  }
}
