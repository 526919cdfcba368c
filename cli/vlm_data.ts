/**
 * Renders and privileged-state scenes of our own envs for the offline VLM embedder (training data) and
 * the VLM bench (episodes with ground-truth progress). Lives in cli/ because it knows concrete envs;
 * the encoders and captions live in rewards/vlm/offline.
 *
 * Scenes: robotics Reach and Push (the cameras train:vlm names, front and side by default; hand start,
 * cube and goal placements randomised through reset options, scripted expert with per-episode action
 * noise, Reach's gripper held open or closed in half the episodes) and classic CartPole (a balancing
 * controller with noise, wider reset ranges). Frames render at 64×64 (CartPole 128×128) and are
 * area-averaged to 32×32 by the encoder.
 */
import { defaultRegistry } from '../envs/index.ts';
import { pushTask } from '../envs/robotics/tasks/push.ts';
import { reachTask } from '../envs/robotics/tasks/reach.ts';
import type { RoboticsState } from '../envs/robotics/state.ts';
import type { TaskDef } from '../envs/robotics/task.ts';
import type { Env, Frame } from '../sim/env.ts';
import { Rng } from '../sim/rng.ts';
import { type Scene, sceneFacts, type SceneFacts, sceneMetrics, type SceneMetrics } from '../rewards/vlm/offline/captions.ts';
import { downsample } from '../rewards/vlm/offline/dual_encoder.ts';
import type { VlmDataset } from '../rewards/vlm/offline/train.ts';

export const VLM_ENVS = ['robotics/Reach-v0', 'robotics/Push-v0', 'classic/CartPole-v1'] as const;
export type VlmEnvId = (typeof VLM_ENVS)[number];

/** Render side: robotics frames at 64×64, CartPole at 128×128 (its pole is 1/60 of the width). */
export function renderSize(envId: string): number {
  return envId === 'classic/CartPole-v1' ? 128 : 64;
}

interface CartPoleState {
  x: number;
  theta: number;
  thetaDot: number;
  xDot: number;
}

/** The caption scene of an env state. */
export function sceneOf(envId: string, state: unknown): Scene {
  if (envId.startsWith('robotics/')) {
    const s = state as RoboticsState;
    return { kind: 'arm', gripper: s.robot.ee.p, goal: s.goal, cube: s.cube?.pose.p, gripperOpenness: s.robot.gripperOpenness };
  }
  if (envId === 'classic/CartPole-v1') {
    const s = state as CartPoleState;
    return { kind: 'cartpole', x: s.x, theta: s.theta };
  }
  throw new Error(`vlm_data: no caption scene for ${envId}; supported: ${VLM_ENVS.join(', ')}`);
}

/**
 * Ground-truth task progress (higher = closer to done): Reach −‖TCP − goal‖, Push −‖cube − goal‖ (metres),
 * CartPole −|θ| (radians from upright).
 */
export function progressOf(envId: string, state: unknown): number {
  if (envId === 'classic/CartPole-v1') return -Math.abs((state as CartPoleState).theta);
  const s = state as RoboticsState;
  const a = envId === 'robotics/Push-v0' ? (s.cube as NonNullable<RoboticsState['cube']>).pose.p : s.robot.ee.p;
  return -Math.hypot(a[0] - s.goal[0], a[1] - s.goal[1], a[2] - s.goal[2]);
}

const TASKS: Record<string, TaskDef> = { 'robotics/Reach-v0': reachTask, 'robotics/Push-v0': pushTask };

export type EpisodePolicy = 'expert' | 'random' | { noise: number };

/** An action for `env` in `state`: expert, uniform random, or expert with prob 1 − noise. */
function act(envId: string, env: Env, state: unknown, policy: EpisodePolicy, rng: Rng): unknown {
  const noise = policy === 'expert' ? 0 : policy === 'random' ? 1 : policy.noise;
  if (envId === 'classic/CartPole-v1') {
    if (rng.random() < noise) return rng.int(2);
    const s = state as CartPoleState;
    return s.theta + 0.5 * s.thetaDot + 0.02 * s.x + 0.05 * s.xDot > 0 ? 1 : 0;
  }
  if (rng.random() < noise) return [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)];
  void env;
  return TASKS[envId].expert(state as RoboticsState);
}

export interface Episode {
  readonly frames: Frame[];
  readonly states: unknown[];
  readonly progress: number[];
}

export interface EpisodeOptions {
  readonly policy: EpisodePolicy;
  readonly seed: number;
  /** Randomise the start (hand, cube near goal, wider CartPole reset) for training diversity. */
  readonly diverse?: boolean;
  readonly cameras?: readonly string[];
  readonly size?: number;
  /** Keep every k-th step (default 1). */
  readonly every?: number;
  readonly maxSteps?: number;
}

function resetOptions(envId: string, rng: Rng, diverse: boolean): Record<string, unknown> | undefined {
  if (!diverse) return undefined;
  if (envId === 'classic/CartPole-v1') return { low: -0.15, high: 0.15 };
  const hand = [rng.uniform(-0.25, 0.25), rng.uniform(0.45, 0.95), rng.uniform(0.03, 0.32)];
  if (envId === 'robotics/Reach-v0') return { hand };
  const goal = [rng.uniform(-0.1, 0.1), rng.uniform(0.8, 0.9), 0.02];
  const r = rng.random();
  // A third of Push episodes start with the cube already near (or on) the goal.
  const cube: [number, number] = r < 0.33
    ? [goal[0] + rng.uniform(-0.1, 0.1), goal[1] + rng.uniform(-0.1, 0.06)]
    : [rng.uniform(-0.15, 0.15), rng.uniform(0.55, 0.75)];
  return { hand, goal, objects: { cube } };
}

/** One episode of `envId`: frames (steps × cameras, the reset frame first), states and progress. */
export function collectEpisode(envId: string, opts: EpisodeOptions): Episode {
  const env = defaultRegistry.make(envId, envId.startsWith('robotics/') && opts.diverse ? { kwargs: { terminateOnSuccess: false } } : {});
  const rng = new Rng(opts.seed);
  const cameras = opts.cameras ?? [env.metadata.cameras[0]];
  const size = opts.size ?? renderSize(envId);
  const every = opts.every ?? 1;
  const out: Episode = { frames: [], states: [], progress: [] };
  try {
    env.reset({ seed: opts.seed, options: resetOptions(envId, rng, opts.diverse ?? false) });
    let state = env.state();
    const keep = () => {
      for (const c of cameras) out.frames.push(env.render({ camera: c, width: size, height: size }));
      out.states.push(state);
      out.progress.push(progressOf(envId, state));
    };
    keep();
    // Training data for Reach: half the episodes hold the gripper open or closed throughout, whatever the
    // policy does. Otherwise a closed gripper came only with noisy (far from the goal) episodes, and the
    // embedder learnt "closed" as a sign of being far (a confound that made "the gripper is closed" a
    // progress detector). Push keeps its expert's grasp: closing on the cube is part of that task.
    const gripper = opts.diverse && envId === 'robotics/Reach-v0' && rng.random() < 0.5 ? (rng.random() < 0.5 ? -1 : 1) : undefined;
    for (let t = 1; t <= (opts.maxSteps ?? Infinity); t++) {
      const a = act(envId, env, state, opts.policy, rng);
      if (gripper !== undefined) (a as number[])[3] = gripper;
      const [, , terminated, truncated] = env.step(a);
      state = env.state();
      if (t % every === 0 || terminated || truncated) keep();
      if (terminated || truncated) break;
    }
  } finally {
    env.close();
  }
  return out;
}

export interface DatasetOptions {
  /** Scenes per env id. */
  readonly perEnv: Readonly<Record<string, number>>;
  readonly seed: number;
  readonly side: number;
  /** Robotics cameras; each kept state is rendered from all and one of them is kept at random (default front). */
  readonly robotCameras?: readonly string[];
  readonly log?: (msg: string) => void;
}

/** Training/held-out pairs: renders downsampled to side×side and the facts of their states. */
export function buildDataset(opts: DatasetOptions): VlmDataset & { envs: string[] } {
  const inSize = 3 * opts.side * opts.side;
  const chunks: Uint8Array[] = [];
  const facts: SceneFacts[] = [];
  const metrics: SceneMetrics[] = [];
  const envs: string[] = [];
  const tmp = new Float32Array(inSize);
  for (const [envId, count] of Object.entries(opts.perEnv)) {
    let got = 0;
    let ep = 0;
    const t0 = performance.now();
    while (got < count) {
      const seed = opts.seed * 100_003 + ep++;
      const noise = new Rng(seed ^ 0x5bd1e995).random();
      const cameras = envId.startsWith('robotics/') ? (opts.robotCameras ?? ['front']) : undefined;
      const views = cameras?.length ?? 1;
      const pickRng = new Rng(seed ^ 0x27d4eb2f);
      const e = collectEpisode(envId, { policy: { noise }, seed, diverse: true, every: envId === 'classic/CartPole-v1' ? 2 : 3, cameras });
      for (let k = 0; k < e.states.length && got < count; k++, got++) {
        downsample(e.frames[k * views + (views > 1 ? pickRng.int(views) : 0)], opts.side, tmp, 0);
        const px = new Uint8Array(inSize);
        for (let j = 0; j < inSize; j++) px[j] = Math.round(tmp[j] * 255);
        chunks.push(px);
        const scene = sceneOf(envId, e.states[k]);
        facts.push(sceneFacts(scene));
        metrics.push(sceneMetrics(scene));
        envs.push(envId);
      }
    }
    opts.log?.(`${envId}: ${count} scenes from ${ep} episodes in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const pixels = new Uint8Array(chunks.length * inSize);
  chunks.forEach((c, i) => pixels.set(c, i * inSize));
  return { n: chunks.length, pixels, facts, metrics, envs };
}
