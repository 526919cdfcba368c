// batchSpace: Gymnasium's batch_space shapes for every space type, stacked samples lie in the batched
// space, concatenate/iterateBatch invert each other, and the batched parts get distinct hashed seeds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../../../sim/rng.ts';
import { batchSpace, concatenate, iterateBatch } from '../../../sim/spaces/batch.ts';
import { Box } from '../../../sim/spaces/box.ts';
import { Dict } from '../../../sim/spaces/dict.ts';
import { Discrete } from '../../../sim/spaces/discrete.ts';
import { MultiBinary } from '../../../sim/spaces/multi_binary.ts';
import { MultiDiscrete } from '../../../sim/spaces/multi_discrete.ts';
import { Space, type SpaceSpec } from '../../../sim/spaces/space.ts';
import { Text } from '../../../sim/spaces/text.ts';
import { Tuple } from '../../../sim/spaces/tuple.ts';
import { build, draws, ser, spaceDesc } from './arbitraries.ts';

describe('batchSpace shapes', () => {
  it('Box → Box of shape [n, ...shape] with tiled bounds', () => {
    const b = batchSpace(new Box({ low: [0, -1], high: [1, 5] }), 3);
    expect(b).toBeInstanceOf(Box);
    expect(b.shape).toEqual([3, 2]);
    expect(Array.from(b.low)).toEqual([0, -1, 0, -1, 0, -1]);
    expect(Array.from(b.high)).toEqual([1, 5, 1, 5, 1, 5]);
  });

  it('Discrete → MultiDiscrete of n copies with the same start', () => {
    const b = batchSpace(new Discrete(4, { start: 2 }), 3);
    expect(b).toBeInstanceOf(MultiDiscrete);
    expect(b.shape).toEqual([3]);
    expect(Array.from(b.nvec)).toEqual([4, 4, 4]);
    expect(Array.from(b.start)).toEqual([2, 2, 2]);
  });

  it('MultiDiscrete → MultiDiscrete of shape [n, ...shape]; MultiBinary → MultiBinary [n, ...shape]', () => {
    const md = batchSpace(new MultiDiscrete([[2, 3]], { start: [[0, 5]] }), 2);
    expect(md.shape).toEqual([2, 1, 2]);
    expect(Array.from(md.nvec)).toEqual([2, 3, 2, 3]);
    expect(Array.from(md.start)).toEqual([0, 5, 0, 5]);
    const mb = batchSpace(new MultiBinary([2, 2]), 4);
    expect(mb).toBeInstanceOf(MultiBinary);
    expect(mb.shape).toEqual([4, 2, 2]);
  });

  it('Dict/Tuple → Dict/Tuple of batched children; Text → Tuple of n Texts', () => {
    const d = batchSpace(new Dict([['z', new Discrete(2)], ['a', new Box({ low: 0, high: 1, shape: [1] })]]), 2);
    expect(d).toBeInstanceOf(Dict);
    expect(d.keys).toEqual(['z', 'a']);
    expect(d.get('z').toJSON()).toEqual(new MultiDiscrete([2, 2]).toJSON());
    expect(d.get('a').shape).toEqual([2, 1]);
    const t = batchSpace(new Tuple([new Discrete(2)]), 3);
    expect(t.toJSON()).toEqual(new Tuple([new MultiDiscrete([2, 2, 2])]).toJSON());
    const text = batchSpace(new Text({ maxLength: 3, minLength: 2, charset: 'ab' }), 2);
    expect(text).toBeInstanceOf(Tuple);
    expect(text.toString()).toBe('Tuple(Text(2, 3, charset=ab), Text(2, 3, charset=ab))');
  });

  it('rejects a bad n and spaces it does not know, naming them', () => {
    expect(() => batchSpace(new Discrete(2), 0)).toThrow('batchSpace n must be a positive integer, got 0');
    class Odd extends Space<number> {
      readonly shape = [];
      readonly flatDim = 1;
      sample(): number {
        return 0;
      }
      contains(x: unknown): boolean {
        return x === 0;
      }
      flatten(_x: number, out = new Float32Array(1)): Float32Array {
        return out;
      }
      unflatten(): number {
        return 0;
      }
      toJSON(): SpaceSpec {
        return { type: 'Odd' };
      }
      toString(): string {
        return 'Odd()';
      }
    }
    expect(() => batchSpace(new Odd(), 2)).toThrow('batchSpace: cannot batch Odd() (Odd)');
  });
});

describe('batchSpace values', () => {
  it('n stacked samples lie in the batched space, and the batched space samples inside itself', () => {
    fc.assert(
      fc.property(spaceDesc, fc.integer({ min: 1, max: 4 }), fc.nat(1000), (desc, n, seed) => {
        const space = build(desc, seed);
        const batched = batchSpace(space, n);
        const items = Array.from({ length: n }, () => space.sample());
        const stacked = concatenate(space, items);
        expect(batched.contains(stacked)).toBe(true);
        expect(batched.contains(batched.sample())).toBe(true);
        expect(batched.flatDim).toBe(n * space.flatDim);
        // iterateBatch inverts concatenate, and each piece is back in the single space.
        const back = iterateBatch(space, stacked, n);
        expect(back.map(ser)).toEqual(items.map(ser));
        for (const x of back) expect(space.contains(x)).toBe(true);
      }),
    );
  });

  it('a sample of the batched space splits into n members of the single space', () => {
    fc.assert(
      fc.property(spaceDesc, fc.integer({ min: 1, max: 4 }), fc.nat(1000), (desc, n, seed) => {
        const space = build(desc, seed);
        for (const x of iterateBatch(space, batchSpace(space, n).sample(), n)) expect(space.contains(x)).toBe(true);
      }),
    );
  });

  it('concatenate and iterateBatch reject values of the wrong size', () => {
    const box = new Box({ low: 0, high: 1, shape: [2] });
    expect(() => concatenate(box, [Float32Array.of(0.5)])).toThrow('concatenate: items[0] has length 1, expected 2');
    expect(() => iterateBatch(box, new Float32Array(5), 2)).toThrow('iterateBatch: batched value has length 5, expected 2 × 2');
  });
});

describe('batchSpace seeding', () => {
  it('is seeded from a hash of the original seed: same seed same samples, different seed different', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.nat(1000), fc.nat(1000), (n, a, b) => {
        const make = (seed: number) => batchSpace(new Box({ low: 0, high: 1, shape: [2], seed }), n);
        expect(make(a).npRandom.seed).toBe(deriveSeed(a, 'batch'));
        expect(draws(make(a), 3)).toEqual(draws(make(a), 3));
        if (a !== b) expect(draws(make(a), 3)).not.toEqual(draws(make(b), 3));
      }),
    );
  });

  it('gives each batched Text its own stream, and Dict children their own', () => {
    const texts = batchSpace(new Text({ maxLength: 8, minLength: 8, seed: 1 }), 4).sample();
    expect(new Set(texts).size).toBe(4);
    const d = batchSpace(new Dict({ p: new Box({ low: 0, high: 1, shape: [3] }), q: new Box({ low: 0, high: 1, shape: [3] }) }), 2).sample();
    expect(ser(d.p)).not.toBe(ser(d.q));
  });

  it('hashes the generator state when the original seed is unknown', () => {
    const a = new Discrete(50, { seed: 3 });
    a.npRandom.setState(new Discrete(50, { seed: 9 }).npRandom.getState());
    expect(a.npRandom.seed).toBeUndefined();
    const s = batchSpace(a, 2).npRandom.seed;
    expect(Number.isInteger(s)).toBe(true);
    const b = new Discrete(50, { seed: 3 });
    b.npRandom.setState(new Discrete(50, { seed: 10 }).npRandom.getState());
    expect(batchSpace(b, 2).npRandom.seed).not.toBe(s);
  });
});
