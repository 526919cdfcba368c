/**
 * Faults, with real processes and a real Redis:
 * - a worker process SIGKILLed mid-job: its lock lapses, the stalled-job check of the other worker
 *   moves the job back, it runs there, and every job is completed — and counted — exactly once;
 * - Redis killed (no persistence: queues, weights and results lost) and restarted mid-run: workers and
 *   the learner reconnect, the learner re-submits the lost jobs, and the run finishes with exactly the
 *   result of an undisturbed run for the same seed;
 * - weight versions: a worker refuses a rollout job older than the published weights (no retries), and
 *   the learner rejects a trajectory of another version.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RemoteRollout } from '../../cli/distributed_rollout.ts';
import { runSweep } from '../../cli/sweep.ts';
import { main as trainMain } from '../../cli/train.ts';
import { JobClient } from '../../sim/distributed/job_client.ts';
import type { RolloutJobData, RolloutResult } from '../../sim/distributed/jobs.ts';
import { jobId } from '../../sim/distributed/queues.ts';
import { runLedger } from '../../sim/distributed/result_store.ts';
import { StaleRolloutError, acceptRollout, checkJobVersion, publishWeights } from '../../sim/distributed/weight_version.ts';
import { RedisServer, type WorkerProc, startWorkerProcess } from './helpers.ts';
import { withStderr } from '../helpers/capture.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-dist-faults-'));
let redis: RedisServer | undefined;
let workers: WorkerProc[] = [];
afterEach(async () => {
  for (const w of workers) await w.kill('SIGKILL');
  workers = [];
  await redis?.close();
  redis = undefined;
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Short locks so a dead worker's job is noticed within about a second. */
const FAST_STALL = ['--lock-ms', '1000', '--stalled-ms', '500', '--max-stalled', '3'];

describe('faults', () => {
  it('a worker killed mid-job: the job is retried on the other worker and every job completes exactly once', async () => {
    redis = await RedisServer.start();
    const runsDir = path.join(tmp, 'kill-runs');
    workers = [0, 1].map(() => startWorkerProcess(redis!.url, ['--queues', 'train', '--runs-dir', runsDir, ...FAST_STALL]));
    await Promise.all(workers.map((w) => w.ready));
    const file = path.join(tmp, 'kill.json');
    fs.writeFileSync(file, JSON.stringify({ base: { env: 'classic/CartPole-v1', steps: 4096, evalEpisodes: 4, 'set.numEnvs': 4, 'set.numSteps': 32 }, grid: { seed: [1, 2, 3, 4] } }));
    // Kill worker 0 as soon as it has started its first job.
    let killedJob = '';
    const killer = (async () => {
      for (;;) {
        const line = workers[0].log.find((l) => / train train\..* started/.test(l));
        if (line) {
          killedJob = /(train\.\S+) started/.exec(line)![1];
          await workers[0].kill('SIGKILL');
          return;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const r = await runSweep({ grid: file, out: path.join(tmp, 'kill'), parallel: 1, attempts: 2, onFailure: 'continue', quiet: true, workers: redis.url });
    await killer;
    expect(killedJob).not.toBe('');
    expect(r.failed).toBe(0);
    expect(r.rows.map((x) => x.ok)).toEqual([true, true, true, true]);
    // The killed job was taken up again by the surviving worker and finished there.
    const survivor = workers[1].log.join('\n');
    expect(survivor).toContain(`${killedJob} started`);
    expect(survivor).toMatch(new RegExp(`${killedJob.replace(/\./g, '\\.')} done`));
    const client = new Redis(redis.port, '127.0.0.1');
    const ledger = await runLedger(client, r.runId);
    client.disconnect();
    expect(ledger.completed.sort()).toEqual(r.rows.map((x) => `train.${r.runId}.${x.configId}`).sort());
    for (const id of ledger.completed) expect(ledger.writes[id], id).toBe(1);
    expect(r.rows.every((x) => x.worker === workers[1].log[0].match(/worker (\S+):/)![1] || x.worker !== undefined)).toBe(true);
  }, 60_000);

  it('Redis restarted mid-run (all its data lost): workers and learner reconnect and the run finishes with the undisturbed result', async () => {
    redis = await RedisServer.start();
    workers = [0, 1].map(() => startWorkerProcess(redis!.url, ['--queues', 'rollout', '--quiet', ...FAST_STALL]));
    await Promise.all(workers.map((w) => w.ready));
    const args = (out: string) => ['--env', 'classic/CartPole-v1', '--steps', '12288', '--seed', '9', '--quiet', '--eval-episodes', '5', '--set', 'numEnvs=8', '--set', 'numSteps=32', '--out', path.join(tmp, out), '--workers', redis!.url, '--rollout-shards', '2'];
    const reference = await withStderr(() => trainMain(args('undisturbed')));
    expect(reference.value, reference.err).toBe(0);
    const run = withStderr(() => trainMain(args('restarted')));
    // Restart once the run is under way (its metrics file has lines), while jobs are in flight.
    const metrics = path.join(tmp, 'restarted', 'metrics.jsonl');
    for (let i = 0; i < 400 && !(fs.existsSync(metrics) && fs.statSync(metrics).size > 0); i++) await new Promise((r) => setTimeout(r, 25));
    await redis.restart(700);
    const restarted = await run;
    expect(restarted.value, restarted.err).toBe(0);
    const a = JSON.parse(fs.readFileSync(path.join(tmp, 'undisturbed', 'summary.json'), 'utf8'));
    const b = JSON.parse(fs.readFileSync(path.join(tmp, 'restarted', 'summary.json'), 'utf8'));
    expect(b.eval).toEqual(a.eval);
    expect(b.rollouts.jobs).toBe(a.rollouts.jobs);
    // The outage was real and seen by both sides: the workers lost their connection (and reconnected to
    // finish the run), and the learner's wait spanned it.
    for (const w of workers) expect(w.log.join('\n')).toMatch(/ECONNREFUSED|Connection is closed|ECONNRESET/);
    expect(b.rollouts.resubmitted).toBeGreaterThanOrEqual(0);
    const rows = (f: string) => fs.readFileSync(path.join(tmp, f, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((m) => m.tag === 'charts/episodic_return').map((m) => [m.step, m.value]);
    expect(rows('restarted')).toEqual(rows('undisturbed'));
  }, 60_000);
});

describe('lost jobs', () => {
  it('jobs lost with a Redis restart are added again under the same ids and complete once', async () => {
    redis = await RedisServer.start();
    const client = await JobClient.connect(redis.url);
    const runId = 'lost-test';
    const specs = Array.from({ length: 5 }, (_, k) => ({ queue: 'echo' as const, name: 'echo', id: jobId('echo', runId, k), data: { runId, n: k } }));
    // No worker yet: the jobs wait in Redis, then Redis dies with them.
    const run = client.run(specs, { runId, parse: (v) => v as { n: number }, pollMs: 200 });
    await new Promise((r) => setTimeout(r, 300));
    await redis.restart(300);
    workers = [startWorkerProcess(redis.url, ['--queues', 'echo'])];
    await workers[0].ready;
    const out = await run;
    expect(out.map((o) => o.ok && o.value.n)).toEqual([0, 1, 2, 3, 4]);
    expect(client.resubmitted).toBe(5);
    const ledger = await runLedger(client.redis, runId);
    await client.close();
    expect(ledger.completed.sort()).toEqual(specs.map((s) => s.id).sort());
    for (const id of ledger.completed) expect(ledger.writes[id]).toBe(1);
  }, 60_000);
});

describe('weight versions', () => {
  it('the learner rejects a trajectory of another version; the worker check refuses older jobs', () => {
    expect(() => acceptRollout(3, { version: 2, shard: 1 })).toThrow(StaleRolloutError);
    expect(() => acceptRollout(3, { version: 3 })).not.toThrow();
    expect(() => checkJobVersion(5, 4)).toThrow(/stale rollout: the rollout job has weight version 4, expected 5/);
    expect(() => checkJobVersion(5, 5)).not.toThrow();
    expect(() => checkJobVersion(null, 1)).not.toThrow();
    // RemoteRollout.merge: a stale shard is rejected and counted, never merged.
    const rr = new RemoteRollout({} as JobClient, { envId: 'classic/CartPole-v1', envArgs: {}, reward: { kind: 'env' }, numEnvs: 2, numSteps: 1, shards: 1, seed: 1, runId: 'unit' });
    const fake = { version: 1, shard: 0 } as RolloutResult;
    expect(() => rr.merge(2, [fake])).toThrow(/stale rollout: the trajectory of shard 0 has weight version 1, expected 2/);
    expect(rr.stats.staleRejected).toBe(1);
  });

  it('a rollout job older than the published weights fails on the worker without retries', async () => {
    redis = await RedisServer.start();
    workers = [startWorkerProcess(redis.url, ['--queues', 'rollout'])];
    await workers[0].ready;
    const client = await JobClient.connect(redis.url);
    const runId = 'stale-test';
    const rr = new RemoteRollout(client, { envId: 'classic/CartPole-v1', envArgs: {}, reward: { kind: 'env' }, numEnvs: 2, numSteps: 4, shards: 1, seed: 1, runId });
    const w = { actor: { sizes: [4, 2], layers: [{ weight: { data: new Float32Array(8) }, bias: { data: new Float32Array(2) } }] }, critic: { sizes: [4, 1], layers: [{ weight: { data: new Float32Array(4) }, bias: { data: new Float32Array(1) } }] } };
    // Version 1 collects normally.
    const t1 = await rr.collect(w, undefined);
    expect(t1.rewards.length).toBe(8);
    // The learner moves on to version 2; a job for version 1 left in the queue is refused.
    await publishWeights(client.redis, { runId, version: 2, actor: { sizes: [4, 2], params: Buffer.alloc(40).toString('base64') }, critic: { sizes: [4, 1], params: Buffer.alloc(20).toString('base64') }, logStd: null });
    const data = { ...(rr as unknown as { shardStates: unknown[] }), runId, version: 1, shard: 0, envId: 'classic/CartPole-v1', envArgs: {}, reward: { kind: 'env' }, numEnvs: 2, numSteps: 4, seed: 1, envState: (rr.getState().shardStates[0]), resetSeed: 1, obsNorm: null } as RolloutJobData & { shardStates?: unknown };
    delete data.shardStates;
    const [o] = await client.run([{ queue: 'rollout', name: 'rollout', id: jobId('rollout', runId, 'v1-late', 's0'), data }], { runId, parse: (v) => v, onFailure: 'continue', pollMs: 200 });
    await client.close();
    expect(o.ok).toBe(false);
    expect(!o.ok && o.error).toMatch(/stale rollout: the rollout job has weight version 1, expected 2/);
    expect(!o.ok && o.attempts).toBe(1);
  }, 60_000);
});
