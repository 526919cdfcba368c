/**
 * Deterministic evaluation: run a greedy policy on a vector env until `episodes` episodes have ended
 * (next-step autoreset; an env stops counting once it has contributed its share) and report the mean
 * return and the success rate from the env's own success predicate (`infos.episode.success`).
 */
import type { VectorEnv } from '../sim/vector/vector_env.ts';
import type { GreedyPolicy } from './context.ts';

export interface EvalResult {
  readonly episodes: number;
  readonly meanReturn: number;
  readonly stdReturn: number;
  readonly successRate: number;
  readonly meanLength: number;
  readonly returns: number[];
}

export function evaluatePolicy(env: VectorEnv, policy: GreedyPolicy, episodes: number, seed: number, maxSteps = 1_000_000): EvalResult {
  if (!Number.isInteger(episodes) || episodes <= 0) throw new RangeError(`episodes must be a positive integer, got ${episodes}`);
  if (env.autoresetMode !== 'next-step') throw new Error(`evaluatePolicy needs autoresetMode 'next-step', got '${env.autoresetMode}'`);
  const n = env.numEnvs;
  // Each env contributes its first ceil(episodes / n) episodes, in env order, so the set of episodes
  // does not depend on which env happens to finish first.
  const quota = Math.ceil(episodes / n);
  const done = new Int32Array(n);
  const returns: number[][] = Array.from({ length: n }, () => []);
  const lengths: number[][] = Array.from({ length: n }, () => []);
  const succ: number[][] = Array.from({ length: n }, () => []);
  const actions = new Float32Array(n * env.actDim);
  let [obs] = env.reset({ seed });
  let counted = 0;
  for (let t = 0; t < maxSteps && counted < n * quota; t++) {
    policy.act(obs, n, actions);
    const [o, , , , infos] = env.step(actions);
    obs = o;
    const mask = infos._episode;
    if (!mask) continue;
    for (let i = 0; i < n; i++) {
      if (!mask[i] || done[i] >= quota) continue;
      done[i]++;
      counted++;
      returns[i].push(infos.episode!.r[i]);
      lengths[i].push(infos.episode!.l[i]);
      succ[i].push(infos.episode!.success[i]);
    }
  }
  if (counted < n * quota) throw new Error(`evaluation ended after ${maxSteps} steps with ${counted} of ${n * quota} episodes`);
  const all = returns.flat().slice(0, episodes);
  const lens = lengths.flat().slice(0, episodes);
  const wins = succ.flat().slice(0, episodes);
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  const std = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length);
  return {
    episodes: all.length,
    meanReturn: mean,
    stdReturn: std,
    successRate: wins.reduce((a, b) => a + b, 0) / wins.length,
    meanLength: lens.reduce((a, b) => a + b, 0) / lens.length,
    returns: all,
  };
}
