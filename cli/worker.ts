/**
 * `npm run worker -- --redis redis://HOST:PORT [--concurrency K] [--queues LIST] [--runs-dir DIR]` — a
 * process that takes rewardforge jobs from BullMQ queues on Redis (sim/distributed/queues.ts):
 *
 *   rollout         K steps of N envs with published weights → trajectory (`train:env --workers`)
 *   train           one whole `train:env` run from a config → summary.json + run directory (`sweep --workers`)
 *   eval            greedy evaluation of given weights
 *   derl-inner      a DERL inner training (a child of an iteration flow, `derl --workers`)
 *   derl-iteration  a DERL iteration: gathers its children's scores once they are all done
 *   echo            no-op (the bench's queue overhead)
 *
 * Start one per core on as many machines as you like, all pointing at the same Redis. A job's lock is
 * renewed while it runs; a worker that dies mid-job stops renewing and the job is moved back to waiting
 * by another worker's stalled-job check and run again there (`--lock-ms`, `--stalled-ms`). Results are
 * stored under the job's deterministic id, first write wins (result_store.ts), so a job that runs twice
 * is counted once. The connection survives Redis restarts (ioredis reconnects; BullMQ resumes).
 * SIGINT / SIGTERM: finish the running jobs, then exit.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ConnectionOptions, DelayedError, type Job, type Processor, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { RedisUrlError, parseRedisUrl, pingRedis, redisOptions } from '../sim/distributed/connection.ts';
import { EchoJobData, EvalJobData, InnerJobData, InnerResultData, IterationJobData, type IterationResult, RolloutJobData, TrainJobData, WeightsPayload, parseJob } from '../sim/distributed/jobs.ts';
import { DEFAULT_STALLED, QUEUES, QUEUE_KINDS, QUEUE_PREFIX, type QueueKind } from '../sim/distributed/queues.ts';
import { doneListKey, readResult, recordResult, resultKey } from '../sim/distributed/result_store.ts';
import { StaleRolloutError, checkJobVersion, currentVersion, loadWeights } from '../sim/distributed/weight_version.ts';
import { WORKER_NAME, collectRollout, evaluateWeights, isConfigError } from './distributed_jobs.ts';
import { type ThreadJob, runInThread } from './distributed_thread.ts';

export const WorkerConfig = z
  .object({
    redis: z.string().min(1).describe('Redis URL: redis://[:PASSWORD@]HOST[:PORT][/DB] or rediss://… (TLS)'),
    concurrency: z.number().int().min(1).max(256).describe('jobs at a time per queue'),
    queues: z.array(z.enum(QUEUE_KINDS as [QueueKind, ...QueueKind[]])).min(1).describe('queues to take jobs from'),
    runsDir: z.string().min(1).describe('where training jobs write their run directories'),
    lockMs: z.number().int().min(200).describe('job lock duration (ms); renewed at half of it while the job runs'),
    stalledMs: z.number().int().min(100).describe('period of the stalled-job check (ms)'),
    maxStalled: z.number().int().min(0).max(100).describe('times a job may stall (its worker died) before it fails'),
    quiet: z.boolean().describe('no per-job lines'),
  })
  .strict();
export type WorkerConfig = z.infer<typeof WorkerConfig>;

export class WorkerArgsError extends Error {}

export function parseWorkerArgs(argv: string[]): WorkerConfig | 'help' {
  const int = (flag: string) => (v: string): number => {
    if (!/^\d+$/.test(v.trim())) throw new WorkerArgsError(`${flag} must be a non-negative integer, got '${v}'`);
    return Number(v);
  };
  const program = new Command('worker')
    .description('Take rewardforge jobs (rollouts, trainings, evaluations, DERL inner loops) from BullMQ queues on Redis')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: (s) => process.stdout.write(s) })
    .allowExcessArguments(false)
    .requiredOption('--redis <url>', 'Redis URL, e.g. redis://127.0.0.1:6379 or rediss://:PASSWORD@host:6380?tls-ca=ca.pem')
    .option('--concurrency <k>', 'jobs at a time per queue', int('--concurrency'), 1)
    .option('--queues <list>', `comma-separated queues (default all): ${QUEUE_KINDS.join(', ')}`, QUEUE_KINDS.join(','))
    .option('--runs-dir <dir>', 'where training jobs write run directories', 'runs/worker')
    .option('--lock-ms <ms>', 'job lock duration (a dead worker is noticed after this)', int('--lock-ms'), DEFAULT_STALLED.lockMs)
    .option('--stalled-ms <ms>', 'stalled-job check period', int('--stalled-ms'), DEFAULT_STALLED.stalledMs)
    .option('--max-stalled <n>', 'times a job may stall before it fails', int('--max-stalled'), DEFAULT_STALLED.maxStalled)
    .option('--quiet', 'no per-job lines', false);
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof WorkerArgsError) throw e;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed') return 'help';
      throw new WorkerArgsError(e.message.replace(/^error: /, ''));
    }
    throw e;
  }
  const o = program.opts();
  const raw = { ...o, queues: String(o.queues).split(',').map((s) => s.trim()).filter(Boolean) };
  const parsed = WorkerConfig.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0]);
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    const given = key === 'queues' ? raw.queues.join(',') : String((raw as Record<string, unknown>)[key]);
    throw new WorkerArgsError(`${flag}: ${issue.message}; got '${given}'${key === 'queues' ? ` (allowed: ${QUEUE_KINDS.join(', ')})` : ''}`);
  }
  try {
    parseRedisUrl(parsed.data.redis, '--redis');
  } catch (e) {
    if (e instanceof RedisUrlError) throw new WorkerArgsError(e.message);
    throw e;
  }
  return parsed.data;
}

export interface RunningWorker {
  readonly name: string;
  close(): Promise<void>;
}

/** Start the BullMQ workers of this process (after checking Redis answers). */
export async function startWorker(cfg: WorkerConfig, log: (m: string) => void = () => {}): Promise<RunningWorker> {
  const spec = parseRedisUrl(cfg.redis, '--redis');
  await pingRedis(spec, '--redis');
  const redis = new Redis(redisOptions(spec));
  redis.on('error', () => {});
  const runsDir = path.resolve(cfg.runsDir);
  const weightCache = new Map<string, WeightsPayload>();

  /**
   * The idempotent shell of every processor: a result already stored for this job id is returned as it
   * is (a retry after the work was done); otherwise compute, store (first write wins) and notify.
   */
  const idempotent = <T>(runId: string, job: Job, compute: () => Promise<T>, returned: (v: T) => unknown = (v) => v): Promise<unknown> =>
    (async () => {
      const id = job.id!;
      const existing = await readResult(redis, id);
      if (existing !== undefined) {
        await redis.rpush(doneListKey(runId), id);
        return returned(existing as T);
      }
      if (!cfg.quiet) log(`worker ${WORKER_NAME}: ${job.queueName} ${id} started (attempt ${job.attemptsMade + 1})`);
      let value: T;
      try {
        value = await compute();
      } catch (e) {
        if (e instanceof StaleRolloutError || isConfigError(e) || (e as { unrecoverable?: boolean }).unrecoverable) throw new UnrecoverableError((e as Error).message);
        throw e;
      }
      const first = await recordResult(redis, runId, id, value);
      if (!cfg.quiet) log(`worker ${WORKER_NAME}: ${job.queueName} ${id} done (attempt ${job.attemptsMade + 1}${first ? '' : ', result was already stored: not counted again'})`);
      return returned(value);
    })();

  const processors: Record<QueueKind, Processor> = {
    rollout: async (job, token) => {
      const d = parseJob(RolloutJobData, job.data, `rollout job ${job.id}`);
      const key = `${d.runId}:${d.version}`;
      if (!weightCache.has(key) && (await loadWeights(redis, d.runId, d.version)) === undefined) {
        // Not published (lost with a Redis restart; the learner publishes them again within a sweep):
        // wait without spending an attempt, up to a minute after the job was created.
        if (Date.now() - job.timestamp > 60_000) throw new Error(`weights version ${d.version} of run ${d.runId} are not published (waited 60 s)`);
        await job.moveToDelayed(Date.now() + 200, token);
        throw new DelayedError();
      }
      return idempotent(d.runId, job, async () => {
        checkJobVersion(await currentVersion(redis, d.runId), d.version);
        let w = weightCache.get(key);
        if (!w) {
          w = await loadWeights(redis, d.runId, d.version);
          if (!w) throw new Error(`weights version ${d.version} of run ${d.runId} are not published`);
          weightCache.set(key, w);
          if (weightCache.size > 4) weightCache.delete(weightCache.keys().next().value!);
        }
        return collectRollout(d, w);
      }, () => ({ stored: resultKey(job.id!) }));
    },
    train: (job) => {
      const d = parseJob(TrainJobData, job.data, `train job ${job.id}`);
      return idempotent(d.runId, job, () => runInThread({ kind: 'train', data: d, runsDir, attempt: job.attemptsMade } satisfies ThreadJob));
    },
    eval: (job) => {
      const d = parseJob(EvalJobData, job.data, `eval job ${job.id}`);
      return idempotent(d.runId, job, async () => evaluateWeights(d));
    },
    inner: (job) => {
      const d = parseJob(InnerJobData, job.data, `derl-inner job ${job.id}`);
      return idempotent(d.runId, job, () => runInThread({ kind: 'inner', data: d } satisfies ThreadJob));
    },
    iteration: (job) => {
      const d = parseJob(IterationJobData, job.data, `derl-iteration job ${job.id}`);
      return idempotent(d.runId, job, async (): Promise<IterationResult> => {
        // Children results by job key (`rf:derl-inner:<id>`); failures the flow let through (ignoreDependencyOnFailure).
        const values = await job.getChildrenValues<unknown>();
        const failures = await job.getIgnoredChildrenFailures();
        const results: IterationResult['results'] = Array.from({ length: d.size }, () => ({ error: 'no result from this inner training' }));
        const indexOf = (key: string): number => Number(key.slice(key.lastIndexOf('.') + 1));
        for (const [key, v] of Object.entries(values)) results[indexOf(key)] = InnerResultData.parse(v);
        for (const [key, reason] of Object.entries(failures)) results[indexOf(key)] = { error: reason };
        return { iteration: d.iteration, results };
      });
    },
    echo: (job) => {
      const d = parseJob(EchoJobData, job.data, `echo job ${job.id}`);
      return idempotent(d.runId, job, async () => ({ n: d.n, worker: WORKER_NAME }));
    },
  };

  const workers: Worker[] = [];
  for (const kind of cfg.queues) {
    const w = new Worker(QUEUES[kind], processors[kind], {
      connection: redisOptions(spec) as ConnectionOptions,
      prefix: QUEUE_PREFIX,
      concurrency: cfg.concurrency,
      lockDuration: cfg.lockMs,
      stalledInterval: cfg.stalledMs,
      maxStalledCount: cfg.maxStalled,
    });
    let lastError = '';
    w.on('error', (e) => {
      // Connection loss (Redis restarting) lands here; ioredis reconnects. One line per distinct error.
      if (e.message !== lastError) log(`worker ${WORKER_NAME}: ${kind}: ${e.message}`);
      lastError = e.message;
    });
    w.on('failed', (job, e) => {
      if (!cfg.quiet && job) log(`worker ${WORKER_NAME}: ${kind} ${job.id} failed (attempt ${job.attemptsMade}): ${e.message}`);
    });
    workers.push(w);
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  log(`worker ${WORKER_NAME}: ready on ${spec.display}; queues ${cfg.queues.join(', ')}; concurrency ${cfg.concurrency}; runs in ${runsDir}`);
  return {
    name: WORKER_NAME,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

export async function main(argv: string[]): Promise<number> {
  let cfg: WorkerConfig | 'help';
  try {
    cfg = parseWorkerArgs(argv);
  } catch (e) {
    if (e instanceof WorkerArgsError) {
      process.stderr.write(`worker: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (cfg === 'help') return 0;
  let running: RunningWorker;
  try {
    running = await startWorker(cfg, (m) => process.stderr.write(`${m}\n`));
  } catch (e) {
    if (e instanceof RedisUrlError) {
      process.stderr.write(`worker: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      process.stderr.write(`worker ${running.name}: ${sig}: finishing running jobs\n`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await running.close();
  return 0;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // Threads of killed jobs or lingering sockets must not keep a stopped worker alive.
    if (code !== 0) setTimeout(() => process.exit(code), 100).unref();
  });
}
