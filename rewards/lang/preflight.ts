/**
 * Pre-flight: run compiled reward code on ≥ 1000 transitions (state, action, next) collected from random
 * rollouts of the env before any training uses it. Code that throws or returns a non-finite value on
 * any of them is rejected, with the first failing sample described so a model can fix it.
 */
import type { Env } from '../../sim/env.ts';
import type { RewardTerms } from '../../sim/reward.ts';
import type { CompiledReward } from './compile.ts';

export interface Transition {
  readonly state: unknown;
  readonly action: unknown;
  readonly next: unknown;
  readonly episode: number;
  readonly step: number;
}

/** Collect `count` transitions with uniformly random actions from the env's action space. */
export function sampleTransitions(env: Env, count: number, seed: number): Transition[] {
  const out: Transition[] = [];
  env.actionSpace.seed(seed);
  env.reset({ seed });
  let state = env.state();
  let episode = 0;
  let step = 0;
  while (out.length < count) {
    const action = env.actionSpace.sample();
    const [, , term, trunc] = env.step(action);
    const next = env.state();
    out.push({ state, action, next, episode, step });
    state = next;
    step++;
    if (term || trunc) {
      env.reset();
      state = env.state();
      episode++;
      step = 0;
    }
  }
  return out;
}

export interface PreflightFailure {
  readonly sample: number;
  readonly episode: number;
  readonly step: number;
  readonly kind: 'threw' | 'non-finite';
  readonly message: string;
}

export class PreflightError extends Error {
  constructor(readonly failure: PreflightFailure, readonly failures: number, readonly samples: number) {
    super(
      `pre-flight: the reward ${failure.kind === 'threw' ? `threw "${failure.message}"` : `returned ${failure.message}`} on transition ${failure.sample} ` +
        `(episode ${failure.episode}, step ${failure.step}); ${failures} of ${samples} random transitions failed. ` +
        (failure.kind === 'threw' ? 'Check that every field you read exists (see the state description).' : 'Guard divisions, logs and square roots against 0 or negative values.'),
    );
    this.name = 'PreflightError';
  }
}

export interface PreflightReport {
  readonly samples: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly termNames: string[];
}

/** Throws PreflightError on the first failure (after counting all of them); returns value statistics. */
export function preflight(compiled: CompiledReward, transitions: readonly Transition[]): PreflightReport {
  let first: PreflightFailure | undefined;
  let failures = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  const names = new Set<string>();
  transitions.forEach((t, i) => {
    const terms: RewardTerms = Object.create(null);
    let v: number;
    try {
      v = compiled.fn(t.state, t.action, t.next, terms);
    } catch (e) {
      failures++;
      first ??= { sample: i, episode: t.episode, step: t.step, kind: 'threw', message: (e as Error).message };
      return;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      failures++;
      first ??= { sample: i, episode: t.episode, step: t.step, kind: 'non-finite', message: typeof v === 'number' ? String(v) : `a ${typeof v} (${String(v)})` };
      return;
    }
    for (const k of Object.keys(terms)) names.add(k);
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  });
  if (first) throw new PreflightError(first, failures, transitions.length);
  return { samples: transitions.length, min, max, mean: sum / transitions.length, termNames: [...names] };
}
