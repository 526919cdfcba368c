/**
 * The evaluation job: actor weights and an env id go to a worker process through the `eval` queue; the
 * worker's greedy evaluation equals the same evaluation run locally (same weights, same seed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateWeights, mlpPayload } from '../../cli/distributed_jobs.ts';
import { Mlp } from '../../agents/nn/mlp.ts';
import { JobClient } from '../../sim/distributed/job_client.ts';
import { EvalResultData } from '../../sim/distributed/jobs.ts';
import { jobId } from '../../sim/distributed/queues.ts';
import { Rng } from '../../sim/rng.ts';
import { RedisServer, type WorkerProc, startWorkerProcess } from './helpers.ts';

let redis: RedisServer;
let worker: WorkerProc;

beforeAll(async () => {
  redis = await RedisServer.start();
  worker = startWorkerProcess(redis.url, ['--queues', 'eval']);
  await worker.ready;
});
afterAll(async () => {
  await worker?.kill('SIGTERM');
  await redis?.close();
});

describe('evaluation jobs', () => {
  it('a worker evaluates given actor weights exactly as the learner would locally', async () => {
    const actor = new Mlp({ sizes: [4, 16, 2], activation: 'tanh', outputGain: 1, rng: new Rng(11) });
    const data = { runId: 'evaltest', evalId: 'e1', envId: 'classic/CartPole-v1', envArgs: {}, episodes: 10, seed: 5, actor: mlpPayload(actor), obsNorm: null };
    const local = evaluateWeights(data);
    const client = await JobClient.connect(redis.url);
    try {
      const [out] = await client.run([{ queue: 'eval', name: 'eval', id: jobId('eval', 'evaltest', 'e1'), data }], { runId: 'evaltest', parse: (v) => EvalResultData.parse(v), timeoutMs: 30_000 });
      expect(out.ok).toBe(true);
      if (!out.ok) return;
      expect(out.value.episodes).toBe(10);
      expect(out.value.meanReturn).toBe(local.meanReturn);
      expect(out.value.meanLength).toBe(local.meanLength);
      expect(out.value.worker).not.toBe(local.worker);
    } finally {
      await client.close();
    }
  }, 60_000);
});
