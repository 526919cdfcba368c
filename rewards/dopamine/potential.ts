/**
 * The Dopamine potential: Φ(s) = fused progress (labels.ts `fuseProgress`) of a state from the GRM's hops
 * START → s (forward-anchored) and GOAL → s (backward-anchored), with START and GOAL the reference
 * observations of a demonstration of the task. Both references are fixed for the run, so Φ is a function
 * of the state alone — a valid potential: `dopamineShaping` returns r̃ = r + γΦ(s') − Φ(s) through the one
 * PBRS implementation (shaping/pbrs.ts), Φ = 0 at true terminals.
 *
 * `views(state)` gives the state's multi-view vector (renders + state features, grm.ts `viewFeatures`);
 * the composition root supplies it (rewards never import envs). Φ is cached per state object, since the
 * vector envs pass each state twice (as s' of one step and s of the next).
 */
import { PotentialShaping } from '../shaping/pbrs.ts';
import type { Grm } from './grm.ts';
import { fuseProgress } from './labels.ts';

export class DopaminePotential<S extends object> {
  private readonly cache = new WeakMap<S, number>();
  /** States evaluated (cache misses). */
  evaluations = 0;

  constructor(
    readonly grm: Grm,
    readonly views: (state: S) => Float32Array,
    readonly start: Float32Array,
    readonly goal: Float32Array,
  ) {
    this.eStart = grm.encode(start);
    this.eGoal = grm.encode(goal);
  }

  private readonly eStart: Float32Array;
  private readonly eGoal: Float32Array;

  /** Hops START → s and GOAL → s (the references' embeddings are computed once). */
  hops(v: Float32Array): [number, number] {
    const ea = this.grm.encode(v);
    const h = this.grm.hopsFromEmbeddings(
      [
        [this.eStart, ea],
        [this.eGoal, ea],
      ],
      this.eStart,
      this.eGoal,
    );
    return [h[0], h[1]];
  }

  /** Φ of a multi-view vector. */
  progressOf(v: Float32Array): number {
    const [fwd, bwd] = this.hops(v);
    return fuseProgress(fwd, bwd);
  }

  phi(state: S): number {
    const hit = this.cache.get(state);
    if (hit !== undefined) return hit;
    this.evaluations++;
    const p = this.progressOf(this.views(state));
    this.cache.set(state, p);
    return p;
  }
}

/** r̃ = r + γΦ(s') − Φ(s) with the Dopamine potential (use with rewardMode 'add'). */
export function dopamineShaping<S extends object>(potential: DopaminePotential<S>, gamma: number): PotentialShaping<S> {
  return new PotentialShaping<S>((s) => potential.phi(s), gamma, 'dopamine-pbrs');
}
