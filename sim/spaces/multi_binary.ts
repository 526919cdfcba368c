/**
 * MultiBinary(n | shape): arrays of 0/1 flags, stored row-major as `Int8Array` of `prod(shape)` entries.
 *
 * `sample({mask})`: an `Int8Array` (or array) with one entry per element, as in Gymnasium: 0 → the element
 * is 0, 1 → it is 1, 2 → it is drawn at random. `sample({probability})`: per-element probability that the
 * element is 1 (each in [0, 1]). Flattening keeps one float32 slot per element.
 */
import { Space, type SampleOptions, type SpaceSpec, shapeSize } from './space.ts';
import { checkVector } from './discrete.ts';

export class MultiBinary extends Space<Int8Array> {
  readonly shape: readonly number[];
  readonly flatDim: number;
  /** The constructor's argument: a count, or a shape. */
  readonly n: number | readonly number[];

  constructor(n: number | readonly number[], opts: { seed?: number } = {}) {
    super(opts.seed);
    const shape = typeof n === 'number' ? [n] : [...n];
    shape.forEach((d, i) => {
      if (!Number.isInteger(d) || d <= 0) {
        const field = typeof n === 'number' ? 'MultiBinary n' : `MultiBinary shape[${i}]`;
        throw new RangeError(`${field} = ${d} must be a positive integer`);
      }
    });
    this.n = typeof n === 'number' ? n : [...n];
    this.shape = shape;
    this.flatDim = shapeSize(shape);
  }

  sample(options: SampleOptions = {}): Int8Array {
    const { mask, probability } = options;
    if (mask !== undefined && probability !== undefined) {
      throw new TypeError('MultiBinary.sample: pass either mask or probability, not both');
    }
    const out = new Int8Array(this.flatDim);
    if (mask !== undefined) {
      const m = checkVector(mask, this.flatDim, 'MultiBinary mask');
      for (let i = 0; i < this.flatDim; i++) {
        const v = m[i];
        if (v === 2) out[i] = this.rng.random() < 0.5 ? 1 : 0;
        else if (v === 0 || v === 1) out[i] = v;
        else throw new RangeError(`MultiBinary mask values must be 0, 1 or 2, got mask[${i}] = ${v}`);
      }
      return out;
    }
    if (probability !== undefined) {
      const p = checkVector(probability, this.flatDim, 'MultiBinary probability');
      for (let i = 0; i < this.flatDim; i++) {
        if (!(p[i] >= 0 && p[i] <= 1)) throw new RangeError(`MultiBinary probability[${i}] = ${p[i]} is outside [0, 1]`);
      }
      // random() is in [0, 1): p = 0 never gives 1 and p = 1 always does.
      for (let i = 0; i < this.flatDim; i++) out[i] = this.rng.random() < p[i] ? 1 : 0;
      return out;
    }
    for (let i = 0; i < this.flatDim; i++) out[i] = this.rng.random() < 0.5 ? 1 : 0;
    return out;
  }

  contains(x: unknown): boolean {
    if (!(Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView)))) return false;
    const a = x as ArrayLike<unknown>;
    if (a.length !== this.flatDim) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== 0 && a[i] !== 1) return false;
    return true;
  }

  flatten(x: Int8Array, out = new Float32Array(this.flatDim), offset = 0): Float32Array {
    if (x.length !== this.flatDim) {
      throw new RangeError(`MultiBinary.flatten: value has length ${x.length}, expected ${this.flatDim}`);
    }
    out.set(x, offset);
    return out;
  }

  unflatten(flat: ArrayLike<number>, offset = 0): Int8Array {
    const out = new Int8Array(this.flatDim);
    for (let i = 0; i < this.flatDim; i++) out[i] = Math.round(flat[offset + i]);
    return out;
  }

  toJSON(): SpaceSpec {
    return { type: 'MultiBinary', shape: [...this.shape] };
  }

  toString(): string {
    return `MultiBinary(${typeof this.n === 'number' ? this.n : `(${this.n.join(', ')})`})`;
  }
}
