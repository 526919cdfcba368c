/**
 * Episode-level DERL rewards. In DERL the primitives judge a whole episode (the LLM agent's answer or
 * trajectory) and the formula's value is the episode's reward. Paid at every step, state primitives
 * such as "holds the goal object" or "the command changed the world" can be farmed: an agent that keeps
 * earning them has no reason to finish the task. `EpisodeEndReward` keeps DERL's semantics in a
 * per-step environment: the formula is evaluated on the episode's last transition (terminated or
 * truncated) and pays once, and every other step pays 0. The primitives then read the final state:
 * won, goal object held at the end, required state change done by the end, and so on.
 */
import type { RewardFunction, RewardTerms, TransitionEnd } from '../../sim/reward.ts';
import { type FormulaNode, evaluateFormula, eventPayment, parseFormula, primitivesIn } from './formula.ts';
import { FIRE, NO_FIRE } from './primitives.ts';

export class EpisodeEndReward<S = unknown, A = unknown> implements RewardFunction<S, A> {
  readonly name: string;
  constructor(readonly inner: RewardFunction<S, A>) {
    this.name = `${inner.name}@episode-end`;
  }

  compute(state: S, action: A, next: S, terms: RewardTerms, end?: TransitionEnd): number {
    if (end === undefined) throw new Error(`${this.name}: needs the transition's end flags (run it inside RewardWrapper)`);
    if (!end.terminated && !end.truncated) return 0;
    return this.inner.compute(state, action, next, terms, end);
  }
}

/**
 * Subgoal-event DERL rewards: each primitive counts as firing only the first time it fires in an
 * episode (after that it reads as not firing until the episode ends; primitives marked `repeats`, which
 * already fire once per distinct event, count every time), and the formula is evaluated on
 * those values every step. A formula over state primitives then pays for reaching each subgoal once —
 * "picked up the goal object", "made it clean", "won" — instead of for staying in a subgoal state, which
 * an agent could farm. `inner` is the compiled formula reward (rewards/lang), run for its terms: it
 * records each primitive's value under its name.
 *
 * The payment is (f(g) − f(none)) / scale (`eventScale`, `eventPayment` in formula.ts): a step where
 * no primitive fires pays 0, and the largest payment of any combination of events is 1 in magnitude.
 * Paid raw, a constant in a formula (`3 + g_goalHeld`) became a bonus for every step survived, and a
 * division by a primitive (`2 / g_goalHeld`) paid 2·10⁶ per step, two artefacts of per-step payment.
 * DERL pays a formula once per episode to a group-normalised learner (GRPO), which is blind to both;
 * so is this payment. The primitives' relative weights are kept.
 */
export class FirstFireFormulaReward<S = unknown, A = unknown> implements RewardFunction<S, A> {
  readonly name: string;
  private readonly ast: FormulaNode;
  private readonly prims: readonly string[];
  private readonly fired = new Set<string>();
  private readonly values: Record<string, number> = {};
  private readonly pay: (f: number) => number;
  private readonly repeating: ReadonlySet<string>;

  /** `repeating`: primitives whose every firing counts (`Primitive.repeats`, e.g. g_newLocation). */
  constructor(
    readonly inner: RewardFunction<S, A>,
    readonly formula: string,
    primitiveNames: readonly string[],
    repeating: readonly string[] = [],
  ) {
    this.name = `${inner.name}@first-fire`;
    this.repeating = new Set(repeating);
    this.ast = parseFormula(formula, primitiveNames);
    this.prims = primitivesIn(this.ast);
    this.pay = eventPayment(this.ast);
  }

  compute(state: S, action: A, next: S, terms: RewardTerms, end?: TransitionEnd): number {
    if (end === undefined) throw new Error(`${this.name}: needs the transition's end flags (run it inside RewardWrapper)`);
    this.inner.compute(state, action, next, terms, end);
    for (const p of this.prims) {
      const fires = (terms[p] ?? 0) > 0.5;
      this.values[p] = fires && (this.repeating.has(p) || !this.fired.has(p)) ? FIRE : NO_FIRE;
      if (fires) this.fired.add(p);
      terms[p] = this.values[p];
    }
    if (end.terminated || end.truncated) this.fired.clear();
    return this.pay(evaluateFormula(this.ast, this.values));
  }
}

/**
 * Per-step DERL rewards with the same payment as `FirstFireFormulaReward` but no first-fire memory:
 * (f(g) − f(none)) / scale on every step (`eventScale`), so a step where no primitive fires pays 0
 * and a constant or a positive factor in the formula changes nothing. Stateless, so one instance can
 * serve a whole vector env. `inner` is the compiled formula reward (rewards/lang).
 */
export class ScaledFormulaReward<S = unknown, A = unknown> implements RewardFunction<S, A> {
  readonly name: string;
  private readonly pay: (f: number) => number;

  constructor(
    readonly inner: RewardFunction<S, A>,
    readonly formula: string,
    primitiveNames: readonly string[],
  ) {
    this.name = `${inner.name}@scaled`;
    this.pay = eventPayment(parseFormula(formula, primitiveNames));
  }

  compute(state: S, action: A, next: S, terms: RewardTerms, end?: TransitionEnd): number {
    return this.pay(this.inner.compute(state, action, next, terms, end));
  }
}
