/**
 * The per-sample pieces of PPO's loss (CleanRL `ppo.py`), shared by PPO (ppo.ts) and candidate-set PPO
 * (candidate_ppo.ts): minibatch advantage normalisation, the clipped surrogate and the clipped value loss.
 * Results go into caller-owned objects, so the update loops allocate nothing per sample.
 */

/** Rollout batch, minibatch and iteration counts of a PPO run; errors name the arguments. */
export function ppoBatchShape(args: { numEnvs: number; numSteps: number; numMinibatches: number; totalTimesteps: number }): { batchSize: number; minibatchSize: number; numIterations: number } {
  const batchSize = args.numEnvs * args.numSteps;
  const minibatchSize = Math.floor(batchSize / args.numMinibatches);
  if (minibatchSize < 1) throw new RangeError(`numMinibatches ${args.numMinibatches} exceeds the batch size ${batchSize}`);
  const numIterations = Math.floor(args.totalTimesteps / batchSize);
  if (numIterations < 1) throw new RangeError(`totalTimesteps ${args.totalTimesteps} is below one rollout (numEnvs × numSteps = ${batchSize})`);
  return { batchSize, minibatchSize, numIterations };
}

/** Normalise `adv[0..M)` in place to zero mean and unit (unbiased, as torch `.std()`) deviation. */
export function normalizeAdvantages(adv: Float32Array, M: number): void {
  if (M < 2) return;
  let mean = 0;
  for (let m = 0; m < M; m++) mean += adv[m];
  mean /= M;
  let v = 0;
  for (let m = 0; m < M; m++) v += (adv[m] - mean) ** 2;
  const std = Math.sqrt(v / (M - 1));
  for (let m = 0; m < M; m++) adv[m] = (adv[m] - mean) / (std + 1e-8);
}

export interface LossTerm {
  /** This sample's loss (before the 1/M of the minibatch mean). */
  loss: number;
  /** d(minibatch loss)/d(input): d/d newLogprob for the surrogate, d/d value for the value loss. */
  grad: number;
}

/** max(−A·ρ, −A·clip(ρ, 1 ± ε)); the gradient flows through the unclipped branch when it is the max. */
export function clippedSurrogate(adv: number, ratio: number, clipCoef: number, M: number, out: LossTerm): void {
  const pg1 = -adv * ratio;
  const pg2 = -adv * Math.min(Math.max(ratio, 1 - clipCoef), 1 + clipCoef);
  out.loss = Math.max(pg1, pg2);
  out.grad = (pg1 >= pg2 ? -adv * ratio : 0) / M;
}

/**
 * The value loss (v − R)², or with `clip` the PPO paper's max((v − R)², (v_old + clip(v − v_old, ±ε) − R)²);
 * `grad` is the derivative of vfCoef·½·loss/M.
 */
export function clippedValueLoss(value: number, ret: number, oldValue: number, clip: boolean, clipCoef: number, vfCoef: number, M: number, out: LossTerm): void {
  const unclipped = (value - ret) ** 2;
  if (clip) {
    const delta = value - oldValue;
    const vClipped = oldValue + Math.min(Math.max(delta, -clipCoef), clipCoef);
    const clippedLoss = (vClipped - ret) ** 2;
    if (unclipped < clippedLoss) {
      out.loss = clippedLoss;
      out.grad = delta > -clipCoef && delta < clipCoef ? (vfCoef * (vClipped - ret)) / M : 0;
      return;
    }
  }
  out.loss = unclipped;
  out.grad = (vfCoef * (value - ret)) / M;
}
