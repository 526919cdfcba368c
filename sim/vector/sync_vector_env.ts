/**
 * SyncVectorEnv: the generic vector env over any `Env` (Gymnasium `SyncVectorEnv`), for families
 * without a native batched core or with per-env wrappers. Observations are flattened into the SoA
 * buffer with the single observation space's `flatten`; flat actions are unflattened per env.
 * Infos from the sub-envs are merged into arrays with `_key` masks.
 */
import type { Env, Info } from '../env.ts';
import { assertSeed, deriveSeed } from '../rng.ts';
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

export interface SyncVectorEnvOptions {
  readonly autoresetMode?: AutoresetMode;
  readonly validateActions?: boolean;
}

export class SyncVectorEnv implements VectorEnv {
  readonly envs: Env[];
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<unknown>;
  readonly obsDim: number;
  readonly actDim: number;
  readonly autoresetMode: AutoresetMode;
  readonly maxEpisodeSteps: number | undefined;
  readonly buffers: VecBuffers;
  private readonly needsReset: Uint8Array;
  private readonly stats: EpisodeTracker;
  private readonly checkActions: ActionChecker | undefined;
  private hasReset = false;
  private closed = false;

  constructor(envFns: ReadonlyArray<() => Env>, opts: SyncVectorEnvOptions = {}) {
    if (envFns.length === 0) throw new RangeError('SyncVectorEnv needs at least one env');
    this.envs = envFns.map((f) => f());
    this.numEnvs = this.envs.length;
    this.singleObservationSpace = this.envs[0].observationSpace;
    this.singleActionSpace = this.envs[0].actionSpace;
    for (let i = 1; i < this.numEnvs; i++) {
      if (!this.envs[i].observationSpace.equals(this.singleObservationSpace)) {
        throw new Error(`sub-env ${i} has observation space ${this.envs[i].observationSpace.toString()}, sub-env 0 has ${this.singleObservationSpace.toString()}`);
      }
      if (!this.envs[i].actionSpace.equals(this.singleActionSpace)) {
        throw new Error(`sub-env ${i} has action space ${this.envs[i].actionSpace.toString()}, sub-env 0 has ${this.singleActionSpace.toString()}`);
      }
    }
    this.obsDim = this.singleObservationSpace.flatDim;
    this.actDim = this.singleActionSpace.flatDim;
    this.autoresetMode = checkAutoresetMode(opts.autoresetMode ?? 'next-step');
    this.maxEpisodeSteps = this.envs[0].spec?.maxEpisodeSteps;
    this.buffers = allocBuffers(this.numEnvs, this.obsDim);
    this.needsReset = new Uint8Array(this.numEnvs);
    this.stats = new EpisodeTracker(this.numEnvs);
    this.checkActions = opts.validateActions === false ? undefined : makeActionChecker(this.singleActionSpace, this.actDim);
  }

  reset(opts: VecResetOptions = {}): [Float32Array, VecInfos] {
    if (this.closed) throw new Error('reset() called on a closed vector env');
    const n = this.numEnvs;
    const mask = opts.resetMask;
    if (mask !== undefined && mask.length !== n) throw new RangeError(`resetMask has length ${mask.length}, expected numEnvs = ${n}`);
    const seeds = opts.seed === undefined ? undefined : subSeeds(opts.seed, n, deriveSeed);
    const infos: VecInfos = {};
    const now = performance.now();
    for (let i = 0; i < n; i++) {
      if (mask && !mask[i]) continue;
      if (seeds) assertSeed(seeds[i], `seed[${i}]`);
      const [o, info] = this.envs[i].reset({ seed: seeds?.[i], options: opts.options });
      this.singleObservationSpace.flatten(o, this.buffers.obs, i * this.obsDim);
      mergeInfo(infos, info, i, n);
      this.needsReset[i] = 0;
      this.stats.begin(i, now);
    }
    this.stats.mask.fill(0);
    this.hasReset = true;
    return [this.buffers.obs, infos];
  }

  step(actions: Float32Array, out: VecBuffers = this.buffers): VecStepResult {
    if (!this.hasReset) throw new Error('Cannot call step() before calling reset()');
    if (out !== this.buffers) checkBuffers(out, this.numEnvs, this.obsDim);
    const n = this.numEnvs;
    const dim = this.obsDim;
    this.checkActions?.(actions, n);
    const infos: VecInfos = { episode: this.stats.info, _episode: this.stats.mask };
    this.stats.mask.fill(0);
    const now = performance.now();
    let finalObs: Float32Array | undefined;
    let finalMask: Uint8Array | undefined;
    for (let i = 0; i < n; i++) {
      const env = this.envs[i];
      if (this.needsReset[i]) {
        if (this.autoresetMode === 'disabled') {
          throw new Error(`env ${i} has ended; with autoresetMode 'disabled' call reset({resetMask}) before stepping it`);
        }
        const [o, info] = env.reset();
        this.singleObservationSpace.flatten(o, out.obs, i * dim);
        out.reward[i] = 0;
        out.terminated[i] = 0;
        out.truncated[i] = 0;
        mergeInfo(infos, info, i, n);
        this.needsReset[i] = 0;
        this.stats.begin(i, now);
        continue;
      }
      const action = this.singleActionSpace.unflatten(actions, i * this.actDim);
      const [o, r, term, trunc, info] = env.step(action);
      out.reward[i] = r;
      out.terminated[i] = term ? 1 : 0;
      out.truncated[i] = trunc ? 1 : 0;
      // Episode statistics count the env's own reward, also under a RewardWrapper (its terms.env).
      this.stats.add(i, (info.rewardTerms as { env?: number } | undefined)?.env ?? r);
      if (term || trunc) {
        this.stats.finish(i, now, env.success(env.state()));
        if (this.autoresetMode === 'same-step') {
          finalObs ??= new Float32Array(n * dim);
          finalMask ??= new Uint8Array(n);
          this.singleObservationSpace.flatten(o, finalObs, i * dim);
          finalMask[i] = 1;
          const finalInfo = (infos.finalInfo ??= new Array<Info | undefined>(n).fill(undefined)) as (Info | undefined)[];
          finalInfo[i] = info;
          infos._finalInfo ??= new Uint8Array(n);
          (infos._finalInfo as Uint8Array)[i] = 1;
          const [o2, info2] = env.reset();
          this.singleObservationSpace.flatten(o2, out.obs, i * dim);
          mergeInfo(infos, info2, i, n);
          this.stats.begin(i, now);
          continue;
        }
        this.needsReset[i] = 1;
      }
      this.singleObservationSpace.flatten(o, out.obs, i * dim);
      mergeInfo(infos, info, i, n);
    }
    if (finalObs) {
      infos.finalObs = finalObs;
      infos._finalObs = finalMask;
    }
    return [out.obs, out.reward, out.terminated, out.truncated, infos];
  }

  stateAt(i: number): unknown {
    return this.envs[i].state();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const e of this.envs) e.close();
  }
}

/** Put sub-env i's info into the vector infos: `infos[key][i] = value`, `infos['_' + key][i] = 1`. */
export function mergeInfo(infos: VecInfos, info: Info, i: number, n: number): void {
  for (const key of Object.keys(info)) {
    if (key === 'episode') continue; // recorded by the vector env itself
    const arr = (infos[key] ??= new Array<unknown>(n).fill(undefined)) as unknown[];
    arr[i] = info[key];
    const mask = (infos[`_${key}`] ??= new Uint8Array(n)) as Uint8Array;
    mask[i] = 1;
  }
}
