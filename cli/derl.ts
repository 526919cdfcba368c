/**
 * `npm run derl -- --env ID [--iterations K] [--population 8] [--inner-steps N] …` — DERL's bilevel
 * search for a reward formula, end to end:
 *   1. the meta-optimizer (rewards/derl) writes `population` formulas per iteration;
 *   2. each valid formula trains an inner policy in a worker thread (cli/derl_inner.ts) and is scored by
 *      its success rate on the validation split (text world: `valid_seen`);
 *   3. group-relative policy-gradient update; per-iteration scalars in `metrics.jsonl`, the full record
 *      (formulas, validity, v_i, errors, best so far) in `derl.jsonl`;
 *   4. selection: the best `--rescore-top` distinct rewards are retrained with `--rescore-seeds` fresh
 *      seeds each, and the best mean of those fresh scores is chosen (`--rescore-top 0`: best single score);
 *   5. the chosen formula is written (`best_formula.txt`, `reward/reward.js`), trained once more with the
 *      final budget and evaluated once on the held-out split (text world: `valid_unseen`).
 * Deterministic for a seed: formula sampling, meta-policy init and every inner run's seeds derive from
 * `--seed`, and the inner runs do not depend on which worker runs them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { AGENTS } from '../agents/index.ts';
import { DrrnPpoArgs } from '../agents/text/drrn_ppo.ts';
import { listEnvs } from '../envs/index.ts';
import { type DerlIterationLog, runDerl } from '../rewards/derl/bilevel.ts';
import { formulaSource, parseFormula, paymentSignature } from '../rewards/derl/formula.ts';
import { primitiveFamilyFor } from '../rewards/derl/primitives.ts';
import { writeFileAtomic } from '../sim/io/atomic.ts';
import { MetricsWriter } from '../sim/io/metrics.ts';
import { Rng, deriveSeed } from '../sim/rng.ts';
import { type InnerJob, type InnerResult, defaultParallel, runInnerJobs } from './derl_inner.ts';
import { RedisUrlError, parseRedisUrl, stripRedisPassword } from '../sim/distributed/connection.ts';
import { JobClient } from '../sim/distributed/job_client.ts';
import { type FlowExecutorStats, type InnerExecutor, flowExecutor } from './distributed_derl.ts';

export const DerlConfig = z
  .object({
    env: z.string().describe('env id: textworld/ALFWorld-v0 or a robotics task'),
    iterations: z.number().int().min(1).max(1000).describe('outer iterations'),
    population: z.number().int().min(2).max(64).describe('formulas per iteration (DERL: 8)'),
    innerSteps: z.number().int().min(64).describe('env steps of each inner training'),
    evalEpisodes: z.number().int().min(1).max(100000).describe('validation episodes per inner run'),
    finalSteps: z.number().int().min(64).describe('env steps of the final training with the best formula'),
    finalEpisodes: z.number().int().min(1).max(100000).describe('held-out evaluation episodes'),
    rescoreTop: z.number().int().min(0).max(64).optional().describe('after the search, the best this many distinct rewards are trained again with fresh seeds (0 or absent: none)'),
    rescoreSeeds: z.number().int().min(0).max(16).optional().describe('fresh inner seeds per rescored formula; the best mean over them is the chosen formula'),
    finalRun: z.boolean().optional().describe('train the chosen formula once more with finalSteps and score it on the held-out split (default true; a bench that trains it itself turns this off)'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).describe('seed'),
    parallel: z.number().int().min(1).max(256).optional().describe('worker threads (default: the machine parallelism)'),
    workers: z.string().optional().describe('run the inner trainings on BullMQ workers through this Redis URL, one flow per iteration (default: worker threads here)'),
    timing: z.enum(['auto', 'episode', 'first', 'step']).describe("when a formula pays: 'episode' (once, at an episode's end: DERL's episode-level reward), 'first' (every step, each primitive firing only its first time in an episode), 'step' (every step), 'auto' (first for text worlds, step for robotics)"),
    out: z.string().optional().describe('run directory'),
    quiet: z.boolean().describe('no per-iteration lines'),
  })
  .strict();
export type DerlConfig = z.infer<typeof DerlConfig>;

export class DerlArgsError extends Error {}

/** Validation and held-out splits per family. */
function splitsFor(envId: string): { validation: string; heldOut: string } {
  if (envId.startsWith('textworld/')) return { validation: 'valid_seen', heldOut: 'valid_unseen' };
  return { validation: 'default', heldOut: 'default' };
}

export function parseDerlArgs(argv: string[]): DerlConfig | 'help' {
  const int = (flag: string) => (v: string): number => {
    if (!/^\d+$/.test(v.trim())) throw new DerlArgsError(`${flag} must be a non-negative integer, got '${v}'`);
    return Number(v);
  };
  const program = new Command('derl')
    .description("DERL: evolve a reward formula from the env family's primitives with a bilevel loop")
    .exitOverride()
    .option('--env <id>', 'textworld/ALFWorld-v0 or robotics/<Task>-v0', 'textworld/ALFWorld-v0')
    .option('--iterations <k>', 'outer iterations', int('--iterations'), 4)
    .option('--population <n>', 'formulas per iteration', int('--population'), 8)
    .option('--inner-steps <n>', 'env steps per inner training', int('--inner-steps'), 30000)
    .option('--eval-episodes <n>', 'validation episodes per inner run', int('--eval-episodes'), 100)
    .option('--final-steps <n>', 'env steps of the final training with the best formula', int('--final-steps'), 150000)
    .option('--final-episodes <n>', 'held-out evaluation episodes', int('--final-episodes'), 300)
    .option('--rescore-top <k>', 'rescore the best k distinct rewards of the search with fresh seeds (0: pick the best single score)', int('--rescore-top'), 3)
    .option('--rescore-seeds <n>', 'fresh inner seeds per rescored formula', int('--rescore-seeds'), 3)
    .option('--seed <s>', 'seed', int('--seed'), 1)
    .option('--parallel <n>', 'worker threads', int('--parallel'))
    .option('--workers <url>', 'run inner trainings on `npm run worker` processes via Redis (redis://HOST:PORT), one BullMQ flow per iteration')
    .option('--timing <when>', 'when a formula pays: auto | episode | first | step', 'auto')
    .option('--out <dir>', 'run directory (default runs/derl__<env>__<seed>__<time>)')
    .option('--quiet', 'no per-iteration lines', false);
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof DerlArgsError) throw e;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed') return 'help';
      throw new DerlArgsError(e.message.replace(/^error: /, ''));
    }
    throw e;
  }
  const parsed = DerlConfig.safeParse(program.opts());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0]);
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new DerlArgsError(`${flag}: ${issue.message}; got '${String((program.opts() as Record<string, unknown>)[key])}'`);
  }
  const cfg = parsed.data;
  if (!listEnvs().includes(cfg.env)) throw new DerlArgsError(`--env: unknown env id '${cfg.env}'`);
  if (cfg.workers !== undefined) {
    try {
      parseRedisUrl(cfg.workers, '--workers');
    } catch (e) {
      if (e instanceof RedisUrlError) throw new DerlArgsError(e.message);
      throw e;
    }
  }
  try {
    primitiveFamilyFor(cfg.env);
  } catch (e) {
    throw new DerlArgsError(`--env: ${(e as Error).message}`);
  }
  if (!cfg.env.startsWith('textworld/') && !cfg.env.startsWith('robotics/')) throw new DerlArgsError(`--env: DERL's inner loop trains text-world and robotics envs, got '${cfg.env}'`);
  if (cfg.timing === 'first' && !cfg.env.startsWith('textworld/')) throw new DerlArgsError(`--timing: 'first' keeps per-episode memory and is supported on text worlds only, not '${cfg.env}'; use step or episode`);
  // A budget below one rollout of the inner learner would make every inner run fail.
  const rollout = cfg.env.startsWith('textworld/')
    ? (({ numEnvs, numSteps }) => numEnvs * numSteps)(DrrnPpoArgs.parse({}))
    : (({ numEnvs, numSteps }) => (numEnvs as number) * (numSteps as number))(AGENTS.ppo.schema.parse(AGENTS.ppo.presets[cfg.env] ?? {}) as Record<string, unknown>);
  for (const key of ['innerSteps', 'finalSteps'] as const) {
    if (cfg[key] < rollout) throw new DerlArgsError(`--${key === 'innerSteps' ? 'inner-steps' : 'final-steps'}: must be at least one rollout of the inner learner (${rollout} env steps), got ${cfg[key]}`);
  }
  return cfg;
}

export interface DerlRunSummary {
  readonly env: string;
  readonly seed: number;
  /** `validationScore`: the mean over the rescoring seeds when formulas were rescored, else the search's single score. */
  readonly best: { formula: string; validationScore: number; searchScore: number } | null;
  /** The rescored formulas, best first (absent without rescoring). */
  readonly rescored?: ReadonlyArray<{ formula: string; searchScore: number; scores: number[]; mean: number }>;
  readonly heldOut: { split: string; successRate: number; trainSeconds: number; envSteps: number } | null;
  readonly compute: { innerRuns: number; innerEnvSteps: number; innerTrainSeconds: number; wallSeconds: number; parallel: number | 'workers'; distributed?: FlowExecutorStats & { redis: string } };
  readonly history: ReadonlyArray<{ iteration: number; meanScore: number; validFraction: number; bestScore: number | null }>;
}

/** Run the whole search and write the run directory; returns the summary. */
export async function runDerlSearch(cfg: DerlConfig, log: (m: string) => void = () => {}): Promise<{ dir: string; summary: DerlRunSummary }> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.resolve(cfg.out ?? path.join('runs', `derl__${cfg.env.replace('/', '_')}__${cfg.seed}__${stamp}`));
  if (fs.existsSync(path.join(dir, 'summary.json'))) throw new DerlArgsError(`--out: '${dir}' already holds a finished DERL run`);
  // Where inner trainings run: worker threads here (default), or BullMQ workers (one flow per iteration).
  let client: JobClient | undefined;
  if (cfg.workers !== undefined) {
    try {
      client = await JobClient.connect(cfg.workers, '--workers');
    } catch (e) {
      if (e instanceof RedisUrlError) throw new DerlArgsError(e.message);
      throw e;
    }
  }
  const flowStats: FlowExecutorStats = { flows: 0, innerJobs: 0, resubmitted: 0 };
  try {
    return await search(cfg, dir, log, client ? flowExecutor(client, cfg.seed, flowStats) : undefined, client ? { ...flowStats, redis: client.spec.display } : undefined, flowStats);
  } finally {
    await client?.close();
  }
}

async function search(
  cfg: DerlConfig,
  dir: string,
  log: (m: string) => void,
  remote: InnerExecutor | undefined,
  remoteInfo: (FlowExecutorStats & { redis: string }) | undefined,
  flowStats: FlowExecutorStats,
): Promise<{ dir: string; summary: DerlRunSummary }> {
  fs.mkdirSync(path.join(dir, 'reward'), { recursive: true });
  writeFileAtomic(path.join(dir, 'config.json'), `${JSON.stringify({ derl: { ...cfg, workers: cfg.workers && stripRedisPassword(cfg.workers) }, createdAt: new Date().toISOString(), node: process.version }, null, 2)}\n`);
  const family = primitiveFamilyFor(cfg.env);
  const { validation, heldOut } = splitsFor(cfg.env);
  const parallel = cfg.parallel ?? defaultParallel(cfg.population);
  const execute: InnerExecutor = remote ?? ((jobs) => runInnerJobs(jobs, parallel));
  const timing = cfg.timing === 'auto' ? (cfg.env.startsWith('textworld/') ? 'first' : 'step') : cfg.timing;
  const metrics = new MetricsWriter(path.join(dir, 'metrics.jsonl'));
  const history = fs.openSync(path.join(dir, 'derl.jsonl'), 'w');
  const t0 = performance.now();
  let innerRuns = 0;
  let innerEnvSteps = 0;
  let innerTrainSeconds = 0;
  const inner = new Map<string, InnerResult | { error: string }>();

  // One iteration's inner runs go out together (the pool keeps `parallel` workers busy): runDerl calls
  // `evaluate` for every valid formula of the group synchronously, so the calls join one batch that is
  // started on the next macrotask, and each call then reads its own result.
  let batch: { jobs: InnerJob[]; keys: string[]; done: Promise<void> } | null = null;
  const enqueue = (job: InnerJob, key: string): Promise<void> => {
    if (!batch) {
      const b: { jobs: InnerJob[]; keys: string[]; done: Promise<void> } = { jobs: [], keys: [], done: Promise.resolve() };
      b.done = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
        batch = null;
        const results = await execute(b.jobs, Number(b.keys[0].split(':')[0]));
        results.forEach((r, k) => inner.set(b.keys[k], r));
      });
      batch = b;
    }
    batch.jobs.push(job);
    batch.keys.push(key);
    return batch.done;
  };
  const result = await runDerl({
    iterations: cfg.iterations,
    groupSize: cfg.population,
    family,
    rng: new Rng(deriveSeed(cfg.seed, 'derl-sample')),
    policySeed: deriveSeed(cfg.seed, 'derl-policy'),
    evaluate: async (formula, ctx) => {
      const key = `${ctx.iteration}:${ctx.index}`;
      await enqueue({ envId: cfg.env, formula, seed: deriveSeed(cfg.seed, 'inner', ctx.iteration, ctx.index), steps: cfg.innerSteps, evalSplit: validation, evalEpisodes: cfg.evalEpisodes, timing }, key);
      const r = inner.get(key)!;
      if ('error' in r) throw new Error(r.error);
      innerRuns++;
      innerEnvSteps += r.envSteps;
      innerTrainSeconds += r.trainSeconds;
      // DERL: a formula that throws during training scores 0 (the guard counted its errors).
      if (r.guard && r.guard.errors > 0) throw new Error(`the formula threw ${r.guard.errors} times during training`);
      return r.score;
    },
    onIteration: (it: DerlIterationLog) => {
      const wall = Date.now() / 1000;
      metrics.addScalar('derl/mean_score', it.meanScore, it.iteration, wall);
      metrics.addScalar('derl/valid_fraction', it.validFraction, it.iteration, wall);
      if (it.best) metrics.addScalar('derl/best_score', it.best.score, it.iteration, wall);
      it.candidates.forEach((c, k) => metrics.addScalar('derl/candidate_score', c.score, it.iteration * cfg.population + k, wall));
      metrics.flush();
      fs.writeSync(history, `${JSON.stringify({ iteration: it.iteration, candidates: it.candidates, meanScore: it.meanScore, validFraction: it.validFraction, best: it.best, stats: it.stats })}\n`);
      fs.fsyncSync(history);
      log(`derl: iteration ${it.iteration}: mean ${it.meanScore.toFixed(3)}, valid ${(it.validFraction * 100).toFixed(0)}%, best ${it.best ? `${it.best.score.toFixed(3)} ${it.best.formula}` : '-'}`);
    },
  });
  fs.closeSync(history);

  // Selection. One inner run per formula is a noisy score (a formula's success rate moves by 0.3 or more
  // between inner seeds), so the best single score is mostly the luckiest seed. With rescoring, the best
  // `rescoreTop` distinct rewards of the search are trained again with `rescoreSeeds` fresh seeds each,
  // and the best mean of the fresh scores wins (the search's own score is left out: it was selected for
  // being high). Ties go to the higher search score.
  let best: { formula: string; score: number; searchScore: number } | null = result.best ? { ...result.best, searchScore: result.best.score } : null;
  let rescored: DerlRunSummary['rescored'];
  const top = cfg.rescoreTop ?? 0;
  const seeds = cfg.rescoreSeeds ?? 0;
  if (best && top > 0 && seeds > 0) {
    // Distinct rewards, not distinct strings: formulas that pay the same on every assignment of the
    // primitives (`g_goalHeld`, `1 + g_goalHeld` under scaled payment) are one candidate, named by its
    // first formula and scored by the best search score among them.
    const names = family.primitives.map((p) => p.name);
    const byReward = new Map<string, [string, number]>();
    for (const it of result.history) {
      for (const c of it.candidates) {
        if (!c.valid || c.threw) continue;
        const key = paymentSignature(parseFormula(c.formula, names), names, timing !== 'episode');
        const seen = byReward.get(key);
        byReward.set(key, [seen?.[0] ?? c.formula, Math.max(seen?.[1] ?? -Infinity, c.score)]);
      }
    }
    const chosen = [...byReward.values()].sort((a, b) => b[1] - a[1]).slice(0, top);
    const jobs = chosen.flatMap(([formula], k) => Array.from({ length: seeds }, (_, j): InnerJob => ({ envId: cfg.env, formula, seed: deriveSeed(cfg.seed, 'rescore', k, j), steps: cfg.innerSteps, evalSplit: validation, evalEpisodes: cfg.evalEpisodes, timing })));
    log(`derl: rescoring the best ${chosen.length} formulas with ${seeds} fresh seeds each`);
    const results = await execute(jobs, 'rescore');
    rescored = chosen.map(([formula, s], k) => {
      const scores = results.slice(k * seeds, (k + 1) * seeds).map((r) => {
        if ('error' in r) throw new Error(`derl: rescoring '${formula}' failed: ${r.error}`);
        innerRuns++;
        innerEnvSteps += r.envSteps;
        innerTrainSeconds += r.trainSeconds;
        return r.guard && r.guard.errors > 0 ? 0 : r.score;
      });
      return { formula, searchScore: s, scores, mean: scores.reduce((a, b) => a + b, 0) / scores.length };
    }).sort((a, b) => b.mean - a.mean || b.searchScore - a.searchScore);
    for (const r of rescored) log(`derl: rescored ${r.formula}: search ${r.searchScore.toFixed(3)}, fresh ${r.scores.map((x) => x.toFixed(3)).join(' ')} (mean ${r.mean.toFixed(3)})`);
    best = { formula: rescored[0].formula, score: rescored[0].mean, searchScore: rescored[0].searchScore };
    metrics.addScalar('derl/rescored_best', best.score, cfg.iterations, Date.now() / 1000);
  }

  let held: DerlRunSummary['heldOut'] = null;
  if (best) {
    writeFileAtomic(path.join(dir, 'best_formula.txt'), `${best.formula}\n`);
    writeFileAtomic(path.join(dir, 'reward', 'reward.js'), `${formulaSource(best.formula, family)}\n`);
    log(`derl: best formula ${best.formula} (validation ${best.score.toFixed(3)})${cfg.finalRun === false ? '' : `; final training ${cfg.finalSteps} steps, held-out ${heldOut}`}`);
  }
  if (best && cfg.finalRun !== false) {
    const finalJob: InnerJob = { envId: cfg.env, formula: best.formula, seed: deriveSeed(cfg.seed, 'final'), steps: cfg.finalSteps, evalSplit: heldOut, evalEpisodes: cfg.finalEpisodes, timing };
    const [final] = remote ? await remote([finalJob], 'final') : await runInnerJobs([finalJob], 1);
    if ('error' in final) throw new Error(`derl: final training with the best formula failed: ${final.error}`);
    held = { split: heldOut, successRate: final.score, trainSeconds: Math.round(final.trainSeconds * 10) / 10, envSteps: final.envSteps };
    metrics.addScalar('derl/held_out_success', final.score, cfg.iterations, Date.now() / 1000);
  }
  metrics.close();
  const summary: DerlRunSummary = {
    env: cfg.env,
    seed: cfg.seed,
    best: best ? { formula: best.formula, validationScore: best.score, searchScore: best.searchScore } : null,
    ...(rescored ? { rescored } : {}),
    heldOut: held,
    compute: {
      innerRuns, innerEnvSteps, innerTrainSeconds: Math.round(innerTrainSeconds), wallSeconds: Math.round((performance.now() - t0) / 100) / 10,
      parallel: remote ? 'workers' : parallel,
      ...(remoteInfo ? { distributed: { ...flowStats, redis: remoteInfo.redis } } : {}),
    },
    history: result.history.map((h) => ({ iteration: h.iteration, meanScore: h.meanScore, validFraction: h.validFraction, bestScore: h.best?.score ?? null })),
  };
  writeFileAtomic(path.join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return { dir, summary };
}

export async function main(argv: string[]): Promise<number> {
  try {
    const cfg = parseDerlArgs(argv);
    if (cfg === 'help') return 0;
    const { dir, summary } = await runDerlSearch(cfg, cfg.quiet ? () => {} : (m) => process.stderr.write(`${m}\n`));
    process.stderr.write(
      `derl: best ${summary.best ? summary.best.formula : '(none valid)'}; held-out ${summary.heldOut ? `${summary.heldOut.split} success ${(summary.heldOut.successRate * 100).toFixed(1)}%` : '-'}; ` +
        `${summary.compute.innerRuns} inner runs, ${summary.compute.wallSeconds} s\nderl: wrote ${dir}\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof DerlArgsError) {
      process.stderr.write(`derl: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`derl: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
