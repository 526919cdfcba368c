/**
 * Box: a (possibly unbounded) rectangle in R^n, values stored as row-major `Float32Array`.
 *
 * Sampling follows Gymnasium: uniform on dimensions bounded on both sides, shifted exponential on
 * half-bounded ones, standard normal on unbounded ones.
 */
import { Space, type SampleOptions, type SpaceSpec, assertShape, shapeSize } from './space.ts';

export interface BoxOptions {
  readonly low: number | ArrayLike<number>;
  readonly high: number | ArrayLike<number>;
  readonly shape?: readonly number[];
  readonly seed?: number;
}

function fillBound(b: number | ArrayLike<number>, n: number, field: string): Float32Array {
  if (typeof b === 'number') return new Float32Array(n).fill(b);
  if (b.length !== n) throw new RangeError(`Box ${field} has length ${b.length}, expected ${n} (the shape's size)`);
  return Float32Array.from(b);
}

export class Box extends Space<Float32Array> {
  readonly shape: readonly number[];
  readonly flatDim: number;
  readonly low: Float32Array;
  readonly high: Float32Array;
  private readonly boundedBelow: Uint8Array;
  private readonly boundedAbove: Uint8Array;

  constructor(opts: BoxOptions) {
    super(opts.seed);
    const shape = opts.shape ?? (typeof opts.low !== 'number' ? [opts.low.length] : typeof opts.high !== 'number' ? [opts.high.length] : []);
    assertShape(shape, 'Box shape');
    this.shape = [...shape];
    this.flatDim = shapeSize(shape);
    this.low = fillBound(opts.low, this.flatDim, 'low');
    this.high = fillBound(opts.high, this.flatDim, 'high');
    this.boundedBelow = new Uint8Array(this.flatDim);
    this.boundedAbove = new Uint8Array(this.flatDim);
    for (let i = 0; i < this.flatDim; i++) {
      if (Number.isNaN(this.low[i])) throw new RangeError(`Box low[${i}] = NaN; bounds must be numbers or ±Infinity`);
      if (Number.isNaN(this.high[i])) throw new RangeError(`Box high[${i}] = NaN; bounds must be numbers or ±Infinity`);
      if (this.low[i] > this.high[i]) {
        throw new RangeError(`Box low[${i}] = ${this.low[i]} is greater than high[${i}] = ${this.high[i]}`);
      }
      this.boundedBelow[i] = this.low[i] > -Infinity ? 1 : 0;
      this.boundedAbove[i] = this.high[i] < Infinity ? 1 : 0;
    }
  }

  isBounded(manner: 'both' | 'below' | 'above' = 'both'): boolean {
    const below = this.boundedBelow.every((b) => b === 1);
    const above = this.boundedAbove.every((b) => b === 1);
    return manner === 'both' ? below && above : manner === 'below' ? below : above;
  }

  /** Box takes neither mask nor probability (Gymnasium raises too); passing one is a caller bug. */
  sample(options: SampleOptions = {}): Float32Array {
    if (options.mask !== undefined) throw new TypeError(`Box.sample cannot take a mask, got ${String(options.mask)}`);
    if (options.probability !== undefined) {
      throw new TypeError(`Box.sample cannot take a probability, got ${String(options.probability)}`);
    }
    const out = new Float32Array(this.flatDim);
    this.sampleInto(out, 0);
    return out;
  }

  /** Sample into `out[offset..offset+flatDim)` without allocating. */
  sampleInto(out: Float32Array, offset = 0): void {
    const r = this.rng;
    for (let i = 0; i < this.flatDim; i++) {
      const lo = this.low[i];
      const hi = this.high[i];
      let v: number;
      if (this.boundedBelow[i] && this.boundedAbove[i]) v = lo === hi ? lo : r.uniform(lo, hi);
      else if (this.boundedBelow[i]) v = lo + r.exponential();
      else if (this.boundedAbove[i]) v = hi - r.exponential();
      else v = r.normal();
      // Rounding to float32 can land exactly on an open upper end; clamp to stay inside.
      out[offset + i] = v;
      if (out[offset + i] > hi) out[offset + i] = hi;
      if (out[offset + i] < lo) out[offset + i] = lo;
    }
  }

  contains(x: unknown): boolean {
    if (typeof x === 'number' && this.flatDim === 1) x = [x];
    if (!(x instanceof Float32Array || x instanceof Float64Array || Array.isArray(x))) return false;
    const a = x as ArrayLike<number>;
    if (a.length !== this.flatDim) return false;
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (typeof v !== 'number' || Number.isNaN(v)) return false;
      const f = Math.fround(v);
      if (f < this.low[i] || f > this.high[i]) return false;
    }
    return true;
  }

  flatten(x: Float32Array, out = new Float32Array(this.flatDim), offset = 0): Float32Array {
    if (x.length !== this.flatDim) throw new RangeError(`Box.flatten: value has length ${x.length}, expected ${this.flatDim}`);
    out.set(x, offset);
    return out;
  }

  unflatten(flat: ArrayLike<number>, offset = 0): Float32Array {
    const out = new Float32Array(this.flatDim);
    for (let i = 0; i < this.flatDim; i++) out[i] = flat[offset + i];
    return out;
  }

  toJSON(): SpaceSpec {
    const num = (v: number) => (Number.isFinite(v) ? v : v > 0 ? 'inf' : '-inf');
    return { type: 'Box', shape: [...this.shape], low: Array.from(this.low, num), high: Array.from(this.high, num) };
  }

  toString(): string {
    const fmt = (a: Float32Array) => (a.every((v) => v === a[0]) ? String(a[0]) : `[${Array.from(a).join(', ')}]`);
    return `Box(${fmt(this.low)}, ${fmt(this.high)}, (${this.shape.join(', ')}))`;
  }
}
