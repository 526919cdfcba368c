// Box: samples lie inside for every bound kind, sampling follows Gymnasium's per-dimension law
// (uniform / shifted exponential / normal), seeding reproduces, contains rejects bad values, and bad
// constructor input is reported with the field and value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Box } from '../../../sim/spaces/box.ts';
import { boxDesc, build, canVary, draws } from './arbitraries.ts';

describe('Box sampling', () => {
  it('samples lie in the box for random shapes and bound kinds', () => {
    fc.assert(
      fc.property(boxDesc, fc.nat(1000), (desc, seed) => {
        const box = build(desc, seed);
        for (let i = 0; i < 20; i++) {
          const x = box.sample();
          expect(x).toBeInstanceOf(Float32Array);
          expect(box.contains(x)).toBe(true);
        }
      }),
    );
  });

  it('the same seed reproduces the samples and a different seed changes them', () => {
    fc.assert(
      fc.property(boxDesc, fc.nat(1000), fc.nat(1000), (desc, a, b) => {
        expect(draws(build(desc, a), 10)).toEqual(draws(build(desc, a), 10));
        const reseeded = build(desc, b);
        reseeded.seed(a);
        expect(draws(reseeded, 10)).toEqual(draws(build(desc, a), 10));
        if (a !== b && canVary(desc)) expect(draws(build(desc, a), 10)).not.toEqual(draws(build(desc, b), 10));
      }),
    );
  });

  it('bounded dimensions are uniform over [low, high]', () => {
    const box = new Box({ low: [-2, 10], high: [2, 11], seed: 1 });
    const n = 20_000;
    const sum = [0, 0];
    const quarter = [0, 0];
    for (let i = 0; i < n; i++) {
      const x = box.sample();
      sum[0] += x[0];
      sum[1] += x[1];
      if (x[0] < -1) quarter[0]++;
      if (x[1] > 10.75) quarter[1]++;
    }
    expect(Math.abs(sum[0] / n)).toBeLessThan(0.05);
    expect(Math.abs(sum[1] / n - 10.5)).toBeLessThan(0.02);
    expect(Math.abs(quarter[0] / n - 0.25)).toBeLessThan(0.02);
    expect(Math.abs(quarter[1] / n - 0.25)).toBeLessThan(0.02);
  });

  it('unbounded dimensions are standard normal', () => {
    const box = new Box({ low: -Infinity, high: Infinity, shape: [1], seed: 2 });
    const n = 20_000;
    let s = 0;
    let s2 = 0;
    let beyondOne = 0;
    for (let i = 0; i < n; i++) {
      const v = box.sample()[0];
      s += v;
      s2 += v * v;
      if (Math.abs(v) > 1) beyondOne++;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.05);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
    // P(|z| > 1) = 0.3173 for a standard normal.
    expect(Math.abs(beyondOne / n - 0.3173)).toBeLessThan(0.02);
  });

  it('half-bounded dimensions are the bound shifted by a unit exponential, on the right side', () => {
    const box = new Box({ low: [3, -Infinity], high: [Infinity, -4], seed: 3 });
    const n = 20_000;
    const gap = [0, 0];
    for (let i = 0; i < n; i++) {
      const x = box.sample();
      expect(x[0]).toBeGreaterThanOrEqual(3);
      expect(x[1]).toBeLessThanOrEqual(-4);
      gap[0] += x[0] - 3;
      gap[1] += -4 - x[1];
    }
    expect(Math.abs(gap[0] / n - 1)).toBeLessThan(0.05);
    expect(Math.abs(gap[1] / n - 1)).toBeLessThan(0.05);
  });

  it('a degenerate dimension (low = high) always gives that value', () => {
    const box = new Box({ low: [1.5, 0], high: [1.5, 1] });
    for (let i = 0; i < 50; i++) expect(box.sample()[0]).toBe(1.5);
  });

  it('sampleInto writes at the offset without touching the rest', () => {
    const box = new Box({ low: 0, high: 1, shape: [2], seed: 4 });
    const out = new Float32Array(5).fill(-9);
    box.sampleInto(out, 2);
    expect([out[0], out[1], out[4]]).toEqual([-9, -9, -9]);
    expect(box.contains(out.subarray(2, 4))).toBe(true);
    expect(Array.from(out.subarray(2, 4))).toEqual(Array.from(new Box({ low: 0, high: 1, shape: [2], seed: 4 }).sample()));
  });

  it('refuses a mask or probability, which only discrete spaces take', () => {
    const box = new Box({ low: 0, high: 1, shape: [2] });
    expect(() => box.sample({ mask: new Int8Array(2) })).toThrow('Box.sample cannot take a mask');
    expect(() => box.sample({ probability: [0.5, 0.5] })).toThrow('Box.sample cannot take a probability');
  });
});

describe('Box.contains', () => {
  const box = new Box({ low: [0, -1], high: [1, 1] });

  it('accepts values inside, as Float32Array, Float64Array or array', () => {
    expect(box.contains(new Float32Array([0.5, -1]))).toBe(true);
    expect(box.contains(new Float64Array([1, 1]))).toBe(true);
    expect(box.contains([0, 0])).toBe(true);
  });

  it('rejects wrong length, out of bounds, NaN and non-arrays', () => {
    expect(box.contains(new Float32Array([0.5]))).toBe(false);
    expect(box.contains(new Float32Array([0.5, 0, 0]))).toBe(false);
    expect(box.contains([1.01, 0])).toBe(false);
    expect(box.contains([0, -1.5])).toBe(false);
    expect(box.contains([Number.NaN, 0])).toBe(false);
    expect(box.contains([0, Infinity])).toBe(false);
    expect(box.contains('ab')).toBe(false);
    expect(box.contains({ 0: 0, 1: 0, length: 2 })).toBe(false);
    expect(box.contains(null)).toBe(false);
  });

  it('rejects any value pushed out through one random coordinate', () => {
    fc.assert(
      fc.property(boxDesc, fc.nat(), fc.nat(), (desc, seed, pick) => {
        const space = build(desc, seed) as Box;
        fc.pre(space.flatDim > 0);
        const i = pick % space.flatDim;
        const x = space.sample();
        x[i] = Number.NaN;
        expect(space.contains(x)).toBe(false);
        if (Number.isFinite(space.high[i])) {
          x[i] = space.high[i] + Math.max(1, Math.abs(space.high[i]));
          expect(space.contains(x)).toBe(false);
        }
      }),
    );
  });

  it('a scalar box accepts a bare number', () => {
    const scalar = new Box({ low: 0, high: 1 });
    expect(scalar.shape).toEqual([]);
    expect(scalar.contains(0.5)).toBe(true);
    expect(scalar.contains(2)).toBe(false);
  });
});

describe('Box construction', () => {
  it('names the field and value of a bad bound', () => {
    expect(() => new Box({ low: [0, 3], high: [1, 2] })).toThrow('Box low[1] = 3 is greater than high[1] = 2');
    expect(() => new Box({ low: [0, Number.NaN], high: 1 })).toThrow('Box low[1] = NaN');
    expect(() => new Box({ low: 0, high: [1, Number.NaN] })).toThrow('Box high[1] = NaN');
    expect(() => new Box({ low: [0, 0, 0], high: 1, shape: [2] })).toThrow('Box low has length 3, expected 2');
    expect(() => new Box({ low: 0, high: 1, shape: [2, -1] })).toThrow('Box shape must hold non-negative integers, got [2, -1]');
    expect(() => new Box({ low: 0, high: 1, seed: -3 })).toThrow('seed must be a non-negative integer, got -3');
  });

  it('infers the shape from array bounds and tiles scalar bounds', () => {
    const box = new Box({ low: 0, high: [1, 2, 3] });
    expect(box.shape).toEqual([3]);
    expect(Array.from(box.low)).toEqual([0, 0, 0]);
    const grid = new Box({ low: -1, high: 1, shape: [2, 3] });
    expect(grid.flatDim).toBe(6);
  });

  it('reports boundedness per manner', () => {
    const box = new Box({ low: [0, -Infinity], high: [1, 1] });
    expect(box.isBounded('above')).toBe(true);
    expect(box.isBounded('below')).toBe(false);
    expect(box.isBounded()).toBe(false);
    expect(new Box({ low: 0, high: 1, shape: [2] }).isBounded()).toBe(true);
  });

  it('equals compares bounds and shape, and toString prints them', () => {
    const a = new Box({ low: 0, high: 1, shape: [2] });
    expect(a.equals(new Box({ low: [0, 0], high: [1, 1], seed: 9 }))).toBe(true);
    expect(a.equals(new Box({ low: 0, high: 2, shape: [2] }))).toBe(false);
    expect(a.equals(new Box({ low: 0, high: 1, shape: [1, 2] }))).toBe(false);
    expect(a.toString()).toBe('Box(0, 1, (2))');
    expect(new Box({ low: -Infinity, high: Infinity, shape: [1] }).toJSON()).toEqual({ type: 'Box', shape: [1], low: ['-inf'], high: ['inf'] });
  });
});

describe('Box flatten', () => {
  it('round-trips samples and writes at the offset', () => {
    fc.assert(
      fc.property(boxDesc, fc.nat(1000), fc.nat(4), (desc, seed, offset) => {
        const box = build(desc, seed) as Box;
        const x = box.sample();
        const out = box.flatten(x, new Float32Array(offset + box.flatDim), offset);
        expect(Array.from(out.subarray(offset))).toEqual(Array.from(x));
        expect(box.unflatten(out, offset)).toEqual(x);
      }),
    );
  });

  it('refuses a value of the wrong length', () => {
    const box = new Box({ low: 0, high: 1, shape: [3] });
    expect(() => box.flatten(new Float32Array(2))).toThrow('Box.flatten: value has length 2, expected 3');
  });
});
