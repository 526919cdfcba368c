import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, type RawData } from 'ws';
import { decodePoseFrame, type PoseFrame } from '../../viewer/protocol.ts';
import { ViewerServer, type ControlEvent, type ViewerServerOptions } from '../../viewer/server.ts';

// The machine may be slow (2 cores, a benchmark in the background): waits poll with long deadlines.
const TIMEOUT = 120_000;

const servers: ViewerServer[] = [];
const sockets: Array<{ destroy(): void }> = [];
async function start(opts: ViewerServerOptions = {}): Promise<ViewerServer> {
  const s = await ViewerServer.start(opts);
  servers.push(s);
  return s;
}
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function waitFor<T>(fn: () => T | undefined | null | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function toU8(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Msg = Record<string, any>;

/** A ws client that records what it receives. */
class Peer {
  readonly msgs: Msg[] = [];
  readonly frames: PoseFrame[] = [];
  closed: { code: number; reason: string } | null = null;
  readonly opened: Promise<void>;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.frames.push(decodePoseFrame(toU8(data)));
      else this.msgs.push(JSON.parse(Buffer.from(toU8(data)).toString('utf8')) as Msg);
    });
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    ws.on('error', () => {});
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }
  send(m: unknown): void {
    this.ws.send(JSON.stringify(m));
  }
  of(type: string, pred: (m: Msg) => boolean = () => true): Msg[] {
    return this.msgs.filter((m) => m.type === type && pred(m));
  }
  next(type: string, pred: (m: Msg) => boolean = () => true, after = 0): Promise<Msg> {
    return waitFor(() => this.msgs.slice(after).find((m) => m.type === type && pred(m)), `a '${type}' message`);
  }
  waitClosed(): Promise<{ code: number; reason: string }> {
    return waitFor(() => this.closed, 'the client to close');
  }
}

async function connect(server: ViewerServer, opts: { query?: string; origin?: string; headers?: Record<string, string> } = {}) {
  const ws = new WebSocket(`${server.url}ws${opts.query ?? ''}`, { origin: opts.origin, headers: opts.headers });
  const p = new Peer(ws);
  sockets.push({ destroy: () => ws.terminate() });
  await p.opened;
  await p.next('runs');
  return p;
}

/** Status code of a WebSocket upgrade request made with node's http client (101 when accepted). */
function upgradeStatus(port: number, reqPath: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: reqPath,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        'Sec-WebSocket-Version': '13',
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A raw TCP client that completes the WebSocket upgrade and is then paused (reads nothing more). */
function rawUpgrade(port: number): Promise<{ socket: net.Socket; status: number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    sockets.push(socket);
    let buf = Buffer.alloc(0);
    socket.once('error', reject);
    socket.on('connect', () => {
      socket.write(
        [
          'GET /ws HTTP/1.1',
          `Host: 127.0.0.1:${port}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      );
    });
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve({ socket, status: Number(buf.subarray(0, end).toString('latin1').split(' ')[1]) });
    };
    socket.on('data', onData);
  });
}

/** A masked client text frame (what a browser would send). */
function clientTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const mask = randomBytes(4);
  let header: Buffer;
  if (payload.length < 126) header = Buffer.from([0x81, 0x80 | payload.length]);
  else {
    header = Buffer.from([0x81, 0x80 | 126, 0, 0]);
    header.writeUInt16BE(payload.length, 2);
  }
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i] ^ mask[i % 4];
  return Buffer.concat([header, mask, masked]);
}

function httpGet(port: number, reqPath: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: reqPath, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('ViewerServer: options', () => {
  it('refuses a non-loopback host without a token, naming host and token', async () => {
    await expect(ViewerServer.start({ host: '0.0.0.0' })).rejects.toThrow(/host '0\.0\.0\.0' is not a loopback address, so a token is needed/);
    await expect(ViewerServer.start({ host: '::' })).rejects.toThrow(/host '::'.*token/);
  });

  it('names the field and value of a bad option', async () => {
    await expect(ViewerServer.start({ port: 70000 })).rejects.toThrow(/port: .*got 70000/);
    await expect(ViewerServer.start({ heartbeatMs: -5 })).rejects.toThrow(/heartbeatMs: .*got -5/);
    await expect(ViewerServer.start({ token: 'short' })).rejects.toThrow(/token must be at least 8 characters, got a 5-character string/);
    await expect(ViewerServer.start({ staticDir: '/no/such/dir' })).rejects.toThrow(/staticDir '\/no\/such\/dir' is not a readable directory/);
  });

  it('starts on loopback with an ephemeral port and closes idempotently', async () => {
    const s = await start();
    expect(s.port).toBeGreaterThan(0);
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/`);
    await s.close();
    await s.close();
  }, TIMEOUT);
});

describe('ViewerServer: auth and origin', () => {
  it('wrong origin → 403, own origin and no origin → 101', async () => {
    const s = await start();
    expect(await upgradeStatus(s.port, '/ws', { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(s.port, '/ws', { Origin: `http://localhost:${s.port}1` })).toBe(403);
    expect(await upgradeStatus(s.port, '/ws', { Origin: `http://127.0.0.1:${s.port}` })).toBe(101);
    expect(await upgradeStatus(s.port, '/ws', { Origin: `http://localhost:${s.port}` })).toBe(101);
    expect(await upgradeStatus(s.port, '/ws')).toBe(101);
    expect(await upgradeStatus(s.port, '/elsewhere')).toBe(404);
    expect(s.stats().rejected).toEqual({ origin: 2, path: 1 });
  }, TIMEOUT);

  it('allowedOrigins replaces the default', async () => {
    const s = await start({ allowedOrigins: ['http://dashboard.example:8080'] });
    expect(await upgradeStatus(s.port, '/ws', { Origin: 'http://dashboard.example:8080' })).toBe(101);
    expect(await upgradeStatus(s.port, '/ws', { Origin: `http://127.0.0.1:${s.port}` })).toBe(403);
  }, TIMEOUT);

  it('with a token: missing or bad token → 401, good token (query or bearer) → connects', async () => {
    const token = 'tok-3f9a0c1d2e';
    const s = await start({ token });
    expect(await upgradeStatus(s.port, '/ws')).toBe(401);
    expect(await upgradeStatus(s.port, '/ws?token=wrong-token-123')).toBe(401);
    expect(await upgradeStatus(s.port, '/ws', { Authorization: 'Bearer wrong-token-123' })).toBe(401);
    expect(await upgradeStatus(s.port, `/ws?token=${token}`)).toBe(101);
    expect(await upgradeStatus(s.port, '/ws', { Authorization: `Bearer ${token}` })).toBe(101);
    // Origin is still checked with a good token.
    expect(await upgradeStatus(s.port, `/ws?token=${token}`, { Origin: 'http://evil.example' })).toBe(403);
    // The page's own origin when reached by another host name passes (the token guards it).
    expect(await upgradeStatus(s.port, `/ws?token=${token}`, { Origin: `http://127.0.0.1:${s.port}`, Host: `127.0.0.1:${s.port}` })).toBe(101);
    const p = await connect(s, { query: `?token=${token}` });
    expect(p.of('welcome')).toHaveLength(1);
    expect(s.stats().rejected.token).toBe(3);
  }, TIMEOUT);
});

describe('ViewerServer: client messages', () => {
  it('a 10 MiB message closes that client with 1009 while another keeps receiving metrics', async () => {
    const s = await start();
    const run = s.openRun({ runId: 'r', env: 'classic/CartPole-v1', family: 'classic' });
    const big = await connect(s);
    const watcher = await connect(s);
    watcher.send({ type: 'subscribe', runId: 'r' });
    await watcher.next('history');
    let step = 0;
    const timer = setInterval(() => run.metrics(++step, { loss: step }), 20);
    try {
      big.ws.send('x'.repeat(10 * 1024 * 1024));
      expect((await big.waitClosed()).code).toBe(1009);
      const seen = watcher.of('metrics').length;
      await waitFor(() => watcher.of('metrics').length >= seen + 5, 'metrics after the big client closed');
    } finally {
      clearInterval(timer);
    }
    expect(watcher.closed).toBeNull();
    await waitFor(() => s.stats().closedFor.tooLarge === 1, 'closedFor.tooLarge');
    expect(s.stats().clients).toBe(1);
  }, TIMEOUT);

  it('schema violation → 1008 naming the field; invalid JSON → 1008; binary → 1003', async () => {
    const s = await start();
    const a = await connect(s);
    a.send({ type: 'subscribe', runId: 5 });
    expect(await a.waitClosed()).toEqual({ code: 1008, reason: 'runId: expected string, received number, got 5' });

    const b = await connect(s);
    b.ws.send('{"type": "subscribe", runId');
    const closedB = await b.waitClosed();
    expect(closedB.code).toBe(1008);
    expect(closedB.reason).toMatch(/^invalid JSON: /);

    const c = await connect(s);
    c.send({ type: 'control', runId: 'r', action: 'explode' });
    const closedC = await c.waitClosed();
    expect(closedC.code).toBe(1008);
    expect(closedC.reason).toMatch(/^action: .*got "explode"$/);

    const d = await connect(s);
    d.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await d.waitClosed()).code).toBe(1003);

    await waitFor(() => s.stats().clients === 0, 'no clients');
    expect(s.stats().closedFor).toEqual({ policy: 3, unsupported: 1 });
  }, TIMEOUT);

  it('subscribe → run list, metrics history and live metrics; unknown run → error message', async () => {
    const s = await start({ historyPoints: 10 });
    const run = s.openRun({ runId: 'cp', env: 'classic/CartPole-v1', family: 'classic', agent: 'ppo', numEnvs: 4 });
    for (let i = 1; i <= 25; i++) run.metrics(i * 100, { 'charts/episodic_return': i, ...(i % 5 === 0 ? { 'losses/value': -i } : {}) });
    const p = await connect(s);
    expect(p.of('welcome')[0]).toMatchObject({ protocol: 1, heartbeatMs: 15000, maxPayload: 65536, sendBudgetBytes: 1048576 });
    expect(p.of('runs')[0].runs).toEqual([
      expect.objectContaining({ runId: 'cp', env: 'classic/CartPole-v1', family: 'classic', agent: 'ppo', numEnvs: 4, finished: false, paused: false }),
    ]);

    p.send({ type: 'subscribe', runId: 'cp' });
    expect(await p.next('subscribed')).toEqual({ type: 'subscribed', runId: 'cp', envIndex: null });
    const history = await p.next('history');
    // The ring keeps the last 10 points per tag: returns 16..25, losses 5..25.
    const points = history.points as Array<{ step: number; scalars: Record<string, number> }>;
    expect(points.filter((pt) => 'charts/episodic_return' in pt.scalars).map((pt) => pt.scalars['charts/episodic_return'])).toEqual(
      [16, 17, 18, 19, 20, 21, 22, 23, 24, 25],
    );
    expect(points.filter((pt) => 'losses/value' in pt.scalars).map((pt) => pt.step)).toEqual([500, 1000, 1500, 2000, 2500]);
    expect(points.map((pt) => pt.step)).toEqual([...points.map((pt) => pt.step)].sort((a, b) => a - b));

    run.metrics(2600, { 'charts/episodic_return': 26 });
    expect(await p.next('metrics')).toEqual({ type: 'metrics', runId: 'cp', step: 2600, scalars: { 'charts/episodic_return': 26 } });

    // A second run shows up in a new run list; its close marks it finished.
    const n = p.msgs.length;
    const run2 = s.openRun({ runId: 'tw', env: 'textworld/Coin-v0', family: 'textworld' });
    expect((await p.next('runs', () => true, n)).runs.map((r: Msg) => r.runId)).toEqual(['cp', 'tw']);
    const m = p.msgs.length;
    run2.close();
    expect((await p.next('runs', () => true, m)).runs[1]).toMatchObject({ runId: 'tw', finished: true });

    p.send({ type: 'subscribe', runId: 'nope' });
    expect(await p.next('error')).toEqual({ type: 'error', field: 'runId', message: "runId 'nope' is not a listed run" });

    p.send({ type: 'unsubscribe', runId: 'cp' });
    await p.next('unsubscribed');
    const before = p.of('metrics').length;
    run.metrics(2700, { 'charts/episodic_return': 27 });
    p.send({ type: 'ping', t: 1 });
    await p.next('pong');
    expect(p.of('metrics').length).toBe(before);
  }, TIMEOUT);

  it('per-env streams honour the subscribed envIndex; poses arrive as binary frames', async () => {
    const s = await start();
    const run = s.openRun({ runId: 'rb', env: 'robotics/Reach-v0', family: 'robotics', numEnvs: 4, scene: [{ name: 'ee' }] });
    const all = await connect(s);
    const one = await connect(s);
    expect(one.of('runs')[0].runs[0].scene).toEqual([{ name: 'ee' }]);
    all.send({ type: 'subscribe', runId: 'rb' });
    one.send({ type: 'subscribe', runId: 'rb', envIndex: 2 });
    await all.next('history');
    await one.next('history');
    expect(run.wantsEnv(2)).toBe(true);
    for (let e = 0; e < 4; e++) {
      run.poses(e, 10, Float32Array.from([e, 1, 2, 3, 4, 5, 6]));
      run.transcript(e, { obs: `obs ${e}`, command: 'go north', reward: 0.5, terms: { progress: 0.5 } });
      run.page(e, { html: `<p>${e}</p>`, instruction: 'click', actedRef: 'b1' });
      run.episodeEnd(e, { return: e, length: 10, success: e === 2 });
    }
    await waitFor(() => all.frames.length === 4 && all.of('episodeEnd').length === 4, 'all four envs');
    await waitFor(() => one.frames.length === 1 && one.of('episodeEnd').length === 1, 'env 2');
    expect(one.frames[0]).toMatchObject({ runId: 'rb', envIndex: 2, step: 10 });
    expect(Array.from(one.frames[0].data)).toEqual([2, 1, 2, 3, 4, 5, 6]);
    expect(one.of('transcript')).toEqual([
      { type: 'transcript', runId: 'rb', envIndex: 2, entry: { obs: 'obs 2', command: 'go north', reward: 0.5, terms: { progress: 0.5 } } },
    ]);
    expect(one.of('page')).toEqual([{ type: 'page', runId: 'rb', envIndex: 2, snapshot: { html: '<p>2</p>', instruction: 'click', actedRef: 'b1' } }]);
    expect(one.of('episodeEnd')[0].stats).toEqual({ return: 2, length: 10, success: true });
    expect(all.frames.map((f) => f.envIndex)).toEqual([0, 1, 2, 3]);
  }, TIMEOUT);

  it('control messages reach onControl, set paused/slowMs, and throttle() waits for resume', async () => {
    const s = await start();
    const run = s.openRun({ runId: 'r', env: 'classic/CartPole-v1', family: 'classic' });
    const events: ControlEvent[] = [];
    const off = run.onControl((e) => events.push(e));
    run.onControl(() => {
      throw new Error('callback bug');
    });
    const p = await connect(s);
    const other = await connect(s);

    p.send({ type: 'control', runId: 'r', action: 'pause' });
    await waitFor(() => events.length === 1, 'pause event');
    expect(events[0]).toEqual({ runId: 'r', action: 'pause', paused: true, slowMs: 0 });
    expect(run.paused).toBe(true);
    // Every client hears the new state.
    expect(await other.next('runState')).toEqual({ type: 'runState', runId: 'r', paused: true, slowMs: 0, finished: false });

    let released = false;
    const gate = run.throttle().then(() => (released = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(released).toBe(false);
    p.send({ type: 'control', runId: 'r', action: 'resume' });
    await gate;
    expect(run.paused).toBe(false);

    p.send({ type: 'control', runId: 'r', action: 'slow', value: 30 });
    await waitFor(() => events.length === 3, 'slow event');
    expect(events[2]).toEqual({ runId: 'r', action: 'slow', value: 30, paused: false, slowMs: 30 });
    expect(run.slowMs).toBe(30);
    const t0 = Date.now();
    await run.throttle();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    p.send({ type: 'control', runId: 'r', action: 'slow' });
    await waitFor(() => events.length === 4, 'slow default');
    expect(run.slowMs).toBe(100);

    off();
    p.send({ type: 'control', runId: 'r', action: 'slow', value: 0 });
    await waitFor(() => run.slowMs === 0, 'slow 0');
    expect(events).toHaveLength(4);
    expect(s.stats().controlCallbackErrors).toBe(5);

    // A paused trainer is released when the run or the server closes.
    p.send({ type: 'control', runId: 'r', action: 'pause' });
    await waitFor(() => run.paused, 'paused again');
    const gate2 = run.throttle();
    await s.close();
    await gate2;
    expect(p.closed?.code ?? (await p.waitClosed()).code).toBe(1001);
  }, TIMEOUT);

  it('publishing is free without subscribers and never throws into training', async () => {
    const s = await start();
    const run = s.openRun({ runId: 'r', env: 'e', family: 'classic' });
    const bad = 'not a Float32Array' as unknown as Float32Array;
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    // Nobody subscribed: nothing is encoded, so even bad input costs nothing.
    run.poses(0, 1, bad);
    run.transcript(0, circular as never);
    expect(s.stats().publishErrors).toBe(0);
    expect(s.stats().framesSent + s.stats().messagesSent).toBe(0);

    const p = await connect(s);
    p.send({ type: 'subscribe', runId: 'r' });
    await p.next('history');
    expect(() => run.poses(0, 1, bad)).not.toThrow();
    expect(() => run.transcript(0, circular as never)).not.toThrow();
    expect(() => run.metrics(1, { x: 1n } as never)).not.toThrow();
    expect(s.stats().publishErrors).toBe(3);
    expect(s.stats().lastError).toMatch(/BigInt/);
    expect(() => s.openRun({ runId: 'r', env: 'e', family: 'classic' })).toThrow(/openRun: runId 'r' is already open/);
    expect(() => s.openRun({ runId: '', env: 'e', family: 'classic' })).toThrow(/openRun: runId: .*got ""/);
    run.close();
    run.close();
    // A finished run may be opened again: subscribers move to the new one.
    const again = s.openRun({ runId: 'r', env: 'e', family: 'classic' });
    expect(again.subscriberCount).toBe(1);
  }, TIMEOUT);
});

describe('ViewerServer: backpressure and liveness', () => {
  it('a client that never reads keeps buffered bytes near the budget; frames are dropped and JSON coalesced', async () => {
    const budget = 1024 * 1024;
    const s = await start({ sendBudgetBytes: budget, heartbeatMs: 600_000 });
    const run = s.openRun({ runId: 'rb', env: 'robotics/Reach-v0', family: 'robotics' });
    // Two stuck clients: a raw socket that completed the upgrade, and a ws client with a paused socket.
    const raw = await rawUpgrade(s.port);
    expect(raw.status).toBe(101);
    raw.socket.write(clientTextFrame(JSON.stringify({ type: 'subscribe', runId: 'rb' })));
    const paused = await connect(s);
    paused.send({ type: 'subscribe', runId: 'rb' });
    await paused.next('history');
    await waitFor(() => s.stats().subscriptions === 2, 'two subscriptions');
    (paused.ws as unknown as { _socket: net.Socket })._socket.pause();

    const frame = new Float32Array(64 * 1024); // 256 KiB per frame
    const rss0 = process.memoryUsage().rss;
    let peakRss = rss0;
    const total = 400; // 100 MiB of frames
    for (let i = 0; i < total; i++) {
      frame[0] = i;
      run.poses(0, i, frame);
      run.metrics(i, { loss: i });
      run.transcript(0, { obs: `step ${i}`.padEnd(2000, '.') });
      if (i % 10 === 0) {
        await new Promise((r) => setImmediate(r));
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        expect(s.stats().maxClientBufferedBytes).toBeLessThanOrEqual(budget);
      }
    }
    await new Promise((r) => setTimeout(r, 50));
    const st = s.stats();
    expect(st.clients).toBe(2);
    expect(st.droppedFrames).toBeGreaterThan(total); // most of 2 × 400 frames
    expect(st.coalescedMessages).toBeGreaterThan(0);
    expect(st.pendingMessages).toBeLessThanOrEqual(2 * 2); // metrics + transcript per client
    expect(st.maxClientBufferedBytes).toBeLessThanOrEqual(budget);
    expect(st.peakClientBufferedBytes).toBeLessThanOrEqual(budget);
    expect(st.bytesSent).toBeLessThan(40 * 1024 * 1024);
    expect(peakRss - rss0).toBeLessThan(50 * 1024 * 1024);
  }, TIMEOUT);

  it('a dead peer (never answers pings) is dropped within two heartbeats; live clients stay', async () => {
    const s = await start({ heartbeatMs: 150 });
    const live = await connect(s);
    const raw = await rawUpgrade(s.port);
    expect(raw.status).toBe(101);
    let rawClosed = false;
    raw.socket.on('close', () => (rawClosed = true));
    raw.socket.on('data', () => {}); // reads (and discards) but never answers a ping
    raw.socket.resume();
    await waitFor(() => s.stats().clients === 2, 'two clients');
    const ticksAtConnect = s.stats().heartbeats;
    const t0 = Date.now();
    await waitFor(() => rawClosed, 'the dead peer to be dropped');
    const elapsed = Date.now() - t0;
    await waitFor(() => s.stats().closedFor.heartbeat === 1, 'closedFor.heartbeat');
    expect(s.stats().heartbeats - ticksAtConnect).toBeLessThanOrEqual(2);
    expect(elapsed).toBeLessThan(10_000);
    // The ws client answers pings and survives several more heartbeats.
    const ticks = s.stats().heartbeats;
    await waitFor(() => s.stats().heartbeats >= ticks + 4, 'four more heartbeats');
    expect(live.closed).toBeNull();
    expect(s.stats().clients).toBe(1);
  }, TIMEOUT);

  it('1000 connections opened and closed leave nothing behind', async () => {
    const s = await start({ heartbeatMs: 200 });
    const run = s.openRun({ runId: 'r', env: 'e', family: 'classic' });
    const upgradeListeners = s.httpServer.listenerCount('upgrade');
    const requestListeners = s.httpServer.listenerCount('request');
    const countTcp = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
    const tcp0 = countTcp();
    const batch = 50;
    for (let i = 0; i < 1000; i += batch) {
      await Promise.all(
        Array.from({ length: batch }, async (_, k) => {
          const ws = new WebSocket(`${s.url}ws`);
          ws.on('error', () => {});
          await new Promise<void>((resolve, reject) => {
            ws.once('open', () => resolve());
            ws.once('error', reject);
          });
          if ((i + k) % 2 === 0) ws.send(JSON.stringify({ type: 'subscribe', runId: 'r' }));
          const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
          if ((i + k) % 4 === 3) ws.terminate();
          else ws.close(1000, 'bye');
          await closed;
        }),
      );
    }
    run.metrics(1, { x: 1 });
    await waitFor(() => s.stats().clients === 0, 'clients back to 0', 60_000);
    const connections = () => new Promise<number>((resolve) => s.httpServer.getConnections((_e, n) => resolve(n)));
    const deadline = Date.now() + 30_000;
    while ((await connections()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await connections()).toBe(0);
    expect(s.stats()).toMatchObject({ clients: 0, subscriptions: 0, pendingMessages: 0, bufferedBytes: 0, connectionsAccepted: 1000 });
    expect(run.subscriberCount).toBe(0);
    expect(s.httpServer.listenerCount('upgrade')).toBe(upgradeListeners);
    expect(s.httpServer.listenerCount('request')).toBe(requestListeners);
    await waitFor(() => countTcp() <= tcp0, 'client TCP handles to close', 30_000);
    const closedFor = s.stats().closedFor;
    expect(Object.values(closedFor).reduce((a, b) => a + b, 0)).toBe(1000);
  }, TIMEOUT);
});

describe('ViewerServer: static files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'viewer-static-'));
    mkdirSync(path.join(dir, 'site', 'sub'), { recursive: true });
    mkdirSync(path.join(dir, 'vendor'));
    writeFileSync(path.join(dir, 'site', 'index.html'), '<!doctype html><title>viewer</title>');
    writeFileSync(path.join(dir, 'site', 'app.js'), 'export const x = 1;');
    writeFileSync(path.join(dir, 'site', 'style.css'), 'body{}');
    writeFileSync(path.join(dir, 'site', 'sub', 'index.html'), 'sub');
    writeFileSync(path.join(dir, 'vendor', 'lib.module.js'), 'export default 2;');
    writeFileSync(path.join(dir, 'secret.txt'), 'secret');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves index.html at /, files with content types, extraStatic; traversal → 404', async () => {
    const s = await start({ staticDir: path.join(dir, 'site'), extraStatic: { '/vendor/lib/': path.join(dir, 'vendor') } });
    const index = await httpGet(s.port, '/');
    expect(index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', body: '<!doctype html><title>viewer</title>' });
    expect(await httpGet(s.port, '/app.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8', body: 'export const x = 1;' });
    expect((await httpGet(s.port, '/style.css')).type).toBe('text/css; charset=utf-8');
    expect((await httpGet(s.port, '/sub/')).body).toBe('sub');
    expect(await httpGet(s.port, '/vendor/lib/lib.module.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect((await httpGet(s.port, '/app.js', 'HEAD')).status).toBe(200);
    expect((await httpGet(s.port, '/app.js', 'POST')).status).toBe(405);
    expect((await httpGet(s.port, '/missing.js')).status).toBe(404);
    for (const p of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/sub/..%2f..%2fsecret.txt',
      '/vendor/lib/..%2f..%2fsecret.txt',
      '/vendor/lib/../../secret.txt',
      '/..%5csecret.txt',
      '/%00',
      '/%E0%A4%A',
    ]) {
      const r = await httpGet(s.port, p);
      expect(r.status, p).toBe(404);
      expect(r.body).not.toContain('secret');
    }
    expect((await httpGet(s.port, '/ws')).status).toBe(426);
  }, TIMEOUT);

  it('without staticDir every path is 404', async () => {
    const s = await start();
    expect((await httpGet(s.port, '/')).status).toBe(404);
  }, TIMEOUT);
});
