/**
 * The Chromium backend: real Chromium (Debian's `chromium`, never a downloaded browser) driven by
 * playwright-core, with the same in-page runtime as the fast DOM. Actions are Chromium's native input
 * (playwright's click / fill / selectOption / press, which scroll into view, wait for the element to be
 * actionable and hit-test), after the runtime has checked the ref (so an invalid action changes nothing
 * in both backends). Snapshots carry bboxes; `screenshot()` gives real frames.
 *
 * The env contract is synchronous and playwright is not, so the browser lives in a worker thread
 * (chromium_worker.mjs) and every call blocks on `Atomics.wait` until the worker replies — the pattern
 * of the `synckit` package, written out here (30 lines) because its TypeScript-runner detection does not
 * fit tsx-loaded workers and the worker needs no TypeScript. One browser process serves every Chromium
 * env of this Node process (one browser context and page each); it closes when the last env closes.
 */
import { existsSync } from 'node:fs';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Frame } from '../../../sim/env.ts';
import { PAGE_STYLE, RUNTIME_SOURCE } from '../runtime/index.ts';
import type { Snapshot, WebAction } from '../types.ts';
import type { DomBackend } from './backend.ts';

/** Where Debian (and Ubuntu) put Chromium; `REWARDFORGE_CHROMIUM` overrides. */
export function chromiumPath(): string {
  const env = process.env.REWARDFORGE_CHROMIUM;
  if (env) {
    if (!existsSync(env)) throw new Error(`webnav: REWARDFORGE_CHROMIUM=${env} does not exist`);
    return env;
  }
  const found = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!found) throw new Error("webnav: the chromium backend needs Debian's chromium: apt-get install -y chromium fonts-liberation (.ci/run does this)");
  return found;
}

const CALL_TIMEOUT_MS = 60_000;

class BrowserWorker {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;
  users = 0;
  readonly version: string;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL('./chromium_worker.mjs', import.meta.url), { workerData: { port: port2, flag: this.flag }, transferList: [port2] });
    this.worker.unref();
    this.version = (this.call('launch', { executablePath: chromiumPath() }) as { version: string }).version;
  }

  call(op: string, args: Record<string, unknown> = {}): unknown {
    const id = this.nextId++;
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ id, op, args });
    const deadline = Date.now() + CALL_TIMEOUT_MS;
    for (;;) {
      const got = receiveMessageOnPort(this.port);
      if (got) {
        const m = got.message as { id: number; ok: boolean; result?: unknown; error?: string };
        if (m.id !== id) continue;
        if (!m.ok) throw new Error(`webnav chromium (${op}): ${m.error}`);
        return m.result;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`webnav chromium (${op}): no answer from the browser worker within ${CALL_TIMEOUT_MS / 1000} s`);
      Atomics.wait(this.flag, 0, 0, Math.min(left, 1000));
    }
  }

  shutdown(): void {
    try {
      this.call('shutdown');
    } finally {
      void this.worker.terminate();
    }
  }
}

let shared: BrowserWorker | undefined;

export interface ChromiumBackendOptions {
  readonly width?: number;
  readonly height?: number;
}

export class ChromiumBackend implements DomBackend {
  readonly name = 'chromium' as const;
  readonly hasLayout = true;
  private readonly browser: BrowserWorker;
  private readonly pageId: number;
  private closed = false;

  constructor(opts: ChromiumBackendOptions = {}) {
    shared ??= new BrowserWorker();
    this.browser = shared;
    this.browser.users++;
    try {
      this.pageId = (this.browser.call('open', { width: opts.width ?? 240, height: opts.height ?? 320, style: PAGE_STYLE, runtime: RUNTIME_SOURCE }) as { id: number }).id;
    } catch (e) {
      this.release();
      throw e;
    }
  }

  /** The browser's version string. */
  get version(): string {
    return this.browser.version;
  }

  load(html: string): void {
    this.browser.call('load', { id: this.pageId, html });
  }

  act(action: WebAction): string | null {
    return (this.browser.call('step', { id: this.pageId, action }) as { error: string | null }).error;
  }

  snapshot(): Snapshot {
    return this.browser.call('snapshot', { id: this.pageId }) as Snapshot;
  }

  screenshot(): Frame {
    return this.browser.call('screenshot', { id: this.pageId }) as Frame;
  }

  private release(): void {
    this.browser.users--;
    if (this.browser.users === 0 && shared === this.browser) {
      shared = undefined;
      this.browser.shutdown();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.browser.call('closePage', { id: this.pageId });
    } finally {
      this.release();
    }
  }
}
