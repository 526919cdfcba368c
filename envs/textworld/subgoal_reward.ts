/**
 * TextWorldSubgoalReward — the family's hand-written dense reward: ALFWorld's binary `won` plus
 * potential-based shaping over subgoals (Ng et al. 1999), so it keeps the optimal policies of the gold
 * reward and cannot be farmed by undoing and redoing a subgoal:
 *
 *   r(s, a, s') = won(s') ∧ ¬won(s)  +  γ·Φ(s') − Φ(s),      Φ(s') := 0 when s' is won (terminal).
 *
 * Φ (`subgoalPotential`), all in [0, 0.8]:
 * | situation                                                        | Φ                    |
 * |------------------------------------------------------------------|----------------------|
 * | a goal object is visible here (hands empty)                      | 0.1                  |
 * | a goal object was already prepared (clean/hot/cool), not held    | 0.3                  |
 * | holding a goal object                                            | 0.3 (+0.2 no prep needed) |
 * | … at an appliance of the right kind, not yet prepared            | +0.1                 |
 * | … prepared                                                       | +0.2                 |
 * | … at a target-type receptacle (and prepared if needed)           | +0.2                 |
 * | two objects: one already in a target receptacle                  | +0.4 (then as above, at that receptacle) |
 * | lamp goals: holding the object / holding it where the lamp is    | 0.4 / 0.7            |
 *
 * γ must be the learner's discount (shaping with another γ is not policy-invariant). Lives in the
 * family (not rewards/) because it reads TextWorldState, a concrete env's state (DESIGN: rewards/ never
 * imports a concrete env). Use it with `RewardWrapper` in 'replace' mode (it includes the gold reward);
 * to add only the shaping to the env's reward, `new PotentialShaping(subgoalPotential, γ)` from
 * rewards/shaping in 'add' mode is the same F. Components go to `terms`: `gold`, `shaping`, `potential`.
 */
import type { RewardFunction, RewardTerms, TransitionEnd } from '../../sim/reward.ts';
import { hasGoalProperty as prepared, successOf, type TextWorldObject, type TextWorldState } from './state.ts';

const APPLIANCE: Record<string, string> = { pick_clean_then_place: 'sinkbasin', pick_heat_then_place: 'microwave', pick_cool_then_place: 'fridge' };

/** Φ(s): progress through the task's subgoals (see the table above). */
export function subgoalPotential(state: TextWorldState): number {
  const g = state.goal;
  const recType = new Map<string, string>();
  const recOpen = new Map<string, boolean>();
  for (const r of state.receptacles) {
    recType.set(r.name, r.type);
    recOpen.set(r.name, r.open);
  }
  const here = state.location;
  const atType = here === null ? '' : (recType.get(here) ?? '');
  let held: TextWorldObject | undefined;
  let visible = false;
  let anyPrepared = false;
  const perTarget = new Map<string, number>();
  for (const o of state.objects) {
    if (o.type !== g.objectType) continue;
    if (o.location === 'inventory') {
      held = o;
      continue;
    }
    if (o.location === here && recOpen.get(o.location)) visible = true;
    if (g.taskType in APPLIANCE && prepared(state, o)) anyPrepared = true;
    if (recType.get(o.location) === g.targetType) perTarget.set(o.location, (perTarget.get(o.location) ?? 0) + 1);
  }

  if (g.taskType === 'look_at_obj_in_light') {
    if (!held) return visible ? 0.1 : 0;
    const lampHere = state.objects.some((o) => o.isLamp && o.type === g.targetType && o.location === here);
    return lampHere ? 0.7 : 0.4;
  }

  if (g.count === 2) {
    let best = 0;
    let bestRec = '';
    for (const [rec, n] of perTarget) {
      if (n > best) {
        best = n;
        bestRec = rec;
      }
    }
    const base = best >= 1 ? 0.4 : 0;
    if (!held) return base + (visible ? 0.1 : 0);
    const atTarget = best >= 1 ? here === bestRec : atType === g.targetType;
    return base + 0.2 + (atTarget ? 0.2 : 0);
  }

  const needsPrep = g.taskType in APPLIANCE;
  if (!held) return anyPrepared ? 0.3 : visible ? 0.1 : 0;
  const isPrepared = prepared(state, held);
  let phi = 0.3 + (needsPrep ? (isPrepared ? 0.2 : atType === APPLIANCE[g.taskType] ? 0.1 : 0) : 0.2);
  if (atType === g.targetType && isPrepared) phi += 0.2;
  return phi;
}

export interface SubgoalRewardOptions {
  /** The learner's discount γ (default 0.99). */
  readonly gamma?: number;
}

export class TextWorldSubgoalReward implements RewardFunction<TextWorldState, unknown> {
  readonly name = 'textworld:subgoals';
  readonly gamma: number;

  constructor(opts: SubgoalRewardOptions = {}) {
    const gamma = opts.gamma ?? 0.99;
    if (!(gamma >= 0 && gamma <= 1)) throw new RangeError(`TextWorldSubgoalReward: gamma must be in [0, 1], got ${gamma}`);
    this.gamma = gamma;
  }

  compute(state: TextWorldState, _action: unknown, nextState: TextWorldState, terms: RewardTerms, end?: TransitionEnd): number {
    const wonBefore = successOf(state);
    const wonAfter = successOf(nextState);
    const gold = wonAfter && !wonBefore ? 1 : 0;
    // Φ = 0 at a true terminal (in this family: the goal holds); kept on truncation.
    const terminal = end ? end.terminated : wonAfter;
    const phi = wonBefore ? 0 : subgoalPotential(state);
    const phiNext = terminal ? 0 : subgoalPotential(nextState);
    const shaping = this.gamma * phiNext - phi;
    terms.gold = gold;
    terms.shaping = shaping;
    terms.potential = phiNext;
    return gold + shaping;
  }
}
