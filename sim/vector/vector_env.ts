/**
 * VectorEnv: N envs stepped together over struct-of-arrays buffers (Gymnasium `VectorEnv`).
 *
 * Buffers: `obs: Float32Array [N * obsDim]` (row-major, each row = the flattened single observation),
 * `reward: Float32Array [N]`, `terminated/truncated: Uint8Array [N]`. `step(actions, out?)` writes into
 * `out` when the caller passes its own buffers (e.g. views into rollout storage), else into the env's own.
 * Actions are a flat `Float32Array [N * actDim]` (a Discrete action is its integer value in one slot).
 *
 * Autoreset modes (Gymnasium 1.x):
 * - `next-step` (default): the step after an env ends resets it: its action is ignored, its obs is the
 *   reset obs, reward 0, both flags false.
 * - `same-step`: an env that ends is reset in the same step; the final obs goes to `infos.finalObs`
 *   (rows valid where `infos._finalObs[i]` is 1) and its info to `infos.finalInfo`.
 * - `disabled`: nothing resets by itself; call `reset({resetMask})`. Stepping an env that has ended and
 *   was not reset is an error.
 *
 * Sub-env i is seeded with `deriveSeed(seed, i)` (hashing, not seed+i). Episode statistics are recorded
 * as RecordEpisodeStatistics does: `infos.episode = {r, l, t, success}` with mask `infos._episode`.
 */
import type { Space } from '../spaces/space.ts';

export type AutoresetMode = 'next-step' | 'same-step' | 'disabled';
export const AUTORESET_MODES: readonly AutoresetMode[] = ['next-step', 'same-step', 'disabled'];

export interface VecBuffers {
  readonly obs: Float32Array;
  readonly reward: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
}

export interface EpisodeInfo {
  readonly r: Float32Array;
  readonly l: Int32Array;
  readonly t: Float32Array;
  /** 1 when the env's success predicate held on the episode's final state. */
  readonly success: Uint8Array;
}

/** Infos as Gymnasium's vector infos: arrays keyed by name, each with a `_name` mask. */
export type VecInfos = Record<string, unknown> & {
  episode?: EpisodeInfo;
  _episode?: Uint8Array;
  finalObs?: Float32Array;
  _finalObs?: Uint8Array;
};

export interface VecResetOptions {
  /** One seed (sub-env i gets deriveSeed(seed, i)) or one seed per env. */
  readonly seed?: number | readonly number[];
  readonly options?: Record<string, unknown>;
  /** Reset only the envs whose mask entry is 1 (others keep their state and obs row). */
  readonly resetMask?: Uint8Array;
}

export type VecStepResult = [obs: Float32Array, reward: Float32Array, terminated: Uint8Array, truncated: Uint8Array, infos: VecInfos];

export interface VectorEnv {
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<unknown>;
  readonly obsDim: number;
  readonly actDim: number;
  readonly autoresetMode: AutoresetMode;
  readonly maxEpisodeSteps: number | undefined;
  /** The env's own buffers (where `step` writes when no `out` is given). */
  readonly buffers: VecBuffers;
  reset(opts?: VecResetOptions): [obs: Float32Array, infos: VecInfos];
  step(actions: Float32Array, out?: VecBuffers): VecStepResult;
  /** Privileged state of sub-env i (reward context). */
  stateAt(i: number): unknown;
  close(): void;
}

export function allocBuffers(numEnvs: number, obsDim: number): VecBuffers {
  return {
    obs: new Float32Array(numEnvs * obsDim),
    reward: new Float32Array(numEnvs),
    terminated: new Uint8Array(numEnvs),
    truncated: new Uint8Array(numEnvs),
  };
}

export function checkAutoresetMode(mode: unknown): AutoresetMode {
  if (!AUTORESET_MODES.includes(mode as AutoresetMode)) {
    throw new RangeError(`autoresetMode must be one of ${AUTORESET_MODES.map((m) => `'${m}'`).join(', ')}, got '${String(mode)}'`);
  }
  return mode as AutoresetMode;
}

export function checkBuffers(out: VecBuffers, numEnvs: number, obsDim: number): void {
  if (out.obs.length < numEnvs * obsDim) throw new RangeError(`out.obs has length ${out.obs.length}, needs ${numEnvs * obsDim}`);
  for (const k of ['reward', 'terminated', 'truncated'] as const) {
    if (out[k].length < numEnvs) throw new RangeError(`out.${k} has length ${out[k].length}, needs ${numEnvs}`);
  }
}

/** Per-env seeds from a vector reset's `seed` argument. */
export function subSeeds(seed: number | readonly number[], numEnvs: number, derive: (s: number, i: number) => number): number[] {
  if (typeof seed === 'number') return Array.from({ length: numEnvs }, (_, i) => derive(seed, i));
  if (seed.length !== numEnvs) throw new RangeError(`reset seed list has ${seed.length} entries, expected numEnvs = ${numEnvs}`);
  return [...seed];
}

/** Episode-statistics bookkeeping shared by the vector env implementations. */
export class EpisodeTracker {
  readonly ret: Float64Array;
  readonly len: Int32Array;
  readonly start: Float64Array;
  readonly info: EpisodeInfo;
  readonly mask: Uint8Array;

  constructor(numEnvs: number) {
    this.ret = new Float64Array(numEnvs);
    this.len = new Int32Array(numEnvs);
    this.start = new Float64Array(numEnvs);
    this.info = { r: new Float32Array(numEnvs), l: new Int32Array(numEnvs), t: new Float32Array(numEnvs), success: new Uint8Array(numEnvs) };
    this.mask = new Uint8Array(numEnvs);
  }

  begin(i: number, now: number): void {
    this.ret[i] = 0;
    this.len[i] = 0;
    this.start[i] = now;
  }

  add(i: number, reward: number): void {
    this.ret[i] += reward;
    this.len[i]++;
  }

  finish(i: number, now: number, success: boolean): void {
    this.info.r[i] = this.ret[i];
    this.info.l[i] = this.len[i];
    this.info.t[i] = (now - this.start[i]) / 1000;
    this.info.success[i] = success ? 1 : 0;
    this.mask[i] = 1;
  }
}
