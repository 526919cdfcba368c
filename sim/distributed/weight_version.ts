/**
 * Versioned policy weights for distributed rollouts. The learner publishes its weights once per PPO
 * iteration under version v = iteration (`rf:w:<runId>:<v>`) and moves `rf:w:<runId>:current` to v; a
 * rollout job names the version it must be collected with.
 *
 * Staleness is checked on both ends:
 * - a worker refuses a job whose version is older than the current one (the learner has moved on; the
 *   job was left over from an iteration the learner no longer waits for) — `StaleRolloutError`, which
 *   the worker turns into a non-retried failure;
 * - the learner refuses a trajectory whose version is not the one it is waiting for (`acceptRollout`):
 *   PPO's ratio assumes the rollout's log-probabilities came from the weights being updated, so data
 *   from any other version is dropped, never mixed in.
 */
import type { Redis } from 'ioredis';
import { retryOnConnectionAbort } from './connection.ts';
import { WeightsPayload } from './jobs.ts';

const TTL_S = 3600;
export const weightsKey = (runId: string, version: number): string => `rf:w:${runId}:${version}`;
export const currentVersionKey = (runId: string): string => `rf:w:${runId}:current`;

export class StaleRolloutError extends Error {
  constructor(readonly expected: number, readonly got: number, where: string) {
    super(`stale rollout: ${where} has weight version ${got}, expected ${expected}; it is rejected, not mixed into the update`);
    this.name = 'StaleRolloutError';
  }
}

/** The learner's check on a returned trajectory. */
export function acceptRollout(expectedVersion: number, got: { version: number; shard?: number }): void {
  if (got.version !== expectedVersion) throw new StaleRolloutError(expectedVersion, got.version, `the trajectory of shard ${got.shard ?? '?'}`);
}

/** The worker's check before collecting: the job's version must not be older than the published one. */
export function checkJobVersion(current: number | null, jobVersion: number): void {
  if (current !== null && jobVersion < current) throw new StaleRolloutError(current, jobVersion, 'the rollout job');
}

/** Publish `w` as the current version. Idempotent, so a transaction cut by a Redis restart is run again. */
export async function publishWeights(redis: Redis, w: WeightsPayload): Promise<void> {
  const body = JSON.stringify(w);
  await retryOnConnectionAbort(() => redis.multi().set(weightsKey(w.runId, w.version), body, 'EX', TTL_S).set(currentVersionKey(w.runId), String(w.version), 'EX', TTL_S).exec());
  // Older versions are not needed once the learner moved on (a stale job is refused anyway).
  if (w.version > 2) await redis.del(weightsKey(w.runId, w.version - 2));
}

export async function currentVersion(redis: Redis, runId: string): Promise<number | null> {
  const v = await redis.get(currentVersionKey(runId));
  return v === null ? null : Number(v);
}

/** Load a version's weights; undefined when they are not (or no longer) published. */
export async function loadWeights(redis: Redis, runId: string, version: number): Promise<WeightsPayload | undefined> {
  const s = await redis.get(weightsKey(runId, version));
  if (s === null) return undefined;
  return WeightsPayload.parse(JSON.parse(s));
}
