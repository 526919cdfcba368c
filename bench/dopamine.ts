/**
 * `npm run bench -- --suite dopamine --json` — Dopamine shaping on a robotics task where the sparse reward
 * alone fails (DrawerOpen):
 *
 * 1. progress-model accuracy: mean per-episode Spearman ρ of the fused progress with true progress on
 *    held-out DrawerOpen episodes (scripted expert, and the expert perturbed with noise 0.3) for the GRM
 *    trained on the other four tasks (rewards/dopamine/grm.safetensors, `npm run train:grm`), before and
 *    after one-shot adaptation on a single expert demonstration;
 * 2. PPO (the task's preset, the same budget and seed for each arm) on
 *    - sparse: the success reward alone,
 *    - dopamine: sparse + γΦ(s') − Φ(s) with the adapted model's fused progress (PBRS, the learner's γ),
 *    - naive: sparse + Φ(s') (progress fed as reward, not potential-based — the "semantic trap"),
 *    - oracle (with `oracle: true`, env REWARDFORGE_BENCH_ORACLE=1 from the CLI): PBRS with the true staged
 *      progress as Φ — what a perfect progress model would give,
 *    judged by the env's success predicate over 20 deterministic evaluation episodes (mean return of those
 *    episodes under the sparse reward too).
 */
import { AGENTS } from '../agents/index.ts';
import { adaptOneShot, loadGrm, progressCorrelation, recordEpisode, RoboticsViews, taskDef, toDemo } from '../cli/dopamine.ts';
import { ADAPT_TASK } from '../cli/train_grm.ts';
import type { RoboticsState } from '../envs/robotics/state.ts';
import { ExpertReward } from '../envs/robotics/expert_reward.ts';
import { DopaminePotential, dopamineShaping } from '../rewards/dopamine/potential.ts';
import { PotentialShaping } from '../rewards/shaping/pbrs.ts';
import type { RewardFunction } from '../sim/reward.ts';
import { trainAndEvaluate } from './text2reward.ts';

export interface DopamineBenchOptions {
  readonly quick?: boolean;
  readonly seeds?: number;
  /** Also run PBRS with the true staged progress as Φ (a diagnostic upper bound for the learned Φ). */
  readonly oracle?: boolean;
  readonly log?: (m: string) => void;
}

export function benchDopamine(opts: DopamineBenchOptions = {}): Record<string, unknown> {
  const log = opts.log ?? (() => {});
  const envId = ADAPT_TASK;
  const task = taskDef(envId);
  const base = loadGrm();

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
  log(`dopamine accuracy (Spearman with true progress): before ${JSON.stringify(accuracy.before)}, after one-shot ${JSON.stringify(accuracy.after)}`);

  // 2. PPO arms: the same preset, budget and seed; the gold reward is the sparse success reward.
  const seeds = Array.from({ length: opts.seeds ?? 1 }, (_, i) => i + 1);
  const gamma = (AGENTS.ppo.schema.parse(AGENTS.ppo.presets[envId] ?? {}) as { gamma: number }).gamma;
  const budget = opts.quick ? 8192 : undefined;
  const arms: Record<string, unknown[]> = { sparse: [], dopamine: [], naive: [], ...(opts.oracle ? { oracle: [] } : {}) };
  const trueProgress = new ExpertReward(task);
  const oraclePhi = (s: RoboticsState): number => {
    const r = trueProgress.compute(s, [0, 0, 0, 0], s, {});
    return r >= 1 ? 1 : Math.max(0, Math.min(1, r + 1));
  };
  for (const seed of seeds) {
    for (const arm of ['sparse', 'dopamine', 'naive', ...(opts.oracle ? (['oracle'] as const) : [])] as const) {
      const views = new RoboticsViews(task);
      const pot = new DopaminePotential<RoboticsState>(adapted, (s) => views.views(s), demo.views[0], demo.views[demo.views.length - 1]);
      const reward: RewardFunction | undefined =
        arm === 'oracle'
          ? (new PotentialShaping<RoboticsState>(oraclePhi, gamma, 'oracle-pbrs') as RewardFunction)
          : arm === 'dopamine' ? (dopamineShaping(pot, gamma) as RewardFunction) : arm === 'naive' ? ({ name: 'naive-progress', compute: (_s: unknown, _a: unknown, next: unknown) => pot.phi(next as RoboticsState) } as RewardFunction) : undefined;
      const out = trainAndEvaluate(envId, { reward: 'sparse' }, reward, seed, budget, 'add');
      arms[arm].push({ ...out, potentialEvaluations: pot.evaluations });
      log(`dopamine ${arm} seed ${seed}: success ${out.successRate.toFixed(2)} after ${out.steps} steps (${out.seconds} s)`);
    }
  }
  return { task: envId, progressModel: 'GRM (rewards/dopamine/grm.ts) trained on Reach, Push, PickPlace, Stack demos; one-shot adapted on one DrawerOpen demo', accuracy, ppo: arms };
}
