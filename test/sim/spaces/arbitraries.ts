/**
 * fast-check arbitraries over space *descriptions* (plain data, so counterexamples print and replay),
 * `build(desc, seed?)` turning one into a fresh Space, and value helpers shared by the space tests.
 */
import fc from 'fast-check';
import { Box } from '../../../sim/spaces/box.ts';
import { Dict } from '../../../sim/spaces/dict.ts';
import { Discrete } from '../../../sim/spaces/discrete.ts';
import { MultiBinary } from '../../../sim/spaces/multi_binary.ts';
import { MultiDiscrete } from '../../../sim/spaces/multi_discrete.ts';
import type { Space } from '../../../sim/spaces/space.ts';
import { Text } from '../../../sim/spaces/text.ts';
import { Tuple } from '../../../sim/spaces/tuple.ts';

export type SpaceDesc =
  | { kind: 'box'; shape: number[]; low: number[]; high: number[] }
  | { kind: 'discrete'; n: number; start: number }
  | { kind: 'multiDiscrete'; nvec: number[]; start: number[] }
  | { kind: 'multiBinary'; shape: number[] }
  | { kind: 'text'; minLength: number; maxLength: number; charset: string | undefined }
  | { kind: 'dict'; entries: Array<[string, SpaceDesc]>; asPairs: boolean }
  | { kind: 'tuple'; items: SpaceDesc[] };

const coord = fc.double({ min: -1e3, max: 1e3, noNaN: true });

/** One dimension's bounds: bounded, half-bounded either way, unbounded or degenerate (low = high). */
export const boundPair: fc.Arbitrary<[number, number]> = fc.oneof(
  fc.tuple(coord, fc.double({ min: 1e-3, max: 1e3, noNaN: true })).map(([lo, w]): [number, number] => [lo, lo + w]),
  coord.map((lo): [number, number] => [lo, Infinity]),
  coord.map((hi): [number, number] => [-Infinity, hi]),
  fc.constant<[number, number]>([-Infinity, Infinity]),
  coord.map((v): [number, number] => [v, v]),
);

export const boxDesc: fc.Arbitrary<SpaceDesc> = fc
  .array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 })
  .chain((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return fc.array(boundPair, { minLength: size, maxLength: size }).map((bounds) => ({
      kind: 'box' as const,
      shape,
      low: bounds.map((b) => b[0]),
      high: bounds.map((b) => b[1]),
    }));
  });

export const discreteDesc: fc.Arbitrary<SpaceDesc> = fc.record({
  kind: fc.constant('discrete' as const),
  n: fc.integer({ min: 1, max: 8 }),
  start: fc.integer({ min: -10, max: 10 }),
});

export const multiDiscreteDesc: fc.Arbitrary<SpaceDesc> = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: -5, max: 5 })), { minLength: 1, maxLength: 4 })
  .map((parts) => ({ kind: 'multiDiscrete' as const, nvec: parts.map((p) => p[0]), start: parts.map((p) => p[1]) }));

export const multiBinaryDesc: fc.Arbitrary<SpaceDesc> = fc.record({
  kind: fc.constant('multiBinary' as const),
  shape: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
});

/** Characters including astral (two UTF-16 units) ones, so code-point handling is exercised. */
const CHARS = [...'abcXYZ019 _-éß水😀🎲'];

export const textDesc: fc.Arbitrary<SpaceDesc> = fc
  .tuple(
    fc.integer({ min: 0, max: 6 }),
    fc.integer({ min: 0, max: 6 }),
    fc.option(fc.uniqueArray(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 8 }).map((a) => a.join('')), { nil: undefined }),
  )
  .map(([a, b, charset]) => ({ kind: 'text' as const, minLength: Math.min(a, b), maxLength: Math.max(a, b), charset }));

export const leafDesc: fc.Arbitrary<SpaceDesc> = fc.oneof(boxDesc, discreteDesc, multiDiscreteDesc, multiBinaryDesc, textDesc);

/** Keys that trip naive code: integer-like keys (object order), `__proto__`, spaces. */
const KEYS = ['a', 'b', 'obs', 'goal', '10', '9', '__proto__', 'x y'];

export const spaceDesc: fc.Arbitrary<SpaceDesc> = fc.letrec<{ space: SpaceDesc; dict: SpaceDesc; tuple: SpaceDesc }>((tie) => ({
  space: fc.oneof({ maxDepth: 3, depthIdentifier: 'space' }, leafDesc, tie('dict'), tie('tuple')),
  dict: fc.record({
    kind: fc.constant('dict' as const),
    entries: fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS), tie('space')), { selector: (e) => e[0], maxLength: 3 }),
    asPairs: fc.boolean(),
  }),
  tuple: fc.record({ kind: fc.constant('tuple' as const), items: fc.array(tie('space'), { maxLength: 3 }) }),
})).space;

/** A fresh space from its description; only the top level gets `seed`. */
export function build(desc: SpaceDesc, seed?: number): Space<unknown> {
  switch (desc.kind) {
    case 'box':
      return new Box({ low: desc.low, high: desc.high, shape: desc.shape, seed });
    case 'discrete':
      return new Discrete(desc.n, { start: desc.start, seed });
    case 'multiDiscrete':
      return new MultiDiscrete(desc.nvec, { start: desc.start, seed });
    case 'multiBinary':
      return new MultiBinary(desc.shape, { seed });
    case 'text':
      return new Text({ minLength: desc.minLength, maxLength: desc.maxLength, charset: desc.charset, seed });
    case 'dict': {
      const pairs = desc.entries.map(([k, d]) => [k, build(d)] as const);
      return new Dict(desc.asPairs ? pairs : Object.fromEntries(pairs), { seed });
    }
    case 'tuple':
      return new Tuple(desc.items.map((d) => build(d)), { seed });
  }
}

/** Whether sampling the described space can give more than one value. */
export function canVary(desc: SpaceDesc): boolean {
  switch (desc.kind) {
    case 'box':
      return desc.low.some((lo, i) => Math.fround(lo) !== Math.fround(desc.high[i]));
    case 'discrete':
      return desc.n > 1;
    case 'multiDiscrete':
      return desc.nvec.some((n) => n > 1);
    case 'multiBinary':
      return true;
    case 'text':
      return desc.maxLength > desc.minLength || (desc.maxLength > 0 && (desc.charset === undefined || [...desc.charset].length > 1));
    case 'dict':
      return desc.entries.some(([, d]) => canVary(d));
    case 'tuple':
      return desc.items.some(canVary);
  }
}

/** A value as comparable text: typed arrays become arrays, ±Infinity stays distinct from null. */
export function ser(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>, num);
    return typeof x === 'number' ? num(x) : x;
  });
}

function num(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}

/** `k` samples from `space`, serialised. */
export function draws(space: Space<unknown>, k: number): string[] {
  return Array.from({ length: k }, () => ser(space.sample()));
}
