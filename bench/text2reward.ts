/**
 * Text2Reward evaluation: for each robotics task, PPO's success rate (20 deterministic evaluation
 * episodes) after the preset's fixed budget, trained with
 *   (a) the expert dense reward (the family's hand-written staged reward),
 *   (b) the reward generated from the task's goal sentence (the built-in generator; also the configured
 *       model when REWARDFORGE_LLM_URL is set),
 *   (c) the sparse success reward alone,
 * over several seeds. Writes no files.
 */
import { AGENTS, trainSync } from '../agents/index.ts';
import type { GreedyPolicy, TrainContext } from '../agents/context.ts';
import type { PretrainedActor } from '../agents/bc.ts';
import { evaluatePolicy } from '../agents/evaluate.ts';
import { defaultRegistry, listEnvs } from '../envs/index.ts';
import { generateReward, loadCodeReward } from '../cli/reward_spec.ts';
import type { RewardFunction } from '../sim/reward.ts';
import { deriveSeed } from '../sim/rng.ts';

export interface Text2RewardBenchOptions {
  readonly quick: boolean;
  readonly seeds: number;
  /** The first seed (default 1): seeds are firstSeed … firstSeed + seeds − 1. */
  readonly firstSeed?: number;
  /** Which columns to train (default all three). */
  readonly columns?: readonly Text2RewardColumn[];
  /** PPO budget in env steps (default: the task's preset). */
  readonly steps?: number;
  readonly tasks?: readonly string[];
  readonly log?: (m: string) => void;
}

export const TEXT2REWARD_COLUMNS = ['expert', 'generated', 'sparse'] as const;
export type Text2RewardColumn = (typeof TEXT2REWARD_COLUMNS)[number];

interface Outcome {
  seed: number;
  successRate: number;
  meanReturn: number;
  steps: number;
  /** Training episodes that ended within the budget (rollouts used). */
  episodes: number;
  seconds: number;
  /**
   * Success of the training episodes (the stochastic policy, in the order they ended) against rollouts
   * used: the rate over the 100 episodes up to each mark, and the first episode count at which that
   * moving rate reached 0.9 (null: never).
   */
  trainingSuccess?: { byRollouts: Record<string, number>; rolloutsTo90: number | null };
  /** What `inspect` reported about the trained policy (dopamine bench: how its episodes end). */
  behaviour?: Record<string, unknown>;
}

/** PPO with the env's preset on `envId` (env kwargs, an optional reward function replacing or added to the env's), judged by the env's success predicate. */
export function trainAndEvaluate(envId: string, kwargs: Record<string, unknown>, reward: RewardFunction | undefined, seed: number, budget: number | undefined, rewardMode: 'replace' | 'add' = 'replace', overrides: Record<string, unknown> = {}, initActor?: PretrainedActor, inspect?: (policy: GreedyPolicy) => Record<string, unknown>): Outcome {
  const agent = AGENTS.ppo;
  const args = agent.schema.parse({ ...(agent.presets[envId] ?? {}), ...overrides, seed, ...(budget ? { totalTimesteps: budget } : {}) }) as { totalTimesteps: number };
  let episodes = 0;
  const wins: number[] = [];
  const ctx: TrainContext = {
    makeEnv: (n, mode) => defaultRegistry.makeVec(envId, n, { autoresetMode: mode, kwargs, reward, rewardMode }),
    // PPO logs once per finished training episode (charts/episodic_return) and once per update.
    log: (_step, scalars) => {
      if (scalars['charts/episodic_return'] !== undefined) {
        episodes++;
        wins.push(scalars['charts/success_rate'] ?? 0);
      }
    },
    checkpointDue: () => false,
    saveCheckpoint: () => {},
    resumeFrom: undefined,
    initActor,
    progress: () => {},
  };
  const t0 = performance.now();
  const policy = trainSync(agent, args as never, ctx);
  const seconds = (performance.now() - t0) / 1000;
  // Success is judged by the env's own success predicate, whatever reward trained the policy.
  const evalEnv = defaultRegistry.makeVec(envId, 20, { kwargs: { reward: 'sparse' } });
  const ev = evaluatePolicy(evalEnv, policy, 20, deriveSeed(seed, 'text2reward-eval'));
  evalEnv.close();
  return { seed, successRate: ev.successRate, meanReturn: ev.meanReturn, steps: args.totalTimesteps, episodes, seconds: Math.round(seconds * 10) / 10, trainingSuccess: trainingSuccess(wins), ...(inspect ? { behaviour: inspect(policy) } : {}) };
}

/** Moving success rate of training episodes over windows of 100, at rollout marks (see Outcome). */
export function trainingSuccess(wins: readonly number[], window = 100): NonNullable<Outcome['trainingSuccess']> {
  const byRollouts: Record<string, number> = {};
  let sum = 0;
  let rolloutsTo90: number | null = null;
  const marks = new Set([150, 300, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000]);
  for (let i = 0; i < wins.length; i++) {
    sum += wins[i];
    if (i >= window) sum -= wins[i - window];
    const n = i + 1;
    const rate = sum / Math.min(n, window);
    if (rolloutsTo90 === null && n >= window && rate >= 0.9) rolloutsTo90 = n;
    if (marks.has(n)) byRollouts[String(n)] = Math.round(rate * 1000) / 1000;
  }
  return { byRollouts, rolloutsTo90 };
}

export async function benchText2Reward(opts: Text2RewardBenchOptions): Promise<Record<string, unknown>> {
  const tasks = opts.tasks ?? listEnvs().filter((id) => id.startsWith('robotics/'));
  const seeds = Array.from({ length: opts.quick ? 1 : opts.seeds }, (_, i) => i + (opts.firstSeed ?? 1));
  const budget = opts.quick ? 4096 : opts.steps;
  const out: Record<string, unknown> = {};
  for (const id of tasks) {
    const probe = defaultRegistry.make(id);
    const goal = /^\/\/ [^:]+: (.*)$/m.exec(probe.abstraction())?.[1] ?? id;
    probe.close();
    const gen = await generateReward(goal, id, 0);
    const generated = loadCodeReward(gen.code, id, `text2reward:${gen.generator}`, 0).reward;
    const row: Record<string, unknown> = { goal, generator: gen.generator };
    for (const [name, kwargs, reward] of [
      ['expert', { reward: 'expert' }, undefined],
      ['generated', { reward: 'expert' }, generated],
      ['sparse', { reward: 'sparse' }, undefined],
    ] as const) {
      if (opts.columns && !opts.columns.includes(name)) continue;
      const runs = seeds.map((s) => trainAndEvaluate(id, kwargs, reward, s, budget));
      const mean = runs.reduce((a, r) => a + r.successRate, 0) / runs.length;
      row[name] = { meanSuccess: Math.round(mean * 1000) / 1000, runs };
      opts.log?.(`text2reward ${id} ${name}: success ${runs.map((r) => r.successRate.toFixed(2)).join(' ')} (mean ${mean.toFixed(2)}) at ${runs[0].steps} steps`);
    }
    const e = (row.expert as { meanSuccess: number } | undefined)?.meanSuccess;
    const g = (row.generated as { meanSuccess: number } | undefined)?.meanSuccess;
    if (e !== undefined && g !== undefined) row.generatedOverExpert = e > 0 ? Math.round((g / e) * 1000) / 1000 : null;
    out[id] = row;
  }
  return out;
}
