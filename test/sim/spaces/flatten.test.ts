// Free-function flattening: flatDim matches the flat length, flatten/unflatten round-trip every space
// type (nested Dict/Tuple included), and flattened values lie in flattenSpace(space).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Box } from '../../../sim/spaces/box.ts';
import { Dict } from '../../../sim/spaces/dict.ts';
import { Discrete } from '../../../sim/spaces/discrete.ts';
import { flatDim, flatten, flattenSpace, unflatten } from '../../../sim/spaces/flatten.ts';
import { MultiBinary } from '../../../sim/spaces/multi_binary.ts';
import { MultiDiscrete } from '../../../sim/spaces/multi_discrete.ts';
import { Text } from '../../../sim/spaces/text.ts';
import { Tuple } from '../../../sim/spaces/tuple.ts';
import { build, ser, spaceDesc } from './arbitraries.ts';

describe('flatten / unflatten', () => {
  it('round-trip samples of every space type, nested ones included, in flatDim slots', () => {
    fc.assert(
      fc.property(spaceDesc, fc.nat(1000), (desc, seed) => {
        const space = build(desc, seed);
        const x = space.sample();
        const flat = flatten(space, x);
        expect(flat).toBeInstanceOf(Float32Array);
        expect(flat.length).toBe(flatDim(space));
        const back = unflatten(space, flat);
        expect(ser(back)).toBe(ser(x));
        expect(space.contains(back)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('lays out a nested space in key/child order with one slot per discrete component', () => {
    const space = new Dict({
      b: new Tuple([new Discrete(3, { start: 1 }), new MultiBinary(2)]),
      a: new Box({ low: -1, high: 1, shape: [2] }),
      c: new Text({ maxLength: 3, charset: 'xyz' }),
      d: new MultiDiscrete([4, 5]),
    });
    const x = { a: Float32Array.of(0.5, -0.5), b: [3, Int8Array.of(1, 0)] as [number, Int8Array], c: 'zx', d: Int32Array.of(3, 0) };
    expect(Array.from(flatten(space, x))).toEqual([0.5, -0.5, 3, 1, 0, 2, 0, -1, 3, 0]);
    expect(unflatten(space, flatten(space, x))).toEqual(x);
  });

  it('unflatten refuses a flat array of the wrong length', () => {
    expect(() => unflatten(new MultiBinary(3), new Float32Array(2))).toThrow('unflatten: flat has length 2, expected 3 for MultiBinary(3)');
  });
});

describe('flattenSpace', () => {
  it('is a Box of shape [flatDim] holding every flattened sample', () => {
    fc.assert(
      fc.property(spaceDesc, fc.nat(1000), (desc, seed) => {
        const space = build(desc, seed);
        const box = flattenSpace(space);
        expect(box.shape).toEqual([space.flatDim]);
        for (let i = 0; i < 5; i++) expect(box.contains(flatten(space, space.sample()))).toBe(true);
      }),
    );
  });

  it('has tight bounds per slot', () => {
    const box = flattenSpace(new Tuple([new Discrete(3, { start: -1 }), new MultiBinary(1), new Text({ maxLength: 1, charset: 'ab' })]));
    expect(Array.from(box.low)).toEqual([-1, 0, -1]);
    expect(Array.from(box.high)).toEqual([1, 1, 1]);
  });
});
