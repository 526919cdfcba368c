/** Robo-Dopamine labels and progress reconstruction against direct computations. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { backwardAnchored, discretizeDemo, forwardAnchored, fuseProgress, hopFromProgress, hopLabel, incrementalProgress, incrementalStep } from '../../../rewards/dopamine/labels.ts';

describe('step-wise discretization', () => {
  it('samples the same number of states per subtask, first and last state included', () => {
    // 3 subtasks of lengths 10, 5, 25 (boundaries 10 and 15 of a 41-state demo), 5 samples each.
    const idx = discretizeDemo(41, [10, 15], 5);
    expect(idx.length).toBe(16);
    expect(idx[0]).toBe(0);
    expect(idx[5]).toBe(10);
    expect(idx[10]).toBe(15);
    expect(idx[15]).toBe(40);
    for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThanOrEqual(idx[i - 1]);
  });

  it('rejects bad boundaries naming them', () => {
    expect(() => discretizeDemo(10, [5, 3], 2)).toThrow(/boundaries/);
    expect(() => discretizeDemo(10, [9], 2)).toThrow(/boundaries/);
    expect(() => discretizeDemo(1, [], 2)).toThrow(/length/);
  });
});

describe('hop labels', () => {
  it('match the formula: (q−p)/(M−p) forward, (q−p)/p backward, 0 equal', () => {
    expect(hopLabel(2, 6, 10)).toBeCloseTo(4 / 8);
    expect(hopLabel(6, 2, 10)).toBeCloseTo(-4 / 6);
    expect(hopLabel(4, 4, 10)).toBe(0);
    expect(hopLabel(0, 10, 10)).toBe(1);
    expect(hopLabel(10, 0, 10)).toBe(-1);
  });

  test.prop([fc.integer({ min: 1, max: 50 }).chain((M) => fc.tuple(fc.constant(M), fc.integer({ min: 0, max: M }), fc.integer({ min: 0, max: M })))])(
    'hops lie in [−1, 1], and the incremental update from p lands exactly on q',
    ([M, p, q]) => {
      const h = hopLabel(p, q, M);
      expect(h).toBeGreaterThanOrEqual(-1);
      expect(h).toBeLessThanOrEqual(1);
      expect(incrementalStep(p / M, h)).toBeCloseTo(q / M, 10);
      expect(hopFromProgress(p / M, q / M)).toBeCloseTo(h, 10);
    },
  );
});

describe('progress reconstruction', () => {
  test.prop([fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { maxLength: 40 }), fc.double({ min: 0, max: 1, noNaN: true })])(
    'incremental progress stays in [0, 1] whatever the hops',
    (hops, phi0) => {
      for (const p of incrementalProgress(hops, phi0)) {
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }
    },
  );

  it('anchored estimates: forward Φ = h from START, backward Φ = 1 + h from GOAL; fusion is their mean', () => {
    expect(forwardAnchored(0.3)).toBeCloseTo(0.3);
    expect(forwardAnchored(-0.2)).toBe(0);
    expect(backwardAnchored(-0.3)).toBeCloseTo(0.7);
    expect(backwardAnchored(0.5)).toBe(1);
    expect(fuseProgress(0.4, -0.6)).toBeCloseTo(0.4);
    // Exact hops of a state at progress x reconstruct x from both anchors.
    for (const x of [0, 0.25, 0.5, 0.9, 1]) expect(fuseProgress(hopFromProgress(0, x), hopFromProgress(1, x))).toBeCloseTo(x, 10);
  });
});
