/**
 * `npm run train:grm` — train the Dopamine progress model (rewards/dopamine/grm.ts) on scripted-expert
 * demonstrations of the training tasks (Reach, Push, PickPlace, Stack), save it as
 * rewards/dopamine/grm.safetensors (shipped; `train:env --reward dopamine` loads it), and report its
 * accuracy: mean per-episode Spearman ρ between fused progress and true progress on held-out episodes of
 * the training tasks and of a new task (DrawerOpen) before and after one-shot adaptation.
 *
 *   npm run train:grm -- [--demos 30] [--epochs 15] [--seed 1] [--out FILE] [--json]
 *   npm run train:grm -- --record-demo robotics/DrawerOpen-v0 [--seed 7] --out demo.json   (one scripted-expert demo
 *                                                           for `train:env --reward dopamine --demo demo.json`)
 */
import { runIfMain } from './main_guard.ts';
import { Command } from 'commander';
import { Grm } from '../rewards/dopamine/grm.ts';
import { Rng } from '../sim/rng.ts';
import { adaptOneShot, demoPairsOf, GRM_WEIGHTS, progressCorrelation, recordEpisode, saveDemo, saveGrm, taskDef, toDemo, TRAIN_TASKS, VIEW_DIM } from './dopamine.ts';

export const ADAPT_TASK = 'robotics/DrawerOpen-v0';

export interface GrmReport {
  readonly demosPerTask: number;
  readonly pairs: number;
  readonly epochs: number;
  readonly finalMse: number;
  readonly seconds: number;
  readonly trainTasksHeldOut: Record<string, number>;
  readonly newTask: { task: string; before: { expert: number; perturbed: number }; after: { expert: number; perturbed: number }; adaptDemoSeed: number };
}

export function trainGrm(opts: { demos: number; epochs: number; seed: number; out?: string; log?: (m: string) => void }): { grm: Grm; report: GrmReport } {
  const log = opts.log ?? (() => {});
  const t0 = performance.now();
  const pairs = [];
  for (const id of TRAIN_TASKS) for (let s = 0; s < opts.demos; s++) pairs.push(...demoPairsOf(toDemo(recordEpisode(id, s))));
  log(`train:grm: ${pairs.length} hop pairs from ${opts.demos} demos × ${TRAIN_TASKS.length} tasks`);
  const rng = new Rng(opts.seed);
  const grm = new Grm({ inputDim: VIEW_DIM, rng });
  const finalMse = grm.fit(pairs, { epochs: opts.epochs, rng, onEpoch: (e, mse) => log(`  epoch ${e + 1}/${opts.epochs}: mse ${mse.toFixed(4)}`) });
  saveGrm(grm, opts.out ?? GRM_WEIGHTS, { demosPerTask: String(opts.demos), epochs: String(opts.epochs), seed: String(opts.seed), tasks: TRAIN_TASKS.join(',') });
  // Held-out seeds (≥ 10 000) never appear in training.
  const trainTasksHeldOut: Record<string, number> = {};
  for (const id of TRAIN_TASKS) {
    const eps = [0, 1, 2, 3, 4].map((k) => recordEpisode(id, 10_000 + k, k % 2 === 0 ? 0 : 0.3));
    trainTasksHeldOut[id] = progressCorrelation(grm, eps, recordEpisode(id, 10_100)).meanSpearman;
  }
  const expert = [0, 1, 2, 3, 4, 5].map((k) => recordEpisode(ADAPT_TASK, 20_000 + k));
  const perturbed = [0, 1, 2, 3, 4, 5].map((k) => recordEpisode(ADAPT_TASK, 20_100 + k, 0.3));
  const adaptDemoSeed = 20_200;
  const demo = recordEpisode(ADAPT_TASK, adaptDemoSeed);
  const before = { expert: progressCorrelation(grm, expert, demo).meanSpearman, perturbed: progressCorrelation(grm, perturbed, demo).meanSpearman };
  const adapted = adaptOneShot(grm, toDemo(demo));
  const after = { expert: progressCorrelation(adapted, expert, demo).meanSpearman, perturbed: progressCorrelation(adapted, perturbed, demo).meanSpearman };
  const report: GrmReport = {
    demosPerTask: opts.demos,
    pairs: pairs.length,
    epochs: opts.epochs,
    finalMse,
    seconds: (performance.now() - t0) / 1000,
    trainTasksHeldOut,
    newTask: { task: ADAPT_TASK, before, after, adaptDemoSeed },
  };
  return { grm, report };
}

export async function main(argv: string[]): Promise<number> {
  const int = (flag: string, min: number) => (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be an integer ≥ ${min}, got '${v}'`);
    return n;
  };
  const program = new Command('train:grm')
    .option('--demos <n>', 'expert demonstrations per training task', int('--demos', 1), 30)
    .option('--epochs <n>', 'training epochs', int('--epochs', 1), 15)
    .option('--seed <n>', 'seed', int('--seed', 0), 1)
    .option('--out <file>', 'weights file (default rewards/dopamine/grm.safetensors)')
    .option('--json', 'print the report as JSON', false)
    .option('--record-demo <id>', 'instead of training: record one scripted-expert demo of a robotics task to --out')
    .exitOverride();
  let o: { demos: number; epochs: number; seed: number; out?: string; json: boolean; recordDemo?: string };
  try {
    program.parse(argv, { from: 'user' });
    o = program.opts();
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    if (code === 0) return 0;
    process.stderr.write(`train:grm: ${(e as Error).message}\n`);
    return 2;
  }
  if (o.recordDemo !== undefined) {
    if (!o.out) {
      process.stderr.write('train:grm: --record-demo needs --out FILE\n');
      return 2;
    }
    try {
      taskDef(o.recordDemo);
    } catch (e) {
      process.stderr.write(`train:grm: --record-demo: ${(e as Error).message}\n`);
      return 2;
    }
    const ep = recordEpisode(o.recordDemo, o.seed);
    saveDemo(o.out, o.recordDemo, ep);
    process.stdout.write(`train:grm: recorded a ${ep.states.length - 1}-step ${ep.success ? 'successful' : 'unsuccessful'} expert demo of ${o.recordDemo} to ${o.out}\n`);
    return 0;
  }
  const { report } = trainGrm({ ...o, log: (m) => process.stderr.write(`${m}\n`) });
  process.stdout.write(o.json ? `${JSON.stringify(report)}\n` : `${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

runIfMain(import.meta.url, 'train:grm', main);
