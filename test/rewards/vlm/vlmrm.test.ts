// VLM-RM reward (rewards/vlm/vlmrm.ts): the invariants of R = 1 − ½‖(x − g)P‖² from the paper, checked
// against a direct D×D evaluation of the formula and as properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Embedder } from '../../../rewards/vlm/embedder.ts';
import { TextEmbeddingCache } from '../../../rewards/vlm/embedder.ts';
import { VlmReward } from '../../../rewards/vlm/vlm_reward.ts';
import { meanOfNormalised, VlmRm } from '../../../rewards/vlm/vlmrm.ts';
import type { Frame } from '../../../sim/env.ts';

const DIM = 6;
const vec = (dim = DIM) =>
  fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: dim, maxLength: dim }).filter((v) => Math.hypot(...v) > 0.1);
const rows = (min: number, max: number, dim = DIM) => fc.array(vec(dim), { minLength: min, maxLength: max });
const alpha = fc.double({ min: 0, max: 1, noNaN: true });
const flat = (rs: number[][]) => Float32Array.from(rs.flat());
const normalise = (v: ArrayLike<number>) => {
  const n = Math.hypot(...Array.from(v));
  return Array.from(v, (x) => x / n);
};

/** The formula written out literally: P as a D×D matrix, ‖(x − g)P‖². */
function literal(x: number[], goals: number[][], bases: number[][], a: number): number {
  const mean = (rs: number[][]) => rs.map(normalise).reduce((s, r) => s.map((v, k) => v + r[k] / rs.length), new Array(x.length).fill(0));
  const g = mean(goals);
  const b = mean(bases);
  const d = g.map((v, k) => v - b[k]);
  const dd = d.reduce((s, v) => s + v * v, 0);
  const xn = normalise(x);
  const y = xn.map((v, k) => v - g[k]);
  let sq = 0;
  for (let j = 0; j < x.length; j++) {
    let yp = 0;
    for (let i = 0; i < x.length; i++) yp += y[i] * (a * (d[i] * d[j]) / dd + (1 - a) * (i === j ? 1 : 0));
    sq += yp * yp;
  }
  return 1 - 0.5 * sq;
}

/** ‖g − b‖ for these prompt embeddings (must be > 0 for α > 0). */
const gap = (goals: number[][], bases: number[][]) => {
  const g = meanOfNormalised(flat(goals), goals.length, DIM);
  const b = meanOfNormalised(flat(bases), bases.length, DIM);
  return Math.hypot(...Array.from(g, (v, k) => v - b[k]));
};
/** The model, after discarding (fc.pre) prompt sets whose goal and baseline points nearly coincide. */
const model = (goals: number[][], bases: number[][], a: number) => {
  fc.pre(gap(goals, bases) > 0.05);
  return new VlmRm(flat(goals), goals.length, flat(bases), bases.length, DIM, { alpha: a });
};

describe('VlmRm', () => {
  it('matches the literal D×D formula for several goal and baseline prompts and any α', () => {
    fc.assert(
      fc.property(vec(), rows(1, 4), rows(1, 4), alpha, (x, goals, bases, a) => {
        const rm = model(goals, bases, a);
        expect(rm.rewardOne(Float32Array.from(x))).toBeCloseTo(literal(x, goals, bases, a), 4);
      }),
    );
  });

  it('means of normalised embeddings are not re-normalised', () => {
    const g = meanOfNormalised(Float32Array.of(2, 0, 0, 3), 2, 2);
    expect(Array.from(g)).toEqual([0.5, 0.5]);
  });

  it('R(g) = 1 is the maximum: no image embedding scores above the goal point', () => {
    fc.assert(
      fc.property(vec(), rows(1, 3), rows(1, 3), alpha, (x, goals, bases, a) => {
        const rm = model(goals, bases, a);
        // x = g itself (rewardOne normalises, so scale g to unit length only when ‖g‖ = 1: one goal prompt).
        const one = model([goals[0]], bases, a);
        expect(one.rewardOne(one.goal)).toBeCloseTo(1, 6);
        expect(rm.rewardOne(Float32Array.from(x))).toBeLessThanOrEqual(1 + 1e-6);
        expect(one.rewardOne(Float32Array.from(x))).toBeLessThanOrEqual(1 + 1e-6);
      }),
    );
  });

  it('α = 0 with one goal prompt is cos(x, g), hence a monotone function of the cosine', () => {
    fc.assert(
      fc.property(vec(), vec(), vec(), (x1, x2, goal) => {
        const rm = new VlmRm(Float32Array.from(goal), 1, new Float32Array(0), 0, DIM, { alpha: 0 });
        const cos = (x: number[]) => normalise(x).reduce((s, v, k) => s + v * normalise(goal)[k], 0);
        const r1 = rm.rewardOne(Float32Array.from(x1));
        const r2 = rm.rewardOne(Float32Array.from(x2));
        expect(r1).toBeCloseTo(cos(x1), 5);
        if (cos(x1) > cos(x2) + 1e-5) expect(r1).toBeGreaterThan(r2);
      }),
    );
  });

  it('α = 1 reduces to 1 − ½((x̂ − g)·d̂)²: only the component along d counts', () => {
    fc.assert(
      fc.property(vec(), rows(1, 3), rows(1, 3), (x, goals, bases) => {
        const rm = model(goals, bases, 1);
        const along = normalise(x).reduce((s, v, k) => s + (v - rm.goal[k]) * rm.direction[k], 0);
        expect(rm.rewardOne(Float32Array.from(x))).toBeCloseTo(1 - 0.5 * along ** 2, 5);
      }),
    );
  });

  it('α = 1: two unit embeddings with the same component along d score the same', () => {
    fc.assert(
      fc.property(rows(1, 3), rows(1, 3), fc.double({ min: -0.9, max: 0.9, noNaN: true }), vec(), vec(), (goals, bases, c, w1, w2) => {
        const rm = model(goals, bases, 1);
        const u = Array.from(rm.direction);
        // x = c·u + √(1 − c²)·ŵ⊥: unit vectors with x·u = c and different orthogonal parts.
        const make = (w: number[]) => {
          const wp = w.map((v, k) => v - w.reduce((s, q, j) => s + q * u[j], 0) * u[k]);
          const n = Math.hypot(...wp);
          // A w almost parallel to u leaves an orthogonal part so short that u's float32 rounding,
          // divided by n, moves x·u by more than the tolerance (fast-check found n ≈ 2e-3: 4.6e-5).
          return n < 0.1 ? undefined : u.map((v, k) => c * v + Math.sqrt(1 - c * c) * (wp[k] / n));
        };
        const a = make(w1);
        const b = make(w2);
        fc.pre(a !== undefined && b !== undefined);
        expect(rm.rewardOne(Float32Array.from(a!))).toBeCloseTo(rm.rewardOne(Float32Array.from(b!)), 5);
      }),
    );
  });

  it("a frame's reward does not depend on its batch (composition, size, position)", () => {
    fc.assert(
      fc.property(rows(1, 12), rows(1, 3), rows(1, 3), alpha, fc.integer({ min: 0, max: 11 }), (xs, goals, bases, a, cut) => {
        const rm = model(goals, bases, a);
        const all = rm.rewardBatch(flat(xs), xs.length, new Float32Array(xs.length));
        const k = cut % xs.length;
        const alone = rm.rewardBatch(Float32Array.from(xs[k]), 1, new Float32Array(1));
        const reversed = rm.rewardBatch(flat([...xs].reverse()), xs.length, new Float32Array(xs.length));
        expect(alone[0]).toBe(all[k]);
        expect(reversed[xs.length - 1 - k]).toBe(all[k]);
      }),
    );
  });

  it('multi-view: a step scores the mean of its views', () => {
    const rm = model([[1, 0, 0, 0, 0, 0]], [[0, 1, 0, 0, 0, 0]], 0.5);
    const views = flat([[1, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0]]);
    const per = rm.rewardBatch(views, 2, new Float32Array(2));
    const step = rm.rewardViews(views, 1, 2, new Float32Array(1));
    expect(step[0]).toBeCloseTo((per[0] + per[1]) / 2, 6);
    expect(per[0]).toBeCloseTo(1, 6);
  });

  it('errors name the problem: α out of range, α > 0 without baseline, goal = baseline', () => {
    const g = Float32Array.of(1, 0, 0, 0, 0, 0);
    expect(() => new VlmRm(g, 1, g, 1, DIM, { alpha: 1.5 })).toThrow(/alpha must be in \[0, 1\], got 1.5/);
    expect(() => new VlmRm(g, 1, new Float32Array(0), 0, DIM, { alpha: 0.5 })).toThrow(/needs at least one baseline/);
    expect(() => new VlmRm(g, 1, g, 1, DIM, { alpha: 0.5 })).toThrow(/coincide/);
    expect(() => new VlmRm(new Float32Array(DIM), 1, g, 1, DIM, { alpha: 0 })).toThrow(/norm 0/);
  });
});

/** A deterministic toy embedder: an image embeds as its mean colour + brightness; text by keywords. */
class ToyEmbedder implements Embedder {
  readonly name = 'toy';
  readonly dim = 4;
  textCalls = 0;
  embedImages(frames: readonly Frame[]): Float32Array {
    const out = new Float32Array(frames.length * 4);
    frames.forEach((f, i) => {
      let r = 0, g = 0, b = 0;
      for (let p = 0; p < f.width * f.height; p++) {
        r += f.data[3 * p];
        g += f.data[3 * p + 1];
        b += f.data[3 * p + 2];
      }
      out.set([r + 1, g + 1, b + 1, 1], 4 * i);
    });
    return out;
  }
  embedTexts(texts: readonly string[]): Float32Array {
    this.textCalls += texts.length;
    const out = new Float32Array(texts.length * 4);
    texts.forEach((t, i) => out.set([t.includes('red') ? 1 : 0.01, t.includes('green') ? 1 : 0.01, t.includes('blue') ? 1 : 0.01, 0.01], 4 * i));
    return out;
  }
  close(): void {}
}

const solid = (r: number, g: number, b: number): Frame => {
  const data = new Uint8Array(4 * 4 * 3);
  for (let p = 0; p < 16; p++) data.set([r, g, b], 3 * p);
  return { width: 4, height: 4, data };
};

describe('VlmReward', () => {
  it('caches text embeddings: repeated prompts reach the embedder once', () => {
    const e = new ToyEmbedder();
    const cache = new TextEmbeddingCache(e);
    new VlmReward(e, { goals: ['red', 'a red thing'], baselines: ['blue'], alpha: 0.5 }, { cache });
    new VlmReward(e, { goals: ['red'], baselines: ['blue', 'green'], alpha: 1 }, { cache });
    expect(e.textCalls).toBe(4);
    expect(cache.misses).toBe(4);
  });

  it('scores variable-length episodes in one window exactly as step by step, in any batch size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)), { minLength: 1, maxLength: 7 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 5 }),
        (episodes, batchSize) => {
          const e = new ToyEmbedder();
          const vr = new VlmReward(e, { goals: ['red'], baselines: ['blue'], alpha: 0.5 }, { batchSize });
          const frames = episodes.flat().map(([r, g, b]) => solid(r, g, b));
          const window = vr.scoreWindow(frames);
          frames.forEach((f, i) => expect(vr.scoreWindow([f])[0]).toBe(window[i]));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('ranks a red frame above a blue one for the goal "red" against the baseline "blue"', () => {
    const vr = new VlmReward(new ToyEmbedder(), { goals: ['red'], baselines: ['blue'], alpha: 1 });
    const [red, blue] = vr.scoreWindow([solid(255, 0, 0), solid(0, 0, 255)]);
    expect(red).toBeGreaterThan(blue);
  });
});
