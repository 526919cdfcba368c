/**
 * What travels through the queues, as zod schemas: configs, seeds, weights and data — never code.
 * The one exception is reward code, and it travels as *restricted reward language* source (rewards/lang)
 * or as a DERL formula over named primitives; the worker re-checks and re-compiles it (checker, then
 * pre-flight) before any of it runs, exactly as a local run does with `--reward file:PATH`.
 *
 * Every job names its run (`runId`) so its result key and completion list are found without trusting
 * anything else in the payload. Workers parse every job with these schemas and fail it (no retries:
 * `UnrecoverableError`) when it does not conform.
 */
import { z } from 'zod';
import { RUN_ID_RE } from './queues.ts';

const RunId = z.string().regex(RUN_ID_RE, 'a run id of letters, digits, . _ -');
const Seed = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** base64 little-endian float32 / uint8 (codec.ts). */
const B64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const EnvId = z.string().regex(/^[A-Za-z0-9_]+\/[A-Za-z0-9_-]+$/, 'an env id family/Name-vN');

/** Reward of rollouts and trainings: the env's own, or restricted-language source checked on the worker. */
export const RewardPayload = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('env') }),
  z.object({ kind: z.literal('code'), source: z.string().min(1).max(200_000), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
]);
export type RewardPayload = z.infer<typeof RewardPayload>;

// ---------------------------------------------------------------- ROLLOUT
export const RolloutJobData = z.object({
  runId: RunId,
  /** Weight version this rollout must be collected with (the learner's iteration). */
  version: z.number().int().min(1),
  shard: z.number().int().min(0),
  envId: EnvId,
  envArgs: z.record(z.string(), z.unknown()),
  reward: RewardPayload,
  /** Envs of this shard and steps per env. */
  numEnvs: z.number().int().min(1).max(65536),
  numSteps: z.number().int().min(1).max(100_000),
  /** Seed of the shard's action draws for this version (derived by the learner). */
  seed: Seed,
  /** The shard's vector-env snapshot to continue from; null on the first rollout (reset with `resetSeed`). */
  envState: z.record(z.string(), z.unknown()).nullable(),
  resetSeed: Seed,
  /** Frozen observation normalisation for this rollout. */
  obsNorm: z.object({ mean: z.array(z.number()), var: z.array(z.number()), clip: z.number().positive() }).nullable(),
});
export type RolloutJobData = z.infer<typeof RolloutJobData>;

export const RolloutResult = z.object({
  runId: RunId,
  version: z.number().int().min(1),
  shard: z.number().int().min(0),
  numEnvs: z.number().int().min(1),
  numSteps: z.number().int().min(1),
  obsDim: z.number().int().min(1),
  actDim: z.number().int().min(1),
  /** Time-major [t][env] arrays of this shard. */
  obs: B64, actions: B64, logp: B64, values: B64, rewards: B64, terminated: B64, truncated: B64, finalObs: B64,
  /** 1 where an episode ended at this row and succeeded (the env's own success predicate). */
  success: B64,
  nextObs: B64,
  envState: z.record(z.string(), z.unknown()),
  /** Which worker collected it (host:pid) and how long the collect took on it. */
  worker: z.string(),
  seconds: z.number(),
});
export type RolloutResult = z.infer<typeof RolloutResult>;

/** Published policy weights of one version (weight_version.ts). */
export const MlpPayload = z.object({ sizes: z.array(z.number().int().min(1)).min(2), params: B64 });
export const WeightsPayload = z.object({
  runId: RunId,
  version: z.number().int().min(1),
  actor: MlpPayload,
  critic: MlpPayload,
  logStd: B64.nullable(),
});
export type WeightsPayload = z.infer<typeof WeightsPayload>;

// ---------------------------------------------------------------- TRAIN
/** The part of a `train:env` configuration a training job carries (sweeps fill it from a grid). */
export const TrainJobConfig = z
  .object({
    env: EnvId.describe('registered env id'),
    agent: z.enum(['ppo', 'dqn']).default('ppo').describe('learner'),
    reward: z.string().default('env').describe("'env', 'text2reward:GOAL', or 'file:PATH' (read by the submitter and shipped as source)"),
    steps: z.number().int().positive().optional().describe('total env steps'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1).describe('run seed'),
    numEnvs: z.number().int().positive().max(65536).optional().describe('parallel envs'),
    evalEpisodes: z.number().int().min(1).max(10000).default(20).describe('final evaluation episodes'),
    set: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}).describe('agent argument overrides'),
    envArg: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}).describe('env keyword arguments'),
  })
  .strict();
export type TrainJobConfig = z.infer<typeof TrainJobConfig>;

export const TrainJobData = z.object({
  runId: RunId,
  /** Name of this configuration in the sweep (part of the run directory name). */
  configId: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/),
  config: TrainJobConfig,
  /** The reward-language source when the config's reward is `file:…` (re-checked on the worker). */
  rewardSource: z.string().max(200_000).optional(),
  /** Testing aid: fail this many first attempts on purpose ("a job that fails repeatedly"). */
  failAttempts: z.number().int().min(0).optional(),
});
export type TrainJobData = z.infer<typeof TrainJobData>;

export const TrainResult = z.object({
  configId: z.string(),
  summary: z.record(z.string(), z.unknown()),
  /** Where the run directory is: the worker's host name and the absolute path there. */
  artifacts: z.object({ host: z.string(), dir: z.string() }),
  worker: z.string(),
  seconds: z.number(),
});
export type TrainResult = z.infer<typeof TrainResult>;

// ---------------------------------------------------------------- EVAL
export const EvalJobData = z.object({
  runId: RunId,
  evalId: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/),
  envId: EnvId,
  envArgs: z.record(z.string(), z.unknown()),
  episodes: z.number().int().min(1).max(100_000),
  seed: Seed,
  /** The greedy policy: actor MLP (tanh hidden layers, as PPO's) and its frozen observation normalisation. */
  actor: MlpPayload,
  obsNorm: z.object({ mean: z.array(z.number()), var: z.array(z.number()), clip: z.number().positive() }).nullable(),
});
export type EvalJobData = z.infer<typeof EvalJobData>;

export const EvalResultData = z.object({
  evalId: z.string(),
  episodes: z.number().int(),
  meanReturn: z.number(),
  stdReturn: z.number(),
  successRate: z.number(),
  meanLength: z.number(),
  worker: z.string(),
});
export type EvalResultData = z.infer<typeof EvalResultData>;

// ---------------------------------------------------------------- DERL
/** One DERL inner training (cli/derl_inner.ts `InnerJob`), with its place in the search. */
export const InnerJobData = z.object({
  runId: RunId,
  iteration: z.union([z.number().int().min(0), z.literal('rescore'), z.literal('final')]),
  index: z.number().int().min(0),
  job: z.object({
    envId: EnvId,
    /** A formula over the family's primitives (re-checked by rewards/derl + rewards/lang on the worker), or 'env'. */
    formula: z.string().min(1).max(10_000),
    seed: Seed,
    steps: z.number().int().min(1),
    evalSplit: z.string().min(1).max(100),
    evalEpisodes: z.number().int().min(1),
    extraEvalSplits: z.array(z.string().min(1).max(100)).max(8).optional(),
    timing: z.enum(['step', 'episode', 'first']),
  }),
});
export type InnerJobData = z.infer<typeof InnerJobData>;

export const InnerResultData = z.object({
  formula: z.string(),
  score: z.number(),
  trainSeconds: z.number(),
  envSteps: z.number(),
  guard: z.object({ calls: z.number(), errors: z.number(), nonFinite: z.number() }).optional(),
  evalFingerprint: z.number().optional(),
  extraScores: z.record(z.string(), z.number()).optional(),
});
export type InnerResultData = z.infer<typeof InnerResultData>;

/** The parent job of an iteration's inner trainings. */
export const IterationJobData = z.object({ runId: RunId, iteration: z.union([z.number().int().min(0), z.literal('rescore'), z.literal('final')]), size: z.number().int().min(1) });
export type IterationJobData = z.infer<typeof IterationJobData>;

/** The iteration's result: one entry per child in index order, a result or the error it failed with. */
export const IterationResult = z.object({
  iteration: z.union([z.number(), z.literal('rescore'), z.literal('final')]),
  results: z.array(z.union([InnerResultData, z.object({ error: z.string() })])),
});
export type IterationResult = z.infer<typeof IterationResult>;

// ---------------------------------------------------------------- ECHO
export const EchoJobData = z.object({ runId: RunId, n: z.number().int().min(0), payload: z.string().max(10_000_000).optional() });
export type EchoJobData = z.infer<typeof EchoJobData>;

/** Parse a job payload, naming the first offending field. */
export function parseJob<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const r = schema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new TypeError(`${what}: field '${issue.path.join('.') || '(root)'}': ${issue.message}`);
  }
  return r.data;
}
