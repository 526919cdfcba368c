/**
 * Distributed bench (`npm run bench -- --suite distributed --json`): BullMQ on a private loopback
 * `redis-server` with `npm run worker` processes on this machine.
 *
 * - queue overhead per job: round trip of no-op (echo) jobs — add, a worker takes it, stores its result
 *   (result_store.ts), the submitter is woken and reads it — one at a time (latency) and 1000 at once
 *   (throughput);
 * - rollout throughput: PPO rollouts of CartPole (actor/critic [64, 64]) through `RemoteRollout` exactly
 *   as `train:env --workers` collects them, with 1 and 2 worker processes, beside the same rollout
 *   collected in this process with no queue (`collectRollout` directly).
 * The fixtures (redis-server, worker processes) are the tests' (test/distributed/helpers.ts).
 */
import os from 'node:os';
import { RemoteRollout } from '../cli/distributed_rollout.ts';
import { collectRollout, initialShardState, mlpPayload } from '../cli/distributed_jobs.ts';
import { Mlp } from '../agents/nn/mlp.ts';
import { JobClient } from '../sim/distributed/job_client.ts';
import { jobId } from '../sim/distributed/queues.ts';
import { Rng } from '../sim/rng.ts';
import { RedisServer, type WorkerProc, startWorkerProcess } from '../test/distributed/helpers.ts';

export interface DistributedBenchOptions {
  readonly quick: boolean;
  readonly log?: (m: string) => void;
}

const ENV = 'classic/CartPole-v1';

function policy() {
  const rng = new Rng(1);
  return {
    actor: new Mlp({ sizes: [4, 64, 64, 2], activation: 'tanh', outputGain: 0.01, rng }),
    critic: new Mlp({ sizes: [4, 64, 64, 1], activation: 'tanh', outputGain: 1, rng }),
  };
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

async function startWorkers(url: string, n: number, queues: string): Promise<WorkerProc[]> {
  const ws = Array.from({ length: n }, () => startWorkerProcess(url, ['--queues', queues, '--quiet']));
  await Promise.all(ws.map((w) => w.ready));
  return ws;
}

export async function benchDistributed(opts: DistributedBenchOptions): Promise<Record<string, unknown>> {
  const log = opts.log ?? (() => {});
  const redis = await RedisServer.start();
  const out: Record<string, unknown> = { redis: 'redis-server (Debian) on loopback, no persistence', cpus: os.availableParallelism() };
  try {
    // ---------------------------------------------------------------- QUEUE OVERHEAD
    let ws = await startWorkers(redis.url, 1, 'echo');
    const client = await JobClient.connect(redis.url);
    const seqN = opts.quick ? 50 : 300;
    const lat: number[] = [];
    for (let k = 0; k < seqN + 10; k++) {
      const t0 = performance.now();
      await client.run([{ queue: 'echo', name: 'echo', id: jobId('echo', 'bench-seq', k), data: { runId: 'bench-seq', n: k } }], { runId: 'bench-seq', parse: (v) => v });
      if (k >= 10) lat.push(performance.now() - t0);
    }
    const bulkN = opts.quick ? 200 : 1000;
    const t1 = performance.now();
    await client.run(Array.from({ length: bulkN }, (_, k) => ({ queue: 'echo' as const, name: 'echo', id: jobId('echo', 'bench-bulk', k), data: { runId: 'bench-bulk', n: k } })), { runId: 'bench-bulk', parse: (v) => v });
    const bulkS = (performance.now() - t1) / 1000;
    out.queueOverhead = {
      what: 'no-op job round trip: add → worker → result stored → submitter woken and reads it (1 worker process)',
      sequentialJobs: seqN,
      medianMs: round(median(lat)),
      meanMs: round(lat.reduce((a, b) => a + b, 0) / lat.length),
      p95Ms: round([...lat].sort((a, b) => a - b)[Math.floor(lat.length * 0.95)]),
      bulkJobs: bulkN,
      bulkJobsPerSecond: Math.round(bulkN / bulkS),
    };
    log(`distributed bench: queue overhead ${JSON.stringify(out.queueOverhead)}`);
    for (const w of ws) await w.kill('SIGTERM');

    // ---------------------------------------------------------------- ROLLOUT THROUGHPUT
    const numEnvs = 64;
    const numSteps = opts.quick ? 64 : 256;
    const shards = 2;
    const iterations = opts.quick ? 3 : 10;
    const { actor, critic } = policy();
    const weights = { actor, critic };
    // In-process reference: the same per-shard rollout with no queue.
    const first = initialShardState(ENV, numEnvs / shards, {}, 1);
    const w = { runId: 'local', version: 1, actor: mlpPayload(actor), critic: mlpPayload(critic), logStd: null };
    let state = first.state;
    collectRollout({ runId: 'local', version: 1, shard: 0, envId: ENV, envArgs: {}, reward: { kind: 'env' }, numEnvs: numEnvs / shards, numSteps, seed: 1, envState: state, resetSeed: 1, obsNorm: null }, w);
    const t2 = performance.now();
    for (let it = 0; it < iterations * shards; it++) {
      const r = collectRollout({ runId: 'local', version: 1, shard: 0, envId: ENV, envArgs: {}, reward: { kind: 'env' }, numEnvs: numEnvs / shards, numSteps, seed: it, envState: state, resetSeed: 1, obsNorm: null }, w);
      state = r.envState;
    }
    const localSps = Math.round((iterations * numEnvs * numSteps) / ((performance.now() - t2) / 1000));
    const rollouts: Record<string, unknown> = { env: ENV, numEnvs, numSteps, shards, iterations, policy: 'actor and critic MLP [64, 64] tanh', inProcessNoQueueStepsPerSecond: localSps };
    for (const n of [1, 2]) {
      ws = await startWorkers(redis.url, n, 'rollout');
      const rr = new RemoteRollout(client, { envId: ENV, envArgs: {}, reward: { kind: 'env' }, numEnvs, numSteps, shards, seed: 1 });
      await rr.collect(weights, undefined); // warm-up: worker envs, JIT
      const t3 = performance.now();
      for (let it = 0; it < iterations; it++) await rr.collect(weights, undefined);
      const s = (performance.now() - t3) / 1000;
      rollouts[`workers${n}`] = {
        workerProcesses: n,
        stepsPerSecond: Math.round((iterations * numEnvs * numSteps) / s),
        secondsPerIteration: round(s / iterations, 3),
        workerSecondsPerIteration: round(rr.stats.workerSeconds / (iterations + 1), 3),
        jobsPerWorker: rr.stats.workers,
      };
      log(`distributed bench: ${n} worker(s): ${JSON.stringify(rollouts[`workers${n}`])}`);
      for (const wp of ws) await wp.kill('SIGTERM');
    }
    const one = (rollouts.workers1 as { stepsPerSecond: number }).stepsPerSecond;
    const two = (rollouts.workers2 as { stepsPerSecond: number }).stepsPerSecond;
    rollouts.speedup2over1 = round(two / one);
    out.rollouts = rollouts;
    await client.close();
  } finally {
    await redis.close();
  }
  return out;
}
