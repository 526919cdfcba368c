/**
 * An image–text embedder behind an HTTP embeddings endpoint (`REWARDFORGE_VLM_URL`), OpenAI-compatible
 * where OpenAI defines the shape (texts) and with the common `{image: dataURL}` extension for images.
 *
 * ## Request — `POST {url}/embeddings`, `content-type: application/json`, `authorization: Bearer KEY` if set
 *
 * Texts (exactly OpenAI's `/v1/embeddings`):
 *   {"model": "<model>", "input": ["the pole is upright", ...], "encoding_format": "float"}
 * Images (one object per frame; the PNG of the H×W×3 RGB frame as a data URL — the input form used by
 * multimodal embedding servers such as Jina/Cohere-style APIs; a thin proxy maps it onto vLLM or open_clip):
 *   {"model": "<model>", "input": [{"image": "data:image/png;base64,iVBOR..."}, ...], "encoding_format": "float"}
 *
 * ## Response — 200, `application/json` (OpenAI's shape)
 *   {"data": [{"index": 0, "embedding": [0.12, -0.03, ...]}, ...], "model": "..."}
 * one entry per input, any order (sorted by `index`), every embedding the same length D; image and text
 * embeddings must live in the same space (a CLIP-style dual encoder). They need not be normalised.
 *
 * Errors: network failures, timeouts, 429 and 5xx are retried with exponential backoff (`maxRetries`,
 * default 2); other statuses, bodies that are not JSON or lack `data[i].embedding`, a wrong count, a
 * non-finite value, or a dimension different from the first answer (or from `REWARDFORGE_VLM_DIM`) throw
 * EmbedderError naming what came back.
 *
 * ## Synchronous calls
 * The env reward contract is synchronous, so requests run on a worker thread and the caller blocks on
 * `Atomics.wait` until the answer (or the timeout) — the synckit pattern. A consequence: a stub server
 * for this client must not run on the thread that calls it (tests run theirs in a worker thread).
 *
 * Configuration: `REWARDFORGE_VLM_URL` (base URL, e.g. http://127.0.0.1:8000/v1), `REWARDFORGE_VLM_MODEL`
 * (default 'clip'), `REWARDFORGE_VLM_API_KEY`, `REWARDFORGE_VLM_DIM` (optional expected D),
 * `REWARDFORGE_VLM_TIMEOUT_MS` (per attempt, default 30000).
 */
import { endpointUrl } from '../endpoint.ts';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { PNG } from 'pngjs';
import type { Frame } from '../../sim/env.ts';
import { type Embedder, EmbedderError } from './embedder.ts';

export interface HttpEmbedderOptions {
  readonly url: string;
  readonly model?: string;
  readonly apiKey?: string;
  /** Expected embedding width; when unset, learnt from the first answer. */
  readonly dim?: number;
  /** Per-attempt timeout (default 30 s). */
  readonly timeoutMs?: number;
  /** Retries after the first attempt (default 2). */
  readonly maxRetries?: number;
  /** First backoff delay, doubled each retry (default 250 ms). */
  readonly backoffMs?: number;
}

/** The embedder configured by the environment, or undefined when `REWARDFORGE_VLM_URL` is unset. */
export function httpEmbedderFromEnv(env: NodeJS.ProcessEnv = process.env): HttpEmbedder | undefined {
  const url = env.REWARDFORGE_VLM_URL;
  if (!url) return undefined;
  const dim = env.REWARDFORGE_VLM_DIM === undefined ? undefined : Number(env.REWARDFORGE_VLM_DIM);
  if (dim !== undefined && !(Number.isInteger(dim) && dim > 0)) throw new Error(`REWARDFORGE_VLM_DIM must be a positive integer, got '${env.REWARDFORGE_VLM_DIM}'`);
  const timeoutMs = env.REWARDFORGE_VLM_TIMEOUT_MS === undefined ? undefined : Number(env.REWARDFORGE_VLM_TIMEOUT_MS);
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new Error(`REWARDFORGE_VLM_TIMEOUT_MS must be a positive number of milliseconds, got '${env.REWARDFORGE_VLM_TIMEOUT_MS}'`);
  return new HttpEmbedder({ url, model: env.REWARDFORGE_VLM_MODEL, apiKey: env.REWARDFORGE_VLM_API_KEY, dim, timeoutMs });
}

/** PNG bytes of an RGB frame, as a data URL. */
export function frameToDataUrl(frame: Frame): string {
  const png = new PNG({ width: frame.width, height: frame.height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
  const bytes = PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false });
  return `data:image/png;base64,${bytes.toString('base64')}`;
}

// The worker: fetch with per-attempt timeout and retries, then post {ok, status, text} | {error} and wake
// the blocked caller. Plain JS (eval'd) so it needs no TypeScript loader.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.once('message', ({ port, flag }) => {
  const wake = () => { Atomics.add(flag, 0, 1); Atomics.notify(flag, 0); };
  port.on('message', async (req) => {
    let delay = req.backoffMs;
    let last = '';
    for (let attempt = 1; attempt <= req.maxRetries + 1; attempt++) {
      let retryable = true;
      try {
        const res = await fetch(req.endpoint, { method: 'POST', headers: req.headers, body: req.body, signal: AbortSignal.timeout(req.timeoutMs) });
        const text = await res.text();
        if (res.ok) { port.postMessage({ ok: true, status: res.status, text, attempts: attempt }); wake(); return; }
        last = 'HTTP ' + res.status + ': ' + text.slice(0, 300);
        retryable = res.status === 429 || res.status >= 500;
      } catch (e) {
        last = e && (e.name === 'TimeoutError' || e.name === 'AbortError') ? 'no answer within ' + req.timeoutMs + ' ms' : 'request failed: ' + (e && e.message);
      }
      if (!retryable) { port.postMessage({ ok: false, error: req.endpoint + ' refused the request: ' + last, attempts: attempt }); wake(); return; }
      if (attempt <= req.maxRetries) { await new Promise((r) => setTimeout(r, delay)); delay *= 2; }
    }
    port.postMessage({ ok: false, error: req.endpoint + ': gave up after ' + (req.maxRetries + 1) + ' attempts; last error: ' + last, attempts: req.maxRetries + 1 });
    wake();
  });
});
`;

type WorkerReply = { ok: true; status: number; text: string; attempts: number } | { ok: false; error: string; attempts: number };

export class HttpEmbedder implements Embedder {
  readonly name: string;
  readonly model: string;
  readonly endpoint: string;
  private knownDim: number | undefined;
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  private flag: Int32Array | undefined;
  /** HTTP requests made (for tests and logs). */
  requests = 0;

  constructor(private readonly opts: HttpEmbedderOptions) {
    if (opts.dim !== undefined && !(Number.isInteger(opts.dim) && opts.dim > 0)) throw new RangeError(`HttpEmbedder: dim must be a positive integer, got ${opts.dim}`);
    this.endpoint = endpointUrl(opts.url, 'REWARDFORGE_VLM_URL', 'embeddings');
    this.model = opts.model ?? 'clip';
    this.name = `http:${this.model}`;
    this.knownDim = opts.dim;
  }

  /** D; asks the endpoint once (one text) when neither configured nor seen yet. */
  get dim(): number {
    if (this.knownDim === undefined) this.embedTexts(['a photo']);
    return this.knownDim as number;
  }

  embedTexts(texts: readonly string[]): Float32Array {
    return this.request(texts, `text embeddings of ${texts.length} prompt(s)`);
  }

  embedImages(frames: readonly Frame[]): Float32Array {
    return this.request(frames.map((f) => ({ image: frameToDataUrl(f) })), `image embeddings of ${frames.length} frame(s)`);
  }

  close(): void {
    this.port?.close();
    void this.worker?.terminate();
    this.worker = undefined;
    this.port = undefined;
  }

  private request(input: readonly unknown[], what: string): Float32Array {
    if (input.length === 0) return new Float32Array(0);
    const timeoutMs = this.opts.timeoutMs ?? 30_000;
    const maxRetries = this.opts.maxRetries ?? 2;
    const backoffMs = this.opts.backoffMs ?? 250;
    if (!this.worker) {
      const { port1, port2 } = new MessageChannel();
      this.flag = new Int32Array(new SharedArrayBuffer(4));
      this.worker = new Worker(WORKER_SOURCE, { eval: true });
      this.worker.unref();
      this.worker.postMessage({ port: port2, flag: this.flag }, [port2]);
      this.port = port1;
    }
    const flag = this.flag as Int32Array;
    const before = Atomics.load(flag, 0);
    this.requests++;
    (this.port as MessagePort).postMessage({
      endpoint: this.endpoint,
      headers: { 'content-type': 'application/json', ...(this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {}) },
      body: JSON.stringify({ model: this.model, input, encoding_format: 'float' }),
      timeoutMs,
      maxRetries,
      backoffMs,
    });
    // Worst case: every attempt times out, plus the backoff sleeps, plus a margin for the thread itself.
    const budget = (maxRetries + 1) * timeoutMs + backoffMs * (2 ** (maxRetries + 1)) + 5_000;
    const waited = Atomics.wait(flag, 0, before, budget);
    const msg = receiveMessageOnPort(this.port as MessagePort);
    if (msg === undefined) {
      this.close();
      throw new EmbedderError(`${this.endpoint}: ${what}: no answer from the request thread within ${budget} ms (${waited})`);
    }
    const reply = msg.message as WorkerReply;
    if (!reply.ok) throw new EmbedderError(`${what}: ${reply.error}`);
    return this.parse(reply.text, input.length, what);
  }

  private parse(text: string, n: number, what: string): Float32Array {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new EmbedderError(`${this.endpoint}: ${what}: the answer is not JSON: ${text.slice(0, 200)}`);
    }
    const data = (body as { data?: unknown })?.data;
    if (!Array.isArray(data)) throw new EmbedderError(`${this.endpoint}: ${what}: the answer has no "data" array (expected {"data": [{"index": 0, "embedding": [...]}, ...]}): ${text.slice(0, 200)}`);
    if (data.length !== n) throw new EmbedderError(`${this.endpoint}: ${what}: expected ${n} embeddings, got ${data.length}`);
    const rows = data
      .map((d, i) => ({ index: typeof (d as { index?: unknown })?.index === 'number' ? (d as { index: number }).index : i, emb: (d as { embedding?: unknown })?.embedding }))
      .sort((a, b) => a.index - b.index);
    const first = rows[0].emb;
    if (!Array.isArray(first)) throw new EmbedderError(`${this.endpoint}: ${what}: data[0].embedding is not an array of numbers`);
    const dim = this.knownDim ?? first.length;
    const out = new Float32Array(n * dim);
    rows.forEach((r, i) => {
      if (r.index !== i) throw new EmbedderError(`${this.endpoint}: ${what}: data indices must be 0..${n - 1}, got ${r.index}`);
      if (!Array.isArray(r.emb)) throw new EmbedderError(`${this.endpoint}: ${what}: data[${i}].embedding is not an array of numbers`);
      if (r.emb.length !== dim) {
        throw new EmbedderError(`${this.endpoint}: ${what}: embedding ${i} has dimension ${r.emb.length}, expected ${dim}${this.opts.dim !== undefined ? ' (REWARDFORGE_VLM_DIM)' : ''}`);
      }
      for (let k = 0; k < dim; k++) {
        const v = r.emb[k];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new EmbedderError(`${this.endpoint}: ${what}: embedding ${i} has a non-finite value ${JSON.stringify(v)} at index ${k}`);
        out[i * dim + k] = v;
      }
    });
    this.knownDim = dim;
    return out;
  }
}
