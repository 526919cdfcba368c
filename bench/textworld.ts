/**
 * Text-world bench (`npm run bench -- --suite textworld --json`):
 *
 * - `env`: env steps per CPU-second on one core — `make('textworld/ALFWorld-v0')` (OrderEnforcing →
 *   TimeLimit 50) driven by a uniformly random admissible command each step, resets (new games) included;
 *   also the bare `TextWorldEnv` (reset every 50 steps by the loop) and the Discrete-choice id.
 * - `generation`: games generated per CPU-second (`generateGame`, all task types, train split).
 * - `planner`: the expert's walkthrough executed from reset on 1000 seeds per task type and split:
 *   success rate and mean walkthrough length.
 * - `agent`: DRRN-PPO (agents/text) trained on `textworld/ALFWorld-v0` (train split, all six task types)
 *   once with the sparse `won` reward and once with the dense subgoal reward (TextWorldSubgoalReward,
 *   γ = the learner's), then evaluated on `valid_seen` and `valid_unseen` (sampled and greedy policy),
 *   next to a uniformly random admissible policy. The training budget is reported with the figures.
 *
 * CPU seconds are this process's (the machine is shared); wall seconds are reported beside them.
 */
import { DrrnPpoArgs, evaluateDrrn, type TextEnv, trainDrrnPpo } from '../agents/text/drrn_ppo.ts';
import { make } from '../envs/index.ts';
import { TextWorldEnv } from '../envs/textworld/textworld_env.ts';
import { TextWorldEngine } from '../envs/textworld/engine.ts';
import { generateGame } from '../envs/textworld/game.ts';
import { expertPlan } from '../envs/textworld/planner.ts';
import { SPLITS, type Split } from '../envs/textworld/splits.ts';
import { TextWorldSubgoalReward } from '../envs/textworld/subgoal_reward.ts';
import { TASK_TYPES } from '../envs/textworld/tasks.ts';
import type { Env } from '../sim/env.ts';
import { deriveSeed, Rng } from '../sim/rng.ts';
import { RewardWrapper } from '../sim/wrappers/reward_wrapper.ts';

export interface TextworldBenchOptions {
  readonly quick: boolean;
  readonly log?: (msg: string) => void;
}

function timeIt(minSeconds: number, body: () => number): { count: number; seconds: number; cpuSeconds: number } {
  let count = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < minSeconds) {
    count += body();
    elapsed = (performance.now() - t0) / 1000;
  }
  const c = process.cpuUsage(c0);
  return { count, seconds: elapsed, cpuSeconds: (c.user + c.system) / 1e6 };
}

const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;

/** Random admissible commands; reset on terminated/truncated, or every `cap` steps for an env without a TimeLimit. */
function benchSteps(env: Env<unknown, unknown>, seconds: number, choice: boolean, cap = Infinity): Record<string, number> {
  const rng = new Rng(0);
  let [, info] = env.reset({ seed: 0 });
  let resets = 0;
  let t = 0;
  const chunk = (): number => {
    for (let k = 0; k < 1000; k++) {
      const n = (info.admissible as string[]).length;
      const i = rng.int(n);
      const r = env.step(choice ? i : (info.admissible as string[])[i]);
      info = r[4];
      if (r[2] || r[3] || ++t >= cap) {
        info = env.reset()[1];
        resets++;
        t = 0;
      }
    }
    return 1000;
  };
  for (let w = 0; w < 50; w++) chunk(); // warm-up (JIT)
  resets = 0;
  const m = timeIt(seconds, chunk);
  return { stepsPerCpuSec: Math.round(m.count / m.cpuSeconds), stepsPerWallSec: Math.round(m.count / m.seconds), steps: m.count, resets };
}

function randomPolicySuccess(split: Split, episodes: number): number {
  const env = make('textworld/ALFWorld-v0', { kwargs: { split } });
  const rng = new Rng(1);
  let wins = 0;
  for (let e = 0; e < episodes; e++) {
    let [, info] = env.reset({ seed: deriveSeed(7, 'eval', e) });
    for (;;) {
      const adm = info.admissible as string[];
      const r = env.step(adm[rng.int(adm.length)]);
      info = r[4];
      if (r[2] || r[3]) {
        wins += r[2] ? 1 : 0;
        break;
      }
    }
  }
  return wins / episodes;
}

export function benchTextworld(opts: TextworldBenchOptions): Record<string, unknown> {
  const log = opts.log ?? (() => {});
  const seconds = opts.quick ? 0.5 : 3;
  const out: Record<string, unknown> = {};

  // ---- env steps/s (one core) ----
  out.env = {
    policy: 'uniformly random admissible command, reset on terminated/truncated (50-step cap)',
    made: benchSteps(make('textworld/ALFWorld-v0') as Env<unknown, unknown>, seconds, false),
    bare: benchSteps(new TextWorldEnv() as Env<unknown, unknown>, seconds, false, 50),
    choice: benchSteps(make('textworld/ALFWorldChoice-v0') as Env<unknown, unknown>, seconds, true),
  };
  log(`textworld env: ${JSON.stringify(out.env)}`);

  // ---- games generated/s ----
  let seed = 0;
  const gen = timeIt(seconds, () => {
    for (let k = 0; k < 100; k++) generateGame({ seed: seed++, split: 'train', taskTypes: TASK_TYPES });
    return 100;
  });
  out.generation = { gamesPerCpuSec: Math.round(gen.count / gen.cpuSeconds), gamesPerWallSec: Math.round(gen.count / gen.seconds) };
  log(`textworld generation: ${JSON.stringify(out.generation)}`);

  // ---- planner ----
  const nSeeds = opts.quick ? 100 : 1000;
  const planner: Record<string, Record<string, { successRate: number; meanPlanLength: number }>> = {};
  for (const split of SPLITS) {
    planner[split] = {};
    for (const task of TASK_TYPES) {
      let wins = 0;
      let len = 0;
      for (let s = 0; s < nSeeds; s++) {
        const e = new TextWorldEngine(generateGame({ seed: s, split, taskTypes: [task] }));
        e.reset();
        const plan = expertPlan(e.game, e.ws).commands;
        for (const c of plan) e.step(c);
        if (e.won() && plan.length < 50) wins++;
        len += plan.length;
      }
      planner[split][task] = { successRate: wins / nSeeds, meanPlanLength: round(len / nSeeds, 2) };
    }
  }
  out.planner = { seedsPerTaskType: nSeeds, executedFromReset: true, ...planner };
  log(`textworld planner: ${JSON.stringify(out.planner)}`);

  // ---- learning agent ----
  const args = DrrnPpoArgs.parse(opts.quick ? { totalTimesteps: 2048, numEnvs: 8, numSteps: 32 } : { totalTimesteps: 150_000 });
  const evalEpisodes = opts.quick ? 24 : 300;
  const agent: Record<string, unknown> = {
    algorithm: 'DRRN-PPO (agents/text/drrn_ppo.ts)',
    trainEnv: 'textworld/ALFWorld-v0, split train, all six task types, 50-step cap',
    budget: { envSteps: args.totalTimesteps, numEnvs: args.numEnvs, numSteps: args.numSteps, updateEpochs: args.updateEpochs, learningRate: args.learningRate, gamma: args.gamma, seed: args.seed },
    evalEpisodesPerSplit: evalEpisodes,
    randomPolicy: Object.fromEntries(['valid_seen', 'valid_unseen'].map((s) => [s, randomPolicySuccess(s as Split, evalEpisodes)])),
  };
  for (const reward of ['sparse', 'dense'] as const) {
    const makeTrain = (): TextEnv => {
      const env = make('textworld/ALFWorld-v0', { kwargs: { split: 'train' } }) as TextEnv;
      return reward === 'dense' ? (new RewardWrapper(env, new TextWorldSubgoalReward({ gamma: args.gamma })) as unknown as TextEnv) : env;
    };
    const c0 = process.cpuUsage();
    const res = trainDrrnPpo(args, { makeEnv: makeTrain });
    const cu = process.cpuUsage(c0);
    const evals: Record<string, unknown> = {};
    for (const split of ['valid_seen', 'valid_unseen'] as const) {
      const makeEval = (): TextEnv => make('textworld/ALFWorld-v0', { kwargs: { split } }) as TextEnv;
      const sampled = evaluateDrrn(res.agent, { makeEnv: makeEval, episodes: evalEpisodes, seed: 7 });
      const greedy = evaluateDrrn(res.agent, { makeEnv: makeEval, episodes: evalEpisodes, seed: 7, greedy: true });
      evals[split] = {
        successRate: round(sampled.successRate),
        greedySuccessRate: round(greedy.successRate),
        meanLength: round(sampled.meanLength, 1),
        perTask: Object.fromEntries(Object.entries(sampled.perTask).map(([k, v]) => [k, round(v.successRate)])),
      };
    }
    agent[reward] = {
      reward: reward === 'dense' ? 'TextWorldSubgoalReward (won + γΦ(s′) − Φ(s))' : 'won (binary, 1 on success)',
      trainSeconds: round(res.seconds, 1),
      trainCpuSeconds: round((cu.user + cu.system) / 1e6, 1),
      trainSps: Math.round(res.globalStep / res.seconds),
      trainEpisodes: res.episodes,
      trainRecentSuccess: round(res.recentSuccess),
      ...evals,
    };
    log(`textworld agent (${reward}): ${JSON.stringify(agent[reward])}`);
  }
  out.agent = agent;
  return out;
}
