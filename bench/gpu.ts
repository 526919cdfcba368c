/**
 * GPU bench (`npm run bench -- --suite gpu --json`; on a GPU machine `bench/gpu-device.sh`): CartPole-v1
 * env steps per second at N ∈ {1k, 4k, 16k, 64k}, all in one run, for
 *   per-object js  N scalar envs (OrderEnforcing → TimeLimit), one step() and result tuple each;
 *   batched js     the native SoA vector env (autoreset, time limit, episode statistics);
 *   gpu per-step   the same vector env over GpuCore: one gpu.js kernel call per step (webgpu: awaited);
 *   gpu fused      K steps per call in one gpu.js pipeline, actions drawn in-kernel, autoreset in-kernel,
 *                  trajectory buffers (obs, actions, rewards, dones, final obs) written back;
 * every variant draws its random actions (alea on the CPU, counter draws on the GPU) and writes every
 * observation. Then PPO-shaped policy rollouts (actor and critic 64×64 tanh MLPs, sampling) js against
 * fused gpu, and MLP forward throughput (GFLOP/s) per backend. Ratios are taken inside the run.
 *
 * Imports no robotics code (no Rapier), so the device bundle stays small.
 */
import { Mlp } from '../agents/nn/mlp.ts';
import { pickForwardBackend } from '../agents/nn/gpu_forward.ts';
import { measureFusedRollout, measureJsRollout } from '../agents/backend.ts';
import { CartPoleCore } from '../envs/classic/cartpole.ts';
import { CoreEnv } from '../sim/batched.ts';
import type { Env } from '../sim/env.ts';
import { FusedRollout } from '../sim/gpu/fused_rollout.ts';
import { GpuCore } from '../sim/gpu/gpu_core.ts';
import { type GpuModeRequest, type GpuRuntime, openGpu } from '../sim/gpu/runtime.ts';
import { KERNEL_SPECS, cartPoleSpec } from '../sim/gpu/specs.ts';
import { Rng } from '../sim/rng.ts';
import { NativeVectorEnv } from '../sim/vector/native_vector_env.ts';
import { OrderEnforcing } from '../sim/wrappers/order_enforcing.ts';
import { TimeLimit } from '../sim/wrappers/time_limit.ts';

export interface GpuBenchOptions {
  readonly quick: boolean;
  readonly mode?: GpuModeRequest;
  readonly sizes?: readonly number[];
  readonly log?: (msg: string) => void;
}

/** Steps per second of `body` (returns steps done) run for at least `minSeconds`. */
async function rate(minSeconds: number, body: () => number | Promise<number>): Promise<number> {
  let steps = await body(); // warm-up (JIT, kernel compile)
  steps = 0;
  const t0 = performance.now();
  let elapsed = 0;
  let calls = 0;
  while (elapsed < minSeconds || calls < 2) {
    steps += await body();
    calls++;
    elapsed = (performance.now() - t0) / 1000;
  }
  return steps / elapsed;
}

const round = (x: number): number => Math.round(x);
const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;

export async function benchGpu(opts: GpuBenchOptions): Promise<Record<string, unknown>> {
  const log = opts.log ?? (() => {});
  const rt: GpuRuntime = await openGpu(opts.mode ?? 'auto');
  const sizes = opts.sizes ?? (opts.quick ? [1024, 4096] : [1024, 4096, 16384, 65536]);
  const seconds = opts.quick ? 0.3 : 1.5;
  const K = 32;
  log(`gpu bench: gpu.js mode ${rt.mode}${rt.fallback ? ` (${rt.fallback})` : ''}`);
  const stepRows: Record<string, unknown>[] = [];
  const spec = cartPoleSpec;
  for (const N of sizes) {
    const rng = new Rng(0);
    const row: Record<string, unknown> = { numEnvs: N };
    // per-object js (skipped at 64k in quick mode: it is the slow baseline)
    {
      const envs: Env[] = Array.from({ length: N }, () => new TimeLimit(new OrderEnforcing(new CoreEnv(new CartPoleCore(1))), 500));
      envs.forEach((e, i) => e.reset({ seed: i }));
      const obsOut = new Float32Array(N * 4);
      row.perObjectJs = round(await rate(seconds, () => {
        for (let i = 0; i < N; i++) {
          const [obs, , term, trunc] = envs[i].step(rng.random() < 0.5 ? 0 : 1);
          obsOut.set(obs as Float32Array, i * 4);
          if (term || trunc) obsOut.set(envs[i].reset()[0] as Float32Array, i * 4);
        }
        return N;
      }));
    }
    // batched js
    const actions = new Float32Array(N);
    {
      const vec = new NativeVectorEnv(new CartPoleCore(N), { maxEpisodeSteps: 500 });
      vec.reset({ seed: 1 });
      row.batchedJs = round(await rate(seconds, () => {
        for (let i = 0; i < N; i++) actions[i] = rng.random() < 0.5 ? 0 : 1;
        vec.step(actions);
        return N;
      }));
      vec.close();
    }
    // gpu per-step: the vector env over GpuCore (sync modes), or awaited kernel calls (webgpu)
    {
      const core = new GpuCore(spec, rt, N);
      if (!rt.asyncOnly) {
        const vec = new NativeVectorEnv(core, { maxEpisodeSteps: 500 });
        vec.reset({ seed: 1 });
        row.gpuPerStep = round(await rate(seconds, () => {
          for (let i = 0; i < N; i++) actions[i] = rng.random() < 0.5 ? 0 : 1;
          vec.step(actions);
          return N;
        }));
        vec.close();
      } else {
        const obs = new Float32Array(N * 4);
        for (let i = 0; i < N; i++) core.resetAt(i, rng, undefined, obs, i * 4);
        const skip = new Uint8Array(N);
        const rew = new Float32Array(N);
        const term = new Uint8Array(N);
        row.gpuPerStep = round(await rate(seconds, async () => {
          for (let i = 0; i < N; i++) actions[i] = rng.random() < 0.5 ? 0 : 1;
          await core.stepAsync(actions, skip, obs, rew, term);
          for (let i = 0; i < N; i++) if (term[i]) core.resetAt(i, rng, undefined, obs, i * 4);
          return N;
        }));
        core.close();
      }
    }
    // gpu fused, env only (uniform-random policy drawn in-kernel)
    {
      const fr = new FusedRollout(spec, rt, { numEnvs: N, numSteps: K, hidden: null, seed: 1, maxEpisodeSteps: 500 });
      row.gpuFused = round(await rate(seconds, async () => {
        await fr.collect();
        return N * K;
      }));
      row.executor = fr.executorKind;
      await fr.destroy();
    }
    row.fusedOverBatchedJs = ratio(row.gpuFused as number, row.batchedJs as number);
    row.perStepOverBatchedJs = ratio(row.gpuPerStep as number, row.batchedJs as number);
    row.batchedOverPerObject = ratio(row.batchedJs as number, row.perObjectJs as number);
    log(`  N=${N}: per-object ${row.perObjectJs}, batched js ${row.batchedJs}, gpu per-step ${row.gpuPerStep}, gpu fused ${row.gpuFused} steps/s (fused/batched ${row.fusedOverBatchedJs}×)`);
    stepRows.push(row);
  }

  // PPO-shaped rollouts: policy forward + sampling + env step
  const policyRows: Record<string, unknown>[] = [];
  const hidden = [64, 64];
  for (const N of sizes) {
    const js = measureJsRollout(spec, N, opts.quick ? 4 : 16, hidden);
    const gpu = await measureFusedRollout(spec, rt, N, K, hidden);
    const row = { numEnvs: N, hidden, js: round(js), gpuFused: round(gpu), gpuOverJs: ratio(gpu, js) };
    log(`  policy rollout N=${N}: js ${row.js}, gpu fused ${row.gpuFused} steps/s (${row.gpuOverJs}×)`);
    policyRows.push(row);
  }

  // MLP forward throughput
  const mlpRows: Record<string, unknown>[] = [];
  for (const [batch, sizesMlp] of [[4096, [64, 256, 256, 64]], [16384, [64, 256, 256, 64]], [65536, [4, 64, 64, 2]]] as const) {
    if (opts.quick && batch > 4096) continue;
    const mlp = new Mlp({ sizes: [...sizesMlp], activation: 'tanh', rng: new Rng(1) });
    const x = new Float32Array(batch * sizesMlp[0]).map((_, k) => Math.sin(k));
    const t = await pickForwardBackend(mlp, rt, x, batch);
    const row = { batch, sizes: sizesMlp, jsGflops: Math.round(t.js.gflops * 100) / 100, gpuGflops: Math.round(t.gpu.gflops * 100) / 100, faster: t.backend, gpuOverJs: ratio(t.gpu.gflops, t.js.gflops) };
    log(`  mlp forward batch=${batch} [${sizesMlp.join(',')}]: js ${row.jsGflops} GFLOP/s, gpu ${row.gpuGflops} GFLOP/s → ${t.backend}`);
    mlpRows.push(row);
  }

  // Every classic env's fused env-only rate at one size, for coverage.
  const perEnv: Record<string, number> = {};
  const Nall = opts.quick ? 1024 : 16384;
  for (const s of KERNEL_SPECS.values()) {
    const fr = new FusedRollout(s, rt, { numEnvs: Nall, numSteps: K, hidden: null, seed: 1, maxEpisodeSteps: 200 });
    perEnv[s.id] = round(await rate(seconds / 2, async () => {
      await fr.collect();
      return Nall * K;
    }));
    await fr.destroy();
  }
  await rt.destroy();
  return {
    gpuMode: rt.mode,
    gpuFallback: rt.fallback,
    fusedSteps: K,
    envStep: { env: spec.id, rows: stepRows },
    policyRollout: { env: spec.id, rows: policyRows },
    mlpForward: mlpRows,
    fusedEnvOnlyAllEnvs: { numEnvs: Nall, stepsPerSecond: perEnv },
  };
}
