/**
 * PPO runs for the robotics bench. One run = train PPO with the env id's preset (`PPO_PRESETS`) on the
 * env's default expert dense reward, then evaluate the deterministic policy on 100 seeded episodes.
 *
 * `ppoRunsInParallel` runs several seeds side by side in worker threads, one per core (this file is also
 * the child process's and the workers' entry).
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { GreedyPolicy, TrainContext } from '../agents/context.ts';
import { evaluatePolicy } from '../agents/evaluate.ts';
import { AGENTS, trainSync } from '../agents/index.ts';
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
  const policy: GreedyPolicy = trainSync(agent, args, ctx);
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

interface WorkerInput {
  readonly envId: string;
  readonly seed: number;
  readonly budget: number | undefined;
}

/**
 * Run `seeds` side by side (up to one worker thread per core); results in seed order. The bench API is
 * synchronous, and a main thread blocked in a wait cannot host workers (module loading goes through its
 * event loop), so this spawns this file as a child process that runs the workers and prints the JSON.
 */
export function ppoRunsInParallel(envId: string, seeds: readonly number[], budget: number | undefined): { runs: PpoRun[]; parallel: number } {
  const parallel = Math.max(1, Math.min(seeds.length, os.availableParallelism()));
  if (parallel === 1) return { runs: seeds.map((s) => ppoRun(envId, s, budget)), parallel };
  const file = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...process.execArgv, file, envId, JSON.stringify(seeds), String(budget ?? ''), String(parallel)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`PPO runs for ${envId} failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''})`);
  return { runs: JSON.parse(r.stdout) as PpoRun[], parallel };
}

/** Child-process side: a pool of `parallel` workers over the seeds; prints the runs as JSON. */
async function runPool(envId: string, seeds: number[], budget: number | undefined, parallel: number): Promise<PpoRun[]> {
  const runs = new Array<PpoRun>(seeds.length);
  let next = 0;
  const one = async (): Promise<void> => {
    while (next < seeds.length) {
      const k = next++;
      const input: WorkerInput = { envId, seed: seeds[k], budget };
      runs[k] = await new Promise<PpoRun>((resolve, reject) => {
        // Workers do not inherit the tsx loader on Node 20: register it in the worker, then load this file.
        const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
        const w = new Worker(boot, { eval: true, workerData: input });
        w.once('message', (m: PpoRun) => resolve(m));
        w.once('error', reject);
        w.once('exit', (code) => {
          if (code !== 0) reject(new Error(`worker for seed ${seeds[k]} exited with ${code}`));
        });
      });
    }
  };
  await Promise.all(Array.from({ length: parallel }, one));
  return runs;
}

if (!isMainThread && (workerData as WorkerInput | undefined)?.envId) {
  const w = workerData as WorkerInput;
  parentPort!.postMessage(ppoRun(w.envId, w.seed, w.budget));
} else if (isMainThread && process.argv[1] === fileURLToPath(import.meta.url)) {
  const [envId, seedsJson, budget, parallel] = process.argv.slice(2);
  const runs = await runPool(envId, JSON.parse(seedsJson) as number[], budget ? Number(budget) : undefined, Number(parallel) || 1);
  process.stdout.write(JSON.stringify(runs));
}
