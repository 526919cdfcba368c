/**
 * DERL meta-optimizer: constrained decoding never yields a formula that fails to parse, exceeds maxLen or
 * lacks a primitive (exhaustively for short lengths, and by sampling from random, peaked policies);
 * group-relative advantages against a direct computation; a zero-variance group leaves the policy as
 * is; the clipped update against a direct computation (fully clipped ratios: the loss is −Σ clip(ρ)A/n
 * and nothing moves; unclipped: every output-bias step has the sign of −∂L/∂b computed by hand).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFormula, parseFormula, primitivesIn } from '../../../rewards/derl/formula.ts';
import { FormulaPolicy, groupRelativeAdvantages } from '../../../rewards/derl/meta_optimizer.ts';
import { Rng } from '../../../sim/rng.ts';

const PRIMS = ['g_won', 'g_goalHeld', 'g_cmdValid'];

/** Every complete token sequence the mask allows (DFS), checking that no reachable prefix is a dead end. */
function enumerate(policy: FormulaPolicy): string[][] {
  const V = policy.vocabSize;
  const out: string[][] = [];
  const mask = new Uint8Array(V);
  const go = (prefix: string[], expectOperand: boolean, depth: number, hasPrim: boolean): void => {
    policy.allowedMask(expectOperand, depth, prefix.length, hasPrim, mask);
    const allowed = [...mask].flatMap((m, j) => (m ? [j] : []));
    expect(allowed.length).toBeGreaterThan(0);
    for (const j of allowed) {
      const t = policy.vocab[j];
      if (t === '<eos>') {
        out.push(prefix);
        continue;
      }
      const isOp = ['+', '-', '*', '/'].includes(t);
      go([...prefix, t], isOp || t === '(', depth + (t === '(' ? 1 : t === ')' ? -1 : 0), hasPrim || PRIMS.includes(t));
    }
  };
  go([], true, 0, false);
  return out;
}

describe('constrained decoding', () => {
  it('for maxLen ≤ 5 every allowed sequence parses, has a primitive and fits (exhaustive)', () => {
    for (let maxLen = 1; maxLen <= 5; maxLen++) {
      const policy = new FormulaPolicy(PRIMS, 0, { maxLen, numbers: ['1', '2'] });
      const all = enumerate(policy);
      expect(all.length).toBeGreaterThan(0);
      for (const toks of all) {
        expect(toks.length).toBeLessThanOrEqual(maxLen);
        const ast = parseFormula(toks.join(' '), PRIMS);
        expect(primitivesIn(ast).length).toBeGreaterThan(0);
      }
      // maxLen 1: exactly the three single primitives; maxLen 3 includes "( g )" and "g + 2".
      if (maxLen === 1) expect(all.map((t) => t.join(' ')).sort()).toEqual([...PRIMS].sort());
      if (maxLen === 3) expect(all.map((t) => t.join(' '))).toEqual(expect.arrayContaining(['( g_won )', 'g_won + 2', '2 * g_cmdValid']));
    }
  });

  it('sampled formulas from random peaked policies always parse, fit maxLen and use a primitive', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.integer({ min: 1, max: 24 }), fc.double({ min: 0.5, max: 20, noNaN: true }), (seed, maxLen, scale) => {
        const policy = new FormulaPolicy(PRIMS, seed, { maxLen });
        // Random large weights make the policy peaked at arbitrary tokens: only the mask keeps it valid.
        const r = new Rng(seed + 1);
        for (const p of policy.net.params()) for (let i = 0; i < p.data.length; i++) p.data[i] = r.normal(0, scale);
        for (const s of policy.sample(10, new Rng(seed))) {
          expect(s.tokens.length).toBeLessThanOrEqual(maxLen);
          expect(s.actions.length).toBe(s.tokens.length + 1);
          const ast = parseFormula(s.formula, PRIMS);
          expect(primitivesIn(ast).length).toBeGreaterThan(0);
          for (const lp of s.logp) expect(lp).toBeLessThanOrEqual(0);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('sampling is deterministic for a seed', () => {
    const a = new FormulaPolicy(PRIMS, 3).sample(8, new Rng(9)).map((s) => s.formula);
    const b = new FormulaPolicy(PRIMS, 3).sample(8, new Rng(9)).map((s) => s.formula);
    expect(a).toEqual(b);
    expect(new FormulaPolicy(PRIMS, 3).sample(8, new Rng(10)).map((s) => s.formula)).not.toEqual(a);
  });

  it('most sampled formulas are also finite (valid); the rest are caught by checkFormula', () => {
    const samples = new FormulaPolicy(PRIMS, 1).sample(200, new Rng(2));
    const valid = samples.filter((s) => checkFormula(s.formula, PRIMS).valid).length;
    expect(valid).toBeGreaterThan(150);
  });
});

describe('the simplicity prior', () => {
  it('starts the output bias at eosBias / primitiveBias, and biased policies write shorter formulas with more primitives', () => {
    const biased = new FormulaPolicy(PRIMS, 5, { eosBias: 1, primitiveBias: 1 });
    const flat = new FormulaPolicy(PRIMS, 5, { eosBias: 0, primitiveBias: 0 });
    const bias = biased.net.params().at(-1)!.data;
    biased.vocab.forEach((t, i) => expect(bias[i]).toBe(t === '<eos>' ? 1 : PRIMS.includes(t) ? 1 : 0));
    const stats = (p: FormulaPolicy): { len: number; primShare: number } => {
      const rng = new Rng(9);
      let len = 0, prims = 0;
      for (let k = 0; k < 200; k++) {
        const f = p.sampleOne(rng);
        len += f.tokens.length;
        prims += f.tokens.filter((t) => PRIMS.includes(t)).length;
      }
      return { len: len / 200, primShare: prims / len };
    };
    const b = stats(biased);
    const f = stats(flat);
    expect(b.len).toBeLessThan(f.len);
    expect(b.primShare).toBeGreaterThan(f.primShare);
  });
});

describe('groupRelativeAdvantages', () => {
  it('A_i = (v_i − mean)/std: mean 0 and population std 1 over the group', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }), (v) => {
        const mean = v.reduce((a, b) => a + b, 0) / 8;
        const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / 8);
        fc.pre(std > 1e-6);
        const a = groupRelativeAdvantages(v);
        for (let i = 0; i < 8; i++) expect(a[i]).toBeCloseTo((v[i] - mean) / std, 9);
        expect(a.reduce((s, x) => s + x, 0) / 8).toBeCloseTo(0, 9);
        expect(Math.sqrt(a.reduce((s, x) => s + x * x, 0) / 8)).toBeCloseTo(1, 9);
      }),
    );
  });

  it('a group with zero variance gets zero advantages, and metaStep then leaves the policy unchanged', () => {
    expect(Array.from(groupRelativeAdvantages([0.3, 0.3, 0.3, 0.3]))).toEqual([0, 0, 0, 0]);
    const policy = new FormulaPolicy(PRIMS, 0);
    const before = policy.net.params().map((p) => Array.from(p.data));
    const stats = policy.metaStep(policy.sample(8, new Rng(0)), new Array(8).fill(-1));
    expect(stats.updated).toBe(false);
    expect(policy.net.params().map((p) => Array.from(p.data))).toEqual(before);
  });

  it('rejects non-finite scores and a score count that does not match', () => {
    expect(() => groupRelativeAdvantages([1, Number.NaN])).toThrow(/scores\[1\] must be finite/);
    const policy = new FormulaPolicy(PRIMS, 0);
    expect(() => policy.metaStep(policy.sample(2, new Rng(0)), [1])).toThrow(/2 samples but 1 scores/);
  });
});

describe('metaStep (PPO-clipped, group-relative)', () => {
  it('raises the log-probability of above-mean formulas and lowers below-mean ones', () => {
    const policy = new FormulaPolicy(PRIMS, 4, { epochs: 1, entCoef: 0 });
    const samples = policy.sample(8, new Rng(4));
    const scores = samples.map((_, i) => (i < 4 ? 1 : 0));
    const stats = policy.metaStep(samples, scores);
    expect(stats.updated).toBe(true);
    expect(stats.clipFrac).toBe(0); // first epoch: ratio = 1 everywhere
    expect(stats.approxKl).toBeCloseTo(0, 6);
    // After the step: re-score the same token sequences under the new policy.
    const logpAfter = (s: (typeof samples)[number]): number => {
      const out = policy.net.forward(s.obs, s.actions.length);
      const V = policy.vocabSize;
      let total = 0;
      for (let t = 0; t < s.actions.length; t++) {
        let max = -Infinity;
        for (let j = 0; j < V; j++) if (s.masks[t * V + j]) max = Math.max(max, out[t * V + j]);
        let z = 0;
        for (let j = 0; j < V; j++) if (s.masks[t * V + j]) z += Math.exp(out[t * V + j] - max);
        total += out[t * V + s.actions[t]] - max - Math.log(z);
      }
      return total;
    };
    const before = samples.map((s) => s.logp.reduce((a, b) => a + b, 0));
    const after = samples.map(logpAfter);
    const upGood = [0, 1, 2, 3].filter((i) => after[i] > before[i]).length;
    const downBad = [4, 5, 6, 7].filter((i) => after[i] < before[i]).length;
    expect(upGood + downBad).toBeGreaterThanOrEqual(7);
  });

  it('fully clipped ratios: pgLoss = −(1/n)Σ clip(ρ_i)A_i and the parameters do not move', () => {
    const policy = new FormulaPolicy(PRIMS, 5, { epochs: 1, entCoef: 0, clipCoef: 0.2 });
    const samples = policy.sample(8, new Rng(5));
    const scores = samples.map((_, i) => (i % 2 === 0 ? 1 : 0));
    const adv = groupRelativeAdvantages(scores);
    // Pretend the old policy was much less (A > 0) or much more (A < 0) likely: ρ = e or 1/e.
    const faked = samples.map((s, i) => ({ ...s, logp: s.logp.map((lp) => (adv[i] > 0 ? lp - 1 : lp + 1)) }));
    const before = policy.net.params().map((p) => Array.from(p.data));
    const stats = policy.metaStep(faked, scores);
    expect(stats.clipFrac).toBe(1);
    const expected = -adv.reduce((acc, a) => acc + (a > 0 ? 1.2 : 0.8) * a, 0) / 8;
    expect(stats.pgLoss).toBeCloseTo(expected, 4);
    expect(policy.net.params().map((p) => Array.from(p.data))).toEqual(before);
  });

  it('unclipped first step: every output-bias update has the sign of −∂L/∂b from a direct computation', () => {
    const lr = 1e-3;
    const policy = new FormulaPolicy(PRIMS, 6, { epochs: 1, entCoef: 0, lr, maxGradNorm: 1e9 });
    const samples = policy.sample(8, new Rng(6));
    const scores = samples.map((s) => s.tokens.filter((t) => t === 'g_won').length + 0.1 * s.tokens.length);
    const adv = groupRelativeAdvantages(scores);
    const V = policy.vocabSize;
    // L = −Σ_i (1/n)(1/T_i) Σ_t A_i log π(a_t); ∂L/∂b_j = −Σ (1/n)(1/T_i) A_i (1[j = a_t] − p_tj).
    const grad = new Float64Array(V);
    samples.forEach((s, i) => {
      const T = s.actions.length;
      const out = policy.net.forward(s.obs, T);
      for (let t = 0; t < T; t++) {
        let max = -Infinity;
        for (let j = 0; j < V; j++) if (s.masks[t * V + j]) max = Math.max(max, out[t * V + j]);
        let z = 0;
        for (let j = 0; j < V; j++) if (s.masks[t * V + j]) z += Math.exp(out[t * V + j] - max);
        for (let j = 0; j < V; j++) {
          const p = s.masks[t * V + j] ? Math.exp(out[t * V + j] - max) / z : 0;
          grad[j] -= (adv[i] / (8 * T)) * ((j === s.actions[t] ? 1 : 0) - p);
        }
      }
    });
    const bias = policy.net.params().at(-1)!;
    expect(bias.data.length).toBe(V);
    const before = Array.from(bias.data);
    policy.metaStep(samples, scores);
    let checked = 0;
    for (let j = 0; j < V; j++) {
      if (Math.abs(grad[j]) < 1e-3) continue; // so that eps = 1e-5 in Adam is negligible
      const step = bias.data[j] - before[j];
      expect(Math.sign(step)).toBe(-Math.sign(grad[j]));
      expect(Math.abs(step)).toBeCloseTo(lr, 4); // Adam's first step is lr·g/|g|
      checked++;
    }
    expect(checked).toBeGreaterThan(3);
  });
});
