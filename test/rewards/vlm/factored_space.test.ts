// The factored joint space of the offline embedder (rewards/vlm/offline/factored_space.ts): exact zeros
// across scene kinds, a fixed image norm per gate pattern, the gates, and the backward pass.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FactoredHead, factoredDim, factoredNetWidth, type FactoredSpace, gateLabels } from '../../../rewards/vlm/offline/factored_space.ts';
import { VlmRm } from '../../../rewards/vlm/vlmrm.ts';

const SPACE: FactoredSpace = { scenes: ['arm', 'cartpole'], facts: ['gripperGoal', 'cubeGoal', 'poleTilt'], block: 3, factScenes: ['arm', 'arm', 'cartpole'] };
const S = SPACE.scenes.length, F = SPACE.facts.length, K = SPACE.block;
const W = factoredNetWidth(SPACE), D = factoredDim(SPACE);
// Network outputs in [−3, 3] on a 0.01 grid (fast-check's floats crowd near 0 and the extremes).
const netRow = fc.array(fc.integer({ min: -300, max: 300 }), { minLength: W, maxLength: W }).map((a) => Float32Array.from(a, (v) => v / 100));

const labels = (facts: Record<string, string>) => {
  const out = new Uint8Array(S + F);
  gateLabels(SPACE, facts, out, 0);
  return out;
};
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);

describe('FactoredHead', () => {
  it('lays out S scene coordinates, a pad, then F blocks; labels are the scene one-hot and the fact keys present', () => {
    expect(D).toBe(2 + 1 + 3 * 3);
    expect(W).toBe(3 * 3 + 2 + 3);
    expect(Array.from(labels({ scene: 'arm', gripperGoal: 'near', cubeGoal: 'far' }))).toEqual([1, 0, 1, 1, 0]);
    expect(Array.from(labels({ scene: 'cartpole', poleTilt: 'upright' }))).toEqual([0, 1, 0, 0, 1]);
    expect(() => labels({ scene: 'kitchen' })).toThrow(/scene "kitchen" is not one of/);
  });

  it('a block may stand for a group of facts (v4: one block per scene kind): its label is on when any member is present', () => {
    const grouped: FactoredSpace = { scenes: ['arm', 'cartpole'], facts: ['arm', 'cartpole'], members: [['gripperGoal', 'cubeGoal'], ['poleTilt']], block: 4, factScenes: ['arm', 'cartpole'] };
    const out = new Uint8Array(4);
    gateLabels(grouped, { scene: 'arm', cubeGoal: 'far' }, out, 0);
    expect(Array.from(out)).toEqual([1, 0, 1, 0]);
    gateLabels(grouped, { scene: 'arm' }, out, 0);
    expect(Array.from(out)).toEqual([1, 0, 0, 0]);
    gateLabels(grouped, { scene: 'cartpole', poleTilt: 'upright', cartPos: 'left' }, out, 0);
    expect(Array.from(out)).toEqual([0, 1, 0, 1]);
    expect(() => new FactoredHead({ ...grouped, members: [['gripperGoal']] }, 'raw')).toThrow(/members must list ≥ 1 fact key for each of the 2 blocks/);
    expect(() => new FactoredHead({ ...grouped, members: [['gripperGoal'], []] }, 'raw')).toThrow(/members must list/);
  });

  it('a fact-free caption is its scene coordinate alone', () => {
    const net = new Float32Array(W).fill(0.5);
    net.set([0.9, 0.2], F * K);
    net.set([-1, -2, -0.1], F * K + S);
    expect(Array.from(new FactoredHead(SPACE, 'raw').forward(net, 1))).toEqual([1, 0, ...new Array(D - 2).fill(0)]);
  });

  it('inference gates: the argmax scene, facts whose logit is > 0 (for images, only facts of that scene); gated-off coordinates are exactly 0', () => {
    const net = new Float32Array(W).fill(0.5);
    net.set([0.2, 0.9], F * K); // cartpole wins
    net.set([-1, 2, 0.1], F * K + S); // cubeGoal and poleTilt logits > 0
    const txt = new FactoredHead(SPACE, 'raw').forward(net, 1);
    // A caption that mentions facts has no scene coordinate; a fact-free one has only that.
    expect(Array.from(txt.subarray(0, S + 1))).toEqual([0, 0, 0]);
    expect(Array.from(txt.subarray(S + 1, S + 1 + K))).toEqual([0, 0, 0]);
    expect(Array.from(txt.subarray(S + 1 + K, S + 1 + 2 * K))).toEqual([0.5, 0.5, 0.5]);
    expect(Array.from(txt.subarray(S + 1 + 2 * K))).toEqual([0.5, 0.5, 0.5]);
    // An image of the cart-pole scene cannot open the arm's cubeGoal block; its open block is unit length.
    const img = new FactoredHead(SPACE, 'unit').forward(net, 1);
    expect(Array.from(img.subarray(0, S))).toEqual([0, 1]);
    expect(img[S]).toBeCloseTo(Math.sqrt(2), 6);
    expect(Array.from(img.subarray(S + 1, S + 1 + 2 * K))).toEqual([0, 0, 0, 0, 0, 0]);
    for (const v of img.subarray(S + 1 + 2 * K)) expect(v).toBeCloseTo(1 / Math.sqrt(3), 6);
    expect(() => new FactoredHead({ ...SPACE, factScenes: ['arm', 'arm', 'kitchen'] }, 'unit')).toThrow(/factScenes\[2\] = "kitchen"/);
  });

  it('an image and a caption about different scene kinds (no shared fact) have a dot product of exactly 0', () => {
    fc.assert(
      fc.property(netRow, netRow, (a, b) => {
        const img = new FactoredHead(SPACE, 'unit').forward(a, 1, labels({ scene: 'arm', gripperGoal: 'x', cubeGoal: 'x' })).slice();
        const txt = new FactoredHead(SPACE, 'raw').forward(b, 1, labels({ scene: 'cartpole', poleTilt: 'x' })).slice();
        return dot(img, txt) === 0;
      }),
    );
  });

  it('every image embedding has norm √(1 + F), so a fact-free caption scores all frames of a scene kind the same, whichever blocks are open', () => {
    fc.assert(
      fc.property(netRow, netRow, fc.boolean(), (a, b, cube) => {
        const h = new FactoredHead(SPACE, 'unit');
        const x1 = h.forward(a, 1, labels({ scene: 'arm', gripperGoal: 'x', cubeGoal: 'x' })).slice();
        const x2 = h.forward(b, 1, labels(cube ? { scene: 'arm', cubeGoal: 'x' } : { scene: 'arm', gripperGoal: 'x' })).slice();
        // Blocks of norm ≈ 0 are not unit length; the generator can produce them, skip those.
        const blockNorms = (net: Float32Array) => [0, 1].map((f) => Math.hypot(...net.subarray(f * K, (f + 1) * K)));
        fc.pre(Math.min(...blockNorms(a), ...blockNorms(b)) > 0.05);
        expect(dot(x1, x1)).toBeCloseTo(1 + F, 5);
        expect(dot(x2, x2)).toBeCloseTo(1 + F, 5);
        const baseline = new Float32Array(D);
        baseline[0] = 1; // "a robot arm over a table": only the arm coordinate
        expect(dot(x1, baseline) / Math.sqrt(dot(x1, x1))).toBeCloseTo(dot(x2, baseline) / Math.sqrt(dot(x2, x2)), 5);
      }),
    );
  });

  it('VLM-RM on such embeddings: a prompt about another scene kind gives the same reward to every frame, at any α', () => {
    const rng = Array.from({ length: 32 }, (_, i) => Float32Array.from({ length: W }, (_, k) => 2 * Math.sin(1.3 * i + 0.7 * k + 0.1 * i * k)));
    const img = new FactoredHead(SPACE, 'unit'), txt = new FactoredHead(SPACE, 'raw');
    const frames = new Float32Array(30 * D);
    for (let i = 0; i < 30; i++) frames.set(img.forward(rng[i], 1, labels(i % 3 ? { scene: 'arm', gripperGoal: 'x' } : { scene: 'arm', gripperGoal: 'x', cubeGoal: 'x' })), i * D);
    const goal = txt.forward(rng[30], 1, labels({ scene: 'cartpole', poleTilt: 'x' })).slice();
    const base = txt.forward(rng[31], 1, labels({ scene: 'arm' })).slice();
    for (const alpha of [0, 0.5, 1]) {
      const rm = new VlmRm(goal, 1, base, 1, D, { alpha });
      const r = new Float64Array(30);
      for (let i = 0; i < 30; i++) r[i] = rm.rewardOne(frames, i * D);
      for (let i = 1; i < 30; i++) expect(r[i]).toBeCloseTo(r[0], 6);
    }
  });

  for (const mode of ['unit', 'raw'] as const) {
    it(`backward (${mode}) matches finite differences of Σ w·embedding + gate cross-entropy`, () => {
      const n = 3;
      const h = new FactoredHead(SPACE, mode);
      const net = Float32Array.from({ length: n * W }, (_, i) => Math.sin(1.7 * i + 0.3) * 1.5);
      const lab = new Uint8Array(n * (S + F));
      gateLabels(SPACE, { scene: 'arm', gripperGoal: 'x', cubeGoal: 'x' }, lab, 0);
      gateLabels(SPACE, { scene: 'cartpole', poleTilt: 'x' }, lab, S + F);
      gateLabels(SPACE, { scene: 'arm', cubeGoal: 'x' }, lab, 2 * (S + F));
      const w = Float32Array.from({ length: n * D }, (_, i) => Math.cos(0.9 * i));
      const gw = 0.7;
      const loss = (x: Float32Array) => {
        const e = h.forward(x, n, lab);
        return dot(e, w) + gw * h.gateLoss;
      };
      loss(net);
      const g = h.backward(w, n, gw).slice();
      const eps = 1e-2;
      for (let i = 0; i < n * W; i++) {
        const keep = net[i];
        net[i] = keep + eps;
        const up = loss(net);
        net[i] = keep - eps;
        const down = loss(net);
        net[i] = keep;
        expect(g[i], `input ${i}`).toBeCloseTo((up - down) / (2 * eps), 2);
      }
    });
  }

  it('a shared space routes one k-wide output to the block of each open group; its backward sums the routes (finite differences)', () => {
    const sh: FactoredSpace = { scenes: ['arm', 'cartpole'], facts: ['arm', 'cartpole'], members: [['gripperGoal'], ['poleTilt']], block: 3, factScenes: ['arm', 'cartpole'], shared: true };
    const w2 = factoredNetWidth(sh), d2 = factoredDim(sh);
    expect(w2).toBe(3 + 2 + 2);
    expect(d2).toBe(2 + 1 + 2 * 3);
    const net = Float32Array.from([0.3, -0.4, 1.2, 2, -1, 5, -5]); // arm scene, arm group on, cartpole group off
    const img = new FactoredHead(sh, 'unit').forward(net, 1);
    const nr = Math.hypot(0.3, -0.4, 1.2);
    expect(Array.from(img.subarray(0, 3))).toEqual([1, 0, 1]);
    [0.3, -0.4, 1.2].forEach((v, c) => expect(img[3 + c]).toBeCloseTo(v / nr, 6));
    expect(Array.from(img.subarray(6))).toEqual([0, 0, 0]);
    const txt = new FactoredHead(sh, 'raw').forward(Float32Array.from([0.3, -0.4, 1.2, -1, 2, -5, 5]), 1);
    expect(Array.from(txt)).toEqual([0, 0, 0, 0, 0, 0, 0.30000001192092896, -0.4000000059604645, 1.2000000476837158]);
    // Both groups open (labels), so the shared outputs feed two blocks: the gradient is the sum.
    const h = new FactoredHead(sh, 'raw');
    const lab = Uint8Array.from([1, 0, 1, 1]);
    const x = Float32Array.from([0.5, -0.2, 0.9, 0.1, -0.3, 0.4, -0.6]);
    const wv = Float32Array.from({ length: d2 }, (_, i) => Math.cos(0.9 * i));
    const loss = (v: Float32Array) => dot(h.forward(v, 1, lab), wv) + 0.5 * h.gateLoss;
    loss(x);
    const g = h.backward(wv, 1, 0.5).slice();
    for (let i = 0; i < w2; i++) {
      const keep = x[i];
      x[i] = keep + 1e-2;
      const up = loss(x);
      x[i] = keep - 1e-2;
      const down = loss(x);
      x[i] = keep;
      expect(g[i], `input ${i}`).toBeCloseTo((up - down) / 2e-2, 2);
    }
    // Training on the shared rows: sharedRows reads them back, backwardShared passes their gradient through.
    h.forward(x, 1, lab);
    expect(Array.from(h.sharedRows(1, new Float32Array(3)))).toEqual(Array.from(x.subarray(0, 3)));
    const gs = h.backwardShared(Float32Array.from([1, 2, 3]), 1, 0);
    expect(Array.from(gs)).toEqual([1, 2, 3, 0, 0, 0, 0]);
    expect(() => new FactoredHead(SPACE, 'raw').sharedRows(1, new Float32Array(3))).toThrow(/not shared/);
  });
});
