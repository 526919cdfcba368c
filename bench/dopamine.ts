/**
 * `npm run bench -- --suite dopamine --json` — the issue's comparison (`DOPAMINE_RECORD` below: DrawerOpen
 * accuracy, PickPlace fine-tuned from a one-demo clone, three arms, three seeds). With any of `--tasks`,
 * `--steps`, `--gamma`, `--bc-demos`, `--seeds`, `--first-seed`, `--arms`, `--accuracy-only` it runs that
 * configuration instead: Dopamine shaping on robotics tasks where the sparse reward alone fails. Per task
 * (default DrawerOpen, the task the progress model never saw; Reach and Push were among its training
 * tasks):
 *
 * 1. progress-model accuracy: mean per-episode Spearman ρ of the fused progress with true progress on
 *    held-out episodes (scripted expert, and the expert perturbed with noise 0.3) for the GRM trained on
 *    Reach, Push, PickPlace and Stack (rewards/dopamine/grm.safetensors, `npm run train:grm`), before and
 *    after one-shot adaptation on a single expert demonstration;
 * 2. increment fidelity (cli/dopamine.ts `incrementFidelity`) of the adapted Φ on episodes with noise 0.3,
 *    0.6 and 1 (1 = uniform random actions, what an untrained policy does): PBRS feeds the learner
 *    γΦ(s') − Φ(s), so what matters is whether Φ's increments follow true progress;
 * 3. unless `accuracyOnly`, PPO (the task's preset, the same budget and seed for each arm) on
 *    - sparse: the success reward alone,
 *    - dopamine: sparse + γΦ(s') − Φ(s) with the adapted model's fused progress (PBRS, the learner's γ),
 *    - naive: sparse + Φ(s') (progress fed as reward, not potential-based — the "semantic trap"),
 *    - oracle (with `oracle: true`, env REWARDFORGE_BENCH_ORACLE=1 from the CLI): PBRS with the true staged
 *      progress as Φ — what a perfect progress model would give,
 *    judged by the env's success predicate over 20 deterministic evaluation episodes (mean return of those
 *    episodes under the sparse reward too), with the number of training episodes each run used, the
 *    training success against those rollouts (`trainingSuccess`), and how 10 more greedy episodes go in
 *    true progress (`behaviour`: does the naive arm dwell?). With `bcDemos` (CLI `--bc-demos N`) every
 *    arm fine-tunes the same behaviour clone of N expert demos instead of starting from scratch. `budgets`
 *    (CLI `--steps 100000,250000`) runs every arm and seed at each budget and reports mean success per
 *    arm and budget (`successVsBudget`); `arms` and `firstSeed` (CLI `--arms`, `--first-seed`) pick a
 *    subset, so seeds can be added to an earlier run.
 */
import { behaviourClone, clonedPolicy, defaultBcEpochs, type PretrainedActor } from '../agents/bc.ts';
import { evaluatePolicy } from '../agents/evaluate.ts';
import { AGENTS } from '../agents/index.ts';
import { defaultRegistry } from '../envs/index.ts';
import { deriveSeed } from '../sim/rng.ts';
import { adaptOneShot, expertDemonstrations, incrementFidelity, progressBehaviour, loadGrm, progressCorrelation, recordEpisode, RoboticsViews, taskDef, toDemo, trueProgress } from '../cli/dopamine.ts';
import { ADAPT_TASK } from '../cli/train_grm.ts';
import type { RoboticsState } from '../envs/robotics/state.ts';
import { ExpertReward } from '../envs/robotics/expert_reward.ts';
import type { Grm } from '../rewards/dopamine/grm.ts';
import { DopaminePotential, dopamineShaping } from '../rewards/dopamine/potential.ts';
import { PotentialShaping } from '../rewards/shaping/pbrs.ts';
import type { RewardFunction } from '../sim/reward.ts';
import { trainAndEvaluate } from './text2reward.ts';

export interface DopamineBenchOptions {
  readonly quick?: boolean;
  readonly seeds?: number;
  /** The first seed (default 1): seeds are firstSeed … firstSeed + seeds − 1. */
  readonly firstSeed?: number;
  /** PPO budgets in env steps, one set of runs per budget (default: the task's preset budget). */
  readonly budgets?: readonly number[];
  /** Which PPO arms to run (default sparse, dopamine, naive; plus oracle with `oracle`). */
  readonly arms?: readonly Arm[];
  /** Robotics task ids (default: the adaptation task, DrawerOpen). */
  readonly tasks?: readonly string[];
  /** Accuracy and increment fidelity only, no PPO arms. */
  readonly accuracyOnly?: boolean;
  /** Also run PBRS with the true staged progress as Φ (a diagnostic upper bound for the learned Φ). */
  readonly oracle?: boolean;
  /**
   * Discount for every PPO arm and for the shaping (default: the task's PPO preset). PBRS pays
   * γΦ(s') − Φ(s): at the grasp preset's γ = 0.8 a step that raises Φ by less than 0.2·Φ is paid a
   * negative amount, so the shaping mostly charges for standing in a high-progress state.
   */
  readonly gamma?: number;
  /**
   * Start every arm from an actor behaviour-cloned (agents/bc.ts) on this many scripted-expert demos:
   * the adaptation demo first, then the next seeds. Robo-Dopamine fine-tunes a pretrained policy with its
   * shaping rather than training from scratch. Default: from scratch.
   */
  readonly bcDemos?: number;
  readonly log?: (m: string) => void;
}

export const DOPAMINE_ARMS = ['sparse', 'dopamine', 'naive', 'oracle'] as const;
export type Arm = (typeof DOPAMINE_ARMS)[number];

function benchTask(envId: string, base: Grm, opts: DopamineBenchOptions): Record<string, unknown> {
  const log = opts.log ?? (() => {});
  const task = taskDef(envId);

  // 1. accuracy
  const expert = [0, 1, 2, 3, 4, 5].map((k) => recordEpisode(envId, 30_000 + k));
  const perturbed = [0, 1, 2, 3, 4, 5].map((k) => recordEpisode(envId, 30_100 + k, 0.3));
  const demoSeed = 30_200;
  const demo = recordEpisode(envId, demoSeed);
  const adapted = adaptOneShot(base, toDemo(demo));
  const accuracy = {
    before: { expert: progressCorrelation(base, expert, demo).meanSpearman, perturbed: progressCorrelation(base, perturbed, demo).meanSpearman },
    after: { expert: progressCorrelation(adapted, expert, demo).meanSpearman, perturbed: progressCorrelation(adapted, perturbed, demo).meanSpearman },
    episodes: { expert: expert.length, perturbed: perturbed.length },
    adaptDemo: { seed: demoSeed, steps: demo.views.length - 1 },
  };
  log(`dopamine ${envId} accuracy (Spearman with true progress): before ${JSON.stringify(accuracy.before)}, after one-shot ${JSON.stringify(accuracy.after)}`);

  // 2. increment fidelity of the adapted Φ, from near-expert to random behaviour
  const increments: Record<string, unknown> = {};
  for (const noise of [0.3, 0.6, 1]) {
    const eps = [0, 1, 2, 3, 4, 5].map((k) => recordEpisode(envId, 40_000 + k, noise));
    increments[`noise ${noise}`] = incrementFidelity(adapted, eps, demo);
  }
  log(`dopamine ${envId} increment fidelity: ${JSON.stringify(increments)}`);
  if (opts.accuracyOnly) return { accuracy, increments };

  // 3. PPO arms: the same preset, budget and seed; the gold reward is the sparse success reward.
  const seeds = Array.from({ length: opts.seeds ?? 1 }, (_, i) => i + (opts.firstSeed ?? 1));
  const gamma = opts.gamma ?? (AGENTS.ppo.schema.parse(AGENTS.ppo.presets[envId] ?? {}) as { gamma: number }).gamma;
  const budget = opts.quick ? 8192 : undefined;
  const armNames: Arm[] = [...(opts.arms ?? ['sparse', 'dopamine', 'naive']), ...(opts.oracle && !opts.arms?.includes('oracle') ? (['oracle'] as const) : [])];
  const arms: Partial<Record<Arm, unknown[]>> = Object.fromEntries(armNames.map((a) => [a, []]));
  const expertReward = new ExpertReward(task);
  const oraclePhi = (s: RoboticsState): number => trueProgress(expertReward, s);
  let initActor: PretrainedActor | undefined;
  let bc: Record<string, unknown> | undefined;
  if (opts.bcDemos) {
    const ppoArgs = AGENTS.ppo.schema.parse(AGENTS.ppo.presets[envId] ?? {}) as { hidden: number[]; normalizeObs: boolean; clipObs: number };
    const demoSeeds = Array.from({ length: opts.bcDemos }, (_, i) => demoSeed + i);
    const { demos } = expertDemonstrations(envId, demoSeeds);
    initActor = behaviourClone(demos, { hidden: ppoArgs.hidden, normalizeObs: ppoArgs.normalizeObs, clipObs: ppoArgs.clipObs, epochs: defaultBcEpochs(demos.count) });
    const evalEnv = defaultRegistry.makeVec(envId, 20, { kwargs: { reward: 'sparse' } });
    const clone = clonedPolicy(initActor);
    const ev = evaluatePolicy(evalEnv, clone, 20, deriveSeed(seeds[0], 'text2reward-eval'));
    evalEnv.close();
    bc = { demos: opts.bcDemos, demoSeeds, samples: demos.count, finalLoss: initActor.finalLoss, logStd: initActor.logStd, successBeforeFineTuning: ev.successRate, behaviour: progressBehaviour(envId, clone, deriveSeed(seeds[0], 'dopamine-behaviour')) };
    log(`dopamine ${envId} behaviour cloning on ${opts.bcDemos} demo(s), ${demos.count} steps: loss ${initActor.finalLoss.toFixed(4)}, success before fine-tuning ${ev.successRate.toFixed(2)}`);
  }
  const budgets: (number | undefined)[] = opts.quick ? [budget] : opts.budgets?.length ? [...opts.budgets] : [undefined];
  // Mean success per arm and budget ("success vs rollouts"), next to the per-run records.
  const curve: Record<string, Record<string, { meanSuccess: number; meanEpisodes: number; seeds: number }>> = {};
  for (const b of budgets) {
    for (const seed of seeds) {
      for (const arm of armNames) {
        const views = new RoboticsViews(task);
        const pot = new DopaminePotential<RoboticsState>(adapted, (s) => views.views(s), demo.views[0], demo.views[demo.views.length - 1]);
        const reward: RewardFunction | undefined =
          arm === 'oracle'
            ? (new PotentialShaping<RoboticsState>(oraclePhi, gamma, 'oracle-pbrs') as RewardFunction)
            : arm === 'dopamine' ? (dopamineShaping(pot, gamma) as RewardFunction) : arm === 'naive' ? ({ name: 'naive-progress', compute: (_s: unknown, _a: unknown, next: unknown) => pot.phi(next as RoboticsState) } as RewardFunction) : undefined;
        const out = { ...trainAndEvaluate(envId, { reward: 'sparse' }, reward, seed, b, 'add', opts.gamma === undefined ? {} : { gamma }, initActor, (policy) => progressBehaviour(envId, policy, deriveSeed(seed, 'dopamine-behaviour'))), gamma };
        arms[arm]!.push({ ...out, potentialEvaluations: pot.evaluations });
        const cell = ((curve[arm] ??= {})[String(out.steps)] ??= { meanSuccess: 0, meanEpisodes: 0, seeds: 0 });
        cell.meanSuccess = (cell.meanSuccess * cell.seeds + out.successRate) / (cell.seeds + 1);
        cell.meanEpisodes = (cell.meanEpisodes * cell.seeds + out.episodes) / (cell.seeds + 1);
        cell.seeds++;
        log(`dopamine ${envId} ${arm} seed ${seed}: success ${out.successRate.toFixed(2)} after ${out.steps} steps, ${out.episodes} training episodes (${out.seconds} s); greedy episodes ${JSON.stringify(out.behaviour)}`);
      }
    }
  }
  return { accuracy, increments, ...(bc ? { behaviourCloning: bc } : {}), ppo: arms, successVsBudget: curve };
}

/**
 * The issue's comparison, what `npm run bench -- --suite dopamine --json` runs when no other dopamine flag
 * is given (`record: true`): the progress model's accuracy on the new task (DrawerOpen) before and after
 * one-shot adaptation, then PickPlace (where sparse PPO fails) with every arm fine-tuning the same
 * one-demo clone at γ = 0.99, 1 M steps, seeds 1–3 (BENCHMARKS.md "Dopamine shaping"; about 100 min in
 * one process on a 2-core machine).
 */
export const DOPAMINE_RECORD = { accuracyTask: ADAPT_TASK, task: 'robotics/PickPlace-v0', bcDemos: 1, gamma: 0.99, budget: 1_000_000, seeds: 3 } as const;

export function benchDopamine(opts: DopamineBenchOptions & { readonly record?: boolean } = {}): Record<string, unknown> {
  const base = loadGrm();
  const perTask: Record<string, unknown> = {};
  const r = DOPAMINE_RECORD;
  if (opts.record) {
    perTask[r.accuracyTask] = benchTask(r.accuracyTask, base, { ...opts, accuracyOnly: true });
    perTask[r.task] = benchTask(r.task, base, { ...opts, bcDemos: r.bcDemos, gamma: r.gamma, budgets: [r.budget], seeds: r.seeds, firstSeed: 1 });
  } else {
    for (const id of opts.tasks ?? [ADAPT_TASK]) perTask[id] = benchTask(id, base, opts);
  }
  return {
    progressModel: 'GRM (rewards/dopamine/grm.ts) trained on Reach, Push, PickPlace, Stack demos; one-shot adapted on one demo of each benched task',
    newTask: ADAPT_TASK,
    ...(opts.record ? { record: `${r.accuracyTask}: accuracy only; ${r.task}: every arm fine-tunes a clone of ${r.bcDemos} demo(s), γ ${r.gamma}, ${opts.quick ? '8192 steps (--quick)' : `${r.budget} steps`}, seeds 1–${r.seeds}` } : {}),
    tasks: perTask,
  };
}
