// Text: lengths uniform in [minLength, maxLength], characters from the charset (code points), Gymnasium's
// [length, charMask] mask and [length, charProbability] probability, -1-padded flattening, errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALPHANUMERIC, Text } from '../../../sim/spaces/text.ts';
import { build, canVary, draws, textDesc } from './arbitraries.ts';

const chars = (s: string) => Array.from(s);

describe('Text sampling', () => {
  it('samples lie in the space, reaching both the shortest and the longest length', () => {
    fc.assert(
      fc.property(textDesc, fc.nat(1000), (desc, seed) => {
        const t = build(desc, seed) as Text;
        const lengths = new Set<number>();
        // 300 draws: the chance of missing one of at most 7 lengths is below 1e-19.
        for (let i = 0; i < 300; i++) {
          const x = t.sample();
          expect(t.contains(x)).toBe(true);
          lengths.add(chars(x).length);
        }
        expect(Math.min(...lengths)).toBe(t.minLength);
        expect(Math.max(...lengths)).toBe(t.maxLength);
      }),
    );
  });

  it('the same seed reproduces the samples and a different seed changes them', () => {
    fc.assert(
      fc.property(textDesc, fc.nat(1000), fc.nat(1000), (desc, a, b) => {
        expect(draws(build(desc, a), 10)).toEqual(draws(build(desc, a), 10));
        if (a !== b && canVary(desc)) expect(draws(build(desc, a), 40)).not.toEqual(draws(build(desc, b), 40));
      }),
    );
  });

  it("defaults to Gymnasium's alphanumeric charset and minLength 1", () => {
    const t = new Text({ maxLength: 5 });
    expect(t.charset).toBe(ALPHANUMERIC);
    expect(t.characters.length).toBe(62);
    expect(t.minLength).toBe(1);
    expect(t.toString()).toBe(`Text(1, 5, charset=${ALPHANUMERIC})`);
  });

  it('a mask fixes the length and restricts characters to the masked-in ones', () => {
    fc.assert(
      fc.property(textDesc, fc.nat(1000), fc.array(fc.boolean(), { minLength: 62, maxLength: 62 }), fc.nat(), (desc, seed, bits, pick) => {
        const t = build(desc, seed) as Text;
        const k = t.characters.length;
        const charMask = Int8Array.from(bits.slice(0, k), (b) => (b ? 1 : 0));
        fc.pre(charMask.some((m) => m === 1));
        const length = t.minLength + (pick % (t.maxLength - t.minLength + 1));
        for (let i = 0; i < 20; i++) {
          const x = t.sample({ mask: [length, charMask] });
          expect(chars(x).length).toBe(length);
          for (const c of chars(x)) expect(charMask[t.characters.indexOf(c)]).toBe(1);
          expect(chars(t.sample({ mask: [length, undefined] })).length).toBe(length);
        }
      }),
    );
  });

  it("an all-zero character mask gives '' when minLength is 0 and throws otherwise", () => {
    const zero = new Int8Array(ALPHANUMERIC.length);
    expect(new Text({ maxLength: 4, minLength: 0 }).sample({ mask: [undefined, zero] })).toBe('');
    expect(() => new Text({ maxLength: 4 }).sample({ mask: [3, zero] })).toThrow(
      'Text character mask is all zero, so no character can be sampled, but minLength = 1 > 0',
    );
  });

  it('zero-probability characters never appear', () => {
    fc.assert(
      fc.property(textDesc, fc.nat(1000), fc.array(fc.constantFrom(0, 0, 1, 2), { minLength: 62, maxLength: 62 }), (desc, seed, w) => {
        const t = build(desc, seed) as Text;
        const weights = w.slice(0, t.characters.length);
        const total = weights.reduce((a: number, b) => a + b, 0);
        fc.pre(total > 0);
        const p = Float64Array.from(weights, (x) => x / total);
        for (let i = 0; i < 20; i++) {
          for (const c of chars(t.sample({ probability: [undefined, p] }))) expect(p[t.characters.indexOf(c)]).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('rejects malformed masks naming the value', () => {
    const t = new Text({ maxLength: 3, charset: 'ab' });
    expect(() => t.sample({ mask: [4, undefined] })).toThrow('Text sample length = 4 must be an integer in [1, 3]');
    expect(() => t.sample({ mask: [0, undefined] })).toThrow('Text sample length = 0');
    expect(() => t.sample({ mask: [2, Int8Array.of(1)] })).toThrow('Text character mask must be an array of length 2, got length 1');
    expect(() => t.sample({ mask: [2, Int8Array.of(1, 5)] })).toThrow('Text character mask values must be 0 or 1, got mask[1] = 5');
    expect(() => t.sample({ mask: Int8Array.of(1, 1) })).toThrow('Text mask must be a pair [length | undefined, per-character vector | undefined]');
    expect(() => t.sample({ probability: [undefined, [0.5, 0.6]] })).toThrow('Text character probability must sum to 1');
  });
});

describe('Text membership, flattening and construction', () => {
  it('contains checks the length in code points and the charset', () => {
    const t = new Text({ maxLength: 3, minLength: 2, charset: 'ab😀' });
    expect(t.contains('a😀')).toBe(true);
    expect(t.contains('😀😀😀')).toBe(true);
    for (const bad of ['a', 'abab', 'ac', 'aA', '', 3, null, ['a', 'b']]) expect(t.contains(bad)).toBe(false);
  });

  it('flattens to charset indices padded with -1 to maxLength', () => {
    const t = new Text({ maxLength: 5, charset: 'xyz😀' });
    expect(t.flatDim).toBe(5);
    expect(Array.from(t.flatten('z😀x'))).toEqual([2, 3, 0, -1, -1]);
    expect(t.unflatten(Float32Array.of(2, 3, 0, -1, -1))).toBe('z😀x');
    // The string ends at the first -1, whatever follows.
    expect(t.unflatten(Float32Array.of(1, -1, 2, 2, 2))).toBe('y');
    expect(() => t.flatten('xyzxyz')).toThrow('Text.flatten: value has 6 characters, more than maxLength = 5');
    expect(() => t.flatten('xa')).toThrow("Text.flatten: character 'a' at 1 is not in the charset");
    expect(() => t.unflatten(Float32Array.of(0, 9, -1, -1, -1))).toThrow('Text.unflatten: slot 1 holds 9, not a charset index');
  });

  it('round-trips random samples at any offset', () => {
    fc.assert(
      fc.property(textDesc, fc.nat(1000), fc.nat(3), (desc, seed, offset) => {
        const t = build(desc, seed) as Text;
        const x = t.sample();
        const flat = t.flatten(x, new Float32Array(offset + t.flatDim), offset);
        expect(t.unflatten(flat, offset)).toBe(x);
      }),
    );
  });

  it('names the field and value of bad constructor input', () => {
    expect(() => new Text({ maxLength: -1 })).toThrow('Text maxLength must be a non-negative integer, got -1');
    expect(() => new Text({ maxLength: 2, minLength: 3 })).toThrow('Text minLength must be an integer in [0, maxLength = 2], got 3');
    expect(() => new Text({ maxLength: 0 })).toThrow('Text minLength must be an integer in [0, maxLength = 0], got 1');
    expect(() => new Text({ maxLength: 2, charset: 'aba' })).toThrow("Text charset has 'a' twice (at 0 and 2)");
    expect(() => new Text({ maxLength: 2, charset: '' })).toThrow('Text charset must not be empty');
    expect(() => new Text({ maxLength: 2, charset: ['a', 'bc'] })).toThrow('Text charset[1] must be a single character, got string bc');
    expect(new Text({ maxLength: 2, charset: new Set(['q', 'r']) }).charset).toBe('qr');
  });
});
