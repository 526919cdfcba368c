/**
 * DERL bench (`npm run bench -- --suite derl --json`): success on the text world's `valid_unseen` split
 * for the three reward columns of DERL's table —
 *   (a) outcome only      `g_won`
 *   (b) primitive average `(g_won + g_goalHeld + g_stateChange + g_cmdValid + g_newLocation) / 5`
 *   (c) evolved           the best formula of a DERL search (cli/derl.ts), selected on `valid_seen`
 *                         (the search's best three rescored with three fresh seeds each)
 * each trained with DRRN-PPO for the same final budget and the same three seeds, scored on `valid_seen`
 * and `valid_unseen`, and reported as the mean over the seeds. Formulas pay on subgoal events (`timing: 'first'`, cli/derl_inner.ts): each primitive
 * counts the first time it fires in an episode. The search's compute is reported beside.
 */
import os from 'node:os';
import path from 'node:path';
import { runDerlSearch } from '../cli/derl.ts';
import { runInnerJobs } from '../cli/derl_inner.ts';

export interface DerlBenchOptions {
  readonly quick: boolean;
  readonly log?: (msg: string) => void;
}

const OUTCOME = 'g_won';
const AVERAGE = '( g_won + g_goalHeld + g_stateChange + g_cmdValid + g_newLocation ) / 5';
/** Subgoal events (cli/derl_inner.ts): DRRN learns nothing from episode-level payment at these budgets. */
const timing = 'first' as const;

export async function benchDerl(opts: DerlBenchOptions): Promise<Record<string, unknown>> {
  const log = opts.log ?? (() => {});
  const env = 'textworld/ALFWorld-v0';
  const budget = opts.quick
    ? { iterations: 2, population: 4, innerSteps: 2048, evalEpisodes: 16, finalSteps: 4096, finalEpisodes: 32, rescoreTop: 2, rescoreSeeds: 1, columnSeeds: 1 }
    : { iterations: 3, population: 8, innerSteps: 100000, evalEpisodes: 100, finalSteps: 150000, finalEpisodes: 200, rescoreTop: 3, rescoreSeeds: 3, columnSeeds: 3 };
  const seed = 1;
  const t0 = performance.now();
  const dir = path.join(os.tmpdir(), `rf-derl-bench-${process.pid}-${Date.now()}`);
  const { columnSeeds, ...searchBudget } = budget;
  const search = await runDerlSearch({ env, ...searchBudget, seed, timing, quiet: true, out: dir }, log);
  const searchSeconds = (performance.now() - t0) / 1000;
  const evolved = search.summary.best?.formula;
  if (!evolved) throw new Error('derl bench: the search found no valid formula');
  // The three columns, each trained `columnSeeds` times (the same seeds for every column) with the final
  // budget and scored on both splits. One inner seed moves a formula's success rate by up to 0.2, so a
  // column is the mean over its seeds; the per-seed figures are kept beside it.
  const formulas = [OUTCOME, AVERAGE, evolved];
  const jobs = formulas.flatMap((formula) => Array.from({ length: columnSeeds }, (_, k) => ({ envId: env, formula, seed: 1000 + seed + k, steps: budget.finalSteps, evalSplit: 'valid_seen', extraEvalSplits: ['valid_unseen'], evalEpisodes: budget.finalEpisodes, timing })));
  const t1 = performance.now();
  const results = await runInnerJobs(jobs);
  const columnSeconds = (performance.now() - t1) / 1000;
  const mean = (xs: number[]): number => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 1000) / 1000;
  const column = (k: number): Record<string, unknown> => {
    const runs = results.slice(k * columnSeeds, (k + 1) * columnSeeds);
    const failed = runs.find((r) => 'error' in r);
    if (failed && 'error' in failed) return { formula: formulas[k], error: failed.error };
    const ok = runs as Array<Exclude<(typeof runs)[number], { error: string }>>;
    const seen = ok.map((r) => r.score);
    const unseen = ok.map((r) => r.extraScores?.valid_unseen ?? Number.NaN);
    return { formula: formulas[k], valid_seen: mean(seen), valid_unseen: mean(unseen), perSeed: { valid_seen: seen, valid_unseen: unseen }, trainSeconds: Math.round(ok.reduce((a, r) => a + r.trainSeconds, 0)) };
  };
  const out = {
    env,
    budget: { ...budget, rewardTiming: timing, agent: 'DRRN-PPO (agents/text/drrn_ppo.ts)', seed },
    outcomeOnly: column(0),
    primitiveAverage: column(1),
    evolved: column(2),
    search: { best: search.summary.best, rescored: search.summary.rescored, heldOut: search.summary.heldOut, history: search.summary.history, compute: search.summary.compute, seconds: Math.round(searchSeconds) },
    columnsSeconds: Math.round(columnSeconds),
    reference: 'DERL (ALFWorld unseen): outcome-only 29.7, average 30.7, meta-reward 65.0',
  };
  log(`derl bench: ${JSON.stringify({ outcome: out.outcomeOnly, average: out.primitiveAverage, evolved: out.evolved })}`);
  return out;
}
