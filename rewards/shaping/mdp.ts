/**
 * Finite MDPs for checking shaping invariants exactly: P[s][a] is a distribution over next states,
 * R[s][a][s'] a reward, `terminal[s]` marks absorbing terminal states (no reward, no future).
 * Value iteration gives Q* for any reward on the same dynamics.
 */
export interface FiniteMdp {
  readonly nS: number;
  readonly nA: number;
  /** P[s][a][s'] */
  readonly P: readonly (readonly (readonly number[])[])[];
  /** R[s][a][s'] */
  readonly R: readonly (readonly (readonly number[])[])[];
  readonly terminal: readonly boolean[];
  readonly gamma: number;
}

export type TransitionReward = (s: number, a: number, s2: number) => number;

/** Q* of `mdp` under `reward` (default its own R), by value iteration to `tol`. */
export function valueIteration(mdp: FiniteMdp, reward: TransitionReward = (s, a, s2) => mdp.R[s][a][s2], tol = 1e-10, maxIter = 100_000): number[][] {
  const { nS, nA, P, gamma, terminal } = mdp;
  const V = new Float64Array(nS);
  const Q = Array.from({ length: nS }, () => new Array<number>(nA).fill(0));
  for (let it = 0; it < maxIter; it++) {
    let delta = 0;
    for (let s = 0; s < nS; s++) {
      if (terminal[s]) continue;
      let best = -Infinity;
      for (let a = 0; a < nA; a++) {
        let q = 0;
        for (let s2 = 0; s2 < nS; s2++) {
          const p = P[s][a][s2];
          if (p === 0) continue;
          q += p * (reward(s, a, s2) + (terminal[s2] ? 0 : gamma * V[s2]));
        }
        Q[s][a] = q;
        if (q > best) best = q;
      }
      delta = Math.max(delta, Math.abs(best - V[s]));
      V[s] = best;
    }
    if (delta < tol) break;
  }
  return Q;
}

/** The set of optimal actions per state (within `tol` of the best). */
export function optimalActions(Q: readonly (readonly number[])[], tol = 1e-6): number[][] {
  return Q.map((row) => {
    const best = Math.max(...row);
    const scale = Math.max(1, Math.abs(best));
    return row.flatMap((q, a) => (best - q <= tol * scale ? [a] : []));
  });
}
