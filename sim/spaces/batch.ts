/**
 * batchSpace(space, n): the space of n stacked values, as Gymnasium's `batch_space`; vector envs use it
 * for their `observationSpace`/`actionSpace`.
 *
 * | single space     | batched space                                            |
 * |------------------|----------------------------------------------------------|
 * | Box shape S      | Box shape [n, ...S], bounds tiled                        |
 * | Discrete(k, s)   | MultiDiscrete(n copies of k, start s)                    |
 * | MultiDiscrete S  | MultiDiscrete shape [n, ...S], nvec and start tiled      |
 * | MultiBinary S    | MultiBinary [n, ...S]                                    |
 * | Dict / Tuple     | Dict / Tuple of the batched children (same key order)    |
 * | Text             | Tuple of n copies of the Text                            |
 *
 * The batched space is seeded with `deriveSeed(seed, 'batch')` from the original space's seed (a hash of
 * its generator state if it was restored from a state), and Dict/Tuple pass derived seeds on to their
 * children, so no two parts of a batched space share a stream.
 *
 * `concatenate(space, items)` stacks n values of `space` into one value of `batchSpace(space, n)`;
 * `iterateBatch(space, batched, n)` splits it back.
 */
import { deriveSeed } from '../rng.ts';
import { Box } from './box.ts';
import { Dict } from './dict.ts';
import { Discrete } from './discrete.ts';
import { MultiBinary } from './multi_binary.ts';
import { MultiDiscrete } from './multi_discrete.ts';
import type { Space } from './space.ts';
import { Text } from './text.ts';
import { Tuple } from './tuple.ts';

export function batchSpace(space: Box, n: number): Box;
export function batchSpace(space: Discrete | MultiDiscrete, n: number): MultiDiscrete;
export function batchSpace(space: MultiBinary, n: number): MultiBinary;
export function batchSpace(space: Text, n: number): Tuple<string[]>;
export function batchSpace(space: Dict<Record<string, unknown>>, n: number): Dict;
export function batchSpace(space: Tuple<readonly unknown[]>, n: number): Tuple;
export function batchSpace(space: Space<unknown>, n: number): Space<unknown>;
export function batchSpace(space: Space<unknown>, n: number): Space<unknown> {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`batchSpace n must be a positive integer, got ${n}`);
  const seed = batchSeed(space);
  if (space instanceof Box) {
    return new Box({ low: tile(space.low, n), high: tile(space.high, n), shape: [n, ...space.shape], seed });
  }
  if (space instanceof Discrete) {
    return new MultiDiscrete(new Array<number>(n).fill(space.n), { start: space.start, seed });
  }
  if (space instanceof MultiDiscrete) {
    return new MultiDiscrete(tile(space.nvec, n), { shape: [n, ...space.shape], start: tile(space.start, n), seed });
  }
  if (space instanceof MultiBinary) return new MultiBinary([n, ...space.shape], { seed });
  if (space instanceof Dict) {
    return new Dict(
      space.keys.map((key) => [key, batchSpace(space.get(key), n)] as const),
      { seed },
    );
  }
  if (space instanceof Tuple) return new Tuple(space.spaces.map((c: Space<unknown>) => batchSpace(c, n)), { seed });
  if (space instanceof Text) {
    const copy = () => new Text({ maxLength: space.maxLength, minLength: space.minLength, charset: space.characters });
    return new Tuple(Array.from({ length: n }, copy), { seed });
  }
  throw new TypeError(`batchSpace: cannot batch ${space.toString()} (${space.constructor.name})`);
}

/** Stack `items` (values of `space`) into one value of `batchSpace(space, items.length)`. */
export function concatenate<T>(space: Space<T>, items: readonly T[]): unknown {
  const n = items.length;
  if (space instanceof Box || space instanceof MultiDiscrete || space instanceof MultiBinary) {
    const d = space.flatDim;
    const out = space instanceof Box ? new Float32Array(n * d) : space instanceof MultiBinary ? new Int8Array(n * d) : new Int32Array(n * d);
    items.forEach((x, i) => {
      const a = x as ArrayLike<number>;
      if (a.length !== d) throw new RangeError(`concatenate: items[${i}] has length ${a.length}, expected ${d}`);
      out.set(a, i * d);
    });
    return out;
  }
  if (space instanceof Discrete) return Int32Array.from(items as readonly number[]);
  if (space instanceof Dict) {
    return Object.fromEntries(
      space.keys.map((key) => [key, concatenate(space.get(key), items.map((x) => (x as Record<string, unknown>)[key]))]),
    );
  }
  if (space instanceof Tuple) {
    return space.spaces.map((c: Space<unknown>, j: number) => concatenate(c, items.map((x) => (x as readonly unknown[])[j])));
  }
  if (space instanceof Text) return [...(items as readonly string[])];
  throw new TypeError(`concatenate: cannot batch ${space.toString()} (${space.constructor.name})`);
}

/** Split a value of `batchSpace(space, n)` into its n values of `space` (inverse of `concatenate`). */
export function iterateBatch<T>(space: Space<T>, batched: unknown, n: number): T[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`iterateBatch n must be a non-negative integer, got ${n}`);
  if (space instanceof Box || space instanceof MultiDiscrete || space instanceof MultiBinary) {
    const d = space.flatDim;
    const a = batched as Float32Array | Int32Array | Int8Array;
    if (a.length !== n * d) throw new RangeError(`iterateBatch: batched value has length ${a.length}, expected ${n} × ${d}`);
    return Array.from({ length: n }, (_, i) => a.slice(i * d, (i + 1) * d)) as T[];
  }
  if (space instanceof Discrete) {
    const a = batched as ArrayLike<number>;
    if (a.length !== n) throw new RangeError(`iterateBatch: batched value has length ${a.length}, expected ${n}`);
    return Array.from(a) as T[];
  }
  if (space instanceof Dict) {
    const b = batched as Record<string, unknown>;
    const parts = space.keys.map((key) => iterateBatch(space.get(key), b[key], n));
    return Array.from({ length: n }, (_, i) => Object.fromEntries(space.keys.map((key, k) => [key, parts[k][i]]))) as T[];
  }
  if (space instanceof Tuple) {
    const b = batched as readonly unknown[];
    const parts = space.spaces.map((c: Space<unknown>, j: number) => iterateBatch(c, b[j], n));
    return Array.from({ length: n }, (_, i) => parts.map((p: unknown[]) => p[i])) as T[];
  }
  if (space instanceof Text) {
    const a = batched as readonly string[];
    if (a.length !== n) throw new RangeError(`iterateBatch: batched value has length ${a.length}, expected ${n}`);
    return [...a] as T[];
  }
  throw new TypeError(`iterateBatch: cannot unbatch ${space.toString()} (${space.constructor.name})`);
}

/** The batched space's seed: hashed from the original's seed, or from its generator state if it has none. */
function batchSeed(space: Space<unknown>): number {
  const rng = space.npRandom;
  if (rng.seed !== undefined) return deriveSeed(rng.seed, 'batch');
  const { c, s0, s1, s2 } = rng.getState();
  return deriveSeed(c, 'batch', s0 * 2 ** 32, s1 * 2 ** 32, s2 * 2 ** 32);
}

function tile<A extends Float32Array | Int32Array>(a: A, n: number): A {
  const out = new (a.constructor as new (len: number) => A)(a.length * n);
  for (let i = 0; i < n; i++) out.set(a, i * a.length);
  return out;
}
