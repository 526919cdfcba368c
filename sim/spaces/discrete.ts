/**
 * Discrete(n, start): integers {start, ..., start + n - 1}.
 *
 * `sample({mask})` draws uniformly among allowed values (mask of length n, 1 = allowed); an all-zero
 * mask returns `start`, as in Gymnasium. `sample({probability})` draws from the given distribution.
 */
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
    this.n = n;
    this.start = start;
  }

  sample(options: SampleOptions = {}): number {
    const { mask, probability } = options;
    if (mask !== undefined && probability !== undefined) {
      throw new TypeError('Discrete.sample: pass either mask or probability, not both');
    }
    if (mask !== undefined) {
      const m = checkVector(mask, this.n, 'mask');
      let allowed = 0;
      for (let i = 0; i < this.n; i++) {
        if (m[i] !== 0 && m[i] !== 1) throw new RangeError(`Discrete mask values must be 0 or 1, got mask[${i}] = ${m[i]}`);
        allowed += m[i];
      }
      if (allowed === 0) return this.start;
      let k = this.rng.int(allowed);
      for (let i = 0; i < this.n; i++) if (m[i] === 1 && k-- === 0) return this.start + i;
      return this.start;
    }
    if (probability !== undefined) {
      const p = checkVector(probability, this.n, 'probability');
      let total = 0;
      for (let i = 0; i < this.n; i++) {
        if (!(p[i] >= 0 && p[i] <= 1)) throw new RangeError(`Discrete probability[${i}] = ${p[i]} is outside [0, 1]`);
        total += p[i];
      }
      if (Math.abs(total - 1) > 1e-5) throw new RangeError(`Discrete probability must sum to 1, sums to ${total}`);
      return this.start + this.rng.categorical(p);
    }
    return this.start + this.rng.int(this.n);
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

export function checkVector(v: unknown, n: number, field: string): ArrayLike<number> {
  const ok = ArrayBuffer.isView(v) || Array.isArray(v);
  const a = v as ArrayLike<number>;
  if (!ok || a.length !== n) {
    throw new RangeError(`${field} must be an array of length ${n}, got ${ok ? `length ${a.length}` : typeof v}`);
  }
  return a;
}
