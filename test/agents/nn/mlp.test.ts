// Proves: Mlp forward equals an independent float64 reference, backward's parameter and input gradients
// equal float64 central differences for random architectures (fast-check: in 1..8, hidden 1..16,
// batch 1..6, every activation), and also match float32 central differences through the engine itself;
// workspaces are reused per batch size; copyFrom/zeroGrad/naming behave as documented.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActivationName } from '../../../agents/nn/activations.ts';
import { Mlp } from '../../../agents/nn/mlp.ts';
import { flattenParams } from '../../../agents/nn/tensor.ts';
import { Rng } from '../../../sim/rng.ts';
import { centralDiff, expectGradClose, randomArray } from './gradcheck.ts';
import { dot, referenceForward } from './reference.ts';

const arch = fc.record({
  nIn: fc.integer({ min: 1, max: 8 }),
  hidden: fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 0, maxLength: 2 }),
  nOut: fc.integer({ min: 1, max: 4 }),
  batch: fc.integer({ min: 1, max: 6 }),
  activation: fc.constantFrom<ActivationName>('tanh', 'relu', 'identity'),
  outputActivation: fc.constantFrom<ActivationName>('identity', 'tanh', 'relu'),
  init: fc.constantFrom('orthogonal' as const, 'torch' as const),
  seed: fc.nat(),
});

describe('Mlp gradients', () => {
  it('forward and backward match a float64 reference and its central differences', () => {
    let total = 0, skipped = 0;
    fc.assert(fc.property(arch, ({ nIn, hidden, nOut, batch, activation, outputActivation, init, seed }) => {
      const sizes = [nIn, ...hidden, nOut];
      const rng = new Rng(seed);
      const net = new Mlp({ sizes, activation, outputActivation, init, rng });
      // Non-zero biases so relu/identity paths see them.
      for (const layer of net.layers) for (let j = 0; j < layer.bias.data.length; j++) layer.bias.data[j] = rng.normal(0, 0.3);
      const x = randomArray(rng, batch * nIn);
      const r = randomArray(rng, batch * nOut);
      const y = net.forward(x, batch);
      net.zeroGrad();
      const dX = net.backward(r, batch, { inputGrad: true });
      expect(dX).not.toBeNull();

      const p64 = net.params().map((t) => Float64Array.from(t.data));
      const x64 = Float64Array.from(x);
      const kinks0: number[] = [];
      expectGradClose(y, referenceForward(p64, sizes, activation, outputActivation, x64, batch, kinks0), 'y', 1e-5, 1e-4);
      // A difference that flips a relu on or off measures the kink, not the gradient: skip those coordinates.
      let crossed = false;
      const loss = () => {
        const k: number[] = [];
        const v = dot(r, referenceForward(p64, sizes, activation, outputActivation, x64, batch, k));
        if (k.some((s, i) => s !== kinks0[i])) crossed = true;
        return v;
      };
      const check = (analytic: Float32Array, vars: Float64Array, label: string) => {
        for (let i = 0; i < vars.length; i++) {
          crossed = false;
          const numeric = centralDiff(loss, vars, i);
          if (crossed) skipped++;
          else expectGradClose([analytic[i]], [numeric], `${label}[${i}]`);
          total++;
        }
      };
      net.grads().forEach((g, t) => check(g.data, p64[t], g.name as string));
      check(dX as Float32Array, x64, 'dX');
    }), { numRuns: 150 });
    // The kink filter must leave almost every coordinate checked.
    expect(skipped).toBeLessThan(0.01 * total);
  });

  it('float32 central differences through the engine itself agree with backward (tanh, 4-16-16-3)', () => {
    const rng = new Rng(7);
    const net = new Mlp({ sizes: [4, 16, 16, 3], activation: 'tanh', rng });
    const batch = 5;
    const x = randomArray(rng, batch * 4);
    const r = randomArray(rng, batch * 3);
    const loss = () => dot(r, net.forward(x, batch));
    loss();
    net.zeroGrad();
    net.backward(r, batch);
    for (let t = 0; t < net.params().length; t++) {
      const p = net.params()[t].data;
      const numeric = new Float64Array(p.length);
      for (let i = 0; i < p.length; i++) {
        const p0 = p[i];
        p[i] = p0 + 1e-2;
        const up = p[i];
        const fp = loss();
        p[i] = p0 - 1e-2;
        const down = p[i];
        const fm = loss();
        p[i] = p0;
        numeric[i] = (fp - fm) / (up - down);
      }
      expectGradClose(net.grads()[t].data, numeric, net.params()[t].name as string, 2e-3, 1e-2);
    }
  });

  it('backward accumulates: two passes double the gradients, zeroGrad clears them', () => {
    const rng = new Rng(2);
    const net = new Mlp({ sizes: [3, 8, 8, 2], activation: 'tanh', rng });
    const x = randomArray(rng, 12), r = randomArray(rng, 8);
    net.forward(x, 4);
    net.backward(r, 4);
    const once = flattenParams(net.grads());
    expect(once.some((v) => v !== 0)).toBe(true);
    net.backward(r, 4);
    expectGradClose(flattenParams(net.grads()), once.map((v) => 2 * v), 'twice', 1e-6, 1e-5);
    net.zeroGrad();
    expect(flattenParams(net.grads()).every((v) => v === 0)).toBe(true);
  });
});

describe('Mlp buffers and bookkeeping', () => {
  it('names parameters like torch.nn.Sequential and exposes grads with the same names and shapes', () => {
    const net = new Mlp({ sizes: [4, 64, 64, 2], activation: 'tanh', rng: new Rng(0) });
    expect(net.params().map((t) => `${t.name}:${t.shape.join('x')}`)).toEqual([
      '0.weight:64x4', '0.bias:64', '2.weight:64x64', '2.bias:64', '4.weight:2x64', '4.bias:2',
    ]);
    expect(net.grads().map((t) => `${t.name}:${t.shape.join('x')}`)).toEqual(net.params().map((t) => `${t.name}:${t.shape.join('x')}`));
    expect(net.numParams()).toBe(4 * 64 + 64 + 64 * 64 + 64 + 64 * 2 + 2);
    expect(net.params()).toBe(net.params());
  });

  it('reuses one output buffer per batch size and copies its input', () => {
    const net = new Mlp({ sizes: [2, 5, 1], activation: 'relu', rng: new Rng(1) });
    const x = Float32Array.of(1, 2, 3, 4);
    const y2a = net.forward(x, 2);
    const first = Array.from(y2a);
    const y1 = net.forward(x, 1);
    const y2b = net.forward(x, 2);
    expect(y2b).toBe(y2a);
    expect(y1).not.toBe(y2a);
    expect(y2a.length).toBe(2);
    expect(Array.from(y2b)).toEqual(first);
    // Changing x after forward does not change what backward differentiates.
    net.zeroGrad();
    net.backward(Float32Array.of(1, 1), 2);
    const g = flattenParams(net.grads());
    net.forward(x, 2);
    x.fill(100);
    net.zeroGrad();
    net.backward(Float32Array.of(1, 1), 2);
    expect(Array.from(flattenParams(net.grads()))).toEqual(Array.from(g));
  });

  it('backward must follow a forward with the same batch size', () => {
    const net = new Mlp({ sizes: [2, 3, 1], activation: 'tanh', rng: new Rng(1) });
    expect(() => net.backward(new Float32Array(2), 2)).toThrow('Mlp.backward: batch 2 does not match the last forward (no forward yet)');
    net.forward(new Float32Array(6), 3);
    expect(() => net.backward(new Float32Array(2), 2)).toThrow('Mlp.backward: batch 2 does not match the last forward (batch 3)');
    expect(() => net.forward(new Float32Array(3), 2)).toThrow('Mlp.forward: x has 3 elements, needs batch*in = 2*2 = 4');
  });

  it('copyFrom hard-copies (tau = 1) and Polyak-averages (tau < 1); architectures must match', () => {
    const online = new Mlp({ sizes: [3, 4, 2], activation: 'relu', init: 'torch', rng: new Rng(1) });
    const target = new Mlp({ sizes: [3, 4, 2], activation: 'relu', init: 'torch', rng: new Rng(2) });
    const before = flattenParams(target.params());
    const src = flattenParams(online.params());
    target.copyFrom(online, 0.25);
    expectGradClose(flattenParams(target.params()), src.map((v, i) => 0.25 * v + 0.75 * before[i]), 'polyak', 1e-7, 1e-6);
    target.copyFrom(online);
    expect(Array.from(flattenParams(target.params()))).toEqual(Array.from(src));
    const x = Float32Array.of(0.1, 0.2, 0.3);
    expect(Array.from(target.forward(x, 1))).toEqual(Array.from(online.forward(x, 1)));
    const other = new Mlp({ sizes: [3, 5, 2], activation: 'relu', rng: new Rng(1) });
    expect(() => target.copyFrom(other)).toThrow('Mlp.copyFrom: sizes [3, 5, 2] of the source differ from [3, 4, 2]');
  });

  it('is deterministic in the seed and validates its options', () => {
    const a = new Mlp({ sizes: [3, 7, 2], activation: 'tanh', rng: new Rng(9) });
    const b = new Mlp({ sizes: [3, 7, 2], activation: 'tanh', rng: new Rng(9) });
    expect(Array.from(flattenParams(a.params()))).toEqual(Array.from(flattenParams(b.params())));
    expect(() => new Mlp({ sizes: [3], activation: 'tanh', rng: new Rng(0) })).toThrow(/sizes must list at least two positive integers/);
    expect(() => new Mlp({ sizes: [3, 0, 1], activation: 'tanh', rng: new Rng(0) })).toThrow(/got \[3, 0, 1\]/);
  });

  it('runs a PPO-sized batch (4096 × 64-64) and matches the reference on sampled rows', () => {
    const rng = new Rng(4);
    const net = new Mlp({ sizes: [8, 64, 64, 1], activation: 'tanh', rng });
    const batch = 4096;
    const x = randomArray(rng, batch * 8);
    const y = net.forward(x, batch);
    const p64 = net.params().map((t) => Float64Array.from(t.data));
    for (const row of [0, 1, 2047, 4095]) {
      const ref = referenceForward(p64, net.sizes, 'tanh', 'identity', Float64Array.from(x.subarray(row * 8, row * 8 + 8)), 1);
      expect(Math.abs(y[row] - ref[0])).toBeLessThan(1e-5);
    }
    net.zeroGrad();
    net.backward(new Float32Array(batch).fill(1 / batch), batch);
    expect(flattenParams(net.grads()).every(Number.isFinite)).toBe(true);
  });
});
