// Discrete(n, start): samples in range, seeding reproduces, masks only allow masked-in values (all-zero
// → start), probabilities are respected (zero never appears), and bad input names its field and value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Discrete } from '../../../sim/spaces/discrete.ts';

const params = fc.record({ n: fc.integer({ min: 1, max: 10 }), start: fc.integer({ min: -20, max: 20 }), seed: fc.nat(10_000) });
const sampleMany = (d: Discrete, k: number, opts = {}) => Array.from({ length: k }, () => d.sample(opts));

describe('Discrete sampling', () => {
  it('samples are integers in {start, ..., start + n - 1} and every value appears', () => {
    fc.assert(
      fc.property(params, ({ n, start, seed }) => {
        const d = new Discrete(n, { start, seed });
        const seen = new Set(sampleMany(d, 60 * n));
        for (const v of seen) expect(d.contains(v)).toBe(true);
        expect(seen.size).toBe(n);
      }),
      { numRuns: 50 },
    );
  });

  it('the same seed reproduces the samples and a different seed changes them', () => {
    fc.assert(
      fc.property(params, fc.nat(10_000), ({ n, start, seed }, other) => {
        const a = sampleMany(new Discrete(n, { start, seed }), 40);
        expect(sampleMany(new Discrete(n, { start, seed }), 40)).toEqual(a);
        const reseeded = new Discrete(n, { start, seed: other });
        expect(reseeded.seed(seed)).toEqual([seed]);
        expect(sampleMany(reseeded, 40)).toEqual(a);
        if (n > 1 && other !== seed) expect(sampleMany(new Discrete(n, { start, seed: other }), 40)).not.toEqual(a);
      }),
    );
  });

  it('a mask allows only the masked-in values, and reaches each of them', () => {
    fc.assert(
      fc.property(params, fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }), ({ n, start, seed }, bits) => {
        const mask = Int8Array.from(bits.slice(0, n), (b) => (b ? 1 : 0));
        fc.pre(mask.some((m) => m === 1));
        const d = new Discrete(n, { start, seed });
        const seen = new Set(sampleMany(d, 40 * n, { mask }));
        for (const v of seen) expect(mask[v - start]).toBe(1);
        expect(seen.size).toBe(mask.reduce((a, b) => a + b, 0));
      }),
      { numRuns: 50 },
    );
  });

  it('an all-zero mask returns start', () => {
    fc.assert(
      fc.property(params, ({ n, start, seed }) => {
        const d = new Discrete(n, { start, seed });
        expect(d.sample({ mask: new Int8Array(n) })).toBe(start);
      }),
    );
  });

  it('values with zero probability never appear; the rest follow their weights', () => {
    fc.assert(
      fc.property(params, fc.array(fc.constantFrom(0, 0, 1, 3), { minLength: 10, maxLength: 10 }), ({ n, start, seed }, w) => {
        const weights = w.slice(0, n);
        const total = weights.reduce((a: number, b) => a + b, 0);
        fc.pre(total > 0);
        const probability = Float64Array.from(weights, (x) => x / total);
        const d = new Discrete(n, { start, seed });
        for (const v of sampleMany(d, 100, { probability })) expect(probability[v - start]).toBeGreaterThan(0);
      }),
    );
    const d = new Discrete(3, { start: 1, seed: 1 });
    const counts = [0, 0, 0];
    for (const v of sampleMany(d, 10_000, { probability: [0.1, 0, 0.9] })) counts[v - 1]++;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[2] / 10_000 - 0.9)).toBeLessThan(0.02);
  });

  it('rejects bad masks and probabilities with the field and value', () => {
    const d = new Discrete(3);
    expect(() => d.sample({ mask: new Int8Array(2) })).toThrow('Discrete mask must be an array of length 3, got length 2');
    expect(() => d.sample({ mask: Int8Array.of(1, 2, 0) })).toThrow('Discrete mask values must be 0 or 1, got mask[1] = 2');
    expect(() => d.sample({ mask: 'abc' })).toThrow('Discrete mask must be an array of length 3, got string');
    expect(() => d.sample({ probability: [0.5, 0.6, -0.1] })).toThrow('Discrete probability[2] = -0.1 is outside [0, 1]');
    expect(() => d.sample({ probability: [0.5, 0.2, 0.2] })).toThrow('Discrete probability must sum to 1');
    expect(() => d.sample({ mask: Int8Array.of(1, 1, 1), probability: [1, 0, 0] })).toThrow('either mask or probability');
  });
});

describe('Discrete membership, flattening and construction', () => {
  it('contains rejects non-integers, out-of-range values and non-numbers', () => {
    const d = new Discrete(3, { start: -1 });
    expect([-1, 0, 1].map((v) => d.contains(v))).toEqual([true, true, true]);
    for (const bad of [-2, 2, 0.5, Number.NaN, Infinity, '0', [0], null]) expect(d.contains(bad)).toBe(false);
  });

  it('flattens to one slot holding the integer and round-trips', () => {
    fc.assert(
      fc.property(params, fc.nat(3), ({ n, start, seed }, offset) => {
        const d = new Discrete(n, { start, seed });
        const x = d.sample();
        const flat = d.flatten(x, new Float32Array(offset + 1), offset);
        expect(flat[offset]).toBe(x);
        expect(d.unflatten(flat, offset)).toBe(x);
      }),
    );
  });

  it('names the field and value of bad constructor input', () => {
    expect(() => new Discrete(0)).toThrow('Discrete n must be a positive integer, got 0');
    expect(() => new Discrete(2.5)).toThrow('Discrete n must be a positive integer, got 2.5');
    expect(() => new Discrete(2, { start: 0.5 })).toThrow('Discrete start must be an integer, got 0.5');
    // Values must survive a float32 flatten slot exactly.
    expect(() => new Discrete(2, { start: 2 ** 25 })).toThrow(`Discrete start = ${2 ** 25} is outside ±2^24`);
    expect(() => new Discrete(2 ** 24 + 2)).toThrow('Discrete start + n - 1');
  });

  it('prints and serialises n and start', () => {
    expect(new Discrete(4).toString()).toBe('Discrete(4)');
    expect(new Discrete(4, { start: -2 }).toString()).toBe('Discrete(4, start=-2)');
    expect(new Discrete(4).equals(new Discrete(4, { seed: 3 }))).toBe(true);
    expect(new Discrete(4).equals(new Discrete(4, { start: 1 }))).toBe(false);
  });
});
