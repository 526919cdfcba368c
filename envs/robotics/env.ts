/**
 * RoboticsEnv: the Gymnasium shell over a size-1 `RoboticsCore`. Adds what the scalar API promises on
 * top of the core: `info.success` on every reset and step, `info.rewardTerms` (the expert reward's
 * components), exact `snapshot()`/`restore()` (physics world bytes + buffers + RNG) and `close()`,
 * which frees the Rapier world.
 */
import type { Env, EnvMetadata, EnvSpec, Frame, Info, RenderMode, RenderOptions, ResetOptions, ResetResult, StepResult } from '../../sim/env.ts';
import { Rng, type RngState, assertSeed } from '../../sim/rng.ts';
import type { Box } from '../../sim/spaces/box.ts';
import { RoboticsCore, type RoboticsParams } from './core.ts';
import type { RoboticsState } from './state.ts';
import type { TaskDef } from './task.ts';

export interface RoboticsEnvSnapshot {
  readonly core: Record<string, number[]>;
  readonly rng: RngState;
  readonly hasReset: boolean;
}

export class RoboticsEnv implements Env<Float32Array, Float32Array, RoboticsState> {
  readonly core: RoboticsCore;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly metadata: EnvMetadata;
  readonly renderMode: RenderMode | undefined;
  spec: EnvSpec | undefined = undefined;
  private rng = new Rng(0);
  private hasReset = false;
  private readonly obsBuf: Float32Array;
  private readonly actBuf = new Float32Array(4);
  private readonly rewBuf = new Float32Array(1);
  private readonly termBuf = new Uint8Array(1);
  private readonly skipBuf = new Uint8Array(1);

  constructor(task: TaskDef, params: Partial<RoboticsParams> = {}, opts: { renderMode?: RenderMode } = {}) {
    this.core = new RoboticsCore(task, 1, params);
    this.observationSpace = this.core.observationSpace;
    this.actionSpace = this.core.actionSpace;
    this.metadata = this.core.metadata;
    if (opts.renderMode !== undefined && !this.metadata.renderModes.includes(opts.renderMode)) {
      this.core.close();
      throw new RangeError(`${task.id}: renderMode '${opts.renderMode}' is not one of [${this.metadata.renderModes.join(', ')}]`);
    }
    this.renderMode = opts.renderMode;
    this.obsBuf = new Float32Array(this.core.obsDim);
  }

  get npRandom(): Rng {
    return this.rng;
  }

  get task(): TaskDef {
    return this.core.task;
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) {
      assertSeed(opts.seed, 'reset seed');
      this.rng = new Rng(opts.seed);
    }
    this.core.resetAt(0, this.rng, opts.options, this.obsBuf, 0);
    this.hasReset = true;
    return [this.obsBuf.slice(), { success: this.core.successAt(0) }];
  }

  step(action: Float32Array): StepResult<Float32Array> {
    if (!this.hasReset) throw new Error(`${this.core.task.id}: call reset() before step()`);
    this.core.writeAction(action, this.actBuf, 0);
    this.core.step(this.actBuf, this.skipBuf, this.obsBuf, this.rewBuf, this.termBuf);
    const info: Info = { success: this.core.successAt(0), rewardTerms: this.core.rewardTermsAt(0) };
    return [this.obsBuf.slice(), this.rewBuf[0], this.termBuf[0] === 1, false, info];
  }

  /** Frame from `opts.camera` (front, side, top, wrist; default front), 128×128 unless given. */
  render(opts?: RenderOptions): Frame {
    return this.core.renderAt(0, opts);
  }

  /** Several cameras at once (multi-view), same size. */
  renderViews(cameras: readonly string[], size: { width?: number; height?: number } = {}): Frame[] {
    return cameras.map((camera) => this.core.renderAt(0, { camera, ...size }));
  }

  state(): RoboticsState {
    return this.core.stateAt(0);
  }

  abstraction(): string {
    return this.core.abstraction();
  }

  success(state: RoboticsState): boolean {
    return this.core.success(state);
  }

  /** Everything needed to continue bit-identically: physics world, buffers, RNG. */
  snapshot(): RoboticsEnvSnapshot {
    return { core: this.core.snapshot(), rng: this.rng.getState(), hasReset: this.hasReset };
  }

  restore(s: RoboticsEnvSnapshot): void {
    this.core.restore(s.core);
    this.rng = new Rng(s.rng);
    this.hasReset = s.hasReset;
  }

  /** Frees the Rapier world; idempotent. */
  close(): void {
    this.core.close();
  }
}
