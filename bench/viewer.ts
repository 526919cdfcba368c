/**
 * Viewer bench (`npm run bench -- --suite viewer --json`):
 *   (a) pose frames per second a connected client receives when a run publishes as fast as it can
 *       (robotics-sized frames, 7 floats × 6 bodies), with the server in its worker thread;
 *   (b) PPO training SPS on robotics/Reach-v0 (4 envs) without the viewer, with the viewer and nobody
 *       connected, and with a client (in a child process, so it reads while training blocks this thread)
 *       subscribed to env 0 — the cost of streaming.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { TrainContext } from '../agents/context.ts';
import { AGENTS, trainSync } from '../agents/index.ts';
import { defaultRegistry } from '../envs/index.ts';
import { ViewerHost } from '../viewer/host.ts';
import { ViewerVectorEnv, sceneLayout } from '../viewer/tap.ts';

export interface ViewerBenchOptions {
  readonly quick: boolean;
  readonly log?: (msg: string) => void;
}

const CLIENT = `
const WebSocket = require(process.argv[2]);
const ws = new WebSocket(process.argv[1]);
let frames = 0, json = 0;
ws.on('message', (d, bin) => {
  if (bin) { frames++; return; }
  json++;
  const m = JSON.parse(String(d));
  if (m.type === 'runs') for (const r of m.runs) ws.send(JSON.stringify({ type: 'subscribe', runId: r.runId, envIndex: 0 }));
});
ws.on('open', () => process.stdout.write('open\\n'));
process.on('message', () => { process.send({ frames, json }); });
`;

/** A ws client in a child process: subscribes to every run's env 0 and counts what it receives. */
async function startClient(url: string): Promise<{ child: ChildProcess; counts(): Promise<{ frames: number; json: number }> }> {
  const wsUrl = `ws://${new URL(url).host}/ws`;
  const child = spawn(process.execPath, ['-e', CLIENT, wsUrl, req.resolve('ws')], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`viewer bench client exited with ${c}`)));
  });
  return {
    child,
    counts: () => new Promise((resolve) => {
      child.once('message', (m) => resolve(m as { frames: number; json: number }));
      child.send('counts');
    }),
  };
}

const req = (await import('node:module')).createRequire(import.meta.url);

function trainSps(envId: string, steps: number, wrap?: (e: ReturnType<typeof defaultRegistry.makeVec>) => ReturnType<typeof defaultRegistry.makeVec>, onLog?: (step: number, s: Record<string, number>) => void): number {
  const agent = AGENTS.ppo;
  const args = agent.schema.parse({ ...(agent.presets[envId] ?? {}), numEnvs: 4, numSteps: 128, totalTimesteps: steps, seed: 1 }) as never;
  const ctx: TrainContext = {
    makeEnv: (n, mode) => {
      const e = defaultRegistry.makeVec(envId, n, { autoresetMode: mode });
      return wrap ? wrap(e) : e;
    },
    log: (step, s) => onLog?.(step, s),
    checkpointDue: () => false,
    saveCheckpoint: () => {},
    resumeFrom: undefined,
    progress: () => {},
  };
  const t0 = performance.now();
  trainSync(agent, args, ctx);
  return steps / ((performance.now() - t0) / 1000);
}

export async function benchViewer(opts: ViewerBenchOptions): Promise<Record<string, unknown>> {
  const log = opts.log ?? (() => {});
  const envId = 'robotics/Reach-v0';
  const steps = opts.quick ? 4096 : 16384;
  const probe = defaultRegistry.make(envId);
  probe.reset({ seed: 1 });
  const scene = sceneLayout(probe.state());
  probe.close();

  // (a) streaming throughput
  const host = await ViewerHost.start();
  const run = host.openRun({ runId: 'stream', env: envId, family: 'robotics', numEnvs: 1, scene });
  const client = await startClient(host.url);
  await new Promise((r) => setTimeout(r, 300)); // subscribe
  const frame = new Float32Array(7 * scene.length);
  const seconds = opts.quick ? 1 : 3;
  const before = await client.counts();
  const t0 = performance.now();
  let sent = 0;
  while (performance.now() - t0 < seconds * 1000) {
    for (let k = 0; k < 200; k++) run.poses(0, sent++, frame);
    await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 1000)); // let the client drain what is in flight
  const after = await client.counts();
  const streamStats = await host.stats();
  const framesPerSecond = Math.round((after.frames - before.frames) / seconds);
  log(`viewer: published ${Math.round(sent / seconds)} frames/s, client received ${framesPerSecond} frames/s`);
  run.close();

  // (b) training SPS: no viewer / viewer, nobody watching / viewer with a client on env 0. A warm-up run
  // first (JIT, Rapier), and the no-viewer baseline measured before and after the others (the mean).
  trainSps(envId, Math.min(steps, 4096));
  const base1 = trainSps(envId, steps);
  const idleRun = host.openRun({ runId: 'idle', env: envId, family: 'robotics', numEnvs: 4, scene });
  // the client subscribes to every run it is told about, so close it first for the "nobody" case
  client.child.kill();
  await new Promise((r) => setTimeout(r, 300));
  const idle = trainSps(envId, steps, (e) => new ViewerVectorEnv(e, 'robotics', idleRun), (s, sc) => idleRun.metrics(s, sc));
  idleRun.close();
  const watched = host.openRun({ runId: 'watched', env: envId, family: 'robotics', numEnvs: 4, scene });
  const client2 = await startClient(host.url);
  await new Promise((r) => setTimeout(r, 500));
  const c0 = await client2.counts();
  const withClient = trainSps(envId, steps, (e) => new ViewerVectorEnv(e, 'robotics', watched), (s, sc) => watched.metrics(s, sc));
  await new Promise((r) => setTimeout(r, 300));
  const c1 = await client2.counts();
  watched.close();
  client2.child.kill();
  await host.close();
  const base2 = trainSps(envId, steps);
  const base = (base1 + base2) / 2;
  const out = {
    streaming: { seconds, publishedPerSecond: Math.round(sent / seconds), receivedPerSecond: framesPerSecond, frameFloats: frame.length, serverStats: streamStats },
    training: {
      env: envId, numEnvs: 4, steps,
      spsNoViewer: Math.round(base),
      spsNoViewerRuns: [Math.round(base1), Math.round(base2)],
      spsViewerNobodyWatching: Math.round(idle),
      spsViewerClientWatching: Math.round(withClient),
      framesReceivedDuringTraining: c1.frames - c0.frames,
      overheadWatching: Math.round((1 - withClient / base) * 1000) / 10,
      overheadIdle: Math.round((1 - idle / base) * 1000) / 10,
    },
  };
  log(`viewer: training SPS ${out.training.spsNoViewer} without, ${out.training.spsViewerNobodyWatching} idle viewer, ${out.training.spsViewerClientWatching} with a client (${out.training.overheadWatching}% cost)`);
  return out;
}
