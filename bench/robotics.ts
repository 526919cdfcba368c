/**
 * Robotics bench (`npm run bench -- --suite robotics --json`), one run on this machine:
 *
 * - env steps per CPU-second per task (one core; random actions, resets included), after warming the
 *   WASM up (≥ 20 k steps; Node runs Rapier in a baseline tier until then): a scalar env made with
 *   `make` (Gymnasium-style per-object API, TimeLimit included), the native vector env with one world
 *   per env (default, bit-identical to scalar envs), and the same with 64 envs packed in one world
 *   (`envsPerWorld: 64`);
 * - render frames/s per resolution (front camera, Stack scene, one core);
 * - scripted-expert success rates over 100 seeded episodes per task;
 * - PPO with the expert dense reward (the envs' default `reward: 'expert'`) on Reach and Push: success
 *   rate of the deterministic policy over 100 evaluation episodes after the preset's fixed budget
 *   (`PPO_PRESETS`), for 3 seeds run side by side in worker threads (bench/robotics_ppo.ts).
 */
import { PPO_PRESETS } from '../agents/ppo.ts';
import { defaultRegistry } from '../envs/index.ts';
import { RoboticsCore } from '../envs/robotics/core.ts';
import { RoboticsEnv } from '../envs/robotics/env.ts';
import { ROBOTICS_TASKS } from '../envs/robotics/registry.ts';
import type { Env } from '../sim/env.ts';
import { Rng, deriveSeed } from '../sim/rng.ts';
import type { NativeVectorEnv } from '../sim/vector/native_vector_env.ts';
import { type PpoRun, ppoRunsInParallel } from './robotics_ppo.ts';

export interface RoboticsBenchOptions {
  readonly quick: boolean;
  readonly log?: (msg: string) => void;
}

/** Runs `body` until `minSeconds` of wall time passed; steps per CPU-second and per wall-second. */
function rate(minSeconds: number, body: () => number): { perCpuSecond: number; perWallSecond: number } {
  let steps = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < minSeconds) {
    steps += body();
    elapsed = (performance.now() - t0) / 1000;
  }
  const c = process.cpuUsage(c0);
  return { perCpuSecond: Math.round(steps / ((c.user + c.system) / 1e6)), perWallSecond: Math.round(steps / elapsed) };
}

/** Step a core with random actions until Rapier's WASM has left its baseline tier. */
function warmUp(steps: number): void {
  const task = ROBOTICS_TASKS[2];
  const core = new RoboticsCore(task, 8);
  const rng = new Rng(0);
  const obs = new Float32Array(8 * core.obsDim);
  const act = new Float32Array(32);
  const rew = new Float32Array(8);
  const term = new Uint8Array(8);
  const skip = new Uint8Array(8);
  for (let i = 0; i < 8; i++) core.resetAt(i, rng, undefined, obs, i * core.obsDim);
  for (let t = 0; t < steps / 8; t++) {
    for (let k = 0; k < 32; k++) act[k] = rng.uniform(-1, 1);
    core.step(act, skip, obs, rew, term);
    if (t % 100 === 99) for (let i = 0; i < 8; i++) core.resetAt(i, rng, undefined, obs, i * core.obsDim);
  }
  core.close();
}

function scalarRate(id: string, seconds: number): { perCpuSecond: number; perWallSecond: number } {
  const env: Env = defaultRegistry.make(id);
  const rng = new Rng(1);
  const a = new Float32Array(4);
  env.reset({ seed: 0 });
  const r = rate(seconds, () => {
    for (let t = 0; t < 200; t++) {
      for (let k = 0; k < 4; k++) a[k] = rng.uniform(-1, 1);
      const res = env.step(a);
      if (res[2] || res[3]) env.reset();
    }
    return 200;
  });
  env.close();
  return r;
}

function vectorRate(id: string, n: number, seconds: number, envsPerWorld: number): { perCpuSecond: number; perWallSecond: number } {
  const vec = defaultRegistry.makeVec(id, n, { kwargs: { envsPerWorld }, validateActions: false }) as NativeVectorEnv;
  const rng = new Rng(2);
  const actions = new Float32Array(n * 4);
  vec.reset({ seed: 0 });
  const r = rate(seconds, () => {
    for (let t = 0; t < 10; t++) {
      for (let k = 0; k < actions.length; k++) actions[k] = rng.uniform(-1, 1);
      vec.step(actions);
    }
    return 10 * n;
  });
  (vec.core as RoboticsCore).close();
  vec.close();
  return r;
}

function expertRate(taskIndex: number, episodes: number): { successRate: number; meanSteps: number } {
  const task = ROBOTICS_TASKS[taskIndex];
  const env = new RoboticsEnv(task);
  let ok = 0;
  let steps = 0;
  for (let ep = 0; ep < episodes; ep++) {
    env.reset({ seed: deriveSeed(2024, 'expert', ep) });
    for (let t = 1; t <= task.maxEpisodeSteps; t++) {
      const [, , term, , info] = env.step(Float32Array.from(task.expert(env.state())));
      if (term) {
        if (info.success) {
          ok++;
          steps += t;
        }
        break;
      }
    }
  }
  env.close();
  return { successRate: ok / episodes, meanSteps: Math.round((steps / Math.max(ok, 1)) * 10) / 10 };
}

export function benchRobotics(opts: RoboticsBenchOptions): Record<string, unknown> {
  const log = opts.log ?? (() => {});
  const seconds = opts.quick ? 0.3 : 2;
  warmUp(opts.quick ? 2000 : 30_000);
  const out: Record<string, unknown> = {
    notes:
      'steps/s per CPU-second on one core after a 30 k-step WASM warm-up; random actions, resets included. ' +
      "vector = native vector env with 64 envs, one Rapier world per env (default); packed = envsPerWorld 64 (one world). PPO uses the envs' default expert dense reward.",
  };

  // ---- env steps per second
  const speed: Record<string, unknown> = {};
  for (const task of ROBOTICS_TASKS) {
    const single = scalarRate(task.id, seconds);
    const vector = vectorRate(task.id, 64, seconds, 1);
    const packed = vectorRate(task.id, 64, seconds, 64);
    speed[task.id] = {
      singleStepsPerCpuSec: single.perCpuSecond,
      vectorStepsPerCpuSec: vector.perCpuSecond,
      packedVectorStepsPerCpuSec: packed.perCpuSecond,
      singleStepsPerWallSec: single.perWallSecond,
      vectorStepsPerWallSec: vector.perWallSecond,
      packedVectorStepsPerWallSec: packed.perWallSecond,
    };
    log(`robotics ${task.id}: single ${single.perCpuSecond}, vector ${vector.perCpuSecond}, packed ${packed.perCpuSecond} steps/cpu-s`);
  }
  out.stepsPerSecond = speed;

  // ---- render frames per second
  const env = new RoboticsEnv(ROBOTICS_TASKS[3]);
  env.reset({ seed: 0 });
  const renders: Record<string, number> = {};
  for (const side of [64, 84, 128, 256]) {
    for (let w = 0; w < 20; w++) env.render({ camera: 'front', width: side, height: side });
    renders[`${side}x${side}`] = rate(seconds, () => {
      for (let k = 0; k < 10; k++) env.render({ camera: 'front', width: side, height: side });
      return 10;
    }).perCpuSecond;
    log(`robotics render ${side}×${side}: ${renders[`${side}x${side}`]} frames/cpu-s`);
  }
  env.close();
  out.renderFramesPerCpuSec = renders;

  // ---- scripted experts
  const experts: Record<string, unknown> = {};
  const episodes = opts.quick ? 10 : 100;
  ROBOTICS_TASKS.forEach((task, k) => {
    experts[task.id] = { episodes, ...expertRate(k, episodes) };
    log(`robotics expert ${task.id}: ${JSON.stringify(experts[task.id])}`);
  });
  out.experts = experts;

  // ---- PPO with the expert reward (seeds run in parallel worker threads, one core each)
  const ppo: Record<string, unknown> = {};
  for (const id of ['robotics/Reach-v0', 'robotics/Push-v0']) {
    const seeds = opts.quick ? [1] : [1, 2, 3];
    const budget = opts.quick ? 4096 : undefined;
    const t0 = performance.now();
    const { runs, parallel }: { runs: PpoRun[]; parallel: number } = ppoRunsInParallel(id, seeds, budget);
    for (const r of runs) log(`robotics ppo ${id} seed ${r.seed}: success ${r.evalSuccessRate} after ${r.steps} steps, ${r.wallSeconds} s`);
    ppo[id] = {
      reward: 'expert (env default)',
      budgetSteps: budget ?? PPO_PRESETS[id]?.totalTimesteps,
      preset: PPO_PRESETS[id],
      meanEvalSuccessRate: Math.round((runs.reduce((a, r) => a + r.evalSuccessRate, 0) / runs.length) * 1000) / 1000,
      minEvalSuccessRate: Math.min(...runs.map((r) => r.evalSuccessRate)),
      workers: parallel,
      wallSecondsAllSeeds: Math.round((performance.now() - t0) / 100) / 10,
      runs,
    };
  }
  out.ppo = ppo;
  return out;
}
