/**
 * Idempotent results. A job's result is stored under a key derived from its deterministic job id; the
 * first write wins (SET NX) and only that write counts the job as completed. A job that runs twice — its
 * worker was killed after computing, the job was retried elsewhere — computes the same value (every seed
 * derives from the job) and its second write changes nothing and counts nothing. Every write is also
 * tallied per job, so tests and reports can tell "computed twice, counted once" apart from "counted twice".
 *
 * Keys (all under `rf:`, with a 24 h expiry):
 *   rf:res:<jobId>          the result JSON
 *   rf:done:<runId>         list of job ids whose result is in (the submitter blocks on it: BLPOP)
 *   rf:completed:<runId>    hash jobId → 1 for first writes (the "counted once" ledger)
 *   rf:writes:<runId>       hash jobId → number of writes (computations that finished)
 */
import type { Redis } from 'ioredis';

const TTL_S = 24 * 3600;

export const resultKey = (jobId: string): string => `rf:res:${jobId}`;
export const doneListKey = (runId: string): string => `rf:done:${runId}`;
export const completedKey = (runId: string): string => `rf:completed:${runId}`;
export const writesKey = (runId: string): string => `rf:writes:${runId}`;

// KEYS: result, done list, completed hash, writes hash. ARGV: value, job id, ttl.
const RECORD_ONCE = `
local first = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[3])
redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
redis.call('EXPIRE', KEYS[4], ARGV[3])
if first then
  redis.call('HSET', KEYS[3], ARGV[2], 1)
  redis.call('EXPIRE', KEYS[3], ARGV[3])
end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
if first then return 1 else return 0 end
`;

/** Store a job's result unless one is there; returns true for the first (counted) write. */
export async function recordResult(redis: Redis, runId: string, jobId: string, value: unknown): Promise<boolean> {
  const r = await redis.eval(RECORD_ONCE, 4, resultKey(jobId), doneListKey(runId), completedKey(runId), writesKey(runId), JSON.stringify(value), jobId, String(TTL_S));
  return r === 1;
}

/** The stored result of a job, parsed, or undefined. */
export async function readResult(redis: Redis, jobId: string): Promise<unknown> {
  const s = await redis.get(resultKey(jobId));
  return s === null ? undefined : JSON.parse(s);
}

/** Ledger of a run: jobs counted as completed, and writes per job. */
export async function runLedger(redis: Redis, runId: string): Promise<{ completed: string[]; writes: Record<string, number> }> {
  const completed = Object.keys(await redis.hgetall(completedKey(runId)));
  const w = await redis.hgetall(writesKey(runId));
  return { completed, writes: Object.fromEntries(Object.entries(w).map(([k, v]) => [k, Number(v)])) };
}
