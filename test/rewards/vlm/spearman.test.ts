// Spearman's ρ (rewards/vlm/spearman.ts), used by the VLM bench.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spearman } from '../../../rewards/vlm/spearman.ts';

describe('spearman', () => {
  it('is 1 for any strictly increasing transform and −1 for a decreasing one', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 2, maxLength: 40 }), (xs) => {
        expect(spearman(xs, xs.map((x) => Math.exp(x / 1e3) * 3 + 1))).toBeCloseTo(1, 9);
        expect(spearman(xs, xs.map((x) => -x * x * x))).toBeCloseTo(-1, 9);
      }),
    );
  });

  it('averages tied ranks (scipy.stats.spearmanr values) and is NaN for a constant side', () => {
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.9486832980505138, 12);
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(0.8207826816681233, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    // Long constant sides too, where the tied ranks' floating-point mean does not cancel exactly.
    expect(spearman(new Array(3130).fill(0), Array.from({ length: 3130 }, (_, i) => Math.sin(i)))).toBeNaN();
    expect(spearman([1], [2])).toBeNaN();
    expect(() => spearman([1, 2], [1])).toThrow(/lengths differ/);
  });
});
