// Rng and deriveSeed: reproducible streams, exact state save/restore, and hashed sub-seeds that never
// collide the way Gymnasium's seed + i does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, assertSeed, deriveSeed, sameRngState } from '../../sim/rng.ts';

const seedArb = fc.integer({ min: 0, max: 2 ** 40 });
const stream = (r: Rng, k: number) => Array.from({ length: k }, () => r.random());

describe('Rng streams', () => {
  it('the same seed gives the same stream, a different seed a different one', () => {
    fc.assert(
      fc.property(seedArb, seedArb, (a, b) => {
        expect(stream(new Rng(a), 16)).toEqual(stream(new Rng(a), 16));
        if (a !== b) expect(stream(new Rng(a), 16)).not.toEqual(stream(new Rng(b), 16));
      }),
    );
  });

  it('getState/setState restores the exact stream after any number of draws', () => {
    fc.assert(
      fc.property(seedArb, fc.nat(200), fc.integer({ min: 1, max: 50 }), (seed, skip, k) => {
        const r = new Rng(seed);
        for (let i = 0; i < skip; i++) r.normal();
        const state = r.getState();
        const first = [...stream(r, k), r.double(), r.normal(), r.exponential()];
        r.setState(state);
        expect([...stream(r, k), r.double(), r.normal(), r.exponential()]).toEqual(first);
        expect(sameRngState(r.getState(), state)).toBe(false);
        // A generator built from the saved state continues the same way.
        const restored = new Rng(state);
        expect(stream(restored, k)).toEqual(first.slice(0, k));
      }),
    );
  });

  it('seed records the building seed and is cleared by setState, whose stream it no longer describes', () => {
    const r = new Rng(9);
    expect(r.seed).toBe(9);
    r.setState(new Rng(4).getState());
    expect(r.seed).toBeUndefined();
    expect(stream(r, 3)).toEqual(stream(new Rng(4), 3));
    expect(new Rng(new Rng(4).getState()).seed).toBeUndefined();
  });

  it('getState returns a snapshot that later draws do not mutate', () => {
    const r = new Rng(7);
    const state = r.getState();
    const copy = { ...state };
    stream(r, 10);
    expect(state).toEqual(copy);
    expect(sameRngState(r.getState(), copy)).toBe(false);
  });

  it('clone continues the same stream independently and keeps the seed', () => {
    const r = new Rng(3);
    stream(r, 5);
    const c = r.clone();
    expect(c.seed).toBe(3);
    expect(stream(c, 10)).toEqual(stream(r, 10));
  });

  it('rejects seeds that are not non-negative integers, naming the value', () => {
    expect(() => new Rng(-1)).toThrow('seed must be a non-negative integer, got -1');
    expect(() => new Rng(1.5)).toThrow('got 1.5');
    expect(() => assertSeed(Number.NaN, 'reset seed')).toThrow('reset seed must be a non-negative integer, got NaN');
  });
});

describe('Rng distributions', () => {
  it('int, integers and uniform stay in range and reach both ends', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: -20, max: 20 }), fc.integer({ min: 0, max: 6 }), (seed, low, span) => {
        const r = new Rng(seed);
        const seen = new Set<number>();
        for (let i = 0; i < 400; i++) {
          const v = r.integers(low, low + span);
          expect(Number.isInteger(v) && v >= low && v <= low + span).toBe(true);
          seen.add(v);
          const k = r.int(span + 1);
          expect(Number.isInteger(k) && k >= 0 && k <= span).toBe(true);
          const u = r.uniform(low, low + span + 1);
          expect(u >= low && u < low + span + 1).toBe(true);
        }
        expect(seen.size).toBe(span + 1);
      }),
      { numRuns: 30 },
    );
  });

  it('normal has mean ≈ 0 and std ≈ 1; exponential has mean ≈ 1 and is positive', () => {
    const r = new Rng(11);
    const n = 20_000;
    let s = 0;
    let s2 = 0;
    let e = 0;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      s += x;
      s2 += x * x;
      const y = r.exponential();
      expect(y).toBeGreaterThan(0);
      e += y;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.05);
    expect(Math.abs(Math.sqrt(s2 / n - (s / n) ** 2) - 1)).toBeLessThan(0.05);
    expect(Math.abs(e / n - 1)).toBeLessThan(0.05);
  });

  it('categorical never picks a zero weight and follows the weights', () => {
    fc.assert(
      fc.property(seedArb, fc.array(fc.constantFrom(0, 0, 1, 2, 5), { minLength: 1, maxLength: 6 }), (seed, w) => {
        fc.pre(w.some((x) => x > 0));
        const r = new Rng(seed);
        for (let i = 0; i < 200; i++) expect(w[r.categorical(w)]).toBeGreaterThan(0);
      }),
    );
    const r = new Rng(5);
    const counts = [0, 0];
    for (let i = 0; i < 10_000; i++) counts[r.categorical([0.2, 0.8])]++;
    expect(Math.abs(counts[1] / 10_000 - 0.8)).toBeLessThan(0.02);
  });

  it('shuffle returns a permutation', () => {
    fc.assert(
      fc.property(seedArb, fc.array(fc.integer(), { maxLength: 30 }), (seed, a) => {
        const b = new Rng(seed).shuffle([...a]);
        expect([...b].sort((x, y) => x - y)).toEqual([...a].sort((x, y) => x - y));
      }),
    );
  });
});

describe('deriveSeed', () => {
  it('is deterministic and returns an unsigned 32-bit integer', () => {
    fc.assert(
      fc.property(seedArb, fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 4 }), (seed, path) => {
        const a = deriveSeed(seed, ...path);
        expect(deriveSeed(seed, ...path)).toBe(a);
        expect(Number.isInteger(a) && a >= 0 && a < 2 ** 32).toBe(true);
      }),
    );
  });

  it('differs across keys and across seeds', () => {
    fc.assert(
      fc.property(seedArb, seedArb, fc.oneof(fc.integer(), fc.string()), fc.oneof(fc.integer(), fc.string()), (s, t, k, j) => {
        if (k !== j) expect(deriveSeed(s, k)).not.toBe(deriveSeed(s, j));
        if (s !== t) expect(deriveSeed(s, k)).not.toBe(deriveSeed(t, k));
      }),
    );
  });

  it('is not seed + i: neighbouring (seed, index) pairs never coincide', () => {
    const all = new Set<number>();
    for (let s = 0; s < 100; s++) {
      for (let i = 0; i < 100; i++) {
        const d = deriveSeed(s, i);
        expect(d).not.toBe(deriveSeed(s + 1, i - 1));
        expect(d).not.toBe(s + i);
        all.add(d);
      }
    }
    // 10 000 hashes in 2^32 values: a handful of chance collisions at most, not the 9 801 of seed + i.
    expect(all.size).toBeGreaterThan(9_990);
  });

  it('separates paths that naive concatenation would merge', () => {
    expect(deriveSeed(1, 'ab')).not.toBe(deriveSeed(1, 'a', 'b'));
    expect(deriveSeed(1, 'a', 'b')).not.toBe(deriveSeed(1, 'b', 'a'));
    expect(deriveSeed(1, 1)).not.toBe(deriveSeed(1, '1'));
    expect(deriveSeed(1, 12)).not.toBe(deriveSeed(1, 1, 2));
    expect(deriveSeed(1)).not.toBe(deriveSeed(1, ''));
  });

  it('keeps seeds beyond 2^32 distinct from their low 32 bits', () => {
    expect(deriveSeed(5 + 2 ** 32)).not.toBe(deriveSeed(5));
    expect(deriveSeed(5 + 2 ** 32, 'env', 0)).not.toBe(deriveSeed(5, 'env', 0));
  });

  it('rejects non-finite seeds', () => {
    expect(() => deriveSeed(Number.NaN)).toThrow('deriveSeed: seed must be a finite number, got NaN');
  });
});

describe('Rng matches seedrandom', () => {
  it("steps the same stream as seedrandom's alea for the same seed and state", async () => {
    const { default: seedrandom } = await import('seedrandom');
    for (const seed of [0, 1, 42, 2 ** 31 + 7]) {
      const ours = new Rng(seed);
      const theirs = seedrandom.alea(`rf:${seed}`, { state: true });
      for (let i = 0; i < 1000; i++) expect(ours.random()).toBe(theirs());
      expect(ours.getState()).toEqual(theirs.state());
      expect(ours.double()).toBe(theirs.double());
    }
  });

  it('rejects a malformed saved state, naming the field', () => {
    expect(() => new Rng({ c: 1, s0: 0.5, s1: Number.NaN, s2: 0.1 })).toThrow('RNG state field s1 must be a finite number, got NaN');
  });
});
