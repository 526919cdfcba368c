// MultiBinary: 0/1 Int8Arrays of the given shape, Gymnasium's 0/1/2 mask, per-element probability of 1,
// seeding, membership, flattening and named construction errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MultiBinary } from '../../../sim/spaces/multi_binary.ts';
import { build, draws, multiBinaryDesc } from './arbitraries.ts';

describe('MultiBinary sampling', () => {
  it('samples are 0/1 Int8Arrays of the shape size, in the space', () => {
    fc.assert(
      fc.property(multiBinaryDesc, fc.nat(1000), (desc, seed) => {
        const mb = build(desc, seed) as MultiBinary;
        const ones = new Int32Array(mb.flatDim);
        for (let i = 0; i < 60; i++) {
          const x = mb.sample();
          expect(x).toBeInstanceOf(Int8Array);
          expect(mb.contains(x)).toBe(true);
          x.forEach((v, j) => (ones[j] += v));
        }
        // Each element is a fair coin: in 60 draws it is neither always 0 nor always 1.
        for (const c of ones) expect(c > 0 && c < 60).toBe(true);
      }),
    );
  });

  it('the same seed reproduces the samples and a different seed changes them', () => {
    fc.assert(
      fc.property(multiBinaryDesc, fc.nat(1000), fc.nat(1000), (desc, a, b) => {
        expect(draws(build(desc, a), 20)).toEqual(draws(build(desc, a), 20));
        if (a !== b) expect(draws(build(desc, a), 40)).not.toEqual(draws(build(desc, b), 40));
      }),
    );
  });

  it('mask 0 forces 0, mask 1 forces 1, mask 2 draws at random', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 1, 2), { minLength: 1, maxLength: 8 }), fc.nat(1000), (m, seed) => {
        const mb = new MultiBinary(m.length, { seed });
        const mask = Int8Array.from(m);
        const seen = m.map(() => new Set<number>());
        for (let i = 0; i < 60; i++) mb.sample({ mask }).forEach((v, j) => seen[j].add(v));
        m.forEach((mj, j) => {
          if (mj === 2) expect(seen[j]).toEqual(new Set([0, 1]));
          else expect(seen[j]).toEqual(new Set([mj]));
        });
      }),
    );
  });

  it('probability is the per-element chance of 1: 0 never, 1 always, 0.3 about 30 %', () => {
    const mb = new MultiBinary(3, { seed: 2 });
    const ones = [0, 0, 0];
    const n = 10_000;
    for (let i = 0; i < n; i++) mb.sample({ probability: [0, 1, 0.3] }).forEach((v, j) => (ones[j] += v));
    expect(ones[0]).toBe(0);
    expect(ones[1]).toBe(n);
    expect(Math.abs(ones[2] / n - 0.3)).toBeLessThan(0.02);
  });

  it('rejects bad masks and probabilities with the field and value', () => {
    const mb = new MultiBinary(3);
    expect(() => mb.sample({ mask: Int8Array.of(0, 3, 1) })).toThrow('MultiBinary mask values must be 0, 1 or 2, got mask[1] = 3');
    expect(() => mb.sample({ mask: Int8Array.of(0, 1) })).toThrow('MultiBinary mask must be an array of length 3, got length 2');
    expect(() => mb.sample({ probability: [0, 1.5, 0] })).toThrow('MultiBinary probability[1] = 1.5 is outside [0, 1]');
    expect(() => mb.sample({ mask: Int8Array.of(0, 0, 0), probability: [0, 0, 0] })).toThrow('either mask or probability');
  });
});

describe('MultiBinary shapes, membership and flattening', () => {
  it('takes a count or a shape', () => {
    expect(new MultiBinary(4).shape).toEqual([4]);
    const grid = new MultiBinary([2, 3]);
    expect(grid.shape).toEqual([2, 3]);
    expect(grid.flatDim).toBe(6);
    expect(grid.toString()).toBe('MultiBinary((2, 3))');
    expect(new MultiBinary(4).equals(new MultiBinary([4]))).toBe(true);
    expect(new MultiBinary(4).equals(new MultiBinary([2, 2]))).toBe(false);
  });

  it('names the field and value of a bad size', () => {
    expect(() => new MultiBinary(0)).toThrow('MultiBinary n = 0 must be a positive integer');
    expect(() => new MultiBinary([2, -1])).toThrow('MultiBinary shape[1] = -1 must be a positive integer');
  });

  it('contains rejects values other than 0/1, wrong lengths and non-arrays', () => {
    const mb = new MultiBinary(3);
    expect(mb.contains(Int8Array.of(0, 1, 1))).toBe(true);
    expect(mb.contains([1, 0, 0])).toBe(true);
    for (const bad of [[0, 1], [0, 1, 1, 0], [0, 2, 1], [0, -1, 1], [0, Number.NaN, 1], [0, 0.5, 1], '011', null]) {
      expect(mb.contains(bad)).toBe(false);
    }
  });

  it('flattens to one slot per element and round-trips', () => {
    fc.assert(
      fc.property(multiBinaryDesc, fc.nat(1000), fc.nat(3), (desc, seed, offset) => {
        const mb = build(desc, seed) as MultiBinary;
        const x = mb.sample();
        const flat = mb.flatten(x, new Float32Array(offset + mb.flatDim), offset);
        expect(Array.from(flat.subarray(offset))).toEqual(Array.from(x));
        expect(mb.unflatten(flat, offset)).toEqual(x);
      }),
    );
  });
});
