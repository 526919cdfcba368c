/**
 * Tuple([spaces]): values are arrays with one entry per child space, each in its space.
 *
 * Seeding mirrors Dict with indices for keys: `seed(s)` seeds the Tuple with `s` and child i with
 * `deriveSeed(s, i)` and returns `[s, ...children's seeds]`; built without a seed, a Tuple gives only its
 * never-seeded children (recursively) the seeds `deriveSeed(0, i)`.
 *
 * `sample({mask: [childMask, ...]})` / `sample({probability: [...]})` take one entry (or undefined) per
 * child. `flatDim` is the children's sum; `flatten` concatenates them in order.
 */
import { deriveSeed } from '../rng.ts';
import { Space, type SampleOptions, type SpaceSpec, describeValue } from './space.ts';

/** The child spaces of a Tuple whose values have type `T`. */
export type TupleSpaces<T extends readonly unknown[]> = { readonly [K in keyof T]: Space<T[K]> };

export class Tuple<T extends readonly unknown[] = unknown[]> extends Space<T> {
  readonly shape: undefined = undefined;
  readonly flatDim: number;
  readonly spaces: TupleSpaces<T>;
  private readonly children: ReadonlyArray<Space<unknown>>;

  constructor(spaces: readonly [...TupleSpaces<T>], opts: { seed?: number } = {}) {
    super(opts.seed);
    if (!Array.isArray(spaces)) throw new TypeError(`Tuple spaces must be an array of spaces, got ${describeValue(spaces)}`);
    const children = [...(spaces as ReadonlyArray<Space<unknown>>)];
    children.forEach((space, i) => {
      if (!(space instanceof Space)) throw new TypeError(`Tuple spaces[${i}] must be a Space, got ${describeValue(space)}`);
    });
    this.children = children;
    this.spaces = Object.freeze([...children]) as unknown as TupleSpaces<T>;
    this.flatDim = children.reduce((n, s) => n + s.flatDim, 0);
    if (opts.seed !== undefined) this.seed(opts.seed);
    else children.forEach((c, i) => c.seedIfUnseeded(deriveSeed(0, i)));
  }

  get length(): number {
    return this.children.length;
  }

  override seed(seed?: number): number[] {
    const seeds = super.seed(seed);
    const s = seeds[0];
    this.children.forEach((c, i) => seeds.push(...c.seed(deriveSeed(s, i))));
    return seeds;
  }

  override seedIfUnseeded(seed: number): void {
    if (this.seededExplicitly) return;
    super.seedIfUnseeded(seed);
    this.children.forEach((c, i) => c.seedIfUnseeded(deriveSeed(seed, i)));
  }

  sample(options: SampleOptions = {}): T {
    const { mask, probability } = options;
    if (mask !== undefined && probability !== undefined) {
      throw new TypeError('Tuple.sample: pass either mask or probability, not both');
    }
    const masks = mask === undefined ? undefined : this.perChild(mask, 'mask');
    const probs = probability === undefined ? undefined : this.perChild(probability, 'probability');
    return this.children.map((c, i) => c.sample({ mask: masks?.[i], probability: probs?.[i] })) as unknown as T;
  }

  contains(x: unknown): boolean {
    if (!Array.isArray(x) || x.length !== this.children.length) return false;
    return this.children.every((c, i) => c.contains(x[i]));
  }

  flatten(x: T, out = new Float32Array(this.flatDim), offset = 0): Float32Array {
    if (x.length !== this.children.length) {
      throw new RangeError(`Tuple.flatten: value has length ${x.length}, expected ${this.children.length}`);
    }
    let o = offset;
    this.children.forEach((c, i) => {
      c.flatten(x[i], out, o);
      o += c.flatDim;
    });
    return out;
  }

  unflatten(flat: ArrayLike<number>, offset = 0): T {
    let o = offset;
    return this.children.map((c) => {
      const v = c.unflatten(flat, o);
      o += c.flatDim;
      return v;
    }) as unknown as T;
  }

  toJSON(): SpaceSpec {
    return { type: 'Tuple', spaces: this.children.map((c) => c.toJSON()) };
  }

  toString(): string {
    return `Tuple(${this.children.map((c) => c.toString()).join(', ')})`;
  }

  private perChild(v: unknown, field: string): ReadonlyArray<unknown> {
    if (!Array.isArray(v) || v.length !== this.children.length) {
      throw new RangeError(`Tuple ${field} must be an array with one entry per child (${this.children.length}), got ${describeValue(v)}`);
    }
    return v;
  }
}
