/**
 * Core bench: CartPole-v1 steps per second, N = 4096, random actions from the seeded RNG, observations
 * written every step, measured in the same run for
 *   (a) a loop over N per-object env instances made by `make` (Gymnasium style: OrderEnforcing →
 *       TimeLimit, one `step()` call and one result tuple per env, reset on done), and
 *   (b) the native batched SoA vector env (`makeVec`, autoreset + time limit + episode statistics).
 */
import { make, makeVec } from '../envs/index.ts';
import { Rng } from '../sim/rng.ts';

export interface CoreBenchOptions {
  readonly quick: boolean;
  readonly log?: (msg: string) => void;
}

/**
 * Runs `body` for at least `minSeconds` of wall time; returns steps, wall seconds and this process's
 * CPU seconds. The machine is shared, so the ratio is computed from CPU time (what the code costs),
 * with the wall-clock figures reported beside it.
 */
function timeIt(minSeconds: number, body: () => number): { steps: number; seconds: number; cpuSeconds: number } {
  let steps = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < minSeconds) {
    steps += body();
    elapsed = (performance.now() - t0) / 1000;
  }
  const c = process.cpuUsage(c0);
  return { steps, seconds: elapsed, cpuSeconds: (c.user + c.system) / 1e6 };
}

export function benchCore(opts: CoreBenchOptions): Record<string, unknown> {
  const N = 4096;
  const id = 'classic/CartPole-v1';
  const seconds = opts.quick ? 0.5 : 3;
  const rng = new Rng(0);

  // (a) per-object loop
  const envs = Array.from({ length: N }, () => make(id));
  const obsOut = new Float32Array(N * 4);
  envs.forEach((e, i) => e.reset({ seed: i }));
  const stepObjects = (): number => {
    for (let i = 0; i < N; i++) {
      const action = rng.random() < 0.5 ? 0 : 1;
      const [obs, , term, trunc] = envs[i].step(action);
      obsOut.set(obs as Float32Array, i * 4);
      if (term || trunc) {
        const [o] = envs[i].reset();
        obsOut.set(o as Float32Array, i * 4);
      }
    }
    return N;
  };
  for (let w = 0; w < 50; w++) stepObjects(); // warm-up (JIT)
  const a = timeIt(seconds, stepObjects);

  // (b) batched SoA
  const vec = makeVec(id, N);
  vec.reset({ seed: 0 });
  const actions = new Float32Array(N);
  const out = { obs: new Float32Array(N * 4), reward: new Float32Array(N), terminated: new Uint8Array(N), truncated: new Uint8Array(N) };
  const stepBatched = (): number => {
    for (let i = 0; i < N; i++) actions[i] = rng.random() < 0.5 ? 0 : 1;
    vec.step(actions, out);
    return N;
  };
  for (let w = 0; w < 200; w++) stepBatched();
  const b = timeIt(seconds, stepBatched);

  // (b') the same vector env with actions drawn once (no per-step RNG cost for actions)
  const stepCoreOnly = (): number => {
    vec.step(actions, out);
    return N;
  };
  const c = timeIt(seconds, stepCoreOnly);
  vec.close();
  for (const e of envs) e.close();

  const perObject = a.steps / a.cpuSeconds;
  const batched = b.steps / b.cpuSeconds;
  const result = {
    env: id,
    numEnvs: N,
    perObjectStepsPerCpuSec: Math.round(perObject),
    batchedStepsPerCpuSec: Math.round(batched),
    ratio: Math.round((batched / perObject) * 100) / 100,
    perObjectStepsPerWallSec: Math.round(a.steps / a.seconds),
    batchedStepsPerWallSec: Math.round(b.steps / b.seconds),
    wallRatio: Math.round((b.steps / b.seconds / (a.steps / a.seconds)) * 100) / 100,
    batchedFixedActionsStepsPerCpuSec: Math.round(c.steps / c.cpuSeconds),
    secondsPerVariant: seconds,
  };
  opts.log?.(`core: per-object ${result.perObjectStepsPerCpuSec} steps/cpu-s, batched ${result.batchedStepsPerCpuSec} steps/cpu-s, ratio ${result.ratio}×`);
  return result;
}
