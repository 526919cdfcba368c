/**
 * PPO runs for the robotics bench. One run = train PPO with the env id's preset (`PPO_PRESETS`) on the
 * env's default expert dense reward, then evaluate the deterministic policy on 100 seeded episodes.
 *
 * `ppoRunsInParallel` runs several seeds side by side in worker threads (this file is also the worker's
 * entry) and blocks until all are done, since the bench API is synchronous: each worker writes its result
 * as JSON into its slot of a SharedArrayBuffer, bumps a shared counter and wakes the main thread with
 * `Atomics.notify`. Errors come back the same way.
 */
import os from 'node:os';
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import type { GreedyPolicy, TrainContext } from '../agents/context.ts';
import { evaluatePolicy } from '../agents/evaluate.ts';
import { AGENTS } from '../agents/index.ts';
import { defaultRegistry } from '../envs/index.ts';
import type { RoboticsCore } from '../envs/robotics/core.ts';
import { deriveSeed } from '../sim/rng.ts';
import type { NativeVectorEnv } from '../sim/vector/native_vector_env.ts';

export interface PpoRun {
  seed: number;
  steps: number;
  wallSeconds: number;
  sps: number;
  evalSuccessRate: number;
  evalMeanReturn: number;
  evalMeanLength: number;
}

export function ppoRun(envId: string, seed: number, budget: number | undefined): PpoRun {
  const agent = AGENTS.ppo;
  const args = agent.schema.parse({ ...(agent.presets[envId] ?? {}), seed, ...(budget ? { totalTimesteps: budget } : {}) }) as never;
  let steps = 0;
  const ctx: TrainContext = {
    makeEnv: (n, mode) => defaultRegistry.makeVec(envId, n, { autoresetMode: mode }),
    log: () => {},
    checkpointDue: () => false,
    saveCheckpoint: () => {},
    resumeFrom: undefined,
    progress: (s) => {
      steps = s.globalStep;
    },
  };
  const t0 = performance.now();
  const policy: GreedyPolicy = agent.train(args, ctx);
  const wall = (performance.now() - t0) / 1000;
  const evalEnv = defaultRegistry.makeVec(envId, 50) as NativeVectorEnv;
  const ev = evaluatePolicy(evalEnv, policy, 100, deriveSeed(seed, 'robotics-bench-eval'));
  (evalEnv.core as RoboticsCore).close();
  evalEnv.close();
  return {
    seed,
    steps,
    wallSeconds: Math.round(wall * 10) / 10,
    sps: Math.round(steps / wall),
    evalSuccessRate: ev.successRate,
    evalMeanReturn: Math.round(ev.meanReturn * 100) / 100,
    evalMeanLength: Math.round(ev.meanLength * 10) / 10,
  };
}

const SLOT_BYTES = 1 << 16;

interface WorkerInput {
  readonly envId: string;
  readonly seed: number;
  readonly budget: number | undefined;
  readonly slot: number;
  readonly sab: SharedArrayBuffer;
  readonly nSlots: number;
}

/** Run `seeds` with up to one worker per core; results in seed order. */
export function ppoRunsInParallel(envId: string, seeds: readonly number[], budget: number | undefined): { runs: PpoRun[]; parallel: number } {
  const parallel = Math.max(1, Math.min(seeds.length, os.availableParallelism()));
  if (parallel === 1) return { runs: seeds.map((s) => ppoRun(envId, s, budget)), parallel };
  const n = seeds.length;
  const sab = new SharedArrayBuffer(4 * (n + 1) + SLOT_BYTES * n);
  const ctrl = new Int32Array(sab, 0, n + 1); // [0] = finished count, [1 + k] = byte length of slot k's JSON
  const runs = new Array<PpoRun | undefined>(n);
  const workers = new Array<Worker | undefined>(n);
  let started = 0;
  const start = () => {
    const k = started++;
    const input: WorkerInput = { envId, seed: seeds[k], budget, slot: k, sab, nSlots: n };
    workers[k] = new Worker(new URL(import.meta.url), { workerData: input });
  };
  while (started < parallel) start();
  let collected = 0;
  while (collected < n) {
    Atomics.wait(ctrl, 0, collected, 10_000);
    for (let k = 0; k < started; k++) {
      const len = Atomics.load(ctrl, 1 + k);
      if (len === 0 || runs[k] !== undefined) continue;
      const text = new TextDecoder().decode(new Uint8Array(sab, 4 * (n + 1) + SLOT_BYTES * k, len).slice());
      const msg = JSON.parse(text) as PpoRun | { error: string };
      void workers[k]?.terminate();
      if ('error' in msg) throw new Error(`PPO worker for ${envId} seed ${seeds[k]} failed: ${msg.error}`);
      runs[k] = msg;
      collected++;
      if (started < n) start();
    }
  }
  return { runs: runs as PpoRun[], parallel };
}

if (!isMainThread && (workerData as WorkerInput | undefined)?.sab) {
  const w = workerData as WorkerInput;
  let text: string;
  try {
    text = JSON.stringify(ppoRun(w.envId, w.seed, w.budget));
  } catch (e) {
    text = JSON.stringify({ error: (e as Error).stack ?? String(e) });
  }
  const bytes = new TextEncoder().encode(text).subarray(0, SLOT_BYTES);
  new Uint8Array(w.sab, 4 * (w.nSlots + 1) + SLOT_BYTES * w.slot, SLOT_BYTES).set(bytes);
  const ctrl = new Int32Array(w.sab, 0, w.nSlots + 1);
  Atomics.store(ctrl, 1 + w.slot, bytes.length);
  Atomics.add(ctrl, 0, 1);
  Atomics.notify(ctrl, 0);
}
