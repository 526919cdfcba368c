// HTTP embeddings backend (rewards/vlm/http_embedder.ts) against a loopback stub over real HTTP. The stub
// runs in a worker thread: the client blocks its own thread (Atomics.wait) while a request is in flight.
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbedderError } from '../../../rewards/vlm/embedder.ts';
import { HttpEmbedder, httpEmbedderFromEnv } from '../../../rewards/vlm/http_embedder.ts';
import { VlmReward } from '../../../rewards/vlm/vlm_reward.ts';
import type { Frame } from '../../../sim/env.ts';

// Routes: /ok (D = 3: text → keyword one-hot, image → mean colour of the decoded PNG's first pixel),
// /flaky (503 once then ok), /slow (never answers), /bad-request (400), /not-json, /wrong-dim,
// /wrong-count, /nan. Every request body is kept for inspection (GET /log).
const STUB = `
const http = require('node:http');
const { parentPort } = require('node:worker_threads');
const log = [];
let flaky = 0;
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/log') { res.end(JSON.stringify(log)); return; }
    const route = req.url.split('/')[1];
    let parsed;
    try { parsed = JSON.parse(body); } catch { res.statusCode = 400; res.end('bad json'); return; }
    log.push({ route, url: req.url, auth: req.headers.authorization || null, body: parsed });
    const emb = (x) => typeof x === 'string' ? [x.includes('red') ? 1 : 0.1, x.includes('blue') ? 1 : 0.1, 0.1] : [x.image.length % 7 + 1, 1, 1];
    const ok = () => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ model: parsed.model, data: parsed.input.map((x, i) => ({ index: i, embedding: emb(x) })).reverse() })); };
    switch (route) {
      case 'ok': return ok();
      case 'flaky': if (flaky++ === 0) { res.statusCode = 503; res.end('warming up'); return; } return ok();
      case 'slow': return;
      case 'bad-request': res.statusCode = 400; res.end('{"error": "unknown model"}'); return;
      case 'not-json': res.end('<html>proxy error</html>'); return;
      case 'wrong-dim': res.end(JSON.stringify({ data: parsed.input.map((x, i) => ({ index: i, embedding: i === 0 ? [1, 2, 3] : [1, 2] })) })); return;
      case 'wrong-count': res.end(JSON.stringify({ data: [{ index: 0, embedding: [1, 2, 3] }] .concat(parsed.input.length > 1 ? [] : [{ index: 1, embedding: [1, 2, 3] }]) })); return;
      case 'nan': res.end('{"data": [{"index": 0, "embedding": [1, null, 3]}]}'); return;
      default: res.statusCode = 404; res.end('no route');
    }
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', (m) => { if (m === 'close') { server.closeAllConnections(); server.close(() => parentPort.close()); } });
`;

let stub: Worker;
let base = '';
beforeAll(async () => {
  stub = new Worker(STUB, { eval: true });
  const port = await new Promise<number>((resolve) => stub.once('message', resolve));
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  stub.postMessage('close');
  await stub.terminate();
});

const frame = (r: number, g: number, b: number): Frame => ({ width: 2, height: 2, data: Uint8Array.from([r, g, b, r, g, b, r, g, b, r, g, b]) });
const fetchLog = async () => (await (await fetch(`${base}/log`)).json()) as { route: string; auth: string | null; body: { model: string; input: unknown[]; encoding_format: string } }[];

describe('HttpEmbedder', () => {
  it('sends the documented OpenAI-style request and reads answers in index order', async () => {
    const e = new HttpEmbedder({ url: `${base}/ok`, model: 'stub-clip', apiKey: 'k' });
    try {
      const t = e.embedTexts(['a red cube', 'a blue ball']);
      expect(Array.from(t)).toEqual([1, 0.1, 0.1, 0.1, 1, 0.1].map(Math.fround));
      expect(e.dim).toBe(3);
      const im = e.embedImages([frame(255, 0, 0), frame(0, 0, 255)]);
      expect(im.length).toBe(6);
      const log = await fetchLog();
      const texts = log.find((l) => Array.isArray(l.body.input) && typeof l.body.input[0] === 'string')!;
      expect(texts.body).toEqual({ model: 'stub-clip', input: ['a red cube', 'a blue ball'], encoding_format: 'float' });
      expect(texts.auth).toBe('Bearer k');
      const images = log.find((l) => typeof l.body.input[0] === 'object')!;
      expect((images.body.input[0] as { image: string }).image).toMatch(/^data:image\/png;base64,iVBOR/);
    } finally {
      e.close();
    }
  });

  it('drives a VlmReward end to end (text prompts once, frames in batches)', () => {
    const e = new HttpEmbedder({ url: `${base}/ok` });
    try {
      const vr = new VlmReward(e, { goals: ['red'], baselines: ['blue'], alpha: 0.5 }, { batchSize: 2 });
      const before = e.requests;
      const r = vr.scoreWindow([frame(1, 2, 3), frame(4, 5, 6), frame(7, 8, 9)]);
      expect(r.length).toBe(3);
      expect(e.requests - before).toBe(2);
      expect(r.every(Number.isFinite)).toBe(true);
    } finally {
      e.close();
    }
  });

  it('retries a 503 and succeeds', () => {
    const e = new HttpEmbedder({ url: `${base}/flaky`, backoffMs: 10 });
    try {
      expect(e.embedTexts(['red']).length).toBe(3);
    } finally {
      e.close();
    }
  });

  it('times out with a clear error', () => {
    const e = new HttpEmbedder({ url: `${base}/slow`, timeoutMs: 200, maxRetries: 1, backoffMs: 10 });
    try {
      expect(() => e.embedTexts(['red'])).toThrow(/gave up after 2 attempts; last error: no answer within 200 ms/);
    } finally {
      e.close();
    }
  });

  it('a 4xx fails at once with the server message', () => {
    const e = new HttpEmbedder({ url: `${base}/bad-request`, backoffMs: 10 });
    try {
      expect(() => e.embedTexts(['red'])).toThrow(/refused the request: HTTP 400: \{"error": "unknown model"\}/);
    } finally {
      e.close();
    }
  });

  it('rejects bodies that are not JSON, wrong dimensions, wrong counts and non-finite values', () => {
    const cases: [string, RegExp, number?][] = [
      ['not-json', /the answer is not JSON: <html>proxy error/],
      ['wrong-dim', /embedding 1 has dimension 2, expected 3/],
      ['wrong-count', /expected 2 embeddings, got 1/],
      ['nan', /embedding 0 has a non-finite value null at index 1/],
      ['ok', /embedding 0 has dimension 3, expected 5 \(REWARDFORGE_VLM_DIM\)/, 5],
    ];
    for (const [route, msg, dim] of cases) {
      const e = new HttpEmbedder({ url: `${base}/${route}`, dim, backoffMs: 10 });
      try {
        const texts = route === 'wrong-count' || route === 'wrong-dim' ? ['a', 'b'] : ['a'];
        let err: unknown;
        try {
          e.embedTexts(texts);
        } catch (x) {
          err = x;
        }
        expect(err).toBeInstanceOf(EmbedderError);
        expect((err as Error).message).toMatch(msg);
      } finally {
        e.close();
      }
    }
  });

  it('reads its configuration from the environment and names bad values', () => {
    expect(httpEmbedderFromEnv({})).toBeUndefined();
    const e = httpEmbedderFromEnv({ REWARDFORGE_VLM_URL: `${base}/ok`, REWARDFORGE_VLM_MODEL: 'm', REWARDFORGE_VLM_DIM: '3' })!;
    expect(e.name).toBe('http:m');
    expect(e.dim).toBe(3);
    e.close();
    expect(() => httpEmbedderFromEnv({ REWARDFORGE_VLM_URL: 'ftp://x' })).toThrow(/must be an http\(s\) URL, got 'ftp:\/\/x'/);
    expect(() => httpEmbedderFromEnv({ REWARDFORGE_VLM_URL: base, REWARDFORGE_VLM_DIM: '-1' })).toThrow(/REWARDFORGE_VLM_DIM must be a positive integer, got '-1'/);
  });
});
