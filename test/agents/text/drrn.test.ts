/** DrrnScorer: analytic gradients of scores and values match central differences (float64 loss), batches are checked. */
import { describe, expect, it } from 'vitest';
import { DrrnScorer } from '../../../agents/text/drrn.ts';
import { Rng } from '../../../sim/rng.ts';

function setup(seed: number) {
  const rng = new Rng(seed);
  const scorer = new DrrnScorer({ buckets: 40, embedDim: 4, hidden: 6, rng });
  const ids = (n: number) => Int32Array.from({ length: n }, () => rng.int(40));
  // Overlapping ids between goal, context and candidates so the match features are exercised.
  const goal0 = ids(3);
  const ctx0 = ids(5);
  const batch = {
    goals: [goal0, ids(5), ids(1)],
    contexts: [ctx0, ids(2), ids(3)],
    candOffsets: Int32Array.from([0, 3, 5, 7]),
    cands: [Int32Array.of(goal0[0], ctx0[1], 7), ids(3), ids(1), ids(4), ids(2), ids(5), Int32Array.of(goal0[1])],
  };
  const wS = Array.from({ length: 7 }, () => rng.normal());
  const wV = Array.from({ length: 3 }, () => rng.normal());
  return { scorer, batch, wS, wV };
}

describe('DrrnScorer', () => {
  it('gradients of Σ wS·score + Σ wV·V match central differences for every parameter tensor', () => {
    const { scorer, batch, wS, wV } = setup(3);
    const loss = (): number => {
      const { scores, values } = scorer.forward(batch);
      let L = 0;
      for (let c = 0; c < scores.length; c++) L += wS[c] * scores[c] * 50;
      for (let i = 0; i < values.length; i++) L += wV[i] * values[i];
      return L;
    };
    loss();
    scorer.zeroGrad();
    scorer.backward(wS.map((w) => w * 50), wV);
    let checked = 0;
    for (const [k, p] of scorer.params().entries()) {
      const g = scorer.grads()[k];
      expect(g.name).toBe(p.name);
      const stride = Math.max(1, Math.floor(p.data.length / 25));
      for (let j = 0; j < p.data.length; j += stride) {
        const x = p.data[j];
        const h = 1e-2;
        p.data[j] = x + h;
        const lp = loss();
        p.data[j] = x - h;
        const lm = loss();
        p.data[j] = x;
        const num = (lp - lm) / (2 * h);
        expect(Math.abs(num - g.data[j]), `${p.name}[${j}]: analytic ${g.data[j]} vs numeric ${num}`).toBeLessThanOrEqual(2e-3 + 1e-2 * Math.abs(num));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('backward accumulates, and a zero upstream gradient changes nothing', () => {
    const { scorer, batch } = setup(5);
    scorer.forward(batch);
    scorer.zeroGrad();
    scorer.backward(new Float32Array(7), new Float32Array(3));
    for (const g of scorer.grads()) expect(g.data.every((v) => v === 0)).toBe(true);
    scorer.backward(new Float32Array(7).fill(1), new Float32Array(3).fill(1));
    const once = scorer.grads().map((g) => Array.from(g.data));
    scorer.backward(new Float32Array(7).fill(1), new Float32Array(3).fill(1));
    scorer.grads().forEach((g, k) => g.data.forEach((v, j) => expect(v).toBeCloseTo(2 * once[k][j], 4)));
  });

  it('scores depend only on each state and its own candidates (padding and batching do not leak)', () => {
    const { scorer, batch } = setup(7);
    const all = Array.from(scorer.forward(batch).scores);
    const single = Array.from(scorer.forward({ goals: [batch.goals[1]], contexts: [batch.contexts[1]], candOffsets: Int32Array.from([0, 2]), cands: batch.cands.slice(3, 5) }).scores);
    expect(single[0]).toBeCloseTo(all[3], 5);
    expect(single[1]).toBeCloseTo(all[4], 5);
  });

  it('rejects malformed batches and options', () => {
    const { scorer, batch } = setup(9);
    expect(() => scorer.forward({ ...batch, candOffsets: Int32Array.from([0, 3, 5, 6]) })).toThrow(/do not line up/);
    expect(() => scorer.forward({ ...batch, candOffsets: Int32Array.from([0, 3, 3, 7]) })).toThrow(/state 1 has no candidate/);
    expect(() => new DrrnScorer({ buckets: 10, embedDim: 0, hidden: 4, rng: new Rng(0) })).toThrow(/embedDim must be a positive integer, got 0/);
  });
});
