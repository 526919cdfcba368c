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

export const REWARD_SPEC_HELP = "env | file:PATH (reward code in the restricted language)";

export type RewardSpec = { kind: 'env' } | { kind: 'file'; path: string };

export function parseRewardSpec(spec: string): RewardSpec {
  if (spec === 'env') return { kind: 'env' };
  if (spec.startsWith('file:') && spec.length > 5) return { kind: 'file', path: spec.slice(5) };
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
