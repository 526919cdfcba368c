/**
 * The submitting side of the distributed engine: add jobs (or flows of a parent and its children) to
 * BullMQ queues with deterministic ids, then wait until every job's result is in the result store.
 *
 * What it guarantees:
 * - each result is taken once, by job id (result_store.ts: first write wins), whatever the number of
 *   attempts, retries on other workers or duplicate computations;
 * - a job that failed all its attempts comes back as `{ ok: false, error, attempts }` — the run decides
 *   (`onFailure`): 'continue' keeps going, 'stop' throws `JobFailedError` naming the job and its error;
 * - a job that vanished — Redis restarted without persistence and lost its queues — is added again under
 *   the same id (after `beforeResubmit`, which republishes what the jobs read, e.g. weights). Adding is
 *   idempotent while the job exists, so this cannot duplicate work that is still queued.
 *
 * Wake-ups come from the workers (BLPOP on the run's completion list), with a state sweep every
 * `pollMs` to notice failures and lost jobs.
 */
import { FlowProducer, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type RedisSpec, parseRedisUrl, pingRedis, redisOptions, retryOnConnectionAbort } from './connection.ts';
import { DEFAULT_RETRY, QUEUES, QUEUE_PREFIX, type QueueKind, type RetryPolicy, jobOptions } from './queues.ts';
import { doneListKey, resultKey } from './result_store.ts';

export interface JobSpec {
  readonly queue: QueueKind;
  readonly name: string;
  /** Deterministic job id (queues.ts `jobId`). */
  readonly id: string;
  readonly data: unknown;
  readonly retry?: RetryPolicy;
  /**
   * Children make this job the parent of a BullMQ flow: it runs once all of them finished. A child that
   * fails all its attempts is recorded as a failed dependency and the parent still runs
   * (`ignoreDependencyOnFailure`), so the parent reports it rather than waiting forever.
   */
  readonly children?: ReadonlyArray<Omit<JobSpec, 'children'>>;
}

export type JobOutcome<R> = { readonly id: string; readonly ok: true; readonly value: R } | { readonly id: string; readonly ok: false; readonly error: string; readonly attempts: number };

export class JobFailedError extends Error {
  constructor(readonly jobId: string, readonly reason: string, readonly attempts: number) {
    super(`job ${jobId} failed after ${attempts} attempt(s): ${reason}`);
    this.name = 'JobFailedError';
  }
}

export interface RunJobsOptions<R> {
  readonly runId: string;
  /** Validate a stored result (zod parse); a throw here is a defect, not a job failure. */
  readonly parse: (value: unknown) => R;
  readonly onFailure?: 'continue' | 'stop';
  /** Give up after this long (ms); default: no limit. */
  readonly timeoutMs?: number;
  /** State sweep period (ms): failed and lost jobs are noticed within about this long. */
  readonly pollMs?: number;
  /** Called before lost jobs are added again (republish what they need). */
  readonly beforeResubmit?: () => Promise<void>;
  /** Called at every state sweep while jobs are pending (e.g. republish data a Redis restart lost). */
  readonly onSweep?: () => Promise<void>;
  /** Called with each result as it arrives (progress lines). */
  readonly onResult?: (o: JobOutcome<R>) => void;
}

export class JobClient {
  /** Commands (results, weights, queue adds). */
  readonly redis: Redis;
  /** Blocking waits (BLPOP) only. */
  private readonly blocking: Redis;
  private readonly queues = new Map<QueueKind, Queue>();
  private flow: FlowProducer | undefined;
  /** Jobs added again after they vanished (Redis restarts), over this client's life. */
  resubmitted = 0;

  private constructor(readonly spec: RedisSpec) {
    this.redis = new Redis(redisOptions(spec));
    this.blocking = new Redis(redisOptions(spec));
    // Connection errors during a Redis restart are expected: ioredis reconnects and replays commands.
    this.redis.on('error', () => {});
    this.blocking.on('error', () => {});
  }

  /** Parse the URL, check Redis answers (fails fast with a clear message), and connect. */
  static async connect(url: string, flag = '--workers'): Promise<JobClient> {
    const spec = parseRedisUrl(url, flag);
    await pingRedis(spec, flag);
    return new JobClient(spec);
  }

  queue(kind: QueueKind): Queue {
    let q = this.queues.get(kind);
    if (!q) {
      q = new Queue(QUEUES[kind], { connection: this.redis, prefix: QUEUE_PREFIX });
      q.on('error', () => {});
      this.queues.set(kind, q);
    }
    return q;
  }

  private flowProducer(): FlowProducer {
    this.flow ??= new FlowProducer({ connection: this.redis, prefix: QUEUE_PREFIX });
    this.flow.on('error', () => {});
    return this.flow;
  }

  /**
   * Add one job or flow (idempotent: an id already present is left as it is). A flow is a MULTI, which
   * a Redis restart aborts rather than replays; it is then added again.
   */
  async add(spec: JobSpec): Promise<void> {
    await retryOnConnectionAbort(() => this.addOnce(spec));
  }

  private async addOnce(spec: JobSpec): Promise<void> {
    if (spec.children && spec.children.length > 0) {
      await this.flowProducer().add({
        name: spec.name,
        queueName: QUEUES[spec.queue],
        data: spec.data,
        opts: jobOptions(spec.id, spec.retry ?? DEFAULT_RETRY),
        children: spec.children.map((c) => ({
          name: c.name,
          queueName: QUEUES[c.queue],
          data: c.data,
          opts: { ...jobOptions(c.id, c.retry ?? DEFAULT_RETRY), ignoreDependencyOnFailure: true },
        })),
      });
      return;
    }
    await this.queue(spec.queue).add(spec.name, spec.data, jobOptions(spec.id, spec.retry ?? DEFAULT_RETRY));
  }

  /** Submit the jobs and wait for all of them; outcomes in the order of `specs`. */
  async run<R>(specs: readonly JobSpec[], opts: RunJobsOptions<R>): Promise<Array<JobOutcome<R>>> {
    const ids = specs.map((s) => s.id);
    if (new Set(ids).size !== ids.length) throw new Error('JobClient.run: job ids must be distinct');
    for (const s of specs) await this.add(s);
    const out = new Array<JobOutcome<R> | undefined>(specs.length);
    const pending = new Map<string, number>(specs.map((s, k) => [s.id, k]));
    const pollMs = opts.pollMs ?? 1000;
    const deadline = opts.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + opts.timeoutMs;
    let lastSweep = Date.now();
    const take = async (id: string): Promise<boolean> => {
      const k = pending.get(id);
      if (k === undefined) return false;
      const s = await this.redis.get(resultKey(id));
      if (s === null) return false;
      const o: JobOutcome<R> = { id, ok: true, value: opts.parse(JSON.parse(s)) };
      out[k] = o;
      pending.delete(id);
      opts.onResult?.(o);
      return true;
    };
    while (pending.size > 0) {
      if (Date.now() > deadline) throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${pending.size} job(s): ${[...pending.keys()].slice(0, 5).join(', ')}`);
      const popped = await this.blocking.blpop(doneListKey(opts.runId), pollMs / 2000);
      if (popped) {
        await take(popped[1]);
        if (pending.size === 0) break;
        if (Date.now() - lastSweep < pollMs) continue;
      }
      lastSweep = Date.now();
      // SWEEP: results whose notification was missed, failed jobs, lost jobs.
      await opts.onSweep?.();
      const lost: JobSpec[] = [];
      for (const [id, k] of [...pending]) {
        if (await take(id)) continue;
        const job = await this.queue(specs[k].queue).getJob(id);
        if (!job) {
          // Re-check the result: the job may have completed and been cleaned up in between.
          if (!(await take(id))) lost.push(specs[k]);
          continue;
        }
        if (await job.isFailed()) {
          const o: JobOutcome<R> = { id, ok: false, error: job.failedReason ?? 'failed', attempts: job.attemptsMade };
          out[k] = o;
          pending.delete(id);
          opts.onResult?.(o);
          if (opts.onFailure === 'stop') throw new JobFailedError(id, o.error, o.attempts);
        }
      }
      if (lost.length > 0) {
        await opts.beforeResubmit?.();
        for (const s of lost) await this.add(s);
        this.resubmitted += lost.length;
      }
    }
    return out as Array<JobOutcome<R>>;
  }

  async close(): Promise<void> {
    await this.flow?.close();
    for (const q of this.queues.values()) await q.close();
    this.blocking.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
