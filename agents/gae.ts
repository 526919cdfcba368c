/**
 * Generalised Advantage Estimation (Schulman et al. 2016) over a [T × N] rollout stored time-major
 * (index t·N + i), with the two kinds of episode end kept apart:
 *
 *   terminated at t:  δ_t = r_t − V(s_t)                          (the MDP ended: no future value)
 *   truncated at t:   δ_t = r_t + γ·V(s_final) − V(s_t)           (time limit: bootstrap from the real
 *                                                                  final observation's value)
 *   otherwise:        δ_t = r_t + γ·V(s_{t+1}) − V(s_t)
 *   A_t = δ_t + γλ·A_{t+1}, the recursion cut at either kind of end; returns R_t = A_t + V(s_t).
 *
 * V(s_{t+1}) of the last step is `nextValue` (the value of the observation after the rollout).
 */
export interface GaeInput {
  readonly numSteps: number;
  readonly numEnvs: number;
  readonly gamma: number;
  readonly gaeLambda: number;
  readonly rewards: ArrayLike<number>;
  readonly values: ArrayLike<number>;
  readonly terminated: ArrayLike<number>;
  readonly truncated: ArrayLike<number>;
  /** V(final observation) where truncated (other entries are ignored). */
  readonly finalValues: ArrayLike<number>;
  /** V of the observation after the last step, per env. */
  readonly nextValue: ArrayLike<number>;
}

export function computeGae(inp: GaeInput, advantages: Float32Array, returns: Float32Array): void {
  const { numSteps: T, numEnvs: N, gamma, gaeLambda } = inp;
  for (let i = 0; i < N; i++) {
    let lastGaeLam = 0;
    for (let t = T - 1; t >= 0; t--) {
      const k = t * N + i;
      let delta: number;
      let carry: number;
      if (inp.terminated[k]) {
        delta = inp.rewards[k] - inp.values[k];
        carry = 0;
      } else if (inp.truncated[k]) {
        delta = inp.rewards[k] + gamma * inp.finalValues[k] - inp.values[k];
        carry = 0;
      } else {
        const nextValues = t === T - 1 ? inp.nextValue[i] : inp.values[k + N];
        delta = inp.rewards[k] + gamma * nextValues - inp.values[k];
        carry = 1;
      }
      lastGaeLam = delta + gamma * gaeLambda * carry * lastGaeLam;
      advantages[k] = lastGaeLam;
      returns[k] = lastGaeLam + inp.values[k];
    }
  }
}
