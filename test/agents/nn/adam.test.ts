// Proves: Adam reproduces torch.optim.Adam's update (bias correction, eps outside the sqrt, L2 weight
// decay) on a hand-computed 3-step reference, minimises a quadratic, follows lr changes, and its state
// round-trips through named tensors; clipGradNorm scales to maxNorm and returns the pre-clip norm.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Adam, clipGradNorm } from '../../../agents/nn/adam.ts';
import { tensor, zeros, type Tensor } from '../../../agents/nn/tensor.ts';
import { Rng } from '../../../sim/rng.ts';

function problem(theta: number[]): { p: Tensor; g: Tensor } {
  return { p: tensor([theta.length], Float32Array.from(theta), 'theta'), g: zeros([theta.length], 'theta') };
}

const GRADS = [[0.5, -1.0, 0.0], [0.1, 0.2, 1e-3], [-0.3, 0.4, -2.0]];

function expectSteps(adam: Adam, p: Tensor, g: Tensor, expected: number[][]): void {
  GRADS.forEach((grad, t) => {
    g.data.set(grad);
    adam.step();
    expected[t].forEach((v, i) => {
      if (!(Math.abs(p.data[i] - v) < 2e-6)) expect.fail(`step ${t + 1}, theta[${i}] = ${p.data[i]}, expected ${v}`);
    });
  });
}

describe('Adam', () => {
  it('matches a hand-computed 3-step torch reference (lr 0.1, betas 0.9/0.999, eps 1e-8)', () => {
    // Step 1 by hand: m = 0.05, v = 2.5e-4; m̂ = 0.5, √v̂ = 0.5 → θ0 moves by lr·0.5/(0.5 + 1e-8) ≈ 0.1.
    // Later steps from θ ← θ − lr/(1−β1ᵗ)·m/(√v/√(1−β2ᵗ) + eps) in float64.
    const { p, g } = problem([1, -2, 0.5]);
    const adam = new Adam([p], [g], { lr: 0.1 });
    expectSteps(adam, p, g, [
      [0.900000002, -1.900000001, 0.5],
      [0.8196959063846517, -1.8488973939904945, 0.4255873697336899],
      [0.798624611763508, -1.835473434208156, 0.48943997453527166],
    ]);
    expect(adam.stepCount).toBe(3);
  });

  it('matches the reference with other betas, a large eps and L2 weight decay', () => {
    const { p, g } = problem([1, -2, 0.5]);
    const adam = new Adam([p], [g], { lr: 0.01, betas: [0.8, 0.99], eps: 1e-3, weightDecay: 0.1 });
    expectSteps(adam, p, g, [
      [0.9900166389351082, -1.990008326394671, 0.49019607843137253],
      [0.9815793310421351, -1.9837210693931557, 0.48039191527877195],
      [0.9779239164278943, -1.980410670078875, 0.4871840475572076],
    ]);
  });

  it('moves each parameter by about lr on its first step, whatever the gradient scale', () => {
    fc.assert(fc.property(fc.double({ min: 1e-3, max: 1e3, noNaN: true }), fc.boolean(), (scale, negative) => {
      const { p, g } = problem([0]);
      g.data[0] = negative ? -scale : scale;
      new Adam([p], [g], { lr: 2.5e-4, eps: 1e-5 }).step();
      expect(Math.abs(p.data[0] + (negative ? -2.5e-4 : 2.5e-4))).toBeLessThan(2.5e-4 * 1e-2);
    }));
  });

  it('minimises a quadratic Σ a_i (θ_i − c_i)²', () => {
    const rng = new Rng(0);
    const n = 6;
    const a = Array.from({ length: n }, () => rng.uniform(0.5, 5));
    const c = Array.from({ length: n }, () => rng.normal(0, 3));
    const { p, g } = problem(new Array(n).fill(0));
    const adam = new Adam([p], [g], { lr: 0.05 });
    for (let t = 0; t < 3000; t++) {
      for (let i = 0; i < n; i++) g.data[i] = 2 * a[i] * (p.data[i] - c[i]);
      adam.step();
      if (t === 2000) adam.lr = 0.005; // annealing through the public field
    }
    for (let i = 0; i < n; i++) expect(Math.abs(p.data[i] - c[i])).toBeLessThan(1e-2);
  });

  it('lr = 0 leaves parameters unchanged; zeroGrad clears the bound gradients', () => {
    const { p, g } = problem([1, 2]);
    const adam = new Adam([p], [g], { lr: 0 });
    g.data.set([3, 4]);
    adam.step();
    expect(Array.from(p.data)).toEqual([1, 2]);
    adam.zeroGrad();
    expect(Array.from(g.data)).toEqual([0, 0]);
  });

  it('state round-trips through named tensors: a restored optimiser continues identically', () => {
    const rng = new Rng(1);
    const run = (adam: Adam, p: Tensor, g: Tensor, steps: number) => {
      for (let t = 0; t < steps; t++) {
        for (let i = 0; i < g.data.length; i++) g.data[i] = Math.sin(p.data[i] * 3 + t) + 0.1 * i;
        adam.step();
      }
    };
    const init = Array.from({ length: 4 }, () => rng.normal());
    const a = problem(init);
    const adamA = new Adam([a.p], [a.g], { lr: 0.01 });
    run(adamA, a.p, a.g, 5);
    const saved = adamA.stateDict();
    expect(saved.map((t) => t.name)).toEqual(['step', 'exp_avg.theta', 'exp_avg_sq.theta']);
    const b = problem(Array.from(a.p.data));
    const adamB = new Adam([b.p], [b.g], { lr: 0.01 });
    adamB.loadStateDict(saved);
    expect(adamB.stepCount).toBe(5);
    // Control: a fresh optimiser from the same parameters (no state) ends elsewhere, so the state matters.
    const c = problem(Array.from(a.p.data));
    const adamC = new Adam([c.p], [c.g], { lr: 0.01 });
    run(adamA, a.p, a.g, 5);
    run(adamB, b.p, b.g, 5);
    run(adamC, c.p, c.g, 5);
    expect(Array.from(b.p.data)).toEqual(Array.from(a.p.data));
    expect(Array.from(c.p.data)).not.toEqual(Array.from(a.p.data));
    expect(() => adamB.loadStateDict([saved[0], saved[1]])).toThrow('Adam.loadStateDict: missing tensor "exp_avg_sq.theta"');
    expect(() => adamB.loadStateDict([saved[0], saved[1], zeros([3], 'exp_avg_sq.theta')]))
      .toThrow('Adam.loadStateDict: tensor "exp_avg_sq.theta" has shape [3] in the state but [4] in the optimiser');
  });

  it('checks that gradients pair with parameters', () => {
    const p = zeros([2, 3], 'w');
    expect(() => new Adam([p], [zeros([3, 2], 'w')])).toThrow('Adam: gradient 0 ("w") has shape [3, 2] but parameter "w" has [2, 3]');
    expect(() => new Adam([p], [zeros([2, 3], 'v')])).toThrow('Adam: gradient 0 is named "v" but parameter 0 is "w"');
    expect(() => new Adam([p], [])).toThrow('Adam: got 1 parameters but 0 gradients');
    expect(() => new Adam([p], [zeros([2, 3])], { betas: [1, 0.9] })).toThrow('Adam: betas[0] must be in [0, 1), got 1');
  });
});

describe('clipGradNorm', () => {
  it('scales the global norm down to maxNorm, keeps the direction, returns the original norm', () => {
    fc.assert(fc.property(fc.nat(), fc.double({ min: 0.01, max: 10, noNaN: true }), fc.double({ min: 0.01, max: 100, noNaN: true }), (seed, maxNorm, scale) => {
      const rng = new Rng(seed);
      const grads = [zeros([3, 2], 'a'), zeros([4], 'b')];
      for (const g of grads) for (let i = 0; i < g.data.length; i++) g.data[i] = rng.normal(0, scale);
      const before = grads.flatMap((g) => Array.from(g.data));
      const norm0 = Math.hypot(...before);
      const returned = clipGradNorm(grads, maxNorm);
      expect(returned).toBeCloseTo(norm0, 4);
      const after = grads.flatMap((g) => Array.from(g.data));
      const norm1 = Math.hypot(...after);
      if (norm0 > maxNorm) {
        expect(Math.abs(norm1 - maxNorm)).toBeLessThan(1e-5 * maxNorm + 1e-6);
        const k = norm1 / norm0;
        after.forEach((v, i) => expect(Math.abs(v - k * before[i])).toBeLessThan(1e-5 * Math.abs(before[i]) + 1e-7));
      } else {
        expect(after).toEqual(before);
      }
    }), { numRuns: 200 });
  });

  it('computes the exact example 3-4-5', () => {
    const g = [tensor([2], Float32Array.of(3, 4), 'g')];
    expect(clipGradNorm(g, 0.5)).toBe(5);
    expect(g[0].data[0]).toBeCloseTo(0.3, 6);
    expect(g[0].data[1]).toBeCloseTo(0.4, 6);
    expect(() => clipGradNorm(g, 0)).toThrow('clipGradNorm: maxNorm must be > 0, got 0');
  });
});
