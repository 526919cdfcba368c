/**
 * `npm run bench -- --suite vlm --json` — VLM zero-shot rewards (rewards/vlm) with the built-in offline
 * embedder (or REWARDFORGE_VLM_URL when set):
 *
 * 1. Correlation: Spearman ρ between the VLM-RM reward of each frame and ground-truth progress (Reach
 *    −‖TCP − goal‖, Push −‖cube − goal‖, CartPole −|θ|) over expert and uniformly random episodes
 *    (`pooled`: all frames of both kinds together; `expertPerEpisode`: mean ρ within expert episodes), for
 *    the task prompt, reworded prompts (never generated as training captions: checked), and control
 *    prompts that describe something else; an α sweep (0, 0.5, 1) for the task prompt. Baseline: the
 *    env's neutral scene sentence.
 * 2. Reach reward profile: the task prompt's reward with the TCP moved off the goal along x, y, z.
 * 3. PPO on the VLM reward alone (train:env --reward vlm:…) on CartPole-v1 (task prompt and a control
 *    prompt) and robotics Reach, judged by the env's ground-truth return and success in the final
 *    deterministic evaluation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collectEpisode, type Episode, sceneOf, VLM_ENVS } from '../cli/vlm_data.ts';
import { runTraining } from '../cli/run_training.ts';
import { parseTrainArgs, type TrainConfig } from '../cli/train_args.ts';
import { defaultEmbedder, defaultBaseline } from '../cli/reward_spec.ts';
import type { Embedder } from '../rewards/vlm/embedder.ts';
import { TextEmbeddingCache } from '../rewards/vlm/embedder.ts';
import { spearman } from '../rewards/vlm/spearman.ts';
import { VlmReward } from '../rewards/vlm/vlm_reward.ts';
import { Rng } from '../sim/rng.ts';
import { defaultRegistry } from '../envs/index.ts';
import { randomCaption, sceneFacts } from '../rewards/vlm/offline/captions.ts';

export interface PromptSet {
  readonly task: string;
  readonly reworded: readonly string[];
  readonly control: readonly string[];
}

export const VLM_PROMPTS: Readonly<Record<string, PromptSet>> = {
  'robotics/Reach-v0': {
    task: 'the gripper is touching the blue ball',
    reworded: ['the blue ball is touched by the robot gripper', 'the hand reaches the blue marker'],
    control: ['the pole is upright', 'the cart is on the left', 'the gripper is closed'],
  },
  'robotics/Push-v0': {
    task: 'the red cube is on the blue goal',
    reworded: ['the blue target has the red block on it', 'red box touching blue marker'],
    control: ['the pole is upright', 'the cart is on the left', 'the gripper is to the left of the blue goal'],
  },
  'classic/CartPole-v1': {
    task: 'the pole is upright',
    reworded: ['the stick stands vertical', 'a balanced pole on the cart'],
    control: ['the gripper is touching the red cube', 'the cart is on the right'],
  },
};

export interface Correlation {
  readonly prompt: string;
  readonly alpha: number;
  readonly pooled: number;
  readonly expertPerEpisode: number;
}

const mean = (xs: number[]) => {
  const f = xs.filter(Number.isFinite);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
};
const round = (x: number) => Math.round(x * 1000) / 1000;

export function correlate(embedder: Embedder, cache: TextEmbeddingCache, envId: string, expert: Episode[], random: Episode[], prompt: string, alpha: number): Correlation {
  const vr = new VlmReward(embedder, { goals: [prompt], baselines: [defaultBaseline(envId)], alpha }, { cache });
  const R: number[] = [], P: number[] = [];
  const per: number[] = [];
  for (const e of expert) {
    const r = Array.from(vr.scoreWindow(e.frames));
    per.push(spearman(r, e.progress));
    R.push(...r);
    P.push(...e.progress);
  }
  for (const e of random) {
    R.push(...vr.scoreWindow(e.frames));
    P.push(...e.progress);
  }
  return { prompt, alpha, pooled: round(spearman(R, P)), expertPerEpisode: round(mean(per)) };
}

/** Whether `text` is ever generated as a training caption (sampled from many scenes and seeds). */
export function seenInTraining(text: string, episodes: Episode[], envId: string, samples = 20_000): boolean {
  const rng = new Rng(123);
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9 ]/g, '').replace(/\s+/g, ' ').trim();
  const target = norm(text);
  const states = episodes.flatMap((e) => e.states);
  for (let k = 0; k < samples; k++) {
    const f = sceneFacts(sceneOf(envId, states[rng.int(states.length)]));
    if (norm(randomCaption(f, rng).text) === target) return true;
  }
  return false;
}

/**
 * Reach: the VLM reward (task prompt) with the TCP placed at offsets from the goal along x, y and z
 * (front camera; mean over three goals). Shows where the reward peaks and how flat it is per axis.
 */
export function reachProfile(embedder: Embedder, cache: TextEmbeddingCache): Record<string, Record<string, number>> {
  const vr = new VlmReward(embedder, { goals: [VLM_PROMPTS['robotics/Reach-v0'].task], baselines: [defaultBaseline('robotics/Reach-v0')], alpha: 0.5 }, { cache });
  const env = defaultRegistry.make('robotics/Reach-v0');
  const goals = [[0.05, 0.82, 0.1], [-0.05, 0.88, 0.2], [0, 0.85, 0.15]];
  const out: Record<string, Record<string, number>> = {};
  try {
    for (const axis of [0, 1, 2]) {
      const row: Record<string, number> = {};
      for (const off of [-0.2, -0.1, -0.05, 0, 0.05, 0.1, 0.2]) {
        let r = 0;
        for (const g of goals) {
          const hand = [...g];
          hand[axis] += off;
          env.reset({ seed: 1, options: { goal: g, hand } });
          r += vr.scoreWindow([env.render({ camera: 'front', width: 64, height: 64 })])[0] / goals.length;
        }
        row[off.toFixed(2)] = round(r);
      }
      out['xyz'[axis]] = row;
    }
  } finally {
    env.close();
  }
  return out;
}

export interface VlmBenchOptions {
  readonly quick?: boolean;
  readonly log?: (m: string) => void;
  /** Skip the PPO runs (correlations only). */
  readonly noPpo?: boolean;
}

export async function benchVlm(opts: VlmBenchOptions = {}): Promise<Record<string, unknown>> {
  const log = opts.log ?? (() => {});
  const embedder = defaultEmbedder();
  const cache = new TextEmbeddingCache(embedder);
  const nEp = opts.quick ? 3 : 8;
  const correlation: Record<string, unknown> = {};
  const t0 = performance.now();
  for (const envId of VLM_ENVS) {
    const expert = Array.from({ length: nEp }, (_, k) => collectEpisode(envId, { policy: 'expert', seed: 50_000 + k }));
    const random = Array.from({ length: nEp }, (_, k) => collectEpisode(envId, { policy: 'random', seed: 60_000 + k }));
    const ps = VLM_PROMPTS[envId];
    const c = (p: string, a = 0.5) => correlate(embedder, cache, envId, expert, random, p, a);
    correlation[envId] = {
      episodes: { expert: expert.length, random: random.length, frames: [...expert, ...random].reduce((s, e) => s + e.frames.length, 0) },
      baseline: defaultBaseline(envId),
      task: c(ps.task),
      reworded: ps.reworded.map((p) => ({ ...c(p), seenInTraining: seenInTraining(p, [...expert, ...random], envId) })),
      control: ps.control.map((p) => c(p)),
      alphaSweep: [0, 0.5, 1].map((a) => c(ps.task, a)),
    };
    log(`vlm: ${envId}: ${JSON.stringify(correlation[envId])}`);
  }
  const correlationSeconds = (performance.now() - t0) / 1000;
  const profile = reachProfile(embedder, cache);
  log(`vlm: Reach reward vs TCP offset from the goal: ${JSON.stringify(profile)}`);
  const ppo: Record<string, unknown> = {};
  if (!opts.noPpo) {
    const runs: [string, string, string, string[]][] = [
      ['classic/CartPole-v1', 'task', VLM_PROMPTS['classic/CartPole-v1'].task, ['--steps', opts.quick ? '8192' : '60000']],
      // Control: the same run with a prompt about another scene. CartPole ends when the pole falls, so any
      // positive per-step reward already teaches survival; this run measures how much of the task run's
      // return that explains.
      ['classic/CartPole-v1', 'control', VLM_PROMPTS['classic/CartPole-v1'].control[0], ['--steps', opts.quick ? '8192' : '60000']],
      // Reach terminates on success by default, which would end a stream of positive VLM rewards early (a
      // penalty for succeeding); without it the episode runs its 100 steps and success is judged on the
      // final state (the agent must reach the goal and stay).
      ['robotics/Reach-v0', 'task', VLM_PROMPTS['robotics/Reach-v0'].task, ['--steps', opts.quick ? '8192' : '100000', '--env-arg', 'terminateOnSuccess=false']],
    ];
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-vlm-bench-'));
    for (const [envId, which, prompt, extra] of runs) {
      const t1 = performance.now();
      const cfg = parseTrainArgs(['--env', envId, '--reward', `vlm:${prompt}`, '--quiet', '--seed', '1', '--out', path.join(root, `${envId.replace('/', '_')}_${which}`), ...extra]) as TrainConfig;
      const { summary } = await runTraining(cfg);
      const ev = summary.eval as { meanReturn: number; successRate: number; episodes: number };
      ppo[`${envId} ${which}`] = { prompt, steps: summary.steps, reward: summary.reward, eval: ev, wallSeconds: Math.round((performance.now() - t1) / 1000) };
      log(`vlm: ppo ${envId} ${which}: ${JSON.stringify(ppo[`${envId} ${which}`])}`);
    }
    fs.rmSync(root, { recursive: true, force: true });
  }
  embedder.close();
  return { embedder: embedder.name, correlation, correlationSeconds: Math.round(correlationSeconds), reachProfile: profile, ppo };
}
