// MultiDiscrete: per-component ranges with start, nested nvec shapes, per-component masks and
// probabilities with Discrete semantics, one flatten slot per component, and named construction errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MultiDiscrete } from '../../../sim/spaces/multi_discrete.ts';
import { build, draws, multiDiscreteDesc } from './arbitraries.ts';

const components = fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: -5, max: 5 })), { minLength: 1, maxLength: 4 });

function make(parts: Array<[number, number]>, seed = 0): MultiDiscrete {
  return new MultiDiscrete(
    parts.map((p) => p[0]),
    { start: parts.map((p) => p[1]), seed },
  );
}

describe('MultiDiscrete sampling', () => {
  it('samples are Int32Arrays in the space, every component reaching its whole range', () => {
    fc.assert(
      fc.property(components, fc.nat(1000), (parts, seed) => {
        const md = make(parts, seed);
        const seen = parts.map(() => new Set<number>());
        for (let i = 0; i < 200; i++) {
          const x = md.sample();
          expect(x).toBeInstanceOf(Int32Array);
          expect(md.contains(x)).toBe(true);
          x.forEach((v, j) => seen[j].add(v));
        }
        parts.forEach(([n, start], j) => {
          expect(Math.min(...seen[j])).toBe(start);
          expect(Math.max(...seen[j])).toBe(start + n - 1);
        });
      }),
      { numRuns: 50 },
    );
  });

  it('the same seed reproduces the samples and a different seed changes them', () => {
    fc.assert(
      fc.property(multiDiscreteDesc, fc.nat(1000), fc.nat(1000), (desc, a, b) => {
        expect(draws(build(desc, a), 20)).toEqual(draws(build(desc, a), 20));
        const canVary = desc.kind === 'multiDiscrete' && desc.nvec.some((n) => n > 1);
        if (a !== b && canVary) expect(draws(build(desc, a), 40)).not.toEqual(draws(build(desc, b), 40));
      }),
    );
  });

  it('per-component masks allow only masked-in values; an all-zero mask gives that component start', () => {
    fc.assert(
      fc.property(components, fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }), fc.nat(1000), (parts, bits, seed) => {
        const md = make(parts, seed);
        const mask = parts.map(([n], j) => Int8Array.from(bits.slice(6 * j, 6 * j + n), (b) => (b ? 1 : 0)));
        for (let i = 0; i < 50; i++) {
          const x = md.sample({ mask });
          parts.forEach(([, start], j) => {
            if (mask[j].every((m) => m === 0)) expect(x[j]).toBe(start);
            else expect(mask[j][x[j] - start]).toBe(1);
          });
        }
      }),
    );
  });

  it('an undefined entry leaves that component unmasked', () => {
    const md = new MultiDiscrete([3, 3], { seed: 1 });
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const x = md.sample({ mask: [Int8Array.of(0, 0, 1), undefined] });
      expect(x[0]).toBe(2);
      seen.add(x[1]);
    }
    expect(seen.size).toBe(3);
  });

  it('zero-probability values never appear', () => {
    fc.assert(
      fc.property(components, fc.nat(1000), fc.nat(), (parts, seed, pick) => {
        const md = make(parts, seed);
        // Each component puts all its mass on one value.
        const probability = parts.map(([n], j) => {
          const p = new Float64Array(n);
          p[(pick + j) % n] = 1;
          return p;
        });
        const x = md.sample({ probability });
        parts.forEach(([n, start], j) => expect(x[j]).toBe(start + ((pick + j) % n)));
      }),
    );
  });

  it('rejects malformed masks naming the component', () => {
    const md = new MultiDiscrete([2, 3]);
    expect(() => md.sample({ mask: [Int8Array.of(1, 1)] })).toThrow(
      'MultiDiscrete mask must be an array of 2 per-component vectors, got an array of length 1',
    );
    expect(() => md.sample({ mask: Int8Array.of(1, 1, 1, 1, 1) })).toThrow('got a typed array');
    expect(() => md.sample({ mask: [Int8Array.of(1, 1), Int8Array.of(1, 1)] })).toThrow(
      'MultiDiscrete component 1 mask must be an array of length 3, got length 2',
    );
    expect(() => md.sample({ mask: [Int8Array.of(1, 3), Int8Array.of(1, 1, 1)] })).toThrow(
      'MultiDiscrete component 0 mask values must be 0 or 1, got mask[1] = 3',
    );
    expect(() => md.sample({ probability: [[1, 0], [0.5, 0.5, 0.5]] })).toThrow('MultiDiscrete component 1 probability must sum to 1');
  });
});

describe('MultiDiscrete shapes and construction', () => {
  it('takes the shape from a nested nvec, or from the shape option', () => {
    const nested = new MultiDiscrete([[2, 3], [4, 5]], { start: [[0, 1], [2, 3]] });
    expect(nested.shape).toEqual([2, 2]);
    expect(Array.from(nested.nvec)).toEqual([2, 3, 4, 5]);
    expect(Array.from(nested.start)).toEqual([0, 1, 2, 3]);
    const flat = new MultiDiscrete([2, 3, 4, 5], { shape: [2, 2], start: [0, 1, 2, 3] });
    expect(flat.equals(nested)).toBe(true);
    expect(flat.equals(new MultiDiscrete([2, 3, 4, 5], { start: [0, 1, 2, 3] }))).toBe(false);
    expect(new MultiDiscrete([3, 3], { start: 7 }).contains([7, 9])).toBe(true);
  });

  it('names the field and value of bad input', () => {
    expect(() => new MultiDiscrete([2, 0])).toThrow('MultiDiscrete nvec[1] = 0 must be a positive integer');
    expect(() => new MultiDiscrete([2, 1.5])).toThrow('MultiDiscrete nvec[1] = 1.5 must be a positive integer');
    expect(() => new MultiDiscrete([[2, 3], [4]])).toThrow('MultiDiscrete nvec is not rectangular: MultiDiscrete nvec[1] has shape [1]');
    expect(() => new MultiDiscrete([2, 3], { shape: [3] })).toThrow('MultiDiscrete shape [3] has size 3, but nvec has 2 entries');
    expect(() => new MultiDiscrete([2, 3, 4], { start: [0, 1] })).toThrow('MultiDiscrete start has 2 entries, expected 1 or 3');
    expect(() => new MultiDiscrete([2, 3], { start: [0, 0.5] })).toThrow('MultiDiscrete start[1] = 0.5 must be an integer');
    expect(() => new MultiDiscrete([2], { start: 2 ** 24 })).toThrow('MultiDiscrete start[0] + nvec[0] - 1');
  });

  it('contains rejects wrong length, out-of-range, non-integer and NaN components', () => {
    const md = new MultiDiscrete([2, 3], { start: [0, -1] });
    expect(md.contains(Int32Array.of(1, 1))).toBe(true);
    expect(md.contains([0, -1])).toBe(true);
    for (const bad of [[1], [1, 1, 1], [2, 0], [0, 2], [0, -2], [0.5, 0], [Number.NaN, 0], 'ab', null, 3]) {
      expect(md.contains(bad)).toBe(false);
    }
  });

  it('flattens to one float slot per component and round-trips', () => {
    fc.assert(
      fc.property(components, fc.nat(1000), fc.nat(3), (parts, seed, offset) => {
        const md = make(parts, seed);
        const x = md.sample();
        const flat = md.flatten(x, new Float32Array(offset + md.flatDim), offset);
        expect(md.flatDim).toBe(parts.length);
        expect(Array.from(flat.subarray(offset))).toEqual(Array.from(x));
        expect(md.unflatten(flat, offset)).toEqual(x);
      }),
    );
  });

  it('prints nvec, shape and start', () => {
    expect(new MultiDiscrete([2, 3]).toString()).toBe('MultiDiscrete([2, 3])');
    expect(new MultiDiscrete([[2, 3]], { start: 1 }).toString()).toBe('MultiDiscrete([2, 3], shape=(1, 2), start=[1, 1])');
  });
});
