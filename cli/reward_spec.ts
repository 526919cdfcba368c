/**
 * `--reward SPEC` for train:env, resolved into a RewardFunction for the training envs:
 *
 *   env          the env's own reward (default)
 *   file:PATH    reward code in the restricted language (rewards/lang), checked, compiled and
 *                pre-flighted on 1000 random transitions before training; copied into the run directory
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

export const REWARD_SPEC_HELP = 'env | file:PATH (reward code in the restricted language) | text2reward:"goal sentence"';

export type RewardSpec = { kind: 'env' } | { kind: 'file'; path: string } | { kind: 'text2reward'; goal: string };

export function parseRewardSpec(spec: string): RewardSpec {
  if (spec === 'env') return { kind: 'env' };
  if (spec.startsWith('file:') && spec.length > 5) return { kind: 'file', path: spec.slice(5) };
  if (spec.startsWith('text2reward:')) {
    const goal = spec.slice('text2reward:'.length).trim().replace(/^["']|["']$/g, '');
    if (goal.length === 0) throw new TrainArgsError('--reward text2reward: needs a goal sentence, e.g. --reward text2reward:"push the cube to the goal"');
    return { kind: 'text2reward', goal };
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
