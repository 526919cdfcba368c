/**
 * Dict({key: space}): values are plain objects with exactly those keys, each value in its space.
 *
 * Key order (used by flatten, seeding and printing): sorted when the spaces come as an object or a Map,
 * as Gymnasium sorts a mapping; insertion order when they come as an array of `[key, space]` pairs.
 *
 * Seeding: `seed(s)` seeds the Dict with `s` and child `key` with `deriveSeed(s, key)` (hashed, so a
 * child's stream depends on its key, not its position), and returns `[s, ...children's seeds]` in key
 * order. A Dict built with a seed seeds its children that way; built without one, it gives only its
 * never-seeded children (recursively) the seeds `deriveSeed(0, key)` and leaves explicitly seeded ones
 * alone, so identical children never share a stream by accident.
 *
 * `sample({mask: {key: childMask}})` and `sample({probability: {key: childProbability}})` pass each entry
 * to its child; missing keys sample unmasked. `flatDim` is the children's sum; `flatten` concatenates them
 * in key order.
 */
import { deriveSeed } from '../rng.ts';
import { Space, type SampleOptions, type SpaceSpec, describeValue } from './space.ts';

/** The child spaces of a Dict whose values have type `T`. */
export type DictSpaces<T> = { readonly [K in keyof T]: Space<T[K]> };

export class Dict<T extends Record<string, unknown> = Record<string, unknown>> extends Space<T> {
  readonly shape: undefined = undefined;
  readonly flatDim: number;
  /** Keys in flatten/seed order. */
  readonly keys: readonly string[];
  /** Child spaces by key (iterate `keys` for the order). */
  readonly spaces: DictSpaces<T>;
  private readonly children: ReadonlyArray<Space<unknown>>;

  constructor(
    spaces: DictSpaces<T> | ReadonlyMap<string, Space<unknown>> | ReadonlyArray<readonly [string, Space<unknown>]>,
    opts: { seed?: number } = {},
  ) {
    super(opts.seed);
    let entries: Array<readonly [string, Space<unknown>]>;
    if (Array.isArray(spaces)) {
      entries = [...(spaces as ReadonlyArray<readonly [string, Space<unknown>]>)];
      const seen = new Set<string>();
      for (const [key] of entries) {
        if (seen.has(key)) throw new RangeError(`Dict key '${key}' appears twice`);
        seen.add(key);
      }
    } else {
      const pairs = spaces instanceof Map ? [...spaces.entries()] : Object.entries(spaces as Record<string, Space<unknown>>);
      entries = pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    }
    for (const [key, space] of entries) {
      if (!(space instanceof Space)) throw new TypeError(`Dict['${key}'] must be a Space, got ${describeValue(space)}`);
    }
    this.keys = entries.map(([key]) => key);
    this.children = entries.map(([, space]) => space);
    this.spaces = Object.freeze(Object.fromEntries(entries)) as DictSpaces<T>;
    this.flatDim = this.children.reduce((n, s) => n + s.flatDim, 0);
    if (opts.seed !== undefined) this.seed(opts.seed);
    else this.children.forEach((c, i) => c.seedIfUnseeded(deriveSeed(0, this.keys[i])));
  }

  /** The child space under `key` (throws naming the known keys if absent). */
  get(key: string): Space<unknown> {
    const i = this.keys.indexOf(key);
    if (i < 0) throw new RangeError(`Dict has no key '${key}'; keys are [${this.keys.join(', ')}]`);
    return this.children[i];
  }

  override seed(seed?: number): number[] {
    const seeds = super.seed(seed);
    const s = seeds[0];
    this.children.forEach((c, i) => seeds.push(...c.seed(deriveSeed(s, this.keys[i]))));
    return seeds;
  }

  override seedIfUnseeded(seed: number): void {
    if (this.seededExplicitly) return;
    super.seedIfUnseeded(seed);
    this.children.forEach((c, i) => c.seedIfUnseeded(deriveSeed(seed, this.keys[i])));
  }

  sample(options: SampleOptions = {}): T {
    const { mask, probability } = options;
    if (mask !== undefined && probability !== undefined) {
      throw new TypeError('Dict.sample: pass either mask or probability, not both');
    }
    const masks = mask === undefined ? undefined : this.perKey(mask, 'mask');
    const probs = probability === undefined ? undefined : this.perKey(probability, 'probability');
    return Object.fromEntries(
      this.keys.map((key, i) => [key, this.children[i].sample({ mask: masks?.[key], probability: probs?.[key] })]),
    ) as T;
  }

  contains(x: unknown): boolean {
    if (!isPlainRecord(x)) return false;
    const own = Object.keys(x);
    if (own.length !== this.keys.length) return false;
    return this.keys.every((key, i) => Object.hasOwn(x, key) && this.children[i].contains(x[key]));
  }

  flatten(x: T, out = new Float32Array(this.flatDim), offset = 0): Float32Array {
    let o = offset;
    this.keys.forEach((key, i) => {
      if (!Object.hasOwn(x, key)) throw new RangeError(`Dict.flatten: value has no key '${key}'`);
      this.children[i].flatten(x[key], out, o);
      o += this.children[i].flatDim;
    });
    return out;
  }

  unflatten(flat: ArrayLike<number>, offset = 0): T {
    let o = offset;
    return Object.fromEntries(
      this.keys.map((key, i) => {
        const v = this.children[i].unflatten(flat, o);
        o += this.children[i].flatDim;
        return [key, v];
      }),
    ) as T;
  }

  toJSON(): SpaceSpec {
    return { type: 'Dict', spaces: this.keys.map((key, i) => [key, this.children[i].toJSON()]) };
  }

  toString(): string {
    return `Dict(${this.keys.map((key, i) => `'${key}': ${this.children[i].toString()}`).join(', ')})`;
  }

  /** Check a per-key mask/probability object: only known keys. */
  private perKey(v: unknown, field: string): Record<string, unknown> {
    if (!isPlainRecord(v)) throw new TypeError(`Dict ${field} must be an object keyed like the Dict, got ${describeValue(v)}`);
    for (const key of Object.keys(v)) {
      if (!this.keys.includes(key)) {
        throw new RangeError(`Dict ${field} has unknown key '${key}'; keys are [${this.keys.join(', ')}]`);
      }
    }
    return v;
  }
}

function isPlainRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x) && !(x instanceof Map);
}
