/**
 * `npm run sweep`: a grid of 4 train:env configurations completes as BullMQ jobs on 2 worker processes
 * (one results row each, summaries where the rows say); a configuration that fails every attempt is
 * reported with its error while the others complete (or stops the sweep with --on-failure stop); bad
 * grid files are refused naming the file, the configuration and the field.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SweepArgsError, loadGrid, parseSweepArgs, runSweep } from '../../cli/sweep.ts';
import { Redis } from 'ioredis';
import { runLedger } from '../../sim/distributed/result_store.ts';
import { RedisServer, type WorkerProc, startWorkerProcess } from './helpers.ts';

let redis: RedisServer;
let workers: WorkerProc[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-dist-sweep-'));
const BASE = { env: 'classic/CartPole-v1', agent: 'ppo', steps: 1024, evalEpisodes: 4, 'set.numEnvs': 4, 'set.numSteps': 32 };

function grid(name: string, g: unknown): string {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, JSON.stringify(g));
  return f;
}
const sweepCfg = (file: string, out: string, extra: Partial<ReturnType<typeof parseSweepArgs> & object> = {}) => ({ grid: file, out: path.join(tmp, out), parallel: 2, attempts: 2, onFailure: 'continue' as const, quiet: true, ...extra });

beforeAll(async () => {
  redis = await RedisServer.start();
  workers = [0, 1].map(() => startWorkerProcess(redis.url, ['--queues', 'train', '--runs-dir', path.join(tmp, 'worker-runs')]));
  await Promise.all(workers.map((w) => w.ready));
});
afterAll(async () => {
  for (const w of workers) await w.kill('SIGTERM');
  await redis?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('npm run sweep', () => {
  it('a sweep of 4 configurations completes on 2 workers, each counted once', async () => {
    const file = grid('four.json', { base: BASE, grid: { seed: [1, 2], 'set.learningRate': [0.001, 0.0003] } });
    const r = await runSweep({ ...sweepCfg(file, 'four'), workers: redis.url });
    expect(r.failed).toBe(0);
    expect(r.rows).toHaveLength(4);
    expect(new Set(r.rows.map((x) => x.configId)).size).toBe(4);
    for (const row of r.rows) {
      expect(row.ok).toBe(true);
      expect(Number.isFinite(row.meanReturn)).toBe(true);
      const summary = JSON.parse(fs.readFileSync(path.join(row.artifacts!.dir, 'summary.json'), 'utf8'));
      expect(summary.eval.meanReturn).toBe(row.meanReturn);
      expect(summary.seed).toBe(row.config.seed);
    }
    expect(fs.readFileSync(path.join(r.dir, 'results.md'), 'utf8').trim().split('\n')).toHaveLength(2 + 4);
    expect(fs.readFileSync(path.join(r.dir, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
    const client = new Redis(redis.port, '127.0.0.1');
    const ledger = await runLedger(client, r.runId);
    client.disconnect();
    expect(ledger.completed.sort()).toEqual(r.rows.map((x) => `train.${r.runId}.${x.configId}`).sort());
    expect(new Set(r.rows.map((x) => x.worker)).size).toBe(2);
  }, 60_000);

  it('a configuration that fails every attempt is reported with its error; the others complete (continue) or the sweep stops (stop)', async () => {
    const file = grid('failing.json', { base: BASE, runs: [{ seed: 1 }, { seed: 2, failAttempts: 9 }, { seed: 3 }] });
    const r = await runSweep({ ...sweepCfg(file, 'failing'), workers: redis.url, attempts: 2 });
    expect(r.failed).toBe(1);
    expect(r.rows.map((x) => x.ok)).toEqual([true, false, true]);
    expect(r.rows[1].error).toMatch(/injected failure on attempt 2/);
    expect(r.rows[1].attempts).toBe(2);
    expect(fs.readFileSync(path.join(r.dir, 'results.md'), 'utf8')).toMatch(/FAILED after 2 attempt\(s\): injected failure/);

    const onlyFail = grid('stop.json', { base: BASE, runs: [{ seed: 5, failAttempts: 9 }] });
    const s = await runSweep({ ...sweepCfg(onlyFail, 'stop'), workers: redis.url, attempts: 1, onFailure: 'stop' });
    expect(s.stoppedEarly).toBe(true);
    expect(s.rows[0].ok).toBe(false);
  }, 60_000);

  it('local mode (no Redis) runs the same grid on worker threads', async () => {
    const file = grid('local.json', { base: BASE, grid: { seed: [1, 2] } });
    const r = await runSweep(sweepCfg(file, 'local'));
    expect(r.rows.map((x) => x.ok)).toEqual([true, true]);
    expect(r.rows[0].artifacts!.dir.startsWith(path.join(tmp, 'local', 'runs'))).toBe(true);
  }, 60_000);

  it('bad grid files are refused naming the file, the configuration and the field', () => {
    expect(() => loadGrid(path.join(tmp, 'missing.json'))).toThrow(/--grid: cannot read '.*missing.json' \(ENOENT\)/);
    const notJson = path.join(tmp, 'bad.json');
    fs.writeFileSync(notJson, '{ nope');
    expect(() => loadGrid(notJson)).toThrow(/--grid .*bad.json: not valid JSON/);
    expect(() => loadGrid(grid('g1.json', { base: BASE, grid: { seed: [1, -3] } }))).toThrow(/configuration #2 \(seed=-3\): field 'seed': .*got -3/);
    expect(() => loadGrid(grid('g2.json', { base: { ...BASE, env: 'classic/Nope-v0' }, grid: { seed: [1] } }))).toThrow(/configuration #1: field 'env': unknown env id 'classic\/Nope-v0'/);
    expect(() => loadGrid(grid('g3.json', { base: BASE, grid: { bogus: [1] } }))).toThrow(/field '': Unrecognized key|bogus/);
    expect(() => loadGrid(grid('g4.json', { base: BASE, axes: {} }))).toThrow(/field '\(root\)'|axes/);
    expect(() => loadGrid(grid('g5.json', { base: { ...BASE, reward: 'file:nope.js' }, grid: { seed: [1] } }))).toThrow(/field 'reward': cannot read '.*nope.js' \(ENOENT\)/);
    expect(loadGrid(grid('g6.json', { base: BASE })).map((e) => e.configId)).toEqual(['c001']);
    expect(() => loadGrid(grid('g7.json', { base: BASE, grid: { seed: [] } }))).toThrow(/field 'grid.seed'/);
    expect(() => parseSweepArgs(['--grid', 'x.json', '--on-failure', 'maybe'])).toThrow(SweepArgsError);
    expect(() => parseSweepArgs(['--grid', 'x.json', '--workers', 'tcp://h'])).toThrow(/--workers: scheme 'tcp'/);
  });
});
