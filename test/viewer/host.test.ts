/**
 * The viewer server in its worker thread (viewer/host.ts): it keeps serving while this thread blocks,
 * pause from a page blocks `throttle()` until resume, and the watched env index reaches the training
 * side through the shared flags. The page's client runs in a child process, since this thread blocks.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ViewerHost } from '../../viewer/host.ts';

const req = createRequire(import.meta.url);
const CLIENT = `
const WebSocket = require(process.argv[2]);
const ws = new WebSocket(process.argv[1]);
ws.on('message', (d, bin) => {
  if (bin) return;
  const m = JSON.parse(String(d));
  if (m.type === 'runs' && m.runs.length) {
    ws.send(JSON.stringify({ type: 'subscribe', runId: 'h', envIndex: 2 }));
    setTimeout(() => ws.send(JSON.stringify({ type: 'control', runId: 'h', action: 'pause' })), 300);
    setTimeout(() => ws.send(JSON.stringify({ type: 'control', runId: 'h', action: 'resume' })), 1300);
    setTimeout(() => ws.send(JSON.stringify({ type: 'control', runId: 'h', action: 'slow', value: 50 })), 1600);
    setTimeout(() => process.exit(0), 2500);
  }
});
`;

describe('viewer host (server in a worker thread)', () => {
  it('reports the watched env, blocks throttle() while paused and sleeps the slow-down', async () => {
    const host = await ViewerHost.start();
    try {
      const run = host.openRun({ runId: 'h', env: 'classic/CartPole-v1', family: 'classic', numEnvs: 4 });
      expect(run.watched()).toBe(-1);
      const child = spawn(process.execPath, ['-e', CLIENT, `ws://${new URL(host.url).host}/ws`, req.resolve('ws')], { stdio: 'inherit' });
      await expect.poll(() => run.watched(), { timeout: 5000 }).toBe(2);
      await expect.poll(() => run.paused, { timeout: 5000 }).toBe(true);
      // This thread blocks here; the worker keeps serving and wakes it on resume.
      const t0 = performance.now();
      run.throttle();
      const blocked = performance.now() - t0;
      expect(blocked).toBeGreaterThan(300);
      expect(run.paused).toBe(false);
      await expect.poll(() => run.slowMs(), { timeout: 5000 }).toBe(50);
      const t1 = performance.now();
      run.throttle();
      expect(performance.now() - t1).toBeGreaterThanOrEqual(45);
      await new Promise((r) => child.once('exit', r));
      const stats = await host.stats();
      expect(stats.connectionsAccepted).toBe(1);
      run.close();
    } finally {
      await host.close();
    }
  }, 30_000);
});
