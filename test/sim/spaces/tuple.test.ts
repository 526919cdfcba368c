// Tuple: membership of nested samples, children seeded with deriveSeed(s, i), per-child masks, and
// flattening in order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../../../sim/rng.ts';
import { Box } from '../../../sim/spaces/box.ts';
import { Discrete } from '../../../sim/spaces/discrete.ts';
import { MultiDiscrete } from '../../../sim/spaces/multi_discrete.ts';
import { Text } from '../../../sim/spaces/text.ts';
import { Tuple } from '../../../sim/spaces/tuple.ts';
import { build, canVary, draws, ser, spaceDesc, type SpaceDesc } from './arbitraries.ts';

const tupleDesc = fc.array(spaceDesc, { maxLength: 4 }).map((items): SpaceDesc => ({ kind: 'tuple', items }));
const unit = (seed?: number) => new Box({ low: 0, high: 1, shape: [2], seed });

describe('Tuple sampling and membership', () => {
  it('samples of random nested Tuples lie in the space', () => {
    fc.assert(
      fc.property(tupleDesc, fc.nat(1000), (desc, seed) => {
        const t = build(desc, seed);
        for (let i = 0; i < 5; i++) expect(t.contains(t.sample())).toBe(true);
      }),
    );
  });

  it('contains rejects wrong lengths, wrong entries and non-arrays', () => {
    const t = new Tuple([new Discrete(3), unit()]);
    expect(t.contains([2, Float32Array.of(0, 1)])).toBe(true);
    expect(t.contains([2])).toBe(false);
    expect(t.contains([2, Float32Array.of(0, 1), 0])).toBe(false);
    expect(t.contains([3, Float32Array.of(0, 1)])).toBe(false);
    expect(t.contains([Float32Array.of(0, 1), 2])).toBe(false);
    for (const bad of [null, { 0: 2, 1: Float32Array.of(0, 1) }, 'ab']) expect(t.contains(bad)).toBe(false);
  });

  it('passes per-child masks and probabilities; a wrong count throws', () => {
    const t = new Tuple([new Discrete(4), new MultiDiscrete([3, 3])], { seed: 2 });
    for (let i = 0; i < 50; i++) {
      const [a, b] = t.sample({ mask: [Int8Array.of(0, 1, 0, 0), [Int8Array.of(0, 0, 1), undefined]] });
      expect(a).toBe(1);
      expect(b[0]).toBe(2);
    }
    expect(t.sample({ probability: [[0, 0, 0, 1], undefined] })[0]).toBe(3);
    expect(() => t.sample({ mask: [Int8Array.of(1, 1, 1, 1)] })).toThrow(
      'Tuple mask must be an array with one entry per child (2), got an array of length 1',
    );
  });

  it('rejects children that are not spaces, naming the index', () => {
    expect(() => new Tuple([new Discrete(2), 'x'] as never)).toThrow('Tuple spaces[1] must be a Space, got string x');
  });
});

describe('Tuple seeding', () => {
  it('seed(s) seeds child i with deriveSeed(s, i) and returns every seed in order', () => {
    const t = new Tuple([unit(), new Tuple([new Discrete(9), new Text({ maxLength: 4 })])]);
    const s1 = deriveSeed(8, 1);
    expect(t.seed(8)).toEqual([8, deriveSeed(8, 0), s1, deriveSeed(s1, 0), deriveSeed(s1, 1)]);
    expect(ser(t.sample()[0])).toBe(ser(unit(deriveSeed(8, 0)).sample()));
  });

  it('the same seed reproduces nested samples and a different seed changes them', () => {
    fc.assert(
      fc.property(tupleDesc, fc.nat(1000), fc.nat(1000), (desc, a, b) => {
        expect(draws(build(desc, a), 5)).toEqual(draws(build(desc, a), 5));
        if (a !== b && canVary(desc)) expect(draws(build(desc, a), 40)).not.toEqual(draws(build(desc, b), 40));
      }),
    );
  });

  it('identical children get different streams; explicit child seeds survive an unseeded Tuple', () => {
    const [p, q] = new Tuple([unit(), unit()]).sample();
    expect(ser(p)).not.toBe(ser(q));
    expect(ser(new Tuple([unit(11)]).sample()[0])).toBe(ser(unit(11).sample()));
    // The explicit seed survives being nested in an unseeded parent too.
    expect(ser(new Tuple([new Tuple([unit(11)])]).sample()[0][0])).toBe(ser(unit(11).sample()));
    expect(draws(new Tuple([unit(), new Discrete(50)]), 5)).toEqual(draws(new Tuple([unit(), new Discrete(50)], { seed: 0 }), 5));
  });
});

describe('Tuple flattening', () => {
  it('concatenates children in order and round-trips random nested samples', () => {
    const t = new Tuple([new Discrete(5, { start: 1 }), new Box({ low: -1, high: 1, shape: [2] })]);
    expect(Array.from(t.flatten([4, Float32Array.of(-0.5, 0.25)]))).toEqual([4, -0.5, 0.25]);
    expect(() => t.flatten([4] as never)).toThrow('Tuple.flatten: value has length 1, expected 2');
    fc.assert(
      fc.property(tupleDesc, fc.nat(1000), fc.nat(3), (desc, seed, offset) => {
        const sp = build(desc, seed);
        const x = sp.sample();
        const flat = sp.flatten(x, new Float32Array(offset + sp.flatDim), offset);
        expect(ser(sp.unflatten(flat, offset))).toBe(ser(x));
      }),
    );
  });

  it('prints its children', () => {
    expect(new Tuple([new Discrete(2), new Discrete(3)]).toString()).toBe('Tuple(Discrete(2), Discrete(3))');
    expect(new Tuple([new Discrete(2)]).equals(new Tuple([new Discrete(3)]))).toBe(false);
  });
});
