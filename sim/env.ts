/**
 * The env contract: Gymnasium 1.x semantics in TypeScript, plus the reward context that generated
 * rewards need (`state()`, `abstraction()`, `success(state)`, `render({camera})`).
 *
 * - `reset({seed, options}) -> [obs, info]`: an integer seed rebuilds the env's RNG; no seed keeps it.
 * - `step(action) -> [obs, reward, terminated, truncated, info]`: terminated = MDP terminal (goal or
 *   failure), truncated = outside the MDP (time limit). Either flag requires a reset.
 * - `close()` is idempotent.
 */
import type { Space } from './spaces/space.ts';
import type { Rng } from './rng.ts';

export type Info = Record<string, unknown>;

export interface ResetOptions {
  readonly seed?: number;
  readonly options?: Record<string, unknown>;
}

export type ResetResult<Obs> = [obs: Obs, info: Info];
export type StepResult<Obs> = [obs: Obs, reward: number, terminated: boolean, truncated: boolean, info: Info];

/** Render modes: every env renders RGB frames; text families may also render 'ansi' strings. */
export type RenderMode = 'rgb_array' | 'ansi';

/** An RGB frame: `data` is H×W×3 row-major bytes. */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export interface RenderOptions {
  /** Named camera; every env has `'default'`, families with 3D scenes add more (multi-view). */
  readonly camera?: string;
  readonly width?: number;
  readonly height?: number;
}

export interface EnvMetadata {
  readonly renderModes: readonly RenderMode[];
  readonly renderFps: number;
  /** Camera names `render({camera})` accepts; the first is the default. */
  readonly cameras: readonly string[];
}

export interface EnvSpec {
  readonly id: string;
  readonly maxEpisodeSteps: number | undefined;
  readonly kwargs: Readonly<Record<string, unknown>>;
}

/**
 * A single environment. `State` is the privileged state that reward functions read; it must be a plain
 * object snapshot (safe to keep after further steps).
 */
export interface Env<Obs = unknown, Act = unknown, State = unknown> {
  readonly observationSpace: Space<Obs>;
  readonly actionSpace: Space<Act>;
  readonly metadata: EnvMetadata;
  readonly renderMode: RenderMode | undefined;
  /** Set by `make`; undefined for envs constructed directly. */
  spec: EnvSpec | undefined;
  /** The env's generator (Gymnasium `np_random`). */
  readonly npRandom: Rng;

  reset(opts?: ResetOptions): ResetResult<Obs>;
  step(action: Act): StepResult<Obs>;
  /**
   * An RGB frame (H×W×3 bytes) from a named camera (`opts.camera`, default the first of
   * `metadata.cameras`); several cameras = multi-view. Deterministic for a given state.
   */
  render(opts?: RenderOptions): Frame;
  close(): void;

  // ---- reward context ----
  /** The privileged, typed state right now (a fresh snapshot). */
  state(): State;
  /** A compact TypeScript-like description of `State` for prompts: names, types, units, helpers. */
  abstraction(): string;
  /** Ground-truth success predicate (the sparse gold reward). */
  success(state: State): boolean;
}

/** The innermost env under any wrappers (wrappers set `env`). */
export function unwrapped<E extends Env>(env: E): Env {
  let e: Env = env;
  while ((e as unknown as { env?: Env }).env !== undefined) e = (e as unknown as { env: Env }).env;
  return e;
}
