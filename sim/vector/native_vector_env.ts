/**
 * NativeVectorEnv: a vector env over a family's batched SoA core (`BatchedCore`), with the TimeLimit,
 * autoreset and episode statistics done in typed arrays. Allocates nothing per step.
 */
import type { BatchedCore } from '../batched.ts';
import type { RewardFunction, RewardTerms } from '../reward.ts';
import { Rng, type RngState, assertSeed, deriveSeed } from '../rng.ts';
import type { Space } from '../spaces/space.ts';
import { type ActionChecker, makeActionChecker } from './action_check.ts';
import {
  type AutoresetMode,
  EpisodeTracker,
  type VecBuffers,
  type VecInfos,
  type VecResetOptions,
  type VecStepResult,
  type VectorEnv,
  allocBuffers,
  checkAutoresetMode,
  checkBuffers,
  subSeeds,
} from './vector_env.ts';

export interface NativeVectorEnvState {
  readonly core: Record<string, number[]>;
  readonly rngs: RngState[];
  readonly elapsed: number[];
  readonly needsReset: number[];
  readonly epReturn: number[];
  readonly epLength: number[];
}

export interface NativeVectorEnvOptions {
  readonly autoresetMode?: AutoresetMode;
  readonly maxEpisodeSteps?: number;
  /** Check every action against the action space each step (default true; O(N)). */
  readonly validateActions?: boolean;
  /**
   * A reward computed from the privileged states, `fn.compute(state, action, nextState, terms)`, that
   * replaces (default) or adds to the env's reward. Its components go to `infos.rewardTerms[i]`, the
   * env's own reward to `infos.envReward`; episode statistics keep counting the env's own reward.
   */
  readonly reward?: RewardFunction;
  readonly rewardMode?: 'replace' | 'add';
}

export class NativeVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<unknown>;
  readonly obsDim: number;
  readonly actDim: number;
  readonly autoresetMode: AutoresetMode;
  readonly maxEpisodeSteps: number | undefined;
  readonly buffers: VecBuffers;
  /**
   * Per-env generator states, 4 floats each (struct of arrays: a reset touches one cache line instead
   * of a scattered heap object). `rng` is the one generator object they are loaded into.
   */
  private readonly rngBank: Float64Array;
  private readonly rng = new Rng(0);
  private readonly elapsed: Int32Array;
  /** 1 = env ended on the previous step and must be reset (next-step) or reset by the user (disabled). */
  private readonly needsReset: Uint8Array;
  private readonly skip: Uint8Array;
  private readonly stats: EpisodeTracker;
  private readonly finalObs: Float32Array;
  private readonly finalObsMask: Uint8Array;
  private readonly infos: VecInfos;
  private readonly checkActions: ActionChecker | undefined;
  private hasReset = false;
  private closed = false;
  private readonly rewardFn: RewardFunction | undefined;
  private readonly rewardAdd: boolean;
  private readonly prevStates: unknown[];
  private readonly envReward: Float32Array;
  private readonly termsOut: (RewardTerms | undefined)[];
  private readonly termsMask: Uint8Array;

  constructor(readonly core: BatchedCore, opts: NativeVectorEnvOptions = {}) {
    this.numEnvs = core.numEnvs;
    this.singleObservationSpace = core.observationSpace;
    this.singleActionSpace = core.actionSpace;
    this.obsDim = core.obsDim;
    this.actDim = core.actDim;
    this.autoresetMode = checkAutoresetMode(opts.autoresetMode ?? 'next-step');
    if (opts.maxEpisodeSteps !== undefined && (!Number.isInteger(opts.maxEpisodeSteps) || opts.maxEpisodeSteps <= 0)) {
      throw new RangeError(`maxEpisodeSteps must be a positive integer, got ${opts.maxEpisodeSteps}`);
    }
    this.maxEpisodeSteps = opts.maxEpisodeSteps;
    const n = this.numEnvs;
    this.buffers = allocBuffers(n, this.obsDim);
    this.rngBank = new Float64Array(4 * n);
    for (let i = 0; i < n; i++) new Rng(deriveSeed(0, i)).storeTo(this.rngBank, i);
    this.elapsed = new Int32Array(n);
    this.needsReset = new Uint8Array(n);
    this.skip = new Uint8Array(n);
    this.stats = new EpisodeTracker(n);
    this.finalObs = new Float32Array(this.autoresetMode === 'same-step' ? n * this.obsDim : 0);
    this.finalObsMask = new Uint8Array(n);
    this.infos = this.autoresetMode === 'same-step'
      ? { episode: this.stats.info, _episode: this.stats.mask, finalObs: this.finalObs, _finalObs: this.finalObsMask }
      : { episode: this.stats.info, _episode: this.stats.mask };
    this.checkActions = opts.validateActions === false ? undefined : makeActionChecker(this.singleActionSpace, this.actDim);
    this.rewardFn = opts.reward;
    if (opts.rewardMode !== undefined && opts.rewardMode !== 'replace' && opts.rewardMode !== 'add') {
      throw new RangeError(`rewardMode must be 'replace' or 'add', got '${String(opts.rewardMode)}'`);
    }
    this.rewardAdd = opts.rewardMode === 'add';
    this.prevStates = new Array<unknown>(this.rewardFn ? n : 0);
    this.envReward = new Float32Array(this.rewardFn ? n : 0);
    this.termsOut = new Array<RewardTerms | undefined>(this.rewardFn ? n : 0);
    this.termsMask = new Uint8Array(this.rewardFn ? n : 0);
    if (this.rewardFn) Object.assign(this.infos, { envReward: this.envReward, _envReward: new Uint8Array(n).fill(1), rewardTerms: this.termsOut, _rewardTerms: this.termsMask });
  }

  /** A copy of sub-env i's generator (for tests). */
  rngAt(i: number): Rng {
    const r = new Rng(0);
    r.loadFrom(this.rngBank, i);
    return r;
  }

  /** Reset env i from its own generator stream. */
  private resetEnv(i: number, options: Record<string, unknown> | undefined, obs: Float32Array): void {
    const rng = this.rng;
    rng.loadFrom(this.rngBank, i);
    this.core.resetAt(i, rng, options, obs, i * this.obsDim);
    rng.storeTo(this.rngBank, i);
    if (this.rewardFn) this.prevStates[i] = this.core.stateAt(i);
  }

  reset(opts: VecResetOptions = {}): [Float32Array, VecInfos] {
    if (this.closed) throw new Error('reset() called on a closed vector env');
    const n = this.numEnvs;
    const mask = opts.resetMask;
    if (mask !== undefined && mask.length !== n) throw new RangeError(`resetMask has length ${mask.length}, expected numEnvs = ${n}`);
    if (opts.seed !== undefined) {
      const seeds = subSeeds(opts.seed, n, deriveSeed);
      for (let i = 0; i < n; i++) {
        if (mask && !mask[i]) continue;
        assertSeed(seeds[i], `seed[${i}]`);
        new Rng(seeds[i]).storeTo(this.rngBank, i);
      }
    }
    const now = performance.now();
    const obs = this.buffers.obs;
    for (let i = 0; i < n; i++) {
      if (mask && !mask[i]) continue;
      this.resetEnv(i, opts.options, obs);
      this.elapsed[i] = 0;
      this.needsReset[i] = 0;
      this.stats.begin(i, now);
    }
    this.stats.mask.fill(0);
    this.finalObsMask.fill(0);
    this.hasReset = true;
    return [obs, {}];
  }

  step(actions: Float32Array, out: VecBuffers = this.buffers): VecStepResult {
    if (!this.hasReset) throw new Error('Cannot call step() before calling reset()');
    if (out !== this.buffers) checkBuffers(out, this.numEnvs, this.obsDim);
    const n = this.numEnvs;
    const dim = this.obsDim;
    const { obs, reward, terminated, truncated } = out;
    const mode = this.autoresetMode;
    if (mode === 'disabled') {
      for (let i = 0; i < n; i++) {
        if (this.needsReset[i]) throw new Error(`env ${i} has ended; with autoresetMode 'disabled' call reset({resetMask}) before stepping it`);
      }
    }
    this.checkActions?.(actions, n);
    const skip = this.skip;
    if (mode === 'next-step') skip.set(this.needsReset);
    this.core.step(actions, skip, obs, reward, terminated);
    if (this.rewardFn) this.applyReward(actions, skip, reward, terminated);
    this.stats.mask.fill(0);
    if (mode === 'same-step') this.finalObsMask.fill(0);
    const limit = this.maxEpisodeSteps ?? 0x7fffffff;
    const elapsed = this.elapsed;
    const needsReset = this.needsReset;
    const epRet = this.stats.ret;
    const epLen = this.stats.len;
    let now = -1; // read the clock only when an episode starts or ends
    for (let i = 0; i < n; i++) {
      if (skip[i]) {
        // next-step autoreset: this step is the reset.
        this.resetEnv(i, undefined, obs);
        reward[i] = 0;
        terminated[i] = 0;
        truncated[i] = 0;
        elapsed[i] = 0;
        needsReset[i] = 0;
        if (now < 0) now = performance.now();
        this.stats.begin(i, now);
        continue;
      }
      const e = ++elapsed[i];
      const tr = e >= limit ? 1 : 0;
      truncated[i] = tr;
      epRet[i] += this.rewardFn ? this.envReward[i] : reward[i];
      epLen[i]++;
      if (terminated[i] | tr) {
        if (now < 0) now = performance.now();
        this.stats.finish(i, now, this.core.successAt(i));
        if (mode === 'same-step') {
          this.finalObs.set(obs.subarray(i * dim, (i + 1) * dim), i * dim);
          this.finalObsMask[i] = 1;
          this.resetEnv(i, undefined, obs);
          elapsed[i] = 0;
          this.stats.begin(i, now);
        } else {
          needsReset[i] = 1;
        }
      }
    }
    return [obs, reward, terminated, truncated, this.infos];
  }

  /** Replace (or add to) the env rewards of the stepped envs with the reward function's values. */
  private applyReward(actions: Float32Array, skip: Uint8Array, reward: Float32Array, terminated: Uint8Array): void {
    const fn = this.rewardFn!;
    const limit = this.maxEpisodeSteps ?? 0x7fffffff;
    this.termsMask.fill(0);
    for (let i = 0; i < this.numEnvs; i++) {
      if (skip[i]) {
        this.envReward[i] = 0;
        this.termsOut[i] = undefined;
        continue;
      }
      const next = this.core.stateAt(i);
      const action = this.singleActionSpace.unflatten(actions, i * this.actDim);
      const terms: RewardTerms = {};
      const end = { terminated: terminated[i] === 1, truncated: this.elapsed[i] + 1 >= limit };
      const r = fn.compute(this.prevStates[i], action, next, terms, end);
      this.envReward[i] = reward[i];
      terms.env = reward[i];
      reward[i] = this.rewardAdd ? reward[i] + r : r;
      terms.total = reward[i];
      this.termsOut[i] = terms;
      this.termsMask[i] = 1;
      this.prevStates[i] = next;
    }
  }

  /**
   * Everything needed to continue exactly: core arrays, RNGs, counters, episode stats. The current
   * observations live in whichever buffer the caller passed to `step`; callers save them themselves.
   */
  getState(): NativeVectorEnvState {
    return {
      core: this.core.snapshot(),
      rngs: Array.from({ length: this.numEnvs }, (_, i) => this.rngAt(i).getState()),
      elapsed: Array.from(this.elapsed),
      needsReset: Array.from(this.needsReset),
      epReturn: Array.from(this.stats.ret),
      epLength: Array.from(this.stats.len),
    };
  }

  setState(s: NativeVectorEnvState): void {
    if (s.rngs.length !== this.numEnvs) throw new Error(`vector env state has ${s.rngs.length} envs, this env has ${this.numEnvs}`);
    this.core.restore(s.core);
    s.rngs.forEach((st, i) => new Rng(st).storeTo(this.rngBank, i));
    this.elapsed.set(s.elapsed);
    this.needsReset.set(s.needsReset);
    this.stats.ret.set(s.epReturn);
    this.stats.len.set(s.epLength);
    const now = performance.now();
    this.stats.start.fill(now);
    if (this.rewardFn) for (let i = 0; i < this.numEnvs; i++) this.prevStates[i] = this.core.stateAt(i);
    this.hasReset = true;
  }

  stateAt(i: number): unknown {
    return this.core.stateAt(i);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.core.close();
  }
}

/** The env's exact-resume snapshot interface when it has one (native cores), else undefined. */
export function asSnapshotable(env: VectorEnv): { getState(): NativeVectorEnvState; setState(s: NativeVectorEnvState): void } | undefined {
  return env instanceof NativeVectorEnv ? env : undefined;
}
