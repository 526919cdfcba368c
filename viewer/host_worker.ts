/**
 * Worker-thread side of viewer/host.ts: runs the ViewerServer and relays what the training thread posts.
 * Keeps each run's shared flags current: the watched env index (polled every 100 ms from the run's
 * subscribers; the lowest env index any viewer watches), pause and slow-down (set on control messages,
 * with `Atomics.notify` so a paused training thread wakes at once).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type RunMeta, MAX_RUNS, PAUSED, SLOT_INTS, SLOW, WATCH } from './host.ts';
import { type RunChannel, ViewerServer } from './server.ts';

interface Boot {
  opts: { host?: string; port?: number; token?: string; allowedOrigins?: string[] };
  flags: Int32Array;
  clientDir: string;
  vendor: Record<string, string>;
}

const boot = (workerData as { viewerHost?: Boot } | undefined)?.viewerHost;
if (boot && parentPort) {
  const port = parentPort;
  const flags = boot.flags;
  const runs = new Map<number, RunChannel>();
  let server: ViewerServer;
  try {
    server = await ViewerServer.start({ ...boot.opts, staticDir: boot.clientDir, extraStatic: boot.vendor });
    const url = boot.opts.token ? `${server.url}?token=${encodeURIComponent(boot.opts.token)}` : server.url;
    port.postMessage({ ok: true, url });
  } catch (e) {
    port.postMessage({ ok: false, error: (e as Error).message });
    process.exit(1);
  }
  const poll = setInterval(() => {
    for (const [slot, run] of runs) {
      const n = Math.min(Number(run.meta.numEnvs ?? 1), 64);
      let watched = -1;
      if (run.subscriberCount > 0) {
        for (let k = 0; k < n; k++) {
          if (run.wantsEnv(k)) {
            watched = k;
            break;
          }
        }
      }
      Atomics.store(flags, slot * SLOT_INTS + WATCH, watched);
    }
  }, 100);
  port.on('message', (m: Record<string, unknown>) => {
    const slot = m.slot as number;
    try {
      switch (m.op) {
        case 'openRun': {
          if (slot >= MAX_RUNS) return;
          const run = server.openRun(m.meta as RunMeta as never);
          runs.set(slot, run);
          run.onControl(() => {
            Atomics.store(flags, slot * SLOT_INTS + PAUSED, run.paused ? 1 : 0);
            Atomics.store(flags, slot * SLOT_INTS + SLOW, Math.round(run.slowMs));
            Atomics.notify(flags, slot * SLOT_INTS + PAUSED);
          });
          break;
        }
        case 'metrics':
          runs.get(slot)?.metrics(m.step as number, m.scalars as Record<string, number>);
          break;
        case 'poses':
          runs.get(slot)?.poses(m.envIndex as number, m.step as number, m.data as Float32Array);
          break;
        case 'transcript':
          runs.get(slot)?.transcript(m.envIndex as number, m.entry as never);
          break;
        case 'page':
          runs.get(slot)?.page(m.envIndex as number, m.snapshot as never);
          break;
        case 'episodeEnd':
          runs.get(slot)?.episodeEnd(m.envIndex as number, m.stats as never);
          break;
        case 'closeRun': {
          const run = runs.get(slot);
          run?.close();
          runs.delete(slot);
          Atomics.store(flags, slot * SLOT_INTS + PAUSED, 0);
          Atomics.notify(flags, slot * SLOT_INTS + PAUSED);
          break;
        }
        case 'stats':
          port.postMessage({ op: 'stats', stats: server.stats() });
          break;
        case 'close':
          clearInterval(poll);
          for (let s = 0; s < MAX_RUNS; s++) {
            Atomics.store(flags, s * SLOT_INTS + PAUSED, 0);
            Atomics.notify(flags, s * SLOT_INTS + PAUSED);
          }
          void server.close().then(() => process.exit(0));
          break;
        default:
          break;
      }
    } catch {
      // a bad message from the training side must not take the server down
    }
  });
}
