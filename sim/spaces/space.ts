/**
 * Space: the set an observation or action lives in (Gymnasium `gymnasium.spaces.Space`).
 *
 * Every space can sample (seeded, optionally masked or weighted), test membership, seed itself and
 * flatten a value to `Float32Array` (and back), which is how vector envs store any observation in
 * struct-of-arrays buffers. A space built without a seed uses seed 0: sampling is reproducible by default
 * (Gymnasium draws OS entropy instead; we never do, so runs are repeatable).
 */
import { Rng, assertSeed } from '../rng.ts';

export type SpaceSpec = { readonly type: string; readonly [key: string]: unknown };

export interface SampleOptions {
  /** Per-value mask (Discrete: Int8Array/Uint8Array of length n; 1 = allowed). */
  readonly mask?: unknown;
  /** Per-value probabilities (Discrete: Float32Array/Float64Array of length n summing to 1). */
  readonly probability?: unknown;
}

export abstract class Space<T> {
  /** Shape of one value (empty for scalars; undefined for Dict/Tuple/Text). */
  abstract readonly shape: readonly number[] | undefined;
  /** Number of float32 slots in `flatten(x)`. */
  abstract readonly flatDim: number;
  protected rng: Rng;
  /**
   * True once a seed was passed to the constructor or to `seed()`. A Dict or Tuple built without a seed
   * gives its never-seeded children derived seeds (so two `Box` children do not draw the same stream)
   * and leaves explicitly seeded children alone, as Gymnasium does.
   */
  protected seededExplicitly: boolean;

  constructor(seed?: number) {
    if (seed !== undefined) assertSeed(seed);
    this.rng = new Rng(seed ?? 0);
    this.seededExplicitly = seed !== undefined;
  }

  /** Reseed; returns the seeds used (this space's first, then children's for composite spaces). */
  seed(seed?: number): number[] {
    const s = seed ?? 0;
    assertSeed(s);
    this.rng = new Rng(s);
    this.seededExplicitly = true;
    return [s];
  }

  /**
   * Use `seed` unless this space was seeded explicitly, without marking it seeded. Dict and Tuple call
   * this on their children when built without a seed, and pass it on to their own children; explicit
   * seeds always win. Not for general use: call `seed()` to seed a space.
   */
  seedIfUnseeded(seed: number): void {
    if (!this.seededExplicitly) this.rng = new Rng(seed);
  }

  /** Whether this space was given a seed (constructor or `seed()`), rather than running on the default 0. */
  get isSeeded(): boolean {
    return this.seededExplicitly;
  }

  /** The space's generator (for saving or restoring its state). */
  get npRandom(): Rng {
    return this.rng;
  }

  abstract sample(options?: SampleOptions): T;
  abstract contains(x: unknown): boolean;
  /** Write `x` into `out[offset .. offset + flatDim)`; returns `out`. */
  abstract flatten(x: T, out?: Float32Array, offset?: number): Float32Array;
  /** Read a value back from `flat[offset .. offset + flatDim)`. */
  abstract unflatten(flat: ArrayLike<number>, offset?: number): T;
  abstract toJSON(): SpaceSpec;
  /** A human-readable description for error messages. */
  abstract toString(): string;

  equals(other: Space<unknown>): boolean {
    return JSON.stringify(this.toJSON()) === JSON.stringify(other.toJSON());
  }
}

/** The value type of a space: `SpaceValue<Discrete>` is `number`. */
export type SpaceValue<S> = S extends Space<infer T> ? T : never;

/** Product of a shape's dimensions (1 for a scalar shape). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function assertShape(shape: readonly number[], field: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${field} must hold non-negative integers, got [${shape.join(', ')}]`);
    }
  }
}

/** Short description of an unexpected value, for error messages. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'object') return v.constructor?.name ?? 'an object';
  return `${typeof v} ${String(v)}`;
}
