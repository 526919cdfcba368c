/**
 * `--reward SPEC` for train:env, resolved into a RewardFunction for the training envs:
 *
 *   env          the env's own reward (default)
 *   file:PATH    reward code in the restricted language (rewards/lang), checked, compiled and
 *                pre-flighted on 1000 random transitions before training; copied into the run directory
 *   dopamine     Dopamine shaping: r̃ = r_gold + γΦ(s') − Φ(s) with Φ the GRM progress model (cli/dopamine.ts),
 *                adapted one-shot on --demo PATH or one scripted-expert episode (robotics tasks)
 *   vlm:"goal"   VLM-RM zero-shot reward from rendered frames (rewards/vlm); several goal prompts are
 *                separated by '|'; baseline prompts, α and cameras come from --baseline/--alpha/--cameras.
 *                Embedder: REWARDFORGE_VLM_URL when set, else the built-in offline embedder.
 *
 * Errors (checker, pre-flight, unreadable file) become TrainArgsError: exit 2, nothing trained.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { defaultRegistry } from '../envs/index.ts';
import { compileReward, GuardedReward } from '../rewards/lang/compile.ts';
import { RewardLangError } from '../rewards/lang/checker.ts';
import { PreflightError, preflight, sampleTransitions, type PreflightReport } from '../rewards/lang/preflight.ts';
import { TrainArgsError } from './train_args.ts';
import { BuiltinGenerationError, generateBuiltin } from '../rewards/text2reward/builtin.ts';
import { ChatError, chatClientFromEnv } from '../rewards/text2reward/client.ts';
import { GenerationFailed, generateWithRepair } from '../rewards/text2reward/generate.ts';
import { buildMessages } from '../rewards/text2reward/prompt.ts';
import { selectExample } from '../rewards/text2reward/examples.ts';
import type { Embedder } from '../rewards/vlm/embedder.ts';
import { httpEmbedderFromEnv } from '../rewards/vlm/http_embedder.ts';
import { SCENE_TEXT } from '../rewards/vlm/offline/captions.ts';
import { OfflineEmbedder, V2_WEIGHTS, V3_WEIGHTS, V4_WEIGHTS } from '../rewards/vlm/offline/offline_embedder.ts';
import { EmbedderError } from '../rewards/vlm/embedder.ts';
import { VlmReward } from '../rewards/vlm/vlm_reward.ts';
import { VlmRewardWrapper } from '../rewards/vlm/vlm_reward_wrapper.ts';
import type { Env } from '../sim/env.ts';
import type { MakeVecOptions } from '../sim/registry.ts';
import type { VectorEnv } from '../sim/vector/vector_env.ts';
import { VlmFrameBatch, VlmFrameTap, VlmVectorReward } from '../rewards/vlm/vlm_vector_reward.ts';

export const REWARD_SPEC_HELP = 'env | file:PATH (reward code in the restricted language) | text2reward:"goal sentence" | vlm:"goal prompt[|another]" (VLM-RM from rendered frames) | dopamine (progress-model shaping, robotics; --demo PATH)';

export type RewardSpec = { kind: 'env' } | { kind: 'file'; path: string } | { kind: 'text2reward'; goal: string } | { kind: 'vlm'; goals: string[] } | { kind: 'dopamine' };

export function parseRewardSpec(spec: string): RewardSpec {
  if (spec === 'env') return { kind: 'env' };
  if (spec === 'dopamine') return { kind: 'dopamine' };
  if (spec.startsWith('file:') && spec.length > 5) return { kind: 'file', path: spec.slice(5) };
  if (spec.startsWith('text2reward:')) {
    const goal = spec.slice('text2reward:'.length).trim().replace(/^["']|["']$/g, '');
    if (goal.length === 0) throw new TrainArgsError('--reward text2reward: needs a goal sentence, e.g. --reward text2reward:"push the cube to the goal"');
    return { kind: 'text2reward', goal };
  }
  if (spec.startsWith('vlm:')) {
    const goals = spec.slice('vlm:'.length).trim().replace(/^["']|["']$/g, '').split('|').map((g) => g.trim()).filter((g) => g.length > 0);
    if (goals.length === 0) throw new TrainArgsError('--reward vlm: needs a goal prompt, e.g. --reward vlm:"the pole is upright"');
    return { kind: 'vlm', goals };
  }
  throw new TrainArgsError(`--reward: '${spec}' is not a reward spec; allowed: ${REWARD_SPEC_HELP}`);
}

export interface LoadedCodeReward {
  readonly reward: GuardedReward;
  readonly code: string;
  readonly sha256: string;
  readonly preflight: PreflightReport;
}

/** Check, compile and pre-flight reward code against an env; errors name what to fix. */
export function loadCodeReward(code: string, envId: string, name: string, seed: number): LoadedCodeReward {
  const probe = defaultRegistry.make(envId);
  try {
    probe.reset({ seed });
    const sample = probe.state();
    let compiled;
    try {
      compiled = compileReward(code, { sampleState: sample });
    } catch (e) {
      if (e instanceof RewardLangError) throw new TrainArgsError(`--reward ${name}: the code does not pass the reward-language checker:\n${e.message}`);
      throw e;
    }
    let report: PreflightReport;
    try {
      report = preflight(compiled, sampleTransitions(probe, 1000, seed));
    } catch (e) {
      if (e instanceof PreflightError) throw new TrainArgsError(`--reward ${name}: ${e.message}`);
      throw e;
    }
    return { reward: new GuardedReward(compiled, { name }), code, sha256: createHash('sha256').update(code).digest('hex'), preflight: report };
  } finally {
    probe.close();
  }
}

export function readRewardFile(file: string): string {
  try {
    return fs.readFileSync(path.resolve(file), 'utf8');
  } catch (e) {
    throw new TrainArgsError(`--reward file:${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export interface GeneratedReward {
  readonly code: string;
  /** 'builtin' or the model name. */
  readonly generator: string;
  readonly transcript: unknown;
}

/**
 * Generate reward code for `goal` on `envId`: with the configured chat endpoint (REWARDFORGE_LLM_URL)
 * through the execute → error → regenerate loop, else with the built-in rule-based generator.
 */
export async function generateReward(goal: string, envId: string, seed: number, maxRounds = 4): Promise<GeneratedReward> {
  const probe = defaultRegistry.make(envId);
  try {
    probe.reset({ seed });
    const sampleState = probe.state();
    const abstraction = probe.abstraction();
    const client = chatClientFromEnv();
    if (client) {
      const transitions = sampleTransitions(probe, 1000, seed);
      // k = 1 few-shot: the most similar expert reward of another task, for manipulation envs.
      const example = envId.startsWith('robotics/') ? selectExample(goal, envId) : undefined;
      const messages = buildMessages({ instruction: goal, abstraction, example });
      try {
        const r = await generateWithRepair(client, messages, { sampleState, transitions }, maxRounds);
        return { code: r.code, generator: r.generator, transcript: { messages: r.messages, rounds: r.rounds } };
      } catch (e) {
        if (e instanceof GenerationFailed) throw new TrainArgsError(`--reward text2reward: ${e.message}`, 1);
        if (e instanceof ChatError) throw new TrainArgsError(`--reward text2reward: the chat endpoint failed: ${e.message}`, 1);
        throw e;
      }
    }
    try {
      const b = generateBuiltin(goal, sampleState);
      return { code: b.code, generator: 'builtin', transcript: { plan: b.plan } };
    } catch (e) {
      if (e instanceof BuiltinGenerationError) throw new TrainArgsError(`--reward text2reward: the built-in generator could not handle "${goal}" on ${envId}: ${e.message}`);
      throw e;
    }
  } finally {
    probe.close();
  }
}

/**
 * The HTTP embedder when `REWARDFORGE_VLM_URL` is set, else the built-in offline one: the shipped default
 * (v4) weights, or `REWARDFORGE_VLM_WEIGHTS` (`v2` / `v3` / `v4` for the shipped files, or a weights file
 * written by `npm run train:vlm`).
 */
export function defaultEmbedder(): Embedder {
  const w = process.env.REWARDFORGE_VLM_WEIGHTS;
  return httpEmbedderFromEnv() ?? OfflineEmbedder.load(w === undefined || w === '' ? undefined : w === 'v2' ? V2_WEIGHTS : w === 'v3' ? V3_WEIGHTS : w === 'v4' ? V4_WEIGHTS : w);
}

/** The neutral baseline prompt of an env's scene (VLM-RM's "a humanoid robot" analogue). */
export function defaultBaseline(envId: string): string {
  return (envId.startsWith('robotics/') ? SCENE_TEXT.arm : envId.startsWith('classic/CartPole') ? SCENE_TEXT.cartpole : ['a scene'])[0];
}

export interface LoadedVlmReward {
  readonly reward: VlmReward;
  /** The per-env wrapper that renders `cameras` after each step and replaces the reward (one env). */
  readonly wrap: (env: Env) => Env;
  /** Training envs: a sync vector env whose frames are embedded in one batch per vector step. */
  readonly makeVec: (numEnvs: number, opts: MakeVecOptions) => VectorEnv;
  /** What summary.json records: embedder, prompts, α, cameras. */
  readonly info: Record<string, unknown>;
}

/**
 * `--reward vlm:"goal"`: the VLM-RM reward of `goals` against `baselines` (default: the env's neutral scene
 * sentence) with α (default 0.5), on the frames of `cameras` (default the env's first camera; several are
 * averaged per step). Cameras and prompts are checked here, before any file is written.
 */
export function loadVlmReward(goals: readonly string[], envId: string, opts: { baselines?: readonly string[]; alpha?: number; cameras?: readonly string[]; embedder?: Embedder } = {}): LoadedVlmReward {
  const probe = defaultRegistry.make(envId);
  const known = probe.metadata.cameras;
  probe.close();
  const cameras = opts.cameras && opts.cameras.length > 0 ? [...opts.cameras] : [known[0]];
  for (const c of cameras) {
    if (!known.includes(c)) throw new TrainArgsError(`--cameras: '${c}' is not a camera of ${envId}; allowed: ${known.join(', ')}`);
  }
  const baselines = opts.baselines && opts.baselines.length > 0 ? [...opts.baselines] : [defaultBaseline(envId)];
  const alpha = opts.alpha ?? 0.5;
  let embedder: Embedder;
  try {
    embedder = opts.embedder ?? defaultEmbedder();
  } catch (e) {
    throw new TrainArgsError(`--reward vlm: ${(e as Error).message}`, 1);
  }
  let reward: VlmReward;
  try {
    reward = new VlmReward(embedder, { goals, baselines, alpha });
  } catch (e) {
    embedder.close();
    if (e instanceof EmbedderError) throw new TrainArgsError(`--reward vlm: the embedder failed: ${e.message}`, 1);
    // The offline v3 and v4 embedders give a prompt that mentions none of their facts the bare scene's embedding,
    // which is the baseline's: say so instead of leaving "coincide" unexplained.
    const hint = e instanceof RangeError && /coincide/.test(e.message) && embedder.name.startsWith('offline:') ? ` (the offline embedder recognises none of its facts in ${JSON.stringify(goals.join(' | '))}: it knows the scenes' distances, relations, gripper, pole and cart in its training vocabulary; README "VLM zero-shot rewards")` : '';
    if (e instanceof RangeError) throw new TrainArgsError(`--reward vlm: ${e.message}${hint}`);
    throw e;
  }
  // The offline embedder was trained on 64×64 robotics and 128×128 CartPole renders (cli/vlm_data.ts).
  const size = envId === 'classic/CartPole-v1' ? 128 : 64;
  const wrap = (env: Env) => new VlmRewardWrapper(env, reward, { cameras, width: size, height: size });
  const makeVec = (numEnvs: number, vecOpts: MakeVecOptions): VectorEnv => {
    const batch = new VlmFrameBatch(numEnvs, cameras, { width: size, height: size });
    const inner = defaultRegistry.makeVec(envId, numEnvs, { ...vecOpts, vectorization: 'sync', wrappers: [...(vecOpts.wrappers ?? []), (e: Env) => new VlmFrameTap(e, batch)] });
    return new VlmVectorReward(inner, reward, batch);
  };
  const weights = embedder instanceof OfflineEmbedder ? { heldoutTop1: (JSON.parse(embedder.metadata.report ?? '{}') as { heldoutTop1?: number }).heldoutTop1 } : {};
  return { reward, wrap, makeVec, info: { kind: 'vlm', generator: embedder.name, embedder: { name: embedder.name, dim: embedder.dim, ...weights }, goals, baselines, alpha, cameras, renderSize: size, cameraRule: 'mean of per-camera rewards', batching: 'one embedder call per vector step (numEnvs × cameras frames)' } };
}
