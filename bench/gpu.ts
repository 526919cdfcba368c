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
import type { GreedyPolicy, TrainContext } from '../agents/context.ts';
import { evaluatePolicy } from '../agents/evaluate.ts';
import { Mlp } from '../agents/nn/mlp.ts';
import { PPO_PRESETS, PpoArgs, trainPpo } from '../agents/ppo.ts';
import { deriveSeed } from '../sim/rng.ts';
import { pickForwardBackend } from '../agents/nn/gpu_forward.ts';
import { measureFusedRollout, measureJsRollout } from '../agents/backend.ts';
import { CartPoleCore } from '../envs/classic/cartpole.ts';
import { CoreEnv } from '../sim/batched.ts';
import type { Env } from '../sim/env.ts';
import { FusedRollout } from '../sim/gpu/fused_rollout.ts';
import { GpuCore } from '../sim/gpu/gpu_core.ts';
import { type GpuModeRequest, type GpuRuntime, openGpu } from '../sim/gpu/runtime.ts';
import { KERNEL_SPECS, cartPoleSpec } from '../envs/classic/gpu_kernels.ts';
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
  // PPO CartPole-v1 end to end on each backend: same preset, same solved criterion (20-episode greedy
  // evaluation ≥ 475, checked every 4096 steps once the training return passes 400).
  const ppo: Record<string, unknown>[] = [];
  for (const backend of ['js', 'gpu'] as const) {
    for (const seed of opts.quick ? [1] : [1, 2, 3]) {
      const r = await ppoSolve(backend, rt, seed);
      log(`  ppo CartPole-v1 ${backend} seed ${seed}: ${r.solved ? `solved at ${r.steps} steps` : `not solved in ${r.steps} steps`} in ${r.trainSeconds} s (last eval ${r.lastEvalReturn})`);
      ppo.push({ backend, seed, ...r });
    }
  }
  await rt.destroy();
  return {
    ppoCartPole: ppo,
    gpuMode: rt.mode,
    gpuFallback: rt.fallback,
    fusedSteps: K,
    envStep: { env: spec.id, rows: stepRows },
    policyRollout: { env: spec.id, rows: policyRows },
    mlpForward: mlpRows,
    fusedEnvOnlyAllEnvs: { numEnvs: Nall, stepsPerSecond: perEnv },
  };
}

async function ppoSolve(backend: 'js' | 'gpu', rt: GpuRuntime, seed: number): Promise<{ solved: boolean; steps: number; trainSeconds: number; lastEvalReturn: number }> {
  const args = PpoArgs.parse({ ...PPO_PRESETS['classic/CartPole-v1'], seed });
  const evalEnv = new NativeVectorEnv(new CartPoleCore(20), { maxEpisodeSteps: 500 });
  let recent = Number.NaN;
  let lastEval = -Infinity;
  let lastEvalReturn = Number.NaN;
  let solvedAt = -1;
  let steps = 0;
  let evalMs = 0;
  const ctx: TrainContext = {
    makeEnv: (n, mode) => new NativeVectorEnv(new CartPoleCore(n), { maxEpisodeSteps: 500, autoresetMode: mode }),
    fusedRollout: backend === 'gpu' ? (o) => new FusedRollout(cartPoleSpec, rt, { ...o, maxEpisodeSteps: 500 }) : undefined,
    log: () => {},
    checkpointDue: () => false,
    saveCheckpoint: () => {},
    resumeFrom: undefined,
    progress: (st) => {
      recent = st.meanReturn;
      steps = st.globalStep;
    },
    evaluate: (globalStep: number, policy: GreedyPolicy) => {
      steps = globalStep;
      if (!(recent >= 400) || globalStep - lastEval < 4096) return false;
      lastEval = globalStep;
      const t0 = performance.now();
      lastEvalReturn = evaluatePolicy(evalEnv, policy, 20, deriveSeed(seed, 'gpu-bench-eval', globalStep)).meanReturn;
      evalMs += performance.now() - t0;
      if (lastEvalReturn >= 475) {
        solvedAt = globalStep;
        return true;
      }
      return false;
    },
  };
  const t0 = performance.now();
  await trainPpo(args, ctx);
  const trainSeconds = Math.round(((performance.now() - t0 - evalMs) / 1000) * 100) / 100;
  evalEnv.close();
  return { solved: solvedAt >= 0, steps: solvedAt >= 0 ? solvedAt : steps, trainSeconds, lastEvalReturn };
}

/**
 * Agreement on this machine's mode, for every classic env: one kernel step from 256 random states
 * against the js core, and a fused rollout (16×16 policy, short episodes so that autoresets happen)
 * against the same rollout on gpu.js's cpu mode. Max absolute differences, and counts of discrete
 * disagreements (terminations, sampled actions). CI checks the same on webasm and cpu
 * (test/sim/gpu.test.ts); this is how the webgpu figures are checked on a GPU machine.
 */
export async function verifyGpu(mode: GpuModeRequest = 'auto'): Promise<Record<string, unknown>> {
  const rt = await openGpu(mode);
  const cpu = await openGpu('cpu');
  const out: Record<string, unknown> = { mode: rt.mode };
  const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
    let m = 0;
    for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
    return m;
  };
  const count = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
    let c = 0;
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) c++;
    return c;
  };
  for (const spec of KERNEL_SPECS.values()) {
    const n = 256;
    const rng = new Rng(3);
    const state = new Float32Array(n * spec.stateDim);
    const actions = new Float32Array(n * spec.actDim);
    for (let i = 0; i < n; i++) {
      spec.randomState(() => rng.random(), state, i * spec.stateDim);
      for (let d = 0; d < spec.actDim; d++) actions[i * spec.actDim + d] = spec.nActions > 0 ? rng.int(spec.nActions) : rng.uniform(-3, 3);
    }
    const js = spec.makeJsCore(n, {});
    for (let i = 0; i < n; i++) spec.write(js, i, state, i * spec.stateDim);
    const skip = new Uint8Array(n);
    const jo = new Float32Array(n * spec.obsDim), jr = new Float32Array(n), jt = new Uint8Array(n);
    js.step(actions, skip, jo, jr, jt);
    const g = new GpuCore(spec, rt, n);
    g.state.set(state);
    const go = new Float32Array(n * spec.obsDim), gr = new Float32Array(n), gt = new Uint8Array(n);
    await g.stepAsync(actions, skip, go, gr, gt);
    g.close();
    const nOut = spec.nActions > 0 ? spec.nActions : spec.actDim;
    const wrng = new Rng(4);
    const w = {
      actor: new Mlp({ sizes: [spec.obsDim, 16, 16, nOut], activation: 'tanh', outputGain: 1, rng: wrng }),
      critic: new Mlp({ sizes: [spec.obsDim, 16, 16, 1], activation: 'tanh', rng: wrng }),
      logStd: new Float32Array(nOut).fill(-0.3),
    };
    const o = { numEnvs: 64, numSteps: 40, hidden: [16, 16], seed: 5, maxEpisodeSteps: 6 };
    const a = new FusedRollout(spec, rt, o);
    const b = new FusedRollout(spec, cpu, o);
    const ta = await a.collect(w);
    const tb = await b.collect(w);
    let dones = 0;
    for (let k = 0; k < ta.terminated.length; k++) dones += ta.terminated[k] | ta.truncated[k];
    out[spec.id] = {
      step: { obs: maxAbs(go, jo), reward: maxAbs(gr, jr), terminatedMismatches: count(gt, jt) },
      fused: {
        executor: a.executorKind,
        obs: maxAbs(ta.obs, tb.obs), finalObs: maxAbs(ta.finalObs, tb.finalObs), logp: maxAbs(ta.logp, tb.logp), values: maxAbs(ta.values, tb.values),
        rewards: maxAbs(ta.rewards, tb.rewards), actionMismatches: spec.nActions > 0 ? count(ta.actions, tb.actions) : undefined,
        actions: spec.nActions > 0 ? undefined : maxAbs(ta.actions, tb.actions),
        doneMismatches: count(ta.terminated, tb.terminated) + count(ta.truncated, tb.truncated), episodeEnds: dones,
      },
    };
    await a.destroy();
    await b.destroy();
  }
  await rt.destroy();
  await cpu.destroy();
  return out;
}
