/**
 * DERL's bilevel loop (outer loop only). Each iteration:
 *   1. SAMPLE  — the meta-optimizer writes `groupSize` formulas (n = 8 in DERL);
 *   2. CHECK   — formula.ts validity; an invalid formula, or one rewards/lang refuses to compile, scores −1;
 *   3. INNER   — each valid formula goes to `evaluate` (the inner loop: train a policy with the compiled
 *                reward, return its validation score v_i); if it throws or returns a non-finite value the
 *                formula scores 0;
 *   4. UPDATE  — `policy.metaStep` with group-relative advantages over the n scores.
 * Every iteration's formulas, validity, scores and the best formula so far are recorded (`DerlLog`).
 *
 * `evaluate` is injected: tests pass a cheap synthetic function; the real inner loop (PPO / text agent in
 * worker threads, validation split) is not part of this file yet. Evaluations of one group run
 * concurrently when `evaluate` is async (`Promise.all`); determinism is the evaluator's job (it gets the
 * iteration and index to derive seeds from).
 */
import type { z } from 'zod';
import type { Rng } from '../../sim/rng.ts';
import { checkFormula, type CompiledFormula, compileFormula, INVALID_SCORE, THROW_SCORE } from './formula.ts';
import { FormulaPolicy, MetaOptimizerArgs, type MetaStepStats } from './meta_optimizer.ts';
import type { PrimitiveFamily } from './primitives.ts';

export interface EvaluateContext {
  readonly iteration: number;
  readonly index: number;
  /** The formula compiled through rewards/lang (source + function). */
  readonly compiled: CompiledFormula;
}

export type Evaluate = (formula: string, ctx: EvaluateContext) => Promise<number> | number;

export interface DerlOptions {
  readonly iterations: number;
  /** Formulas per iteration (DERL: 8). */
  readonly groupSize?: number;
  readonly family: PrimitiveFamily;
  readonly evaluate: Evaluate;
  /** Samples the formulas. */
  readonly rng: Rng;
  /** Seeds the meta-policy's weights. */
  readonly policySeed?: number;
  readonly policyArgs?: Partial<z.input<typeof MetaOptimizerArgs>>;
  /** Called after each iteration (e.g. to append to metrics.jsonl). */
  readonly onIteration?: (log: DerlIterationLog) => void;
}

export interface DerlCandidate {
  readonly formula: string;
  readonly valid: boolean;
  /** Why it is invalid, or the training error when it threw. */
  readonly error?: string;
  readonly threw: boolean;
  readonly score: number;
}

export interface DerlIterationLog {
  readonly iteration: number;
  readonly candidates: readonly DerlCandidate[];
  readonly meanScore: number;
  readonly validFraction: number;
  readonly best: { readonly formula: string; readonly score: number } | null;
  readonly stats: Omit<MetaStepStats, 'advantages'> & { readonly advantages: readonly number[] };
}

export interface DerlResult {
  readonly history: readonly DerlIterationLog[];
  readonly best: { readonly formula: string; readonly score: number } | null;
  readonly policy: FormulaPolicy;
  readonly args: MetaOptimizerArgs;
}

export async function runDerl(opts: DerlOptions): Promise<DerlResult> {
  const { iterations, family, evaluate, rng } = opts;
  const groupSize = opts.groupSize ?? 8;
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`runDerl: iterations must be a positive integer, got ${iterations}`);
  if (!Number.isInteger(groupSize) || groupSize < 2) throw new RangeError(`runDerl: groupSize must be an integer ≥ 2 (advantages are group-relative), got ${groupSize}`);
  const names = family.primitives.map((p) => p.name);
  const policy = new FormulaPolicy(names, opts.policySeed ?? 0, opts.policyArgs ?? {});
  const history: DerlIterationLog[] = [];
  let best: { formula: string; score: number } | null = null;

  for (let it = 0; it < iterations; it++) {
    // SAMPLE
    const samples = policy.sample(groupSize, rng);
    // CHECK + INNER
    const candidates = await Promise.all(
      samples.map(async (s, index): Promise<DerlCandidate> => {
        const v = checkFormula(s.formula, names);
        if (!v.valid) return { formula: s.formula, valid: false, error: v.reason, threw: false, score: INVALID_SCORE };
        let compiled: CompiledFormula;
        try {
          compiled = compileFormula(s.formula, family);
        } catch (e) {
          return { formula: s.formula, valid: false, error: (e as Error).message, threw: false, score: INVALID_SCORE };
        }
        try {
          const score = await evaluate(s.formula, { iteration: it, index, compiled });
          if (typeof score !== 'number' || !Number.isFinite(score)) return { formula: s.formula, valid: true, error: `evaluate returned ${String(score)}`, threw: true, score: THROW_SCORE };
          return { formula: s.formula, valid: true, threw: false, score };
        } catch (e) {
          return { formula: s.formula, valid: true, error: (e as Error).message, threw: true, score: THROW_SCORE };
        }
      }),
    );
    const scores = candidates.map((c) => c.score);
    for (const c of candidates) if (c.valid && !c.threw && (best === null || c.score > best.score)) best = { formula: c.formula, score: c.score };
    // UPDATE
    const stats = policy.metaStep(samples, scores);
    const log: DerlIterationLog = {
      iteration: it,
      candidates,
      meanScore: scores.reduce((a, b) => a + b, 0) / scores.length,
      validFraction: candidates.filter((c) => c.valid).length / candidates.length,
      best,
      stats: { ...stats, advantages: Array.from(stats.advantages) },
    };
    history.push(log);
    opts.onIteration?.(log);
  }
  return { history, best, policy, args: policy.args };
}
