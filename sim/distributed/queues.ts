/**
 * Queue names, key prefix, job ids and the retry / stalled-job settings shared by the learner side
 * (cli/distributed_client users) and `npm run worker` (cli/worker.ts).
 *
 * Every job has a deterministic id built from its run id and position (`rollout.<run>.v3.s1`), so adding
 * a job twice (a learner re-submitting after a Redis restart) is a no-op while the first copy exists, and
 * its result lands under one key (result_store.ts).
 */
export const QUEUE_PREFIX = 'rf';

export const QUEUES = {
  /** K steps of N envs with published policy weights → trajectory (cli/distributed_rollout.ts). */
  rollout: 'rollout',
  /** One whole `train:env` run from a config → summary.json and where the artifacts are. */
  train: 'train',
  /** Greedy evaluation of given policy weights → mean return, success rate. */
  eval: 'eval',
  /** A DERL inner training (a child of an iteration flow). */
  inner: 'derl-inner',
  /** A DERL iteration: the parent job of its formulas' inner trainings. */
  iteration: 'derl-iteration',
  /** No-op jobs: the bench's measure of the queue's own overhead per job. */
  echo: 'echo',
} as const;
export type QueueKind = keyof typeof QUEUES;
export const QUEUE_KINDS = Object.keys(QUEUES) as QueueKind[];

/** A run id: letters, digits, '.', '_' and '-' (it is part of Redis keys and job ids). */
export const RUN_ID_RE = /^[A-Za-z0-9._-]{1,120}$/;

/** A deterministic job id from parts ('.'-joined; BullMQ forbids ':' and integer ids). */
export function jobId(kind: string, runId: string, ...parts: ReadonlyArray<string | number>): string {
  if (!RUN_ID_RE.test(runId)) throw new RangeError(`run id '${runId}' must match ${RUN_ID_RE}`);
  const id = [kind, runId, ...parts].join('.');
  if (id.includes(':')) throw new RangeError(`job id '${id}' must not contain ':'`);
  return id;
}

/** Retry policy of a job: attempts and exponential backoff. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly backoffMs: number;
}
export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, backoffMs: 500 };

/** BullMQ job options: deterministic id, retries, and records kept a while for inspection. */
export function jobOptions(id: string, retry: RetryPolicy = DEFAULT_RETRY) {
  return {
    jobId: id,
    attempts: retry.attempts,
    backoff: { type: 'exponential' as const, delay: retry.backoffMs },
    removeOnComplete: { age: 3600, count: 10000 },
    removeOnFail: { age: 24 * 3600 },
  };
}

/**
 * Stalled-job detection of a worker. A job's lock lasts `lockMs` and is renewed every `lockMs / 2`
 * while the worker lives; a worker killed mid-job stops renewing, and within `stalledMs` after the lock
 * expires another worker moves the job back to waiting (BullMQ's stalled check). A job that stalls more
 * than `maxStalled` times fails with "job stalled more than allowable limit".
 */
export interface StalledSettings {
  readonly lockMs: number;
  readonly stalledMs: number;
  readonly maxStalled: number;
}
export const DEFAULT_STALLED: StalledSettings = { lockMs: 30_000, stalledMs: 15_000, maxStalled: 2 };
