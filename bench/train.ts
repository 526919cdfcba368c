/**
 * Train bench: time-to-solve as practitioners report it.
 * - PPO CartPole-v1: first evaluation with mean return ≥ 475 over 20 deterministic episodes, for
 *   several seeds (median and spread of wall seconds and env steps), and training SPS.
 * - PPO Pendulum-v1: first evaluation with mean return ≥ −200.
 * - DQN CartPole-v1: first evaluation with mean return ≥ 475.
 * Evaluations (20 deterministic episodes) run every `evalEvery` env steps — for the slower tasks only
 * once the recent training return passes a gate; their time is reported apart (`evalSeconds`) and NOT
 * included in `wallSeconds` / `cpuSeconds` (training only). Runs use the same presets as `train:env`
 * and write no files. `cpuSeconds` is this process's CPU time, robust to other load on a shared machine.
 */
import { AGENTS, type AgentName, trainSync } from '../agents/index.ts';
import type { GreedyPolicy, TrainContext } from '../agents/context.ts';
import { evaluatePolicy } from '../agents/evaluate.ts';
import { defaultRegistry } from '../envs/index.ts';
import { deriveSeed } from '../sim/rng.ts';

export interface TrainBenchOptions {
  readonly quick: boolean;
  readonly seeds: number;
  readonly log?: (msg: string) => void;
}

export interface SolveResult {
  seed: number;
  /** CPU seconds of this process while training (robust to other load on a shared machine). */
  cpuSeconds: number;
  solved: boolean;
  steps: number;
  wallSeconds: number;
  evalSeconds: number;
  sps: number;
  finalEvalReturn: number;
}

export function solve(agentName: AgentName, envId: string, seed: number, threshold: number, gate: number, maxSteps: number | undefined, evalEvery: number, overrides: Record<string, unknown> = {}): SolveResult {
  const agent = AGENTS[agentName];
  // The preset's own budget (and so its learning-rate schedule) unless --quick caps it.
  const budget = maxSteps === undefined ? {} : { totalTimesteps: maxSteps };
  const args = agent.schema.parse({ ...(agent.presets[envId] ?? {}), seed, ...budget, ...overrides }) as never;
  let evalMs = 0;
  let lastEval = -Infinity;
  let recentReturn = Number.NaN;
  let solvedAt = -1;
  let lastEvalReturn = Number.NaN;
  let steps = 0;
  const evalEnv = defaultRegistry.makeVec(envId, 20);
  const ctx: TrainContext = {
    makeEnv: (n, mode) => defaultRegistry.makeVec(envId, n, { autoresetMode: mode }),
    log: () => {},
    checkpointDue: () => false,
    saveCheckpoint: () => {},
    resumeFrom: undefined,
    progress: (s) => {
      recentReturn = s.meanReturn;
      steps = s.globalStep;
    },
    evaluate: (globalStep: number, policy: GreedyPolicy) => {
      steps = globalStep;
      if (!(recentReturn >= gate) || globalStep - lastEval < evalEvery) return false;
      lastEval = globalStep;
      const t0 = performance.now();
      const r = evaluatePolicy(evalEnv, policy, 20, deriveSeed(seed, 'bench-eval', globalStep));
      evalMs += performance.now() - t0;
      lastEvalReturn = r.meanReturn;
      if (r.meanReturn >= threshold) {
        solvedAt = globalStep;
        return true;
      }
      return false;
    },
  };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  trainSync(agent, args, ctx);
  const totalMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  evalEnv.close();
  const trainSeconds = (totalMs - evalMs) / 1000;
  return {
    seed,
    cpuSeconds: Math.round(((cpu.user + cpu.system) / 1e6 - evalMs / 1000) * 100) / 100,
    solved: solvedAt >= 0,
    steps: solvedAt >= 0 ? solvedAt : steps,
    wallSeconds: Math.round(trainSeconds * 100) / 100,
    evalSeconds: Math.round((evalMs / 1000) * 100) / 100,
    sps: Math.round((solvedAt >= 0 ? solvedAt : steps) / trainSeconds),
    finalEvalReturn: lastEvalReturn,
  };
}

function summarize(runs: SolveResult[]): Record<string, unknown> {
  const solved = runs.filter((r) => r.solved);
  const med = (xs: number[]) => {
    if (xs.length === 0) return null;
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const wall = solved.map((r) => r.wallSeconds);
  const steps = solved.map((r) => r.steps);
  return {
    solved: `${solved.length}/${runs.length}`,
    medianWallSeconds: med(wall),
    minWallSeconds: wall.length ? Math.min(...wall) : null,
    maxWallSeconds: wall.length ? Math.max(...wall) : null,
    medianSteps: med(steps),
    minSteps: steps.length ? Math.min(...steps) : null,
    maxSteps: steps.length ? Math.max(...steps) : null,
    medianSps: med(runs.map((r) => r.sps)),
    runs,
  };
}

export function benchTrain(opts: TrainBenchOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const seeds = Array.from({ length: opts.quick ? 1 : opts.seeds }, (_, i) => i + 1);
  const cartpole: SolveResult[] = [];
  for (const seed of seeds) {
    const r = solve('ppo', 'classic/CartPole-v1', seed, 475, -Infinity, opts.quick ? 20_000 : undefined, 2048);
    opts.log?.(`ppo CartPole-v1 seed ${seed}: ${r.solved ? 'solved' : 'NOT solved'} at ${r.steps} steps, ${r.wallSeconds} s (+${r.evalSeconds} s eval), ${r.sps} SPS`);
    cartpole.push(r);
  }
  out.ppoCartPole = { threshold: 475, ...summarize(cartpole) };
  const pend = solve('ppo', 'classic/Pendulum-v1', 1, -200, -400, opts.quick ? 20_000 : undefined, 8192);
  opts.log?.(`ppo Pendulum-v1 seed 1: ${pend.solved ? 'solved' : 'NOT solved'} at ${pend.steps} steps, ${pend.wallSeconds} s`);
  out.ppoPendulum = { threshold: -200, ...pend };
  const dqn = solve('dqn', 'classic/CartPole-v1', 1, 475, 150, opts.quick ? 20_000 : undefined, 2000);
  opts.log?.(`dqn CartPole-v1 seed 1: ${dqn.solved ? 'solved' : 'NOT solved'} at ${dqn.steps} steps, ${dqn.wallSeconds} s`);
  out.dqnCartPole = { threshold: 475, ...dqn };
  return out;
}
