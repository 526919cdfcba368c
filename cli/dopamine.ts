/**
 * The Dopamine progress model's composition with the robotics family: multi-view vectors of robotics
 * states (two camera renders + a fixed-width state vector), scripted-expert demonstrations with their
 * true progress, GRM training on the training tasks, one-shot adaptation, and the correlation of the
 * fused progress with true progress.
 *
 * True progress of a state is the expert staged reward's progress: `staged / maxStaged` before success,
 * 1 on success (envs/robotics/tasks/*: r = staged/max − 1 before success). Subtask boundaries of a demo
 * (for the step-wise labels) are the first states whose true progress reaches 1/3 and 2/3 — the role a
 * human annotator plays in Robo-Dopamine.
 */
import fs from 'node:fs';
import { type Demonstrations, stackDemonstrations } from '../agents/bc.ts';
import type { GreedyPolicy } from '../agents/context.ts';
import { make } from '../envs/index.ts';
import { ExpertReward } from '../envs/robotics/expert_reward.ts';
import { HOOK_OFFSET_Y } from '../envs/robotics/geometry.ts';
import { ROBOTICS_TASKS } from '../envs/robotics/registry.ts';
import type { RoboticsState } from '../envs/robotics/state.ts';
import { StateRenderer } from '../envs/robotics/state_render.ts';
import type { TaskDef } from '../envs/robotics/task.ts';
import { type Demo, demoPairs, Grm, viewFeatures } from '../rewards/dopamine/grm.ts';
import { DopaminePotential, dopamineShaping } from '../rewards/dopamine/potential.ts';
import type { RewardFunction } from '../sim/reward.ts';
import { spearman } from '../rewards/vlm/spearman.ts';
import { pearson } from '../rewards/compare/epic.ts';
import type { Env } from '../sim/env.ts';
import { decodeSafetensors, encodeSafetensors, type TensorMap } from '../sim/io/safetensors.ts';
import { writeFileAtomic } from '../sim/io/atomic.ts';
import { Rng } from '../sim/rng.ts';

export const DOPAMINE_CAMERAS = ['front', 'side'] as const;
export const RENDER_SIZE = 32;
export const VIEW_SIDE = 8;
/**
 * The state view: entity-centric relations rather than raw positions (see `RoboticsViews`), the same 19
 * slots in every task, so a model trained on Reach, Push, PickPlace and Stack reads a drawer's handle as
 * "the thing to move to the goal" as it reads a cube.
 */
export const STATE_FEATURES = 19;
export const VIEW_DIM = DOPAMINE_CAMERAS.length * VIEW_SIDE * VIEW_SIDE * 3 + STATE_FEATURES;
export const TRAIN_TASKS = ['robotics/Reach-v0', 'robotics/Push-v0', 'robotics/PickPlace-v0', 'robotics/Stack-v0'];
export const GRM_WEIGHTS = new URL('../rewards/dopamine/grm.safetensors', import.meta.url);

export function taskDef(id: string): TaskDef {
  const t = ROBOTICS_TASKS.find((x) => x.id === id);
  if (!t) throw new RangeError(`dopamine: '${id}' is not a robotics task (${ROBOTICS_TASKS.map((x) => x.id).join(', ')})`);
  return t;
}

/** Scale of relative positions and distances in the state view (metres → about unit range). */
const REL_SCALE = 5;

/**
 * The multi-view vector of robotics states of one task: two camera renders (front, side) box-averaged to
 * 8×8 RGB, plus the state features as a third view. The state view is entity-centric: with m the
 * manipulated entity (the cube, cube A in Stack, the drawer's hook point in DrawerOpen, the TCP itself in
 * Reach) and g the task's goal —
 *
 * | slot  | feature                                   |
 * |-------|-------------------------------------------|
 * | 0–2   | TCP position                              |
 * | 3     | gripper openness                          |
 * | 4     | m is grasped (0/1)                        |
 * | 5–8   | m − TCP (×5) and its norm                 |
 * | 9–12  | g − m (×5) and its norm                   |
 * | 13–16 | g − TCP (×5) and its norm                 |
 * | 17    | height of m above the table (×10)         |
 * | 18    | drawer opening (×5; 0 without a drawer)   |
 *
 * Why relations: the staged progress of every task here is a function of these distances, and the same
 * slots mean the same thing across tasks. With the earlier raw-position view (and drawer slots that were
 * zero in every training task), the learned Φ's step-to-step increments on DrawerOpen did not correlate
 * with true progress at all (Pearson −0.11 to 0.12 under noisy and random actions); with this view they
 * do (both in BENCHMARKS.md "Dopamine shaping", increment-fidelity table).
 */
export class RoboticsViews {
  private readonly renderer: StateRenderer;
  private readonly extra = new Float32Array(STATE_FEATURES);

  constructor(readonly task: TaskDef) {
    this.renderer = new StateRenderer(task);
  }

  /** The state view alone (`STATE_FEATURES` slots; the returned array is reused by the next call). */
  stateView(s: RoboticsState): Float32Array {
    const x = this.extra;
    const ee = s.robot.ee.p;
    const obj = s.cube ?? s.cubeA;
    const hx = s.drawer ? s.drawer.handle.p : undefined;
    const g = s.goal;
    let d1 = 0, d2 = 0, d3 = 0;
    let mz = ee[2];
    for (let k = 0; k < 3; k++) {
      const m = obj ? obj.pose.p[k] : hx ? hx[k] + (k === 1 ? HOOK_OFFSET_Y : 0) : ee[k];
      if (k === 2) mz = m;
      x[k] = ee[k];
      x[5 + k] = (m - ee[k]) * REL_SCALE;
      x[9 + k] = (g[k] - m) * REL_SCALE;
      x[13 + k] = (g[k] - ee[k]) * REL_SCALE;
      d1 += x[5 + k] * x[5 + k];
      d2 += x[9 + k] * x[9 + k];
      d3 += x[13 + k] * x[13 + k];
    }
    x[3] = s.robot.gripperOpenness;
    x[4] = obj?.isGrasped ? 1 : 0;
    x[8] = Math.sqrt(d1);
    x[12] = Math.sqrt(d2);
    x[16] = Math.sqrt(d3);
    x[17] = mz * 10;
    x[18] = s.drawer ? s.drawer.qpos * REL_SCALE : 0;
    return x;
  }

  views(s: RoboticsState): Float32Array {
    const frames = DOPAMINE_CAMERAS.map((c) => this.renderer.render(s, c, RENDER_SIZE, RENDER_SIZE));
    return viewFeatures(frames, VIEW_SIDE, this.stateView(s));
  }
}

/** True progress of a state: the expert staged reward's staged/max before success (r + 1, clipped), 1 on success. */
export function trueProgress(expertReward: ExpertReward, s: RoboticsState): number {
  const r = expertReward.compute(s, [0, 0, 0, 0], s, {});
  return r >= 1 ? 1 : Math.max(0, Math.min(1, r + 1));
}

/**
 * How a greedy policy's episodes go in true progress (a task's staged progress): per episode the
 * length, success, the highest and the final progress, and the share of its steps spent at progress
 * ≥ `near` without having succeeded ("dwelling near done", the semantic trap's signature). Means over
 * `episodes` episodes from seeds seed, seed + 1, ….
 */
export function progressBehaviour(id: string, policy: GreedyPolicy, seed: number, episodes = 10, near = 0.8): Record<string, number> {
  const task = taskDef(id);
  const expertReward = new ExpertReward(task);
  let len = 0, wins = 0, maxP = 0, finalP = 0, dwell = 0;
  const action = new Float32Array(policy.actDim);
  for (let e = 0; e < episodes; e++) {
    const env = make(id) as Env<Float32Array, Float32Array, RoboticsState>;
    let [obs] = env.reset({ seed: seed + e });
    let best = trueProgress(expertReward, env.state());
    let last = best, steps = 0, nearSteps = 0, ok = false;
    for (let t = 0; t < task.maxEpisodeSteps; t++) {
      policy.act(obs, 1, action);
      const [o, , term, trunc] = env.step(action);
      obs = o;
      steps++;
      const s = env.state();
      last = trueProgress(expertReward, s);
      best = Math.max(best, last);
      if (term || trunc) {
        ok = env.success(s);
        break;
      }
      if (last >= near) nearSteps++;
    }
    env.close();
    len += steps;
    wins += ok ? 1 : 0;
    maxP += best;
    finalP += last;
    dwell += nearSteps / steps;
  }
  const r = (v: number) => Math.round((v / episodes) * 1000) / 1000;
  return { episodes, meanLength: r(len), success: r(wins), meanMaxProgress: r(maxP), meanFinalProgress: r(finalP), [`shareOfStepsAtProgress≥${near}`]: r(dwell) };
}

export interface RecordedEpisode {
  /** The state snapshots, first (reset) to last. */
  readonly states: RoboticsState[];
  readonly views: Float32Array[];
  readonly progress: number[];
  readonly success: boolean;
}

/**
 * One episode of the scripted expert (noise 0) or a perturbed expert: with probability `noise` an
 * action is uniform random, otherwise the expert's plus N(0, noise²). Stops at termination or the limit.
 */
export function recordEpisode(id: string, seed: number, noise = 0, views?: RoboticsViews): RecordedEpisode {
  const task = taskDef(id);
  const v = views ?? new RoboticsViews(task);
  const env = make(id) as Env<Float32Array, Float32Array, RoboticsState>;
  const expertReward = new ExpertReward(task);
  const rng = new Rng(seed ^ 0x5f3759df);
  env.reset({ seed });
  let state = env.state();
  const progressOf = (s: RoboticsState): number => trueProgress(expertReward, s);
  const out: RecordedEpisode = { states: [state], views: [v.views(state)], progress: [progressOf(state)], success: false };
  for (let t = 0; t < task.maxEpisodeSteps; t++) {
    const a = Float32Array.from(task.expert(state));
    if (noise > 0) {
      const random = rng.random() < noise;
      for (let k = 0; k < 4; k++) a[k] = Math.max(-1, Math.min(1, random ? rng.uniform(-1, 1) : a[k] + noise * rng.normal()));
    }
    const [, , term, trunc] = env.step(a);
    state = env.state();
    out.states.push(state);
    out.views.push(v.views(state));
    out.progress.push(progressOf(state));
    if (term || trunc) {
      (out as { success: boolean }).success = env.success(state);
      break;
    }
  }
  env.close();
  return out;
}

/**
 * The scripted expert's (observation, action) pairs on episodes of `id` started from `seeds`, for
 * behaviour cloning (agents/bc.ts). Observations are the env's own (what PPO reads), not the GRM's views.
 */
export function expertDemonstrations(id: string, seeds: readonly number[]): { demos: Demonstrations; episodes: number; successes: number } {
  const task = taskDef(id);
  const pairs: { obs: Float32Array; action: Float32Array }[] = [];
  let successes = 0;
  for (const seed of seeds) {
    const env = make(id) as Env<Float32Array, Float32Array, RoboticsState>;
    let [obs] = env.reset({ seed });
    for (let t = 0; t < task.maxEpisodeSteps; t++) {
      const state = env.state();
      const a = Float32Array.from(task.expert(state));
      pairs.push({ obs: Float32Array.from(obs), action: a });
      const [o, , term, trunc] = env.step(a);
      obs = o;
      if (term || trunc) {
        if (env.success(env.state())) successes++;
        break;
      }
    }
    env.close();
  }
  return { demos: stackDemonstrations(pairs), episodes: seeds.length, successes };
}

/** Subtask boundaries: the first states whose true progress reaches 1/3 and 2/3 (strictly inside). */
export function boundariesOf(progress: readonly number[]): number[] {
  const out: number[] = [];
  for (const level of [1 / 3, 2 / 3]) {
    const t = progress.findIndex((p) => p >= level);
    if (t > (out.at(-1) ?? 0) && t < progress.length - 1) out.push(t);
  }
  return out;
}

export function toDemo(ep: RecordedEpisode): Demo {
  return { views: ep.views, boundaries: boundariesOf(ep.progress) };
}

/** Mean per-episode Spearman ρ between the fused progress and true progress (episodes whose true progress varies). */
export function progressCorrelation(grm: Grm, episodes: readonly RecordedEpisode[], reference: RecordedEpisode): { meanSpearman: number; episodes: number } {
  const pot = new DopaminePotential<object>(grm, () => new Float32Array(0), reference.views[0], reference.views[reference.views.length - 1]);
  const rhos: number[] = [];
  for (const ep of episodes) {
    const phi = ep.views.map((v) => pot.progressOf(v));
    const rho = spearman(phi, ep.progress);
    if (Number.isFinite(rho)) rhos.push(rho);
  }
  return { meanSpearman: rhos.reduce((s, x) => s + x, 0) / Math.max(1, rhos.length), episodes: rhos.length };
}

/**
 * What PBRS feeds the learner is Φ's step-to-step increment, not its level. Over the transitions of
 * `episodes`: Pearson r of Φ with true progress (levels), Pearson r of ΔΦ with Δ true progress
 * (increments), and the RMS of each ΔΦ. A learned Φ whose increments are mostly noise adds noise to
 * every step's reward even when its per-episode rank correlation is high.
 */
export function incrementFidelity(grm: Grm, episodes: readonly RecordedEpisode[], reference: RecordedEpisode): { levelR: number; deltaR: number; rmsDeltaLearned: number; rmsDeltaTrue: number; transitions: number } {
  const pot = new DopaminePotential<object>(grm, () => new Float32Array(0), reference.views[0], reference.views[reference.views.length - 1]);
  const ll: number[] = [], lt: number[] = [], dl: number[] = [], dt: number[] = [];
  for (const ep of episodes) {
    const phi = ep.views.map((v) => pot.progressOf(v));
    for (let t = 1; t < phi.length; t++) {
      ll.push(phi[t]);
      lt.push(ep.progress[t]);
      dl.push(phi[t] - phi[t - 1]);
      dt.push(ep.progress[t] - ep.progress[t - 1]);
    }
  }
  const rms = (a: readonly number[]): number => Math.sqrt(a.reduce((q, x) => q + x * x, 0) / Math.max(1, a.length));
  return { levelR: pearson(ll, lt), deltaR: pearson(dl, dt), rmsDeltaLearned: rms(dl), rmsDeltaTrue: rms(dt), transitions: dl.length };
}

export function saveGrm(grm: Grm, path: URL | string, meta: Record<string, string>): void {
  const tensors: TensorMap = {};
  for (const t of grm.params()) tensors[t.name!] = { dtype: 'F32', shape: [...t.shape], data: t.data.slice() };
  writeFileAtomic(typeof path === 'string' ? path : path.pathname, encodeSafetensors(tensors, { viewDim: String(VIEW_DIM), ...meta }));
}

export function loadGrm(path: URL | string = GRM_WEIGHTS): Grm {
  const file = typeof path === 'string' ? path : path.pathname;
  if (!fs.existsSync(file)) throw new Error(`dopamine: no GRM weights at ${file}; run npm run train:grm`);
  const { tensors, metadata } = decodeSafetensors(fs.readFileSync(file));
  if (metadata.viewDim !== String(VIEW_DIM)) throw new Error(`dopamine: ${file} was trained on ${metadata.viewDim}-wide views, this build makes ${VIEW_DIM}`);
  const grm = new Grm({ inputDim: VIEW_DIM, rng: new Rng(0) });
  for (const t of grm.params()) {
    const src = tensors[t.name!];
    if (!src || src.data.length !== t.data.length) throw new Error(`dopamine: ${file} lacks or mis-sizes tensor ${t.name}`);
    t.data.set(src.data as Float32Array);
  }
  return grm;
}

/** A copy of `base` fine-tuned on the pairs of one demonstration (one-shot adaptation). */
export function adaptOneShot(base: Grm, demo: Demo, opts: { epochs?: number; seed?: number } = {}): Grm {
  const rng = new Rng(opts.seed ?? 0);
  const g = new Grm({ inputDim: base.inputDim, rng });
  g.copyFrom(base);
  g.fit(demoPairsOf(demo), { epochs: opts.epochs ?? 60, batch: 64, lr: 5e-4, rng });
  return g;
}


export const PER_SUBTASK = 4;

export function demoPairsOf(demo: Demo): ReturnType<typeof demoPairs> {
  return demoPairs(demo, PER_SUBTASK);
}

/** Save a demonstration (its state snapshots) as JSON, for `--reward dopamine --demo PATH`. */
export function saveDemo(file: string, taskId: string, ep: RecordedEpisode): void {
  writeFileAtomic(file, `${JSON.stringify({ format: 'rewardforge-demo-v1', task: taskId, states: ep.states })}\n`);
}

/** Load a demonstration saved by `saveDemo` (or written by hand: state snapshots of one task). */
export function loadDemo(file: string, taskId: string): RecordedEpisode {
  let doc: { format?: unknown; task?: unknown; states?: unknown };
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`--demo ${file}: cannot read a JSON demo (${(e as Error).message})`);
  }
  if (doc.format !== 'rewardforge-demo-v1') throw new Error(`--demo ${file}: format must be 'rewardforge-demo-v1', got ${JSON.stringify(doc.format)}`);
  if (doc.task !== taskId) throw new Error(`--demo ${file}: the demo is of task ${JSON.stringify(doc.task)}, the run trains ${taskId}`);
  if (!Array.isArray(doc.states) || doc.states.length < 3) throw new Error(`--demo ${file}: states must be an array of at least 3 state snapshots`);
  const task = taskDef(taskId);
  const views = new RoboticsViews(task);
  const expertReward = new ExpertReward(task);
  const states = doc.states as RoboticsState[];
  const out: RecordedEpisode = { states, views: [], progress: [], success: false };
  states.forEach((s, i) => {
    try {
      out.views.push(views.views(s));
      out.progress.push(trueProgress(expertReward, s));
    } catch (e) {
      throw new Error(`--demo ${file}: states[${i}] is not a ${taskId} state snapshot (${(e as Error).message})`);
    }
  });
  return out;
}

/** Seed of the default one-shot demo (`--reward dopamine` without `--demo`), and the first `--bc-demos` seed. */
export const DEFAULT_DEMO_SEED = 424_242;

export interface LoadedDopamine {
  readonly reward: RewardFunction;
  readonly potential: DopaminePotential<RoboticsState>;
  /** What summary.json records. */
  readonly info: Record<string, unknown>;
}

/**
 * `--reward dopamine`: the shipped GRM, adapted one-shot on the demo (`demoPath`, else one scripted-expert
 * episode of the task, seed `demoSeed`), as PBRS r̃ = r + γΦ(s') − Φ(s) with the learner's γ. Use it with
 * rewardMode 'add' over the env's gold reward (sparse by default).
 */
export function loadDopamineReward(envId: string, gamma: number, opts: { demoPath?: string; demoSeed?: number } = {}): LoadedDopamine {
  const task = taskDef(envId);
  const base = loadGrm();
  const demo = opts.demoPath ? loadDemo(opts.demoPath, envId) : recordEpisode(envId, opts.demoSeed ?? DEFAULT_DEMO_SEED);
  const adapted = adaptOneShot(base, toDemo(demo));
  const views = new RoboticsViews(task);
  const potential = new DopaminePotential<RoboticsState>(adapted, (s) => views.views(s), demo.views[0], demo.views[demo.views.length - 1]);
  const reward = dopamineShaping(potential, gamma) as RewardFunction;
  return {
    reward,
    potential,
    info: {
      kind: 'dopamine',
      generator: 'grm (rewards/dopamine/grm.safetensors, one-shot adapted)',
      demo: opts.demoPath ?? `scripted expert, seed ${opts.demoSeed ?? DEFAULT_DEMO_SEED}`,
      demoSteps: demo.views.length - 1,
      gamma,
      cameras: [...DOPAMINE_CAMERAS],
      potential: 'mean of forward-anchored (START → s) and backward-anchored (GOAL → s) progress; START/GOAL = first/last demo state',
    },
  };
}
