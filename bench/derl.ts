/**
 * DERL bench (`npm run bench -- --suite derl --json`): success on the text world's `valid_unseen` split
 * for the three reward columns of DERL's table —
 *   (a) outcome only      `g_won`
 *   (b) primitive average `(g_won + g_goalHeld + g_stateChange + g_cmdValid + g_newLocation) / 5`
 *   (c) evolved           the best formula of a DERL search (cli/derl.ts), selected on `valid_seen`
 *                         (the search's best three rescored with three fresh seeds each)
 * each trained with DRRN-PPO for the same final budget and the same three seeds, scored on `valid_seen`
 * and `valid_unseen`, and reported as the mean over the seeds. Formulas pay on subgoal events
 * (`timing: 'first'`, cli/derl_inner.ts): each primitive counts the first time it fires in an episode
 * (g_newLocation: each receptacle's first visit).
 * The search's compute is reported beside.
 *
 * `--tasks robotics/Push-v0` runs the same three columns on a robotics task instead (success rate of
 * greedy episodes; budgets in SETUPS.robotics).
 */
import os from 'node:os';
import path from 'node:path';
import { runDerlSearch } from '../cli/derl.ts';
import { runInnerJobs } from '../cli/derl_inner.ts';

export interface DerlBenchOptions {
  readonly quick: boolean;
  /** The env of this run: the text world (default) or a robotics task (`robotics/Push-v0`). */
  readonly env?: string;
  readonly log?: (msg: string) => void;
}

/** Per family: the two fixed columns, when formulas pay, the splits and the budgets. */
const SETUPS = {
  textworld: {
    outcome: 'g_won',
    average: '( g_won + g_goalHeld + g_stateChange + g_cmdValid + g_newLocation ) / 5',
    /** Subgoal events (cli/derl_inner.ts): DRRN learns nothing from episode-level payment at these budgets. */
    timing: 'first' as const,
    splits: { score: 'valid_seen', extra: ['valid_unseen'] },
    quick: { iterations: 2, population: 4, innerSteps: 2048, evalEpisodes: 16, finalSteps: 4096, finalEpisodes: 32, rescoreTop: 2, rescoreSeeds: 1, columnSeeds: 1 },
    /**
     * The columns train for 300 k steps: at 150 k DRRN-PPO had not finished learning from the primitives
     * (the same formula on one seed: 0.05 unseen at 150 k; 0.17 and 0.46 on two seeds at 300 k). The
     * search's inner runs stay at 100 k, and the chosen formula is not retrained on its own (its column is
     * that run).
     */
    full: { iterations: 3, population: 8, innerSteps: 100000, evalEpisodes: 100, finalSteps: 300000, finalEpisodes: 200, rescoreTop: 3, rescoreSeeds: 3, columnSeeds: 3, finalRun: false },
  },
  /**
   * Robotics: the primitives paid every step (the robotics default). The columns get the task's PPO
   * preset budget (Push: 1 M steps); the search's inner runs get 300 k (2 × 8 of them took 11 min on
   * 2 cores; at 1 M they would take about 40), and the chosen formula is not retrained on its own (its
   * column is that run).
   */
  robotics: {
    outcome: 'g_success',
    average: '( g_nearObject + g_grasped + g_objectNearGoal + g_static + g_success ) / 5',
    timing: 'step' as const,
    splits: { score: 'default', extra: [] as string[] },
    quick: { iterations: 2, population: 4, innerSteps: 4096, evalEpisodes: 4, finalSteps: 4096, finalEpisodes: 4, rescoreTop: 2, rescoreSeeds: 1, columnSeeds: 1, finalRun: false },
    full: { iterations: 2, population: 8, innerSteps: 300000, evalEpisodes: 20, finalSteps: 1000000, finalEpisodes: 20, rescoreTop: 2, rescoreSeeds: 1, columnSeeds: 1, finalRun: false },
  },
};

export async function benchDerl(opts: DerlBenchOptions): Promise<Record<string, unknown>> {
  const log = opts.log ?? (() => {});
  const env = opts.env ?? 'textworld/ALFWorld-v0';
  const family = env.split('/')[0];
  if (family !== 'textworld' && family !== 'robotics') throw new Error(`derl bench: --tasks must be one text-world or robotics env id, got '${env}'`);
  const setup = SETUPS[family];
  const OUTCOME = setup.outcome;
  const AVERAGE = setup.average;
  const timing = setup.timing;
  const budget = opts.quick ? setup.quick : setup.full;
  const seed = 1;
  const t0 = performance.now();
  const dir = path.join(os.tmpdir(), `rf-derl-bench-${process.pid}-${Date.now()}`);
  const { columnSeeds, ...searchBudget } = budget;
  const search = await runDerlSearch({ env, ...searchBudget, seed, timing, quiet: true, out: dir }, log);
  const searchSeconds = (performance.now() - t0) / 1000;
  const evolved = search.summary.best?.formula;
  if (!evolved) throw new Error('derl bench: the search found no valid formula');
  // The three columns, each trained `columnSeeds` times (the same seeds for every column) with the final
  // budget and scored on both splits. One inner seed moves a formula's success rate by 0.3 or more, so a
  // column is the mean over its seeds; the per-seed figures are kept beside it.
  const formulas = [OUTCOME, AVERAGE, evolved];
  const jobs = formulas.flatMap((formula) => Array.from({ length: columnSeeds }, (_, k) => ({ envId: env, formula, seed: 1000 + seed + k, steps: budget.finalSteps, evalSplit: setup.splits.score, ...(setup.splits.extra.length ? { extraEvalSplits: setup.splits.extra } : {}), evalEpisodes: budget.finalEpisodes, timing })));
  const t1 = performance.now();
  const results = await runInnerJobs(jobs);
  const columnSeconds = (performance.now() - t1) / 1000;
  const mean = (xs: number[]): number => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 1000) / 1000;
  const column = (k: number): Record<string, unknown> => {
    const runs = results.slice(k * columnSeeds, (k + 1) * columnSeeds);
    const failed = runs.find((r) => 'error' in r);
    if (failed && 'error' in failed) return { formula: formulas[k], error: failed.error };
    const ok = runs as Array<Exclude<(typeof runs)[number], { error: string }>>;
    const trainSeconds = Math.round(ok.reduce((a, r) => a + r.trainSeconds, 0));
    const scores = ok.map((r) => r.score);
    if (family === 'robotics') return { formula: formulas[k], success: mean(scores), perSeed: { success: scores }, trainSeconds };
    const unseen = ok.map((r) => r.extraScores?.valid_unseen ?? Number.NaN);
    return { formula: formulas[k], valid_seen: mean(scores), valid_unseen: mean(unseen), perSeed: { valid_seen: scores, valid_unseen: unseen }, trainSeconds };
  };
  const out = {
    env,
    budget: { ...budget, rewardTiming: timing, agent: family === 'robotics' ? 'PPO with the task preset (agents/ppo.ts)' : 'DRRN-PPO (agents/text/drrn_ppo.ts)', seed },
    outcomeOnly: column(0),
    primitiveAverage: column(1),
    evolved: column(2),
    search: { best: search.summary.best, rescored: search.summary.rescored, heldOut: search.summary.heldOut, history: search.summary.history, compute: search.summary.compute, seconds: Math.round(searchSeconds) },
    columnsSeconds: Math.round(columnSeconds),
    reference: family === 'robotics' ? 'DERL reports no robotics table' : 'DERL (ALFWorld unseen): outcome-only 29.7, average 30.7, meta-reward 65.0',
  };
  log(`derl bench: ${JSON.stringify({ outcome: out.outcomeOnly, average: out.primitiveAverage, evolved: out.evolved })}`);
  return out;
}
