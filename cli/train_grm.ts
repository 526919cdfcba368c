/**
 * `npm run train:grm` — train the Dopamine progress model (rewards/dopamine/grm.ts) on scripted-expert
 * demonstrations of the training tasks (Reach, Push, PickPlace, Stack), save it as
 * rewards/dopamine/grm.safetensors (shipped; `train:env --reward dopamine` loads it), and report its
 * accuracy: mean per-episode Spearman ρ between fused progress and true progress on held-out episodes of
 * the training tasks and of a new task (DrawerOpen) before and after one-shot adaptation.
 *
 *   npm run train:grm -- [--demos 20] [--perturbed 20] [--epochs 12] [--seed 1] [--out FILE] [--json]
 *   npm run train:grm -- --record-demo robotics/DrawerOpen-v0 [--seed 7] --out demo.json   (one scripted-expert demo
 *                                                           for `train:env --reward dopamine --demo demo.json`)
 */
import { runIfMain } from './main_guard.ts';
import { Command } from 'commander';
import { demoPairs, Grm, type HopPair, progressPairs } from '../rewards/dopamine/grm.ts';
import { Rng } from '../sim/rng.ts';
import { adaptOneShot, GRM_WEIGHTS, PER_SUBTASK, progressCorrelation, recordEpisode, saveDemo, saveGrm, taskDef, toDemo, TRAIN_TASKS, VIEW_DIM } from './dopamine.ts';

export const ADAPT_TASK = 'robotics/DrawerOpen-v0';

export interface GrmReport {
  readonly demosPerTask: number;
  readonly perturbedPerTask: number;
  readonly pairs: number;
  readonly epochs: number;
  readonly finalMse: number;
  readonly seconds: number;
  readonly trainTasksHeldOut: Record<string, number>;
  readonly newTask: { task: string; before: { expert: number; perturbed: number }; after: { expert: number; perturbed: number }; adaptDemoSeed: number };
}

export function trainGrm(opts: { demos: number; perturbed: number; epochs: number; seed: number; out?: string; log?: (m: string) => void }): { grm: Grm; report: GrmReport } {
  const log = opts.log ?? (() => {});
  const t0 = performance.now();
  const rng = new Rng(opts.seed);
  const pairs: HopPair[] = [];
  for (const id of TRAIN_TASKS) {
    const demos = Array.from({ length: opts.demos }, (_, s) => recordEpisode(id, s));
    demos.forEach((d, s) => {
      // References from this demo (half) or from another demo of the task, as at use, where START and GOAL
      // come from one demonstration and the policy's scenes differ from it.
      const other = demos[(s + 1 + rng.int(demos.length - 1)) % demos.length];
      pairs.push(...demoPairs(toDemo(d), PER_SUBTASK), ...demoPairs(toDemo(d), PER_SUBTASK, { start: other.views[0], goal: other.views[other.views.length - 1] }));
    });
    // Perturbed-expert episodes (noise 0.3 and 0.6) of the same scenes, labelled from true progress.
    for (let s = 0; s < opts.perturbed; s++) {
      const ep = recordEpisode(id, s, s % 2 === 0 ? 0.3 : 0.6);
      const ref = demos[rng.int(demos.length)];
      pairs.push(...progressPairs(ep.views, ep.progress, 150, { start: ref.views[0], goal: ref.views[ref.views.length - 1] }, rng));
    }
  }
  log(`train:grm: ${pairs.length} hop pairs from ${opts.demos} demos and ${opts.perturbed} perturbed episodes × ${TRAIN_TASKS.length} tasks`);
  const grm = new Grm({ inputDim: VIEW_DIM, rng });
  const finalMse = grm.fit(pairs, { epochs: opts.epochs, rng, onEpoch: (e, mse) => log(`  epoch ${e + 1}/${opts.epochs}: mse ${mse.toFixed(4)}`) });
  saveGrm(grm, opts.out ?? GRM_WEIGHTS, { demosPerTask: String(opts.demos), perturbedPerTask: String(opts.perturbed), epochs: String(opts.epochs), seed: String(opts.seed), tasks: TRAIN_TASKS.join(',') });
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
    perturbedPerTask: opts.perturbed,
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
    .option('--demos <n>', 'expert demonstrations per training task', int('--demos', 1), 20)
    .option('--perturbed <n>', 'perturbed-expert episodes per training task (labelled from true progress)', int('--perturbed', 0), 20)
    .option('--epochs <n>', 'training epochs', int('--epochs', 1), 12)
    .option('--seed <n>', 'seed', int('--seed', 0), 1)
    .option('--out <file>', 'weights file (default rewards/dopamine/grm.safetensors)')
    .option('--json', 'print the report as JSON', false)
    .option('--record-demo <id>', 'instead of training: record one scripted-expert demo of a robotics task to --out')
    .exitOverride();
  let o: { demos: number; perturbed: number; epochs: number; seed: number; out?: string; json: boolean; recordDemo?: string };
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
