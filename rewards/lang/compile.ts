/**
 * Compile checked reward code once into a plain function (direct-call speed), with a batched form and
 * an output guard. The source has passed `checkReward`, so it can name only its parameters, its locals,
 * the helpers and the frozen `Math` subset; it is wrapped in strict mode with those bound as locals.
 */
import type { RewardFunction, RewardTerms } from '../../sim/reward.ts';
import { type CheckOptions, type CheckedProgram, checkReward } from './checker.ts';
import { HELPERS, SAFE_MATH } from './helpers.ts';

export type RawRewardFn = (state: unknown, action: unknown, next: unknown, terms: RewardTerms) => number;

export interface CompileOptions extends CheckOptions {
  /** Implementations of `extraHelpers` (same names). */
  readonly extraHelperFns?: Readonly<Record<string, (...args: never[]) => number>>;
}

export interface CompiledReward {
  readonly program: CheckedProgram;
  readonly fn: RawRewardFn;
  /** out[i] = fn(states[i], actions[i], nexts[i], termsOut?.[i] ?? scratch) for i < n. */
  batch(states: readonly unknown[], actions: readonly unknown[], nexts: readonly unknown[], out: Float64Array | Float32Array, termsOut?: RewardTerms[]): void;
}

export function compileReward(source: string, opts: CompileOptions = {}): CompiledReward {
  const program = checkReward(source, opts);
  const helpers: Record<string, unknown> = { ...HELPERS, ...(opts.extraHelperFns ?? {}) };
  for (const name of Object.keys(opts.extraHelpers ?? {})) {
    if (typeof helpers[name] !== 'function') throw new Error(`extra helper '${name}' is declared but has no implementation in extraHelperFns`);
  }
  const names = Object.keys(helpers);
  const prelude = `"use strict";\nconst Math = __math;\nconst { ${names.join(', ')} } = __helpers;\n`;
  // The checked source is the whole body after the prelude; it names only what the checker allowed.
  const factory = new Function('__helpers', '__math', `${prelude}${program.source}\nreturn ${program.functionName};`) as (
    h: Record<string, unknown>,
    m: Readonly<Record<string, unknown>>,
  ) => RawRewardFn;
  const fn = factory(Object.freeze({ ...helpers }), SAFE_MATH);
  const scratch: RewardTerms = Object.create(null);
  return {
    program,
    fn,
    batch(states, actions, nexts, out, termsOut) {
      const n = Math.min(states.length, out.length);
      for (let i = 0; i < n; i++) out[i] = fn(states[i], actions[i], nexts[i], termsOut?.[i] ?? scratch);
    },
  };
}

export interface GuardOptions {
  /** Name recorded in run summaries, e.g. 'text2reward:builtin'. */
  readonly name: string;
  /** Value used when the code throws or returns a non-finite number (default 0). */
  readonly fallback?: number;
  /** Rewards are clipped to ±clip (default 1e6). */
  readonly clip?: number;
}

/**
 * A RewardFunction over compiled code with the output guard: a throw or a non-finite value is counted,
 * replaced by `fallback` and reported in the terms (`rewardError`, `nonFinite`).
 */
export class GuardedReward implements RewardFunction {
  readonly name: string;
  errors = 0;
  nonFinite = 0;
  calls = 0;
  lastError: string | undefined;
  private readonly fallback: number;
  private readonly clip: number;

  constructor(readonly compiled: CompiledReward, opts: GuardOptions) {
    this.name = opts.name;
    this.fallback = opts.fallback ?? 0;
    this.clip = opts.clip ?? 1e6;
  }

  compute(state: unknown, action: unknown, next: unknown, terms: RewardTerms): number {
    this.calls++;
    let v: number;
    try {
      v = this.compiled.fn(state, action, next, terms);
    } catch (e) {
      this.errors++;
      this.lastError = (e as Error).message;
      terms.rewardError = 1;
      return this.fallback;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.nonFinite++;
      terms.nonFinite = 1;
      return this.fallback;
    }
    return v > this.clip ? this.clip : v < -this.clip ? -this.clip : v;
  }
}
