// Proves: Linear's forward is x·Wᵀ + b in torch layout, and backward's weight, bias and input gradients
// equal float64 central differences of Σ r·y, accumulating across calls.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Linear } from '../../../agents/nn/linear.ts';
import { Rng } from '../../../sim/rng.ts';
import { centralDiff, expectGradClose, randomArray } from './gradcheck.ts';
import { dot, referenceForward } from './reference.ts';

describe('Linear', () => {
  it('forward computes x·Wᵀ + b with W stored [out × in]', () => {
    const layer = new Linear(2, 3, { rng: new Rng(0), name: 'fc' });
    layer.weight.data.set([1, 2, 3, 4, 5, 6]); // rows = output units
    layer.bias.data.set([0.5, -1, 2]);
    const y = new Float32Array(6);
    layer.forward(Float32Array.of(1, 1, 2, -1), 2, y);
    expect(Array.from(y)).toEqual([3.5, 6, 13, 0.5, 1, 6]);
    expect(layer.params().map((t) => t.name)).toEqual(['fc.weight', 'fc.bias']);
    expect(layer.grads().map((t) => t.name)).toEqual(['fc.weight', 'fc.bias']);
  });

  it('backward matches float64 central differences (weights, bias, input) and accumulates', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 7 }), fc.nat(),
      (nIn, nOut, batch, seed) => {
        const rng = new Rng(seed);
        const layer = new Linear(nIn, nOut, { rng, init: 'torch' });
        const x = randomArray(rng, batch * nIn);
        const r = randomArray(rng, batch * nOut);
        const y = new Float32Array(batch * nOut);
        layer.forward(x, batch, y);
        const dX = new Float32Array(batch * nIn);
        layer.backward(x, r, batch, dX);

        const w64 = Float64Array.from(layer.weight.data), b64 = Float64Array.from(layer.bias.data), x64 = Float64Array.from(x);
        const loss = () => dot(r, referenceForward([w64, b64], [nIn, nOut], 'identity', 'identity', x64, batch));
        expectGradClose(y, referenceForward([w64, b64], [nIn, nOut], 'identity', 'identity', x64, batch), 'y', 1e-5, 1e-5);
        expectGradClose(layer.weightGrad.data, w64.map((_, i) => centralDiff(loss, w64, i)), 'dW');
        expectGradClose(layer.biasGrad.data, b64.map((_, i) => centralDiff(loss, b64, i)), 'db');
        expectGradClose(dX, x64.map((_, i) => centralDiff(loss, x64, i)), 'dX');

        // A second backward adds the same amount again.
        const w1 = Float32Array.from(layer.weightGrad.data), b1 = Float32Array.from(layer.biasGrad.data);
        layer.backward(x, r, batch, null);
        expectGradClose(layer.weightGrad.data, w1.map((v) => 2 * v), 'dW accumulated', 1e-6, 1e-5);
        expectGradClose(layer.biasGrad.data, b1.map((v) => 2 * v), 'db accumulated', 1e-6, 1e-5);
      },
    ), { numRuns: 100 });
  });

  it('rejects bad sizes with the field and value', () => {
    expect(() => new Linear(0, 3, { rng: new Rng(0) })).toThrow('Linear: inFeatures must be a positive integer, got 0');
    const layer = new Linear(2, 3, { rng: new Rng(0) });
    expect(() => layer.forward(new Float32Array(4), 2, new Float32Array(5))).toThrow(/out has 5 elements, needs batch\*out = 2\*3/);
  });
});
