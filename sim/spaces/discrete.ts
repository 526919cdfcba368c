/**
 * Discrete(n, start): integers {start, ..., start + n - 1}.
 *
 * `sample({mask})` draws uniformly among allowed values (mask of length n, 1 = allowed); an all-zero
 * mask returns `start`, as in Gymnasium. `sample({probability})` draws from the given distribution.
 * Flattens to ONE float32 slot holding the integer (not one-hot as in Gymnasium): vector envs keep
 * actions in compact struct-of-arrays buffers. Values are therefore limited to ±2^24.
 */
import type { Rng } from '../rng.ts';
import { Space, type SampleOptions, type SpaceSpec } from './space.ts';

export class Discrete extends Space<number> {
  readonly shape: readonly number[] = [];
  readonly flatDim = 1;
  readonly n: number;
  readonly start: number;

  constructor(n: number, opts: { start?: number; seed?: number } = {}) {
    super(opts.seed);
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Discrete n must be a positive integer, got ${n}`);
    const start = opts.start ?? 0;
    if (!Number.isInteger(start)) throw new RangeError(`Discrete start must be an integer, got ${start}`);
    assertFloat32Exact(start, 'Discrete start');
    assertFloat32Exact(start + n - 1, 'Discrete start + n - 1');
    this.n = n;
    this.start = start;
  }

  sample(options: SampleOptions = {}): number {
    return this.start + sampleCategory(this.rng, this.n, options.mask, options.probability, 'Discrete');
  }

  contains(x: unknown): boolean {
    if (typeof x !== 'number' || !Number.isInteger(x)) return false;
    return x >= this.start && x < this.start + this.n;
  }

  flatten(x: number, out = new Float32Array(1), offset = 0): Float32Array {
    out[offset] = x;
    return out;
  }

  unflatten(flat: ArrayLike<number>, offset = 0): number {
    return Math.round(flat[offset]);
  }

  toJSON(): SpaceSpec {
    return { type: 'Discrete', n: this.n, start: this.start };
  }

  toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }
}

/** Largest integer magnitude a float32 flatten slot holds exactly (2^24). */
export const MAX_FLOAT32_INT = 16_777_216;

/**
 * Discrete values are flattened into one float32 slot each, so they must be exactly representable there;
 * larger values would come back from `unflatten` as a different integer.
 */
export function assertFloat32Exact(v: number, field: string): void {
  if (Math.abs(v) > MAX_FLOAT32_INT) {
    throw new RangeError(`${field} = ${v} is outside ±2^24, the integers a float32 flatten slot holds exactly`);
  }
}

export function checkVector(v: unknown, n: number, field: string): ArrayLike<number> {
  const ok = ArrayBuffer.isView(v) || Array.isArray(v);
  const a = v as ArrayLike<number>;
  if (!ok || a.length !== n) {
    throw new RangeError(`${field} must be an array of length ${n}, got ${ok ? `length ${a.length}` : typeof v}`);
  }
  return a;
}

/**
 * Draw an index in [0, n) for one categorical variable (shared by Discrete and MultiDiscrete).
 * `mask`: length-n 0/1 vector, uniform over the ones; all zeros → 0 (the caller's `start`).
 * `probability`: length-n weights in [0, 1] summing to 1. `field` names the variable in errors.
 */
export function sampleCategory(rng: Rng, n: number, mask: unknown, probability: unknown, field: string): number {
  if (mask !== undefined && probability !== undefined) {
    throw new TypeError(`${field}.sample: pass either mask or probability, not both`);
  }
  if (mask !== undefined) {
    const m = checkVector(mask, n, `${field} mask`);
    let allowed = 0;
    for (let i = 0; i < n; i++) {
      if (m[i] !== 0 && m[i] !== 1) throw new RangeError(`${field} mask values must be 0 or 1, got mask[${i}] = ${m[i]}`);
      allowed += m[i];
    }
    if (allowed === 0) return 0;
    let k = rng.int(allowed);
    for (let i = 0; i < n; i++) if (m[i] === 1 && k-- === 0) return i;
    return 0;
  }
  if (probability !== undefined) {
    const p = checkVector(probability, n, `${field} probability`);
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (!(p[i] >= 0 && p[i] <= 1)) throw new RangeError(`${field} probability[${i}] = ${p[i]} is outside [0, 1]`);
      total += p[i];
    }
    if (Math.abs(total - 1) > 1e-5) throw new RangeError(`${field} probability must sum to 1, sums to ${total}`);
    return rng.categorical(p);
  }
  return rng.int(n);
}
