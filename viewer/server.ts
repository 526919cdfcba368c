/**
 * Live viewer server: HTTP (static files of the viewer page) + WebSocket (training runs streamed to
 * browsers). The protocol is written down in viewer/PROTOCOL.md; message shapes and the binary pose
 * frame codec live in viewer/protocol.ts.
 *
 * Training publishes in-process through a RunChannel (`server.openRun(meta)`): publishing is cheap
 * when nobody subscribed (no encoding) and never throws into training (errors are caught and
 * counted in `stats().publishErrors`). Each client has a send budget: above it pose frames are
 * dropped and JSON messages are coalesced (latest per run and kind), so a slow or stuck browser
 * cannot grow the server's memory.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import http, { STATUS_CODES } from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { z } from 'zod';
import {
  CLOSE_CODES,
  DEFAULT_SLOW_MS,
  PROTOCOL_VERSION,
  RunMetaSchema,
  closeReason,
  encodePoseFrame,
  formatZodError,
  parseClientMessage,
  poseDataOffset,
  type ClientMessage,
  type ControlAction,
  type EpisodeStats,
  type PageSnapshot,
  type RunInfo,
  type RunMeta,
  type ServerMessage,
  type TranscriptEntry,
} from './protocol.ts';

export interface ViewerServerOptions {
  /** Interface to listen on (default '127.0.0.1'). Anything but loopback needs `token`. */
  host?: string;
  /** TCP port (default 0: an ephemeral port; read it back from `port`). */
  port?: number;
  /** Shared secret clients pass as `?token=` or `Authorization: Bearer`. Required off loopback. */
  token?: string;
  /**
   * Origins allowed to open a WebSocket (exact `scheme://host:port`, or '*'). Default: the server's
   * own origin (`http://<host>:<port>`, `http://localhost:<port>`, `http://127.0.0.1:<port>`,
   * `http://[::1]:<port>`), and with a token also `http://<Host header>`. Requests without Origin
   * (Node clients) pass the origin check; the token check still applies.
   */
  allowedOrigins?: string[];
  /** Largest client→server message in bytes (default 64 KiB); larger ones close with 1009. */
  maxPayload?: number;
  /** Ping interval in ms (default 15000); a peer that did not answer the last ping is terminated. */
  heartbeatMs?: number;
  /** Per-client bytes buffered before frames are dropped and JSON coalesced (default 1 MiB). */
  sendBudgetBytes?: number;
  /** Folder served over HTTP GET (`/` serves index.html). */
  staticDir?: string;
  /** URL prefix → folder, e.g. `{ '/vendor/three/': 'node_modules/three/build' }`. */
  extraStatic?: Record<string, string>;
  /** Most simultaneous WebSocket clients (default 256); more are refused with 503. */
  maxClients?: number;
  /** Metric points kept per tag for late subscribers (default 2000). */
  historyPoints?: number;
  /** Most metric tags kept in history per run (default 256); later tags stream live only. */
  historyTags?: number;
  /** Ended runs kept listed (with history) before the oldest is dropped (default 16). */
  maxEndedRuns?: number;
}

export interface ViewerStats {
  /** WebSocket clients connected now. */
  clients: number;
  /** Runs listed now (open and ended). */
  runs: number;
  /** Client subscriptions now, over all runs. */
  subscriptions: number;
  connectionsAccepted: number;
  /** Pose frames not sent because a client was over its send budget. */
  droppedFrames: number;
  /** JSON messages replaced by a newer one of the same run and kind while a client was over budget. */
  coalescedMessages: number;
  /** JSON messages waiting (coalesced) for clients over budget, now. */
  pendingMessages: number;
  framesSent: number;
  messagesSent: number;
  /** Bytes handed to client sockets (payloads, without WebSocket framing). */
  bytesSent: number;
  /** Sum of clients' `bufferedAmount` now. */
  bufferedBytes: number;
  /** Largest client `bufferedAmount` now. */
  maxClientBufferedBytes: number;
  /** Largest client `bufferedAmount` seen right after a send, since start. */
  peakClientBufferedBytes: number;
  /** Errors caught in RunChannel methods (never thrown into training). */
  publishErrors: number;
  /** Errors thrown by onControl callbacks (caught). */
  controlCallbackErrors: number;
  /** Metric tags left out of history because a run had historyTags tags already. */
  historyTagsDropped: number;
  lastError: string | null;
  /** Heartbeat ticks since start. */
  heartbeats: number;
  /** Upgrade requests refused, by reason: origin, token, path, capacity, shutdown. */
  rejected: Record<string, number>;
  /**
   * Client connections closed, by reason: tooLarge (1009), policy (1008), unsupported (1003),
   * heartbeat, shutdown, normal (1000), goingAway (1001), noStatus (1005), abnormal (1006), error,
   * or code<N>.
   */
  closedFor: Record<string, number>;
}

export interface ControlEvent {
  runId: string;
  action: ControlAction;
  value?: number;
  /** State after the action. */
  paused: boolean;
  slowMs: number;
}

const LOOPBACK_NAMES = new Set(['localhost', '::1', '0:0:0:0:0:0:0:1']);

/** True for 127.0.0.0/8, ::1, ::ffff:127.x.x.x and 'localhost'. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (LOOPBACK_NAMES.has(h)) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return /^::ffff:127\./.test(h);
  return false;
}

const OptionsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(0),
  token: z
    .string()
    .min(8, 'must be at least 8 characters')
    .max(512)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
  allowedOrigins: z.array(z.string().min(1)).optional(),
  maxPayload: z.number().int().min(1024).max(256 * 1024 * 1024).default(64 * 1024),
  heartbeatMs: z.number().int().min(10).max(3_600_000).default(15_000),
  sendBudgetBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(1024 * 1024),
  staticDir: z.string().min(1).optional(),
  extraStatic: z.record(z.string().regex(/^\//, 'must start with /'), z.string().min(1)).optional(),
  maxClients: z.number().int().min(1).max(100_000).default(256),
  historyPoints: z.number().int().min(1).max(1_000_000).default(2000),
  historyTags: z.number().int().min(1).max(100_000).default(256),
  maxEndedRuns: z.number().int().min(0).max(10_000).default(16),
});
type ResolvedOptions = z.infer<typeof OptionsSchema>;

const MAX_SUBSCRIPTIONS_PER_CLIENT = 64;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.glb': 'model/gltf-binary',
  '.gltf': 'model/gltf+json',
};

/** Content-Type for a file name (application/octet-stream when unknown). */
export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function codeName(code: number): string {
  switch (code) {
    case 1000: return 'normal';
    case 1001: return 'goingAway';
    case 1003: return 'unsupported';
    case 1005: return 'noStatus';
    case 1006: return 'abnormal';
    case 1008: return 'policy';
    case 1009: return 'tooLarge';
    default: return `code${code}`;
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function bump(rec: Record<string, number>, key: string): void {
  rec[key] = (rec[key] ?? 0) + 1;
}

function jsonBuffer(msg: ServerMessage): Buffer {
  return Buffer.from(JSON.stringify(msg), 'utf8');
}

function urlHost(host: string): string {
  return net.isIPv6(host) ? `[${host}]` : host;
}

interface Client {
  id: number;
  ws: WebSocket;
  /** runId → envIndex filter (null: every env). */
  subs: Map<string, number | null>;
  /** Coalesced JSON messages waiting for budget, key `${kind}\0${runId}`, oldest first. */
  pending: Map<string, Buffer>;
  alive: boolean;
  closeReason?: string;
  closed: Promise<void>;
  onSent: (err?: Error) => void;
}

/** Last N (step, value) points of one metric tag. */
class Ring {
  private readonly steps: Float64Array;
  private readonly values: Float64Array;
  private start = 0;
  private length = 0;
  constructor(private readonly capacity: number) {
    this.steps = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }
  push(step: number, value: number): void {
    const i = (this.start + this.length) % this.capacity;
    this.steps[i] = step;
    this.values[i] = value;
    if (this.length < this.capacity) this.length++;
    else this.start = (this.start + 1) % this.capacity;
  }
  toArrays(): { steps: number[]; values: number[] } {
    const steps = new Array<number>(this.length);
    const values = new Array<number>(this.length);
    for (let k = 0; k < this.length; k++) {
      const i = (this.start + k) % this.capacity;
      steps[k] = this.steps[i];
      values[k] = this.values[i];
    }
    return { steps, values };
  }
}

/**
 * One training run's publisher, from `ViewerServer.openRun`. Every method is safe to call on the
 * training hot path: it returns at once when nobody subscribed and never throws.
 */
export class RunChannel {
  readonly runId: string;
  readonly meta: RunMeta;
  readonly startedAt = Date.now();
  /** @internal clients subscribed to this run. */
  readonly subscribers = new Set<Client>();
  private _paused = false;
  private _slowMs = 0;
  private _ended = false;
  private readonly history = new Map<string, Ring>();
  private readonly controlCallbacks = new Set<(e: ControlEvent) => void>();
  private resumeWaiters: Array<() => void> = [];
  private readonly idBytes: number;

  /** @internal use ViewerServer.openRun */
  constructor(private readonly server: ViewerServer, meta: RunMeta) {
    this.meta = { ...meta };
    this.runId = meta.runId;
    this.idBytes = Buffer.byteLength(meta.runId, 'utf8');
  }

  /** A client asked to pause (until resume). Training should wait, e.g. with `await throttle()`. */
  get paused(): boolean {
    return this._paused;
  }
  /** A client asked for this delay in ms per step (0: full speed). */
  get slowMs(): number {
    return this._slowMs;
  }
  /** close() was called (or the server closed). */
  get ended(): boolean {
    return this._ended;
  }
  /** Number of clients subscribed now. */
  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Whether any subscriber wants this env's poses/transcript/page (skip computing them if not). */
  wantsEnv(envIndex: number): boolean {
    for (const c of this.subscribers) {
      const want = c.subs.get(this.runId);
      if (want === null || want === envIndex) return true;
    }
    return false;
  }

  /** Scalars at a training step: kept in history (for late subscribers) and streamed. */
  metrics(step: number, scalars: Record<string, number>): void {
    try {
      if (this._ended) return;
      for (const tag in scalars) {
        const v = scalars[tag];
        if (typeof v !== 'number') continue;
        let ring = this.history.get(tag);
        if (!ring) {
          if (this.history.size >= this.server.options.historyTags) {
            this.server.counters.historyTagsDropped++;
            continue;
          }
          ring = new Ring(this.server.options.historyPoints);
          this.history.set(tag, ring);
        }
        ring.push(step, v);
      }
      if (this.subscribers.size === 0) return;
      const buf = jsonBuffer({ type: 'metrics', runId: this.runId, step, scalars });
      for (const c of this.subscribers) this.server.sendJson(c, `metrics\0${this.runId}`, buf);
    } catch (e) {
      this.server.countError(e);
    }
  }

  /** Body poses of one env as a binary frame (see PROTOCOL.md); dropped for clients over budget. */
  poses(envIndex: number, step: number, data: Float32Array): void {
    try {
      if (this._ended || this.subscribers.size === 0) return;
      const size = poseDataOffset(this.idBytes) + data.byteLength;
      let frame: Buffer | undefined;
      for (const c of this.subscribers) {
        const want = c.subs.get(this.runId);
        if (want !== null && want !== envIndex) continue;
        if (!this.server.roomForFrame(c, size)) {
          this.server.counters.droppedFrames++;
          continue;
        }
        if (!frame) {
          const u8 = encodePoseFrame(this.runId, envIndex, step, data);
          frame = Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
        }
        this.server.sendNow(c, frame, true);
      }
    } catch (e) {
      this.server.countError(e);
    }
  }

  /** One text-world step of one env: observation, command, reward and its terms. */
  transcript(envIndex: number, entry: TranscriptEntry): void {
    this.perEnv('transcript', envIndex, () => ({ type: 'transcript', runId: this.runId, envIndex, entry }));
  }

  /** The web env's page after a step. */
  page(envIndex: number, snapshot: PageSnapshot): void {
    this.perEnv('page', envIndex, () => ({ type: 'page', runId: this.runId, envIndex, snapshot }));
  }

  /** An episode of one env finished (return, length, success, ...). */
  episodeEnd(envIndex: number, stats: EpisodeStats): void {
    this.perEnv('episodeEnd', envIndex, () => ({ type: 'episodeEnd', runId: this.runId, envIndex, stats }));
  }

  /** Called on every pause/resume/slow from a client. Returns a function that unregisters it. */
  onControl(cb: (event: ControlEvent) => void): () => void {
    this.controlCallbacks.add(cb);
    return () => {
      this.controlCallbacks.delete(cb);
    };
  }

  /**
   * Honour client controls from the training loop: waits while paused (until resume, close() or
   * the server closing), then sleeps slowMs if set. Resolves at once otherwise.
   */
  async throttle(): Promise<void> {
    while (this._paused && !this._ended) {
      await new Promise<void>((resolve) => this.resumeWaiters.push(resolve));
    }
    if (this._slowMs > 0 && !this._ended) {
      await new Promise<void>((resolve) => setTimeout(resolve, this._slowMs));
    }
  }

  /** The run finished: listed as ended (history kept for a while), paused waiters released. */
  close(): void {
    try {
      if (this._ended) return;
      this.end();
      this.server.runEnded(this);
    } catch (e) {
      this.server.countError(e);
    }
  }

  /** @internal */
  end(): void {
    this._ended = true;
    this._paused = false;
    this.releaseWaiters();
  }

  /** @internal */
  info(): RunInfo {
    return { ...this.meta, startedAt: this.startedAt, finished: this._ended, paused: this._paused, slowMs: this._slowMs };
  }

  /** @internal */
  historyMessage(): ServerMessage {
    const byStep = new Map<number, Record<string, number | null>>();
    for (const [tag, ring] of this.history) {
      const { steps, values } = ring.toArrays();
      for (let i = 0; i < steps.length; i++) {
        let scalars = byStep.get(steps[i]);
        if (!scalars) byStep.set(steps[i], (scalars = {}));
        scalars[tag] = Number.isFinite(values[i]) ? values[i] : null;
      }
    }
    const points = [...byStep.entries()].sort((a, b) => a[0] - b[0]).map(([step, scalars]) => ({ step, scalars }));
    return { type: 'history', runId: this.runId, points };
  }

  /** @internal apply a client's control; returns the event passed to callbacks. */
  applyControl(action: ControlAction, value: number | undefined): ControlEvent {
    if (action === 'pause') this._paused = true;
    else if (action === 'resume') {
      this._paused = false;
      this.releaseWaiters();
    } else this._slowMs = value ?? DEFAULT_SLOW_MS;
    const event: ControlEvent = { runId: this.runId, action, paused: this._paused, slowMs: this._slowMs };
    if (value !== undefined) event.value = value;
    for (const cb of [...this.controlCallbacks]) {
      try {
        cb(event);
      } catch (e) {
        this.server.counters.controlCallbackErrors++;
        this.server.counters.lastError = `onControl callback: ${(e as Error)?.message ?? String(e)}`;
      }
    }
    return event;
  }

  private releaseWaiters(): void {
    const waiters = this.resumeWaiters;
    this.resumeWaiters = [];
    for (const w of waiters) w();
  }

  private perEnv(kind: string, envIndex: number, build: () => ServerMessage): void {
    try {
      if (this._ended || this.subscribers.size === 0) return;
      let buf: Buffer | undefined;
      for (const c of this.subscribers) {
        const want = c.subs.get(this.runId);
        if (want !== null && want !== envIndex) continue;
        buf ??= jsonBuffer(build());
        this.server.sendJson(c, `${kind}\0${this.runId}`, buf);
      }
    } catch (e) {
      this.server.countError(e);
    }
  }
}

interface StaticMount {
  prefix: string;
  root: string;
}

export class ViewerServer {
  /** `http://host:port/` */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** The underlying HTTP server (for diagnostics and tests). */
  readonly httpServer: http.Server;
  /** @internal */
  readonly options: ResolvedOptions;
  /** @internal */
  readonly counters = {
    connectionsAccepted: 0,
    droppedFrames: 0,
    coalescedMessages: 0,
    framesSent: 0,
    messagesSent: 0,
    bytesSent: 0,
    peakClientBufferedBytes: 0,
    publishErrors: 0,
    controlCallbackErrors: 0,
    historyTagsDropped: 0,
    lastError: null as string | null,
    heartbeats: 0,
    rejected: {} as Record<string, number>,
    closedFor: {} as Record<string, number>,
  };

  private readonly wss: WebSocketServer;
  private readonly clients = new Set<Client>();
  private readonly runs = new Map<string, RunChannel>();
  private readonly mounts: StaticMount[];
  private readonly tokenDigest: Buffer | null;
  private readonly allowedOrigins: Set<string>;
  private readonly heartbeat: NodeJS.Timeout;
  private nextClientId = 1;
  private closing: Promise<void> | null = null;

  private constructor(httpServer: http.Server, options: ResolvedOptions, port: number, mounts: StaticMount[]) {
    this.httpServer = httpServer;
    this.options = options;
    this.host = options.host;
    this.port = port;
    this.url = `http://${urlHost(options.host)}:${port}/`;
    this.mounts = mounts;
    this.tokenDigest = options.token !== undefined ? digest(options.token) : null;
    this.allowedOrigins = new Set(
      (options.allowedOrigins ?? [
        `http://${urlHost(options.host)}:${port}`,
        `http://localhost:${port}`,
        `http://127.0.0.1:${port}`,
        `http://[::1]:${port}`,
      ]).map((o) => o.toLowerCase().replace(/\/+$/, '')),
    );
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload, perMessageDeflate: false });
    httpServer.on('request', (req, res) => this.onRequest(req, res));
    httpServer.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.heartbeat = setInterval(() => this.tick(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Validate options, listen, and resolve once the server accepts connections. */
  static async start(opts: ViewerServerOptions = {}): Promise<ViewerServer> {
    const parsed = OptionsSchema.safeParse(opts ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      if (issue?.path[0] === 'token' && typeof opts.token === 'string') {
        throw new Error(`ViewerServer: token ${issue.message.replace(/^Invalid input: /, '')}, got a ${opts.token.length}-character string`);
      }
      throw new Error(`ViewerServer: ${formatZodError(parsed.error, opts, 'options')}`);
    }
    const options = parsed.data;
    if (!isLoopbackHost(options.host) && options.token === undefined) {
      throw new Error(
        `ViewerServer: host '${options.host}' is not a loopback address, so a token is needed: pass token ` +
          `(a random secret of at least 8 characters that clients send as ?token= or Authorization: Bearer), ` +
          `or use host '127.0.0.1'`,
      );
    }
    const mounts: StaticMount[] = [];
    if (options.staticDir !== undefined) mounts.push({ prefix: '/', root: await staticRoot('staticDir', options.staticDir) });
    for (const [prefix, dir] of Object.entries(options.extraStatic ?? {})) {
      const p = prefix.endsWith('/') ? prefix : `${prefix}/`;
      mounts.push({ prefix: p, root: await staticRoot(`extraStatic['${prefix}']`, dir) });
    }
    mounts.sort((a, b) => b.prefix.length - a.prefix.length);

    const httpServer = http.createServer();
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        reject(new Error(`ViewerServer: cannot listen on host '${options.host}' port ${options.port}: ${err.code ?? ''} ${err.message}`.trim()));
      };
      httpServer.once('error', onError);
      httpServer.listen(options.port, options.host, () => {
        httpServer.off('error', onError);
        resolve();
      });
    });
    httpServer.on('error', () => {});
    const address = httpServer.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    return new ViewerServer(httpServer, options, port, mounts);
  }

  /**
   * Register a run and return its publisher. Clients see it in the next `runs` message. Throws
   * (at setup, not while publishing) when meta is invalid or the runId is open already. An ended run
   * with the same runId is replaced and its subscribers move to the new run.
   */
  openRun(meta: RunMeta): RunChannel {
    if (this.closing) throw new Error(`openRun: the viewer server is closed (runId '${meta?.runId}')`);
    const parsed = RunMetaSchema.safeParse(meta);
    if (!parsed.success) throw new Error(`openRun: ${formatZodError(parsed.error, meta, 'meta')}`);
    const existing = this.runs.get(parsed.data.runId);
    if (existing && !existing.ended) {
      throw new Error(`openRun: runId '${parsed.data.runId}' is already open; close it first or pick another runId`);
    }
    const run = new RunChannel(this, parsed.data);
    this.runs.delete(run.runId);
    this.runs.set(run.runId, run);
    this.broadcastRuns();
    if (existing) {
      for (const c of existing.subscribers) {
        run.subscribers.add(c);
        this.sendSubscribed(c, run);
      }
      existing.subscribers.clear();
    }
    return run;
  }

  /** Run publishers listed now (open and recently ended). */
  listRuns(): RunInfo[] {
    return [...this.runs.values()].map((r) => r.info());
  }

  stats(): ViewerStats {
    let bufferedBytes = 0;
    let maxClientBufferedBytes = 0;
    let pendingMessages = 0;
    let subscriptions = 0;
    for (const c of this.clients) {
      const b = c.ws.bufferedAmount;
      bufferedBytes += b;
      if (b > maxClientBufferedBytes) maxClientBufferedBytes = b;
      pendingMessages += c.pending.size;
      subscriptions += c.subs.size;
    }
    const k = this.counters;
    return {
      clients: this.clients.size,
      runs: this.runs.size,
      subscriptions,
      connectionsAccepted: k.connectionsAccepted,
      droppedFrames: k.droppedFrames,
      coalescedMessages: k.coalescedMessages,
      pendingMessages,
      framesSent: k.framesSent,
      messagesSent: k.messagesSent,
      bytesSent: k.bytesSent,
      bufferedBytes,
      maxClientBufferedBytes,
      peakClientBufferedBytes: k.peakClientBufferedBytes,
      publishErrors: k.publishErrors,
      controlCallbackErrors: k.controlCallbackErrors,
      historyTagsDropped: k.historyTagsDropped,
      lastError: k.lastError,
      heartbeats: k.heartbeats,
      rejected: { ...k.rejected },
      closedFor: { ...k.closedFor },
    };
  }

  /**
   * Stop: clients get close 1001, runs end (paused trainers are released), the port is freed.
   * Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const run of this.runs.values()) run.end();
    const closed: Promise<void>[] = [];
    for (const c of this.clients) {
      c.closeReason ??= 'shutdown';
      closed.push(c.closed);
      try {
        if (c.ws.readyState === WebSocket.OPEN) c.ws.close(CLOSE_CODES.goingAway, 'server shutting down');
      } catch {
        // terminated below
      }
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise<void>((r) => (timer = setTimeout(r, 1000)))]);
    clearTimeout(timer);
    for (const c of this.clients) c.ws.terminate();
    await Promise.all(closed);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.httpServer.close(() => resolve());
      this.httpServer.closeAllConnections();
    });
  }

  // ------------------------------------------------------------------------------------------
  // Sending with a per-client budget
  // ------------------------------------------------------------------------------------------

  /** @internal */
  countError(e: unknown): void {
    this.counters.publishErrors++;
    this.counters.lastError = (e as Error)?.message ?? String(e);
  }

  private fits(c: Client, bytes: number): boolean {
    const buffered = c.ws.bufferedAmount;
    return buffered === 0 || buffered + bytes <= this.options.sendBudgetBytes;
  }

  /** @internal whether a frame of this size may go to this client now (flushes pending JSON first). */
  roomForFrame(c: Client, bytes: number): boolean {
    if (c.ws.readyState !== WebSocket.OPEN) return false;
    if (c.pending.size > 0) this.flush(c);
    return c.pending.size === 0 && this.fits(c, bytes);
  }

  /** @internal send now, no budget check. */
  sendNow(c: Client, buf: Buffer, binary: boolean): void {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    c.ws.send(buf, { binary }, c.onSent);
    const k = this.counters;
    k.bytesSent += buf.byteLength;
    if (binary) k.framesSent++;
    else k.messagesSent++;
    const b = c.ws.bufferedAmount;
    if (b > k.peakClientBufferedBytes) k.peakClientBufferedBytes = b;
  }

  /**
   * @internal send a JSON message, or, when the client is over budget (or has messages waiting),
   * keep it as the latest pending message for its key, replacing an older one.
   */
  sendJson(c: Client, key: string, buf: Buffer): void {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    if (c.pending.size === 0 && this.fits(c, buf.byteLength)) {
      this.sendNow(c, buf, false);
      return;
    }
    if (c.pending.delete(key)) this.counters.coalescedMessages++;
    c.pending.set(key, buf);
    this.flush(c);
  }

  private flush(c: Client): void {
    for (const [key, buf] of c.pending) {
      if (c.ws.readyState !== WebSocket.OPEN) {
        c.pending.clear();
        return;
      }
      if (!this.fits(c, buf.byteLength)) return;
      c.pending.delete(key);
      this.sendNow(c, buf, false);
    }
  }

  private send(c: Client, key: string, msg: ServerMessage): void {
    this.sendJson(c, key, jsonBuffer(msg));
  }

  private broadcastRuns(): void {
    if (this.clients.size === 0) return;
    const buf = jsonBuffer({ type: 'runs', runs: this.listRuns() });
    for (const c of this.clients) this.sendJson(c, 'runs', buf);
  }

  private broadcastRunState(run: RunChannel): void {
    if (this.clients.size === 0) return;
    const i = run.info();
    const buf = jsonBuffer({ type: 'runState', runId: run.runId, paused: i.paused, slowMs: i.slowMs, finished: i.finished });
    for (const c of this.clients) this.sendJson(c, `runState\0${run.runId}`, buf);
  }

  /** @internal a run's close(): list it as ended, drop the oldest ended runs past maxEndedRuns. */
  runEnded(run: RunChannel): void {
    if (this.runs.get(run.runId) !== run) return;
    const ended = [...this.runs.values()].filter((r) => r.ended);
    for (const old of ended.slice(0, Math.max(0, ended.length - this.options.maxEndedRuns))) {
      this.runs.delete(old.runId);
      for (const c of old.subscribers) this.dropSubscription(c, old.runId);
      old.subscribers.clear();
    }
    this.broadcastRunState(run);
    this.broadcastRuns();
  }

  private dropSubscription(c: Client, runId: string): void {
    c.subs.delete(runId);
    for (const key of c.pending.keys()) {
      if (key.endsWith(`\0${runId}`) && !key.startsWith('sub\0')) c.pending.delete(key);
    }
    this.send(c, `sub\0${runId}`, { type: 'unsubscribed', runId });
  }

  private sendSubscribed(c: Client, run: RunChannel): void {
    const i = run.info();
    this.send(c, `sub\0${run.runId}`, { type: 'subscribed', runId: run.runId, envIndex: c.subs.get(run.runId) ?? null });
    this.send(c, `runState\0${run.runId}`, { type: 'runState', runId: run.runId, paused: i.paused, slowMs: i.slowMs, finished: i.finished });
    this.send(c, `history\0${run.runId}`, run.historyMessage());
  }

  private welcome(): ServerMessage {
    return {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      heartbeatMs: this.options.heartbeatMs,
      maxPayload: this.options.maxPayload,
      sendBudgetBytes: this.options.sendBudgetBytes,
      serverTime: Date.now(),
    };
  }

  // ------------------------------------------------------------------------------------------
  // Connections
  // ------------------------------------------------------------------------------------------

  private tick(): void {
    this.counters.heartbeats++;
    for (const c of this.clients) {
      if (!c.alive) {
        c.closeReason ??= 'heartbeat';
        c.ws.terminate();
        continue;
      }
      if (c.ws.readyState !== WebSocket.OPEN) continue;
      c.alive = false;
      try {
        c.ws.ping();
      } catch {
        // closed under us; the close event cleans up
      }
      if (c.pending.size > 0) this.flush(c);
    }
  }

  private rejectUpgrade(socket: Duplex, status: number, reason: string, body: string): void {
    bump(this.counters.rejected, reason);
    const extra = status === 401 ? 'WWW-Authenticate: Bearer\r\n' : '';
    const text = `${body}\n`;
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    socket.once('finish', () => socket.destroy());
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n${extra}` +
        `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
    );
  }

  private originAllowed(origin: string, hostHeader: string | undefined): boolean {
    const o = origin.toLowerCase().replace(/\/+$/, '');
    if (this.allowedOrigins.has('*') || this.allowedOrigins.has(o)) return true;
    // Same origin as the page when reached by another name (e.g. the machine's IP). Only with a
    // token: without one a DNS-rebinding page would pass this check.
    if (this.options.allowedOrigins === undefined && this.tokenDigest && hostHeader) {
      return o === `http://${hostHeader.toLowerCase()}`;
    }
    return false;
  }

  private tokenOk(req: http.IncomingMessage, url: URL): boolean {
    if (!this.tokenDigest) return true;
    let given = url.searchParams.get('token');
    const auth = req.headers.authorization;
    if (given === null && auth) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
      if (m) given = m[1];
    }
    if (given === null) return false;
    return timingSafeEqual(digest(given), this.tokenDigest);
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const ignore = () => {};
    socket.on('error', ignore);
    try {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://viewer.invalid');
      } catch {
        this.rejectUpgrade(socket, 404, 'path', `path ${JSON.stringify(req.url)} is not a viewer endpoint`);
        return;
      }
      if (this.closing) {
        this.rejectUpgrade(socket, 503, 'shutdown', 'the viewer server is shutting down');
        return;
      }
      if (url.pathname !== '/ws' && url.pathname !== '/') {
        this.rejectUpgrade(socket, 404, 'path', `path '${url.pathname}' is not a viewer endpoint; connect to /ws`);
        return;
      }
      const origin = req.headers.origin;
      if (origin !== undefined && !this.originAllowed(origin, req.headers.host)) {
        this.rejectUpgrade(socket, 403, 'origin', `origin '${origin}' is not allowed (allowedOrigins)`);
        return;
      }
      if (!this.tokenOk(req, url)) {
        this.rejectUpgrade(socket, 401, 'token', 'token: missing or wrong (pass ?token=... or Authorization: Bearer ...)');
        return;
      }
      if (this.clients.size >= this.options.maxClients) {
        this.rejectUpgrade(socket, 503, 'capacity', `maxClients: ${this.options.maxClients} clients are connected already`);
        return;
      }
      socket.off('error', ignore);
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
    } catch (e) {
      this.counters.lastError = `upgrade: ${(e as Error)?.message ?? String(e)}`;
      socket.destroy();
    }
  }

  private onConnection(ws: WebSocket): void {
    let resolveClosed!: () => void;
    const c: Client = {
      id: this.nextClientId++,
      ws,
      subs: new Map(),
      pending: new Map(),
      alive: true,
      closed: new Promise<void>((r) => (resolveClosed = r)),
      onSent: (err?: Error) => {
        if (!err && c.pending.size > 0) this.flush(c);
      },
    };
    this.clients.add(c);
    this.counters.connectionsAccepted++;
    ws.on('pong', () => {
      c.alive = true;
    });
    ws.on('message', (data, isBinary) => this.onMessage(c, data, isBinary));
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') c.closeReason ??= 'tooLarge';
      else c.closeReason ??= 'error';
    });
    ws.on('close', (code) => {
      this.clients.delete(c);
      for (const runId of c.subs.keys()) this.runs.get(runId)?.subscribers.delete(c);
      c.subs.clear();
      c.pending.clear();
      bump(this.counters.closedFor, c.closeReason ?? codeName(code));
      resolveClosed();
    });
    if (this.closing) {
      c.closeReason = 'shutdown';
      ws.close(CLOSE_CODES.goingAway, 'server shutting down');
      return;
    }
    this.send(c, 'welcome', this.welcome());
    this.send(c, 'runs', { type: 'runs', runs: this.listRuns() });
  }

  private closeClient(c: Client, code: number, reason: string, text: string): void {
    c.closeReason ??= reason;
    c.pending.clear();
    c.ws.close(code, closeReason(text));
  }

  private onMessage(c: Client, data: RawData, isBinary: boolean): void {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    c.alive = true;
    if (isBinary) {
      this.closeClient(c, CLOSE_CODES.unsupported, 'unsupported', 'binary messages are not supported; send JSON text');
      return;
    }
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.from(data).toString('utf8');
    const parsed = parseClientMessage(text);
    if (!parsed.ok) {
      this.closeClient(c, CLOSE_CODES.policy, 'policy', parsed.reason);
      return;
    }
    try {
      this.handle(c, parsed.message);
    } catch (e) {
      this.counters.lastError = `message ${parsed.message.type}: ${(e as Error)?.message ?? String(e)}`;
    }
  }

  private handle(c: Client, m: ClientMessage): void {
    switch (m.type) {
      case 'hello':
        this.send(c, 'welcome', this.welcome());
        return;
      case 'list':
        this.send(c, 'runs', { type: 'runs', runs: this.listRuns() });
        return;
      case 'ping':
        this.send(c, 'pong', { type: 'pong', t: m.t ?? null, serverTime: Date.now() });
        return;
      case 'subscribe': {
        const run = this.runs.get(m.runId);
        if (!run) {
          this.send(c, 'error', { type: 'error', field: 'runId', message: `runId '${m.runId}' is not a listed run` });
          return;
        }
        if (!c.subs.has(m.runId) && c.subs.size >= MAX_SUBSCRIPTIONS_PER_CLIENT) {
          this.closeClient(c, CLOSE_CODES.policy, 'policy', `runId: more than ${MAX_SUBSCRIPTIONS_PER_CLIENT} subscriptions (subscribing to '${m.runId}')`);
          return;
        }
        c.subs.set(m.runId, m.envIndex ?? null);
        run.subscribers.add(c);
        this.sendSubscribed(c, run);
        return;
      }
      case 'unsubscribe': {
        this.runs.get(m.runId)?.subscribers.delete(c);
        this.dropSubscription(c, m.runId);
        return;
      }
      case 'control': {
        const run = this.runs.get(m.runId);
        if (!run || run.ended) {
          const why = run ? 'has ended' : 'is not a listed run';
          this.send(c, 'error', { type: 'error', field: 'runId', message: `control ${m.action}: runId '${m.runId}' ${why}` });
          return;
        }
        run.applyControl(m.action, m.value);
        this.broadcastRunState(run);
        return;
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Static files
  // ------------------------------------------------------------------------------------------

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.serveStatic(req, res).catch((e) => {
      this.counters.lastError = `http: ${(e as Error)?.message ?? String(e)}`;
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
    });
  }

  private async serveStatic(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendText(res, 405, `method ${req.method} is not allowed; use GET`);
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://viewer.invalid').pathname);
    } catch {
      sendText(res, 404, 'not found');
      return;
    }
    if (pathname === '/ws') {
      sendText(res, 426, 'this is the WebSocket endpoint; connect with a WebSocket client');
      return;
    }
    const file = await this.resolveStatic(pathname);
    if (!file) {
      sendText(res, 404, 'not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': contentTypeFor(file.path),
      'Content-Length': file.size,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file.path);
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  }

  /** The file for a decoded URL path, or null (not found, outside the mount, traversal). */
  private async resolveStatic(pathname: string): Promise<{ path: string; size: number } | null> {
    if (pathname.includes('\0') || pathname.includes('\\')) return null;
    if (pathname.split('/').some((seg) => seg === '..')) return null;
    const mount = this.mounts.find((m) => pathname === m.prefix.slice(0, -1) || pathname.startsWith(m.prefix));
    if (!mount) return null;
    const rel = pathname.startsWith(mount.prefix) ? pathname.slice(mount.prefix.length) : '';
    let target = path.resolve(mount.root, `./${rel}`);
    if (!inside(mount.root, target)) return null;
    try {
      let st = await fsp.stat(target);
      if (st.isDirectory()) {
        target = path.join(target, 'index.html');
        st = await fsp.stat(target);
      }
      if (!st.isFile()) return null;
      const real = await fsp.realpath(target);
      if (!inside(mount.root, real)) return null;
      return { path: real, size: st.size };
    } catch {
      return null;
    }
  }
}

function inside(root: string, target: string): boolean {
  return target === root || target.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

async function staticRoot(field: string, dir: string): Promise<string> {
  try {
    const real = await fsp.realpath(path.resolve(dir));
    if (!(await fsp.stat(real)).isDirectory()) throw new Error('not a directory');
    return real;
  } catch (e) {
    throw new Error(`ViewerServer: ${field} '${dir}' is not a readable directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  const body = `${text}\n`;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}
