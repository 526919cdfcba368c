/**
 * DERL outer loop on synthetic bilevel problems (the "inner training" is a cheap function of the formula):
 * the meta-optimizer's mean score rises and it finds the best formula; runs are deterministic for a seed;
 * a throwing or non-finite inner loop scores 0, and every iteration is logged.
 */
import { describe, expect, it } from 'vitest';
import { runDerl } from '../../../rewards/derl/bilevel.ts';
import { TEXTWORLD_PRIMITIVES } from '../../../rewards/derl/primitives.ts';
import { Rng } from '../../../sim/rng.ts';

const count = (formula: string, tok: string): number => formula.split(' ').filter((t) => t === tok).length;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('runDerl', () => {
  it('learns on a synthetic objective (score = number of g_won tokens): mean score rises and the best formula is found', async () => {
    const maxLen = 9; // the best formula has 5 g_won (g op g op g op g op g), score 5
    const res = await runDerl({
      iterations: 30,
      groupSize: 8,
      family: TEXTWORLD_PRIMITIVES,
      rng: new Rng(11),
      policySeed: 11,
      policyArgs: { maxLen },
      evaluate: (f) => count(f, 'g_won'),
    });
    expect(res.history).toHaveLength(30);
    const scores = res.history.map((h) => h.meanScore);
    const first = mean(scores.slice(0, 5));
    const last = mean(scores.slice(-5));
    expect(last).toBeGreaterThan(first + 2);
    expect(res.best?.score).toBe(5);
    expect(count(res.best!.formula, 'g_won')).toBe(5);
    for (const h of res.history) {
      expect(h.candidates).toHaveLength(8);
      expect(h.stats.advantages).toHaveLength(8);
    }
  });

  it('is deterministic for a seed', async () => {
    const run = async (seed: number) =>
      (await runDerl({ iterations: 4, family: TEXTWORLD_PRIMITIVES, rng: new Rng(seed), policySeed: seed, evaluate: (f) => f.length % 7 })).history.map((h) => h.candidates.map((c) => [c.formula, c.score]));
    expect(await run(2)).toEqual(await run(2));
    expect(await run(3)).not.toEqual(await run(2));
  });

  it('a throwing or non-finite inner loop scores 0; the evaluator gets the compiled reward-language source', async () => {
    const sources: string[] = [];
    const res = await runDerl({
      iterations: 2,
      family: TEXTWORLD_PRIMITIVES,
      rng: new Rng(0),
      evaluate: async (f, ctx) => {
        sources.push(ctx.compiled.source);
        if (ctx.index % 2 === 0) throw new Error(`inner training failed for ${f}`);
        return Number.NaN;
      },
    });
    for (const h of res.history) {
      for (const c of h.candidates) {
        if (c.valid) {
          expect(c.threw).toBe(true);
          expect(c.score).toBe(0);
        } else {
          expect(c.score).toBe(-1);
        }
      }
    }
    expect(res.best).toBeNull();
    expect(sources.length).toBeGreaterThan(0);
    for (const s of sources) expect(s).toMatch(/^function reward\(state, action, next, terms\) \{[\s\S]*indicator\(tw_/);
  });

  it('names the bad argument', async () => {
    await expect(runDerl({ iterations: 0, family: TEXTWORLD_PRIMITIVES, rng: new Rng(0), evaluate: () => 0 })).rejects.toThrow(/iterations must be a positive integer, got 0/);
    await expect(runDerl({ iterations: 1, groupSize: 1, family: TEXTWORLD_PRIMITIVES, rng: new Rng(0), evaluate: () => 0 })).rejects.toThrow(/groupSize must be an integer ≥ 2/);
  });
});
