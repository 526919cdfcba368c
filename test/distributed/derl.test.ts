/**
 * DERL on BullMQ workers: an iteration's inner trainings run as one flow (the iteration is the parent
 * job, the formulas its children) over 2 worker processes, and give exactly the scores — and the trained
 * policies' evaluation fingerprints — of local mode (worker threads) for the same seeds. An invalid
 * formula comes back as an error for its slot, as locally.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDerlSearch } from '../../cli/derl.ts';
import { type InnerJob, runInnerJobs } from '../../cli/derl_inner.ts';
import { flowExecutor } from '../../cli/distributed_derl.ts';
import { JobClient } from '../../sim/distributed/job_client.ts';
import { RedisServer, type WorkerProc, startWorkerProcess } from './helpers.ts';

let redis: RedisServer;
let workers: WorkerProc[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-dist-derl-'));

beforeAll(async () => {
  redis = await RedisServer.start();
  workers = [0, 1].map(() => startWorkerProcess(redis.url, ['--queues', 'inner,iteration']));
  await Promise.all(workers.map((w) => w.ready));
});
afterAll(async () => {
  for (const w of workers) await w.kill('SIGTERM');
  await redis?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('DERL inner loops as BullMQ flows', () => {
  it('an iteration over 2 worker processes gives the formula scores of local mode', async () => {
    const jobs: InnerJob[] = [
      { envId: 'robotics/Reach-v0', formula: 'g_nearObject + g_success', seed: 11, steps: 2048, evalSplit: 'default', evalEpisodes: 4, timing: 'step' },
      { envId: 'robotics/Reach-v0', formula: 'g_success - g_static / 2', seed: 12, steps: 2048, evalSplit: 'default', evalEpisodes: 4, timing: 'step' },
      { envId: 'robotics/Reach-v0', formula: 'g_success + (', seed: 13, steps: 2048, evalSplit: 'default', evalEpisodes: 4, timing: 'step' },
    ];
    const local = await runInnerJobs(jobs, 2);
    const client = await JobClient.connect(redis.url);
    const stats = { flows: 0, innerJobs: 0, resubmitted: 0 };
    const remote = await flowExecutor(client, 5, stats)(jobs, 0);
    await client.close();
    const key = (r: (typeof local)[number]) => ('error' in r ? { error: r.error.split('\n')[0] } : { score: r.score, envSteps: r.envSteps, guard: r.guard, evalFingerprint: r.evalFingerprint });
    expect(remote.map(key)).toEqual(local.map(key));
    // The comparison is not vacuous: the fingerprints are real numbers that differ between formulas.
    const fp = local.filter((r) => !('error' in r)).map((r) => (r as { evalFingerprint: number }).evalFingerprint);
    expect(fp).toHaveLength(2);
    for (const v of fp) expect(Number.isFinite(v)).toBe(true);
    expect(fp[0]).not.toBe(fp[1]);
    expect('error' in remote[2] && remote[2].error).toMatch(/unbalanced parentheses|expected/);
    expect(stats).toMatchObject({ flows: 1, innerJobs: 3 });
    // Both worker processes took children.
    const took = workers.map((w) => w.log.filter((l) => / derl-inner inner\..* started/.test(l)).length);
    expect(took.every((n) => n > 0), `children per worker: ${took}`).toBe(true);
  }, 90_000);

  it('a whole search with --workers writes the derl.jsonl of local mode', async () => {
    const TINY = { env: 'textworld/ALFWorld-v0', iterations: 1, population: 3, innerSteps: 512, evalEpisodes: 4, finalSteps: 512, finalEpisodes: 4, seed: 4, timing: 'episode' as const, quiet: true };
    const remote = await runDerlSearch({ ...TINY, workers: redis.url, out: path.join(tmp, 'remote') });
    const local = await runDerlSearch({ ...TINY, parallel: 2, out: path.join(tmp, 'local') });
    const history = (dir: string) => fs.readFileSync(path.join(dir, 'derl.jsonl'), 'utf8');
    expect(history(remote.dir)).toBe(history(local.dir));
    expect(remote.summary.best).toEqual(local.summary.best);
    expect(remote.summary.heldOut?.successRate).toBe(local.summary.heldOut?.successRate);
    expect(remote.summary.compute.parallel).toBe('workers');
    expect(remote.summary.compute.distributed).toMatchObject({ flows: 2, innerJobs: 4 });
    expect(JSON.parse(fs.readFileSync(path.join(remote.dir, 'config.json'), 'utf8')).derl.workers).toBe(redis.url);
  }, 90_000);
});
