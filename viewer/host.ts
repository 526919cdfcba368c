/**
 * Runs the viewer server in a worker thread, so that it keeps streaming (and answering heartbeats)
 * while training blocks the main thread in synchronous loops.
 *
 * The main thread talks to it through `postMessage` (metrics, transcripts, pose frames as transferable
 * copies) and reads, without any message round trip, a small shared Int32Array per run that the worker
 * keeps current: which env index viewers watch (−1: nobody), paused, slow-down in ms. So a step costs one
 * `Atomics.load` when nobody watches, and pause blocks training on `Atomics.wait` while the worker serves.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RunSink } from './tap.ts';

export const SLOT_INTS = 4; // [watchedEnvIndex, paused, slowMs, spare]
export const MAX_RUNS = 64;
export const WATCH = 0;
export const PAUSED = 1;
export const SLOW = 2;

export interface ViewerHostOptions {
  readonly host?: string;
  readonly port?: number;
  readonly token?: string;
  /** Extra origins allowed to connect (besides the server's own). */
  readonly allowedOrigins?: readonly string[];
}

export interface RunMeta {
  readonly runId: string;
  readonly env: string;
  readonly family: string;
  readonly agent?: string;
  readonly numEnvs?: number;
  /** Robotics: the bodies of a pose frame (viewer/tap.ts `sceneLayout`). */
  readonly scene?: unknown;
  readonly finished?: boolean;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const CLIENT_DIR = path.join(here, 'client');
export const VENDOR = {
  '/vendor/three/': path.join(here, '..', 'node_modules', 'three', 'build'),
  '/vendor/uplot/': path.join(here, '..', 'node_modules', 'uplot', 'dist'),
};

export class RemoteRun implements RunSink {
  private closed = false;
  constructor(
    private readonly host: ViewerHost,
    readonly slot: number,
    readonly meta: RunMeta,
    private readonly flags: Int32Array,
  ) {}

  private base(): number {
    return this.slot * SLOT_INTS;
  }

  watched(): number {
    return Atomics.load(this.flags, this.base() + WATCH);
  }

  get paused(): boolean {
    return Atomics.load(this.flags, this.base() + PAUSED) === 1;
  }

  slowMs(): number {
    return Atomics.load(this.flags, this.base() + SLOW);
  }

  throttle(): void {
    const b = this.base();
    // Paused: sleep until the worker flips the flag (it notifies), re-checking every second.
    while (Atomics.load(this.flags, b + PAUSED) === 1 && !this.closed) Atomics.wait(this.flags, b + PAUSED, 1, 1000);
    const slow = Atomics.load(this.flags, b + SLOW);
    if (slow > 0) Atomics.wait(this.flags, b + 3, 0, Math.min(slow, 5000));
  }

  metrics(step: number, scalars: Record<string, number>): void {
    this.host.post({ op: 'metrics', slot: this.slot, step, scalars });
  }

  poses(envIndex: number, step: number, data: Float32Array): void {
    const copy = data.slice();
    this.host.post({ op: 'poses', slot: this.slot, envIndex, step, data: copy }, [copy.buffer]);
  }

  transcript(envIndex: number, entry: { obs?: string; command?: string; reward?: number; terms?: Record<string, number> }): void {
    this.host.post({ op: 'transcript', slot: this.slot, envIndex, entry });
  }

  page(envIndex: number, snapshot: { html: string; instruction: string; actedRef?: string }): void {
    this.host.post({ op: 'page', slot: this.slot, envIndex, snapshot });
  }

  episodeEnd(envIndex: number, stats: Record<string, number | boolean>): void {
    this.host.post({ op: 'episodeEnd', slot: this.slot, envIndex, stats });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.host.post({ op: 'closeRun', slot: this.slot });
  }
}

export class ViewerHost {
  private nextSlot = 0;
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    readonly url: string,
    readonly flags: Int32Array,
  ) {
    worker.once('exit', () => {
      this.exited = true;
    });
  }

  /** Start the server worker; resolves once it listens (its URL includes the token when one is set). */
  static async start(opts: ViewerHostOptions = {}): Promise<ViewerHost> {
    const flags = new Int32Array(new SharedArrayBuffer(MAX_RUNS * SLOT_INTS * 4));
    for (let s = 0; s < MAX_RUNS; s++) flags[s * SLOT_INTS + WATCH] = -1;
    const entry = path.join(here, 'host_worker.ts');
    // Workers do not inherit the tsx loader on Node 20: register it in the worker, then load the entry.
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(new URL(`file://${entry}`).href)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: { viewerHost: { opts, flags, clientDir: CLIENT_DIR, vendor: VENDOR } } });
    const url = await new Promise<string>((resolve, reject) => {
      worker.once('message', (m: { ok: boolean; url?: string; error?: string }) => (m.ok ? resolve(m.url!) : reject(new Error(`viewer: ${m.error}`))));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`viewer: server worker exited with code ${code} before listening`)));
    });
    worker.unref();
    return new ViewerHost(worker, url, flags);
  }

  post(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): void {
    if (this.exited) return;
    this.worker.postMessage(msg, transfer);
  }

  openRun(meta: RunMeta): RemoteRun {
    if (this.nextSlot >= MAX_RUNS) throw new Error(`viewer: at most ${MAX_RUNS} runs per server`);
    const slot = this.nextSlot++;
    this.post({ op: 'openRun', slot, meta });
    return new RemoteRun(this, slot, meta, this.flags);
  }

  /** Server counters (clients, dropped frames, …). */
  stats(): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      const onMsg = (m: { op?: string; stats?: Record<string, unknown> }) => {
        if (m.op !== 'stats') return;
        this.worker.off('message', onMsg);
        resolve(m.stats ?? {});
      };
      this.worker.on('message', onMsg);
      this.post({ op: 'stats' });
    });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.post({ op: 'close' });
    const timer = setTimeout(() => void this.worker.terminate(), 3000);
    await done;
    clearTimeout(timer);
  }
}
