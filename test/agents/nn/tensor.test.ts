// Proves: parameters round-trip by name (stateDict → loadParams, flatten → unflatten), loading checks
// names and shapes before writing anything, and errors name the tensor and both shapes.
import { describe, expect, it } from 'vitest';
import { Mlp } from '../../../agents/nn/mlp.ts';
import {
  cloneTensor, flattenParams, loadParams, numel, paramCount, stateDict, tensor, unflattenParams, withPrefix, zeros,
} from '../../../agents/nn/tensor.ts';
import { Rng } from '../../../sim/rng.ts';

describe('tensor helpers', () => {
  it('builds tensors and checks data length against the shape', () => {
    expect(numel([2, 3, 4])).toBe(24);
    expect(numel([])).toBe(1);
    expect(zeros([2, 3], 'w')).toEqual({ name: 'w', shape: [2, 3], data: new Float32Array(6) });
    expect(() => tensor([2, 3], new Float32Array(5), 'w')).toThrow('tensor "w": shape [2, 3] needs 6 elements, data has 5');
    expect(() => tensor([2, -1])).toThrow(/non-negative integers, got \[2, -1\]/);
    const t = tensor([2], Float32Array.of(1, 2), 'a');
    const c = cloneTensor(t);
    c.data[0] = 9;
    expect(t.data[0]).toBe(1);
  });
});

describe('stateDict / loadParams', () => {
  it('round-trips an Mlp through stateDict by name', () => {
    const a = new Mlp({ sizes: [3, 5, 2], activation: 'tanh', rng: new Rng(1) });
    const b = new Mlp({ sizes: [3, 5, 2], activation: 'tanh', rng: new Rng(2) });
    expect(flattenParams(a.params())).not.toEqual(flattenParams(b.params()));
    const saved = stateDict(a.params());
    expect([...saved.keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    loadParams(b.params(), saved);
    expect(flattenParams(b.params())).toEqual(flattenParams(a.params()));
    // The saved copies are independent of later training.
    a.params()[0].data[0] += 1;
    expect(saved.get('0.weight')?.data[0]).not.toBe(a.params()[0].data[0]);
  });

  it('matches by name, not by position', () => {
    const target = [zeros([2], 'x'), zeros([1], 'y')];
    loadParams(target, [tensor([1], Float32Array.of(7), 'y'), tensor([2], Float32Array.of(1, 2), 'x')]);
    expect(Array.from(target[0].data)).toEqual([1, 2]);
    expect(Array.from(target[1].data)).toEqual([7]);
  });

  it('names the tensor and both shapes on a shape mismatch, and writes nothing', () => {
    const target = [zeros([2], 'a'), zeros([4, 3], '0.weight')];
    const source = [tensor([2], Float32Array.of(5, 5), 'a'), zeros([3, 4], '0.weight')];
    expect(() => loadParams(target, source)).toThrow('loadParams: tensor "0.weight" has shape [3, 4] in the source but [4, 3] in the target');
    expect(Array.from(target[0].data)).toEqual([0, 0]);
  });

  it('reports missing and (strict) unexpected tensors', () => {
    const target = [zeros([1], 'a'), zeros([1], 'b')];
    expect(() => loadParams(target, [zeros([1], 'a')])).toThrow(/source lacks tensor\(s\) "b"/);
    expect(() => loadParams(target, [zeros([1], 'a'), zeros([1], 'b'), zeros([1], 'c')])).toThrow(/unexpected tensor\(s\) "c"/);
    expect(() => loadParams(target, [zeros([1], 'a'), zeros([1], 'b'), zeros([1], 'c')], { strict: false })).not.toThrow();
    expect(() => loadParams([zeros([1])], [zeros([1], 'a')])).toThrow(/tensor at index 0 \(shape \[1\]\) has no name/);
    expect(() => loadParams(target, [zeros([1], 'a'), zeros([1], 'a')])).toThrow(/duplicate tensor name "a"/);
  });
});

describe('flattenParams / unflattenParams / withPrefix', () => {
  it('concatenates in list order and splits back', () => {
    const ts = [tensor([2], Float32Array.of(1, 2), 'a'), tensor([1, 3], Float32Array.of(3, 4, 5), 'b')];
    const flat = flattenParams(ts);
    expect(Array.from(flat)).toEqual([1, 2, 3, 4, 5]);
    expect(paramCount(ts)).toBe(5);
    const back = [zeros([2], 'a'), zeros([1, 3], 'b')];
    unflattenParams(flat, back);
    expect(back).toEqual(ts);
    expect(() => unflattenParams(new Float32Array(4), back)).toThrow('unflattenParams: flat vector has 4 elements, the target tensors hold 5');
    expect(() => flattenParams(ts, new Float32Array(3))).toThrow(/out has 3 elements, the tensors hold 5/);
  });

  it('prefixes names while sharing the data', () => {
    const net = new Mlp({ sizes: [2, 2], activation: 'tanh', rng: new Rng(0) });
    const view = withPrefix('actor.', net.params());
    expect(view.map((t) => t.name)).toEqual(['actor.0.weight', 'actor.0.bias']);
    view[1].data[0] = 42;
    expect(net.params()[1].data[0]).toBe(42);
  });
});
