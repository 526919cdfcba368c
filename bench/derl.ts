/**
 * DERL bench (`npm run bench -- --suite derl --json`): success on the text world's `valid_unseen` split
 * for the three reward columns of DERL's table —
 *   (a) outcome only      `g_won`
 *   (b) primitive average `(g_won + g_goalHeld + g_stateChange + g_cmdValid + g_newLocation) / 5`
 *   (c) evolved           the best formula of a DERL search (cli/derl.ts), selected on `valid_seen`
 * each trained once with DRRN-PPO for the same final budget and seed, and scored on `valid_seen` and
 * `valid_unseen`. Formulas pay on subgoal events (`timing: 'first'`, cli/derl_inner.ts): each primitive
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
    ? { iterations: 2, population: 4, innerSteps: 2048, evalEpisodes: 16, finalSteps: 4096, finalEpisodes: 32 }
    : { iterations: 3, population: 8, innerSteps: 100000, evalEpisodes: 100, finalSteps: 150000, finalEpisodes: 200 };
  const seed = 1;
  const t0 = performance.now();
  const dir = path.join(os.tmpdir(), `rf-derl-bench-${process.pid}-${Date.now()}`);
  const search = await runDerlSearch({ env, ...budget, seed, timing, quiet: true, out: dir }, log);
  const searchSeconds = (performance.now() - t0) / 1000;
  const evolved = search.summary.best?.formula;
  if (!evolved) throw new Error('derl bench: the search found no valid formula');
  // The three columns with one final budget each; the evolved column's held-out figure is the search's
  // own final run (same seed derivation as the other two here would not hold, so all three are rerun).
  const formulas = [OUTCOME, AVERAGE, evolved];
  // One training per column, scored on both splits.
  const jobs = formulas.map((formula) => ({ envId: env, formula, seed: 1000 + seed, steps: budget.finalSteps, evalSplit: 'valid_seen', extraEvalSplits: ['valid_unseen'], evalEpisodes: budget.finalEpisodes, timing }));
  const t1 = performance.now();
  const results = await runInnerJobs(jobs);
  const columnSeconds = (performance.now() - t1) / 1000;
  const column = (k: number): Record<string, unknown> => {
    const r = results[k];
    if ('error' in r) return { formula: formulas[k], error: r.error };
    return { formula: formulas[k], valid_seen: r.score, valid_unseen: r.extraScores?.valid_unseen, trainSeconds: Math.round(r.trainSeconds) };
  };
  const out = {
    env,
    budget: { ...budget, rewardTiming: timing, agent: 'DRRN-PPO (agents/text/drrn_ppo.ts)', seed },
    outcomeOnly: column(0),
    primitiveAverage: column(1),
    evolved: column(2),
    search: { best: search.summary.best, heldOut: search.summary.heldOut, history: search.summary.history, compute: search.summary.compute, seconds: Math.round(searchSeconds) },
    columnsSeconds: Math.round(columnSeconds),
    reference: 'DERL (ALFWorld unseen): outcome-only 29.7, average 30.7, meta-reward 65.0',
  };
  log(`derl bench: ${JSON.stringify({ outcome: out.outcomeOnly, average: out.primitiveAverage, evolved: out.evolved })}`);
  return out;
}
