/**
 * Choosing between the `js` and `gpu` backends for a rollout shape (N envs × K steps, MLP hidden sizes).
 *
 * `auto` does not guess from a table: it measures the shape at hand, the way the gpu bench does, on
 * the machine at hand — a js rollout (batched core, actor and critic forward passes, sampling) against
 * one fused gpu rollout (after a first call that compiles it) — and keeps the faster, with both figures
 * recorded in the run summary. The measurement costs well under a second at the shapes PPO uses.
 */
import { Mlp } from './nn/mlp.ts';
import { Rng } from '../sim/rng.ts';
import { FusedRollout } from '../sim/gpu/fused_rollout.ts';
import type { GpuRuntime } from '../sim/gpu/runtime.ts';
import type { KernelEnvSpec } from '../sim/gpu/spec.ts';

export const BACKENDS = ['js', 'gpu', 'auto'] as const;
export type BackendRequest = (typeof BACKENDS)[number];

export interface BackendChoice {
  readonly backend: 'js' | 'gpu';
  readonly requested: BackendRequest;
  /** gpu.js mode when the gpu backend was considered. */
  readonly gpuMode?: string;
  readonly gpuFallback?: string | null;
  /** Why `auto` could not consider the gpu backend. */
  readonly reason?: string;
  /** Measured rollout throughput of each backend for this shape (auto only), env steps per second. */
  readonly measured?: { js: number; gpu: number; numEnvs: number; numSteps: number };
}

/** Env steps per second of a js PPO-style rollout: batched core + actor/critic forward + sampling. */
export function measureJsRollout(spec: KernelEnvSpec, numEnvs: number, numSteps: number, hidden: readonly number[], kwargs: Record<string, unknown> = {}, minSeconds = 0.2): number {
  const nOut = spec.nActions > 0 ? spec.nActions : spec.actDim;
  const rng = new Rng(1);
  const actor = new Mlp({ sizes: [spec.obsDim, ...hidden, nOut], activation: 'tanh', rng });
  const critic = new Mlp({ sizes: [spec.obsDim, ...hidden, 1], activation: 'tanh', rng });
  const core = spec.makeJsCore(numEnvs, kwargs);
  const obs = new Float32Array(numEnvs * spec.obsDim);
  for (let i = 0; i < numEnvs; i++) core.resetAt(i, rng, undefined, obs, i * spec.obsDim);
  const act = new Float32Array(numEnvs * spec.actDim);
  const skip = new Uint8Array(numEnvs);
  const rew = new Float32Array(numEnvs);
  const term = new Uint8Array(numEnvs);
  const probs = new Float64Array(Math.max(nOut, 1));
  const run = (steps: number): void => {
    for (let t = 0; t < steps; t++) {
      const y = actor.forward(obs, numEnvs);
      critic.forward(obs, numEnvs);
      for (let i = 0; i < numEnvs; i++) {
        if (spec.nActions > 0) {
          for (let k = 0; k < nOut; k++) probs[k] = Math.exp(y[i * nOut + k]);
          act[i] = rng.categorical(probs);
        } else {
          for (let d = 0; d < nOut; d++) act[i * nOut + d] = y[i * nOut + d] + rng.normal();
        }
      }
      core.step(act, skip, obs, rew, term);
      for (let i = 0; i < numEnvs; i++) if (term[i]) core.resetAt(i, rng, undefined, obs, i * spec.obsDim);
    }
  };
  return timedLoop(minSeconds, () => {
    run(numSteps);
    return numEnvs * numSteps;
  });
}

/** Steps per second of `body` after one warm-up call (JIT, kernel compile), over at least `minSeconds` and two calls. */
function timedLoop(minSeconds: number, body: () => number): number {
  body();
  let steps = 0;
  let calls = 0;
  const t0 = performance.now();
  let dt = 0;
  while (dt < minSeconds || calls < 2) {
    steps += body();
    calls++;
    dt = (performance.now() - t0) / 1000;
  }
  return steps / dt;
}


/** Env steps per second of one fused rollout with a policy of this shape (compile excluded). */
export async function measureFusedRollout(spec: KernelEnvSpec, runtime: GpuRuntime, numEnvs: number, numSteps: number, hidden: readonly number[] | null, kwargs: Record<string, unknown> = {}, minSeconds = 0.2): Promise<number> {
  const nOut = spec.nActions > 0 ? spec.nActions : spec.actDim;
  const fr = new FusedRollout(spec, runtime, { numEnvs, numSteps, hidden, seed: 1, maxEpisodeSteps: 500, kwargs });
  try {
    const rng = new Rng(2);
    const weights = hidden
      ? {
        actor: new Mlp({ sizes: [spec.obsDim, ...hidden, nOut], activation: 'tanh', rng }),
        critic: new Mlp({ sizes: [spec.obsDim, ...hidden, 1], activation: 'tanh', rng }),
        logStd: new Float32Array(nOut),
      }
      : undefined;
    await fr.collect(weights);
    let steps = 0;
    let calls = 0;
    const t0 = performance.now();
    let dt = 0;
    while (dt < minSeconds || calls < 2) {
      await fr.collect(weights);
      steps += numEnvs * numSteps;
      calls++;
      dt = (performance.now() - t0) / 1000;
    }
    return steps / dt;
  } finally {
    await fr.destroy();
  }
}

/** `auto`: measure both backends on this shape (K capped at 16 steps, ≥ 0.2 s each after a warm-up) and keep the faster. */
export async function chooseBackend(spec: KernelEnvSpec, runtime: GpuRuntime, numEnvs: number, numSteps: number, hidden: readonly number[], kwargs: Record<string, unknown> = {}): Promise<BackendChoice> {
  const k = Math.min(numSteps, 16);
  const js = measureJsRollout(spec, numEnvs, k, hidden, kwargs);
  const gpu = await measureFusedRollout(spec, runtime, numEnvs, k, hidden, kwargs);
  return {
    backend: gpu > js ? 'gpu' : 'js',
    requested: 'auto',
    gpuMode: runtime.mode,
    gpuFallback: runtime.fallback,
    measured: { js: Math.round(js), gpu: Math.round(gpu), numEnvs, numSteps: k },
  };
}
