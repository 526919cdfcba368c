/**
 * MultiDiscrete(nvec, {start}): a grid of independent Discrete variables; component i takes values
 * {start[i], ..., start[i] + nvec[i] - 1}. Values are row-major `Int32Array`s of `nvec.length` entries.
 *
 * `nvec` is a flat array with an optional `shape` (default `[nvec.length]`), or a nested rectangular array
 * whose nesting gives the shape (Gymnasium's `MultiDiscrete([[2, 3], [4, 5]])`). `start` is a scalar
 * (broadcast) or has one entry per component.
 *
 * `sample({mask})`: an array with one entry per component (row-major), each a 0/1 vector of length
 * `nvec[i]` as for Discrete (all zeros → `start[i]`) or `undefined` (unmasked). `sample({probability})`
 * likewise with per-component probability vectors.
 *
 * Flattening keeps one float32 slot per component holding its integer (not one-hot; see discrete.ts).
 */
import { Space, type SampleOptions, type SpaceSpec, assertShape, shapeSize } from './space.ts';
import { assertFloat32Exact, sampleCategory } from './discrete.ts';

/** A number, or arbitrarily nested rectangular arrays of numbers. */
export type NestedNumbers = number | ArrayLike<number> | ReadonlyArray<NestedNumbers>;

export interface MultiDiscreteOptions {
  /** Lowest value of each component: a scalar for all, or one per component (flat or nested). Default 0. */
  readonly start?: NestedNumbers;
  /** Shape of the grid when `nvec` is given flat; its size must equal `nvec.length`. */
  readonly shape?: readonly number[];
  readonly seed?: number;
}

/** Flatten a nested rectangular array row-major, returning its values and shape; errors name `field`. */
export function flattenNested(x: NestedNumbers, field: string): { values: number[]; shape: number[] } {
  if (typeof x === 'number') return { values: [x], shape: [] };
  const items = Array.from(x as ArrayLike<NestedNumbers>);
  if (items.length === 0) return { values: [], shape: [0] };
  const parts = items.map((item, i) => flattenNested(item, `${field}[${i}]`));
  const inner = parts[0].shape;
  const values: number[] = [];
  parts.forEach((p, i) => {
    if (p.shape.length !== inner.length || p.shape.some((d, j) => d !== inner[j])) {
      throw new RangeError(`${field} is not rectangular: ${field}[${i}] has shape [${p.shape}], ${field}[0] has [${inner}]`);
    }
    for (const v of p.values) values.push(v);
  });
  return { values, shape: [items.length, ...inner] };
}

export class MultiDiscrete extends Space<Int32Array> {
  readonly shape: readonly number[];
  readonly flatDim: number;
  /** Number of values of each component, row-major. */
  readonly nvec: Int32Array;
  /** Lowest value of each component, row-major. */
  readonly start: Int32Array;

  constructor(nvec: NestedNumbers, opts: MultiDiscreteOptions = {}) {
    super(opts.seed);
    const nested = flattenNested(nvec, 'MultiDiscrete nvec');
    let shape = nested.shape;
    if (opts.shape !== undefined) {
      assertShape(opts.shape, 'MultiDiscrete shape');
      if (shapeSize(opts.shape) !== nested.values.length) {
        throw new RangeError(
          `MultiDiscrete shape [${opts.shape.join(', ')}] has size ${shapeSize(opts.shape)}, but nvec has ${nested.values.length} entries`,
        );
      }
      shape = [...opts.shape];
    }
    const size = nested.values.length;
    nested.values.forEach((n, i) => {
      if (!Number.isInteger(n) || n <= 0) throw new RangeError(`MultiDiscrete nvec[${i}] = ${n} must be a positive integer`);
    });
    const start = opts.start === undefined ? [0] : flattenNested(opts.start, 'MultiDiscrete start').values;
    if (start.length !== 1 && start.length !== size) {
      throw new RangeError(`MultiDiscrete start has ${start.length} entries, expected 1 or ${size} (one per component)`);
    }
    this.shape = shape;
    this.flatDim = size;
    this.nvec = Int32Array.from(nested.values);
    this.start = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const s = start.length === 1 ? start[0] : start[i];
      if (!Number.isInteger(s)) throw new RangeError(`MultiDiscrete start[${i}] = ${s} must be an integer`);
      assertFloat32Exact(s, `MultiDiscrete start[${i}]`);
      assertFloat32Exact(s + this.nvec[i] - 1, `MultiDiscrete start[${i}] + nvec[${i}] - 1`);
      this.start[i] = s;
    }
  }

  sample(options: SampleOptions = {}): Int32Array {
    const { mask, probability } = options;
    if (mask !== undefined && probability !== undefined) {
      throw new TypeError('MultiDiscrete.sample: pass either mask or probability, not both');
    }
    const masks = mask === undefined ? undefined : componentList(mask, this.flatDim, 'mask');
    const probs = probability === undefined ? undefined : componentList(probability, this.flatDim, 'probability');
    const out = new Int32Array(this.flatDim);
    for (let i = 0; i < this.flatDim; i++) {
      out[i] = this.start[i] + sampleCategory(this.rng, this.nvec[i], masks?.[i], probs?.[i], `MultiDiscrete component ${i}`);
    }
    return out;
  }

  contains(x: unknown): boolean {
    if (!(Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView)))) return false;
    const a = x as ArrayLike<unknown>;
    if (a.length !== this.flatDim) return false;
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (typeof v !== 'number' || !Number.isInteger(v)) return false;
      if (v < this.start[i] || v >= this.start[i] + this.nvec[i]) return false;
    }
    return true;
  }

  flatten(x: Int32Array, out = new Float32Array(this.flatDim), offset = 0): Float32Array {
    if (x.length !== this.flatDim) {
      throw new RangeError(`MultiDiscrete.flatten: value has length ${x.length}, expected ${this.flatDim}`);
    }
    out.set(x, offset);
    return out;
  }

  unflatten(flat: ArrayLike<number>, offset = 0): Int32Array {
    const out = new Int32Array(this.flatDim);
    for (let i = 0; i < this.flatDim; i++) out[i] = Math.round(flat[offset + i]);
    return out;
  }

  toJSON(): SpaceSpec {
    return { type: 'MultiDiscrete', shape: [...this.shape], nvec: Array.from(this.nvec), start: Array.from(this.start) };
  }

  toString(): string {
    const nvec = `[${Array.from(this.nvec).join(', ')}]`;
    const shape = this.shape.length === 1 ? '' : `, shape=(${this.shape.join(', ')})`;
    const start = this.start.every((s) => s === 0) ? '' : `, start=[${Array.from(this.start).join(', ')}]`;
    return `MultiDiscrete(${nvec}${shape}${start})`;
  }
}

/** A per-component list of masks or probabilities: one entry (or undefined) per component. */
function componentList(v: unknown, n: number, field: string): ReadonlyArray<unknown> {
  if (!Array.isArray(v) || v.length !== n) {
    const got = Array.isArray(v) ? `an array of length ${v.length}` : ArrayBuffer.isView(v) ? 'a typed array' : typeof v;
    throw new RangeError(`MultiDiscrete ${field} must be an array of ${n} per-component vectors, got ${got}`);
  }
  return v;
}
