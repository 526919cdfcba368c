// Dict: Gymnasium key order, membership of nested samples, children seeded from hashed sub-seeds
// (explicit child seeds kept when the Dict has none), per-key masks, and flattening in key order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../../../sim/rng.ts';
import { Box } from '../../../sim/spaces/box.ts';
import { Dict } from '../../../sim/spaces/dict.ts';
import { Discrete } from '../../../sim/spaces/discrete.ts';
import { MultiBinary } from '../../../sim/spaces/multi_binary.ts';
import { Text } from '../../../sim/spaces/text.ts';
import { build, canVary, draws, ser, spaceDesc, type SpaceDesc } from './arbitraries.ts';

const dictDesc = fc
  .uniqueArray(fc.tuple(fc.constantFrom('a', 'b', 'obs', '10', '9', '__proto__'), spaceDesc), { selector: (e) => e[0], maxLength: 4 })
  .chain((entries) => fc.boolean().map((asPairs): SpaceDesc => ({ kind: 'dict', entries, asPairs })));

const unit = (seed?: number) => new Box({ low: 0, high: 1, shape: [2], seed });

describe('Dict keys', () => {
  it('sorts keys given as an object or Map, keeps the order of [key, space] pairs', () => {
    const spaces = { b: new Discrete(2), a: new Discrete(3), '10': new Discrete(4), '9': new Discrete(5) };
    expect(new Dict(spaces).keys).toEqual(['10', '9', 'a', 'b']);
    expect(new Dict(new Map(Object.entries(spaces))).keys).toEqual(['10', '9', 'a', 'b']);
    expect(new Dict([['b', new Discrete(2)], ['a', new Discrete(3)]]).keys).toEqual(['b', 'a']);
  });

  it("treats '__proto__' as an ordinary key", () => {
    const d = new Dict(Object.fromEntries([['__proto__', new Discrete(2)]]));
    expect(d.keys).toEqual(['__proto__']);
    const x = d.sample();
    expect(Object.hasOwn(x, '__proto__')).toBe(true);
    expect(d.contains(x)).toBe(true);
    expect(d.contains({})).toBe(false);
    expect(d.unflatten(d.flatten(x))).toEqual(x);
  });

  it('rejects duplicate pair keys and non-space children, naming them', () => {
    expect(() => new Dict([['a', new Discrete(2)], ['a', new Discrete(3)]])).toThrow("Dict key 'a' appears twice");
    expect(() => new Dict({ a: 3 } as never)).toThrow("Dict['a'] must be a Space, got number 3");
    expect(() => new Dict({ a: new Discrete(2) }).get('b')).toThrow("Dict has no key 'b'; keys are [a]");
  });
});

describe('Dict sampling and membership', () => {
  it('samples of random nested Dicts lie in the space', () => {
    fc.assert(
      fc.property(dictDesc, fc.nat(1000), (desc, seed) => {
        const d = build(desc, seed);
        for (let i = 0; i < 5; i++) expect(d.contains(d.sample())).toBe(true);
      }),
    );
  });

  it('contains rejects missing, extra or wrong entries and non-objects', () => {
    const d = new Dict({ pos: unit(), id: new Discrete(3) });
    expect(d.contains({ pos: Float32Array.of(0.5, 0.5), id: 2 })).toBe(true);
    expect(d.contains({ pos: Float32Array.of(0.5, 0.5) })).toBe(false);
    expect(d.contains({ pos: Float32Array.of(0.5, 0.5), id: 2, extra: 0 })).toBe(false);
    expect(d.contains({ pos: Float32Array.of(0.5, 2), id: 2 })).toBe(false);
    expect(d.contains({ pos: Float32Array.of(0.5, 0.5), id: 3 })).toBe(false);
    expect(d.contains({ pos: Float32Array.of(0.5, 0.5), idx: 2 })).toBe(false);
    for (const bad of [null, [Float32Array.of(0.5, 0.5), 2], 'x', new Map()]) expect(d.contains(bad)).toBe(false);
  });

  it('passes per-key masks to children; missing keys sample unmasked; unknown keys throw', () => {
    const d = new Dict({ a: new Discrete(4), b: new MultiBinary(2) }, { seed: 1 });
    const seenA = new Set<number>();
    for (let i = 0; i < 100; i++) {
      const x = d.sample({ mask: { a: Int8Array.of(0, 0, 1, 0), b: Int8Array.of(1, 0) } });
      expect(x.a).toBe(2);
      expect(Array.from(x.b as Int8Array)).toEqual([1, 0]);
      seenA.add(d.sample({ mask: { b: Int8Array.of(1, 1) } }).a as number);
    }
    expect(seenA.size).toBe(4);
    expect(d.sample({ probability: { a: [0, 0, 0, 1] } }).a).toBe(3);
    expect(() => d.sample({ mask: { c: Int8Array.of(1) } })).toThrow("Dict mask has unknown key 'c'; keys are [a, b]");
    expect(() => d.sample({ mask: [Int8Array.of(1)] })).toThrow('Dict mask must be an object keyed like the Dict, got an array of length 1');
  });
});

describe('Dict seeding', () => {
  it('seed(s) seeds each child with deriveSeed(s, key) and returns every seed in key order', () => {
    const d = new Dict({ b: unit(), a: new Dict({ x: new Discrete(3), y: new Text({ maxLength: 3 }) }) });
    const s = 42;
    const sa = deriveSeed(s, 'a');
    expect(d.seed(s)).toEqual([s, sa, deriveSeed(sa, 'x'), deriveSeed(sa, 'y'), deriveSeed(s, 'b')]);
    const x = d.sample();
    expect(ser(x.b)).toBe(ser(unit(deriveSeed(s, 'b')).sample()));
    expect(ser(x.a)).toBe(ser(new Dict({ x: new Discrete(3), y: new Text({ maxLength: 3 }) }, { seed: sa }).sample()));
  });

  it('the same seed reproduces nested samples and a different seed changes them', () => {
    fc.assert(
      fc.property(dictDesc, fc.nat(1000), fc.nat(1000), (desc, a, b) => {
        expect(draws(build(desc, a), 5)).toEqual(draws(build(desc, a), 5));
        const reseeded = build(desc, b);
        reseeded.seed(a);
        expect(draws(reseeded, 5)).toEqual(draws(build(desc, a), 5));
        if (a !== b && canVary(desc)) expect(draws(build(desc, a), 40)).not.toEqual(draws(build(desc, b), 40));
      }),
    );
  });

  it('identical children get different streams, whether or not the Dict was seeded', () => {
    for (const d of [new Dict({ p: unit(), q: unit() }), new Dict({ p: unit(), q: unit() }, { seed: 5 })]) {
      const x = d.sample();
      expect(ser(x.p)).not.toBe(ser(x.q));
    }
  });

  it('a Dict built without a seed samples like a Dict seeded 0, and keeps explicitly seeded children', () => {
    const unseeded = new Dict({ p: unit(), q: new Discrete(100) });
    const zero = new Dict({ p: unit(), q: new Discrete(100) }, { seed: 0 });
    expect(draws(unseeded, 5)).toEqual(draws(zero, 5));
    const kept = new Dict({ p: unit(7), q: new Discrete(100) });
    expect(ser(kept.sample().p)).toBe(ser(unit(7).sample()));
    // The explicit seed survives being nested in an unseeded parent too.
    const outer = new Dict({ inner: new Dict({ p: unit(7) }) });
    expect(ser((outer.sample().inner as { p: unknown }).p)).toBe(ser(unit(7).sample()));
    // A seeded parent reseeds everything below it, as Gymnasium's Dict(seed=int) does.
    const seeded = new Dict({ p: unit(7) }, { seed: 3 });
    expect(ser(seeded.sample().p)).toBe(ser(unit(deriveSeed(3, 'p')).sample()));
  });
});

describe('Dict flattening', () => {
  it('flatDim is the sum and flatten concatenates children in key order', () => {
    const d = new Dict({ b: new Box({ low: 0, high: 10, shape: [2] }), a: new Discrete(5), c: new MultiBinary(1) });
    expect(d.flatDim).toBe(4);
    const flat = d.flatten({ a: 3, b: Float32Array.of(1.5, 2.5), c: Int8Array.of(1) });
    expect(Array.from(flat)).toEqual([3, 1.5, 2.5, 1]);
    expect(d.unflatten(flat)).toEqual({ a: 3, b: Float32Array.of(1.5, 2.5), c: Int8Array.of(1) });
    expect(() => d.flatten({ a: 3, b: Float32Array.of(1, 2) } as never)).toThrow("Dict.flatten: value has no key 'c'");
  });

  it('round-trips samples of random nested Dicts at any offset', () => {
    fc.assert(
      fc.property(dictDesc, fc.nat(1000), fc.nat(3), (desc, seed, offset) => {
        const d = build(desc, seed);
        const x = d.sample();
        const flat = d.flatten(x, new Float32Array(offset + d.flatDim).fill(7), offset);
        expect(ser(d.unflatten(flat, offset))).toBe(ser(x));
        expect(Array.from(flat.subarray(0, offset))).toEqual(new Array(offset).fill(7));
      }),
    );
  });

  it('prints and serialises keys in order', () => {
    const d = new Dict({ b: new Discrete(2), a: new Discrete(3) });
    expect(d.toString()).toBe("Dict('a': Discrete(3), 'b': Discrete(2))");
    expect(d.equals(new Dict([['a', new Discrete(3)], ['b', new Discrete(2)]]))).toBe(true);
    expect(d.equals(new Dict([['b', new Discrete(2)], ['a', new Discrete(3)]]))).toBe(false);
  });
});
