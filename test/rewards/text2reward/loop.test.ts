/**
 * The whole Text2Reward loop against a loopback stub of an OpenAI-compatible chat endpoint (real HTTP):
 * valid code first time; a syntax error then a fix; a forbidden construct then a fix; no code block;
 * 500s and timeouts retried with a bound; a 400 not retried; a model that never succeeds fails clearly.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { make } from '../../../envs/index.ts';
import { sampleTransitions } from '../../../rewards/lang/preflight.ts';
import { ChatError, HttpChatClient, chatClientFromEnv } from '../../../rewards/text2reward/client.ts';
import { extractFirstCodeBlock } from '../../../rewards/text2reward/extract.ts';
import { GenerationFailed, generateWithRepair, type EnvContext } from '../../../rewards/text2reward/generate.ts';
import { buildMessages, feedbackMessages } from '../../../rewards/text2reward/prompt.ts';

type Reply = { status?: number; delayMs?: number; content?: string; raw?: string };
let script: Reply[] = [];
let requests: { body: { model: string; messages: { role: string; content: string }[] }; auth: string | undefined }[] = [];
let server: http.Server;
let url = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      requests.push({ body: JSON.parse(data), auth: req.headers.authorization });
      const r = script.shift() ?? { status: 500, raw: 'script exhausted' };
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(r.status ?? 200, { 'content-type': 'application/json' });
        res.end(r.raw ?? JSON.stringify({ choices: [{ message: { role: 'assistant', content: r.content ?? '' } }] }));
      };
      if (r.delayMs) setTimeout(send, r.delayMs);
      else send();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
});

const GOOD = '```js\nfunction reward(state, action, next, terms) {\n  const up = Math.cos(next.theta);\n  terms.up = up;\n  return up;\n}\n```';
const env = make('classic/CartPole-v1');
env.reset({ seed: 0 });
const ctx: EnvContext = { sampleState: env.state(), transitions: sampleTransitions(make('classic/CartPole-v1'), 1000, 1) };
const client = (o: Partial<ConstructorParameters<typeof HttpChatClient>[0]> = {}) => new HttpChatClient({ url, model: 'stub-model', apiKey: 'k', backoffMs: 5, timeoutMs: 500, ...o });
const messages = buildMessages({ instruction: 'keep the pole upright', abstraction: env.abstraction() });

function reset(replies: Reply[]): void {
  script = replies;
  requests = [];
}

describe('Text2Reward loop over HTTP', () => {
  it('accepts valid code in one round and sends the prompt, model and key', async () => {
    reset([{ content: `Here it is:\n${GOOD}\nDone.` }]);
    const r = await generateWithRepair(client(), messages, ctx);
    expect(r.rounds.length).toBe(1);
    expect(r.generator).toBe('stub-model');
    expect(r.preflight.termNames).toEqual(['up']);
    expect(requests[0].auth).toBe('Bearer k');
    expect(requests[0].body.model).toBe('stub-model');
    const prompt = requests[0].body.messages[1].content;
    expect(prompt).toContain('I want it to fulfill the following task: keep the pole upright');
    expect(prompt).toContain('interface CartPoleState');
    expect(prompt).toContain('Not allowed: loops');
  });

  it('a syntax error goes back to the model, which fixes it', async () => {
    reset([{ content: '```js\nfunction reward(s, a, n) { return 1 +; }\n```' }, { content: GOOD }]);
    const r = await generateWithRepair(client(), messages, ctx);
    expect(r.rounds.map((x) => x.error === undefined)).toEqual([false, true]);
    expect(r.rounds[0].error).toMatch(/\[syntax\]/);
    expect(requests[1].body.messages.at(-1)!.content).toMatch(/rejected before it ran:\nline 1, column \d+: \[syntax\]/);
  });

  it('a forbidden construct and a pre-flight failure go back too', async () => {
    reset([
      { content: '```js\nfunction reward(s, a, n) { let t = 0; for (let i = 0; i < 3; i += 1) { t += i; } return t; }\n```' },
      { content: '```js\nfunction reward(s, a, n) { return Math.log(n.xDot); }\n```' },
      { content: GOOD },
    ]);
    const r = await generateWithRepair(client(), messages, ctx);
    expect(r.rounds.length).toBe(3);
    expect(r.rounds[0].error).toMatch(/\[forbidden-syntax\] a for loop is not allowed/);
    expect(r.rounds[1].error).toMatch(/pre-flight: the reward returned NaN/);
  });

  it('an answer without a code block is answered with a request for one', async () => {
    reset([{ content: 'I think you should reward uprightness.' }, { content: GOOD }]);
    const r = await generateWithRepair(client(), messages, ctx);
    expect(r.rounds[0].error).toBe('the answer has no fenced code block');
    expect(r.rounds.length).toBe(2);
  });

  it('retries 500s and timeouts with a bound, then succeeds', async () => {
    reset([{ status: 500, raw: 'boom' }, { delayMs: 2000, content: GOOD }, { status: 503, raw: 'busy' }, { content: GOOD }]);
    const t0 = Date.now();
    const r = await generateWithRepair(client({ maxRetries: 3 }), messages, ctx);
    expect(r.rounds.length).toBe(1);
    expect(requests.length).toBe(4);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('gives up after the retry bound with the last error named', async () => {
    reset([{ status: 500, raw: 'down' }, { status: 500, raw: 'down' }, { status: 500, raw: 'still down' }]);
    await expect(client({ maxRetries: 2 }).complete(messages)).rejects.toThrow(/gave up after 3 attempts; last error: HTTP 500: still down/);
  });

  it('does not retry a 400', async () => {
    reset([{ status: 400, raw: '{"error":"bad model"}' }, { content: GOOD }]);
    await expect(client().complete(messages)).rejects.toThrow(ChatError);
    expect(requests.length).toBe(1);
  });

  it('a model that never succeeds ends in a clear failure after maxRounds, with the transcript', async () => {
    reset(Array.from({ length: 3 }, () => ({ content: '```js\nfunction reward(s) { while (true) {} }\n```' })));
    const p = generateWithRepair(client(), messages, ctx, 3);
    await expect(p).rejects.toThrow(GenerationFailed);
    await p.catch((e: GenerationFailed) => {
      expect(e.message).toMatch(/stub-model produced no valid reward in 3 rounds; last problem: .*while loop/);
      expect(e.rounds.length).toBe(3);
    });
  });

  it('feedback refinement sends the previous code, the behaviour and the feedback', async () => {
    reset([{ content: GOOD }]);
    const msgs = feedbackMessages(messages, 'function reward(s, a, n) { return 1; }', 'the cart drifted off the track', 'keep the cart near the centre');
    await generateWithRepair(client(), msgs, ctx);
    const last = requests[0].body.messages.at(-1)!.content;
    expect(last).toContain('the cart drifted off the track');
    expect(last).toContain('Re-imagine which steps are missing or wrong');
    expect(requests[0].body.messages.at(-2)!.content).toContain('return 1;');
  });
});

describe('client configuration and extraction', () => {
  it('reads REWARDFORGE_LLM_* and rejects bad values', () => {
    expect(chatClientFromEnv({})).toBeUndefined();
    expect(chatClientFromEnv({ REWARDFORGE_LLM_URL: 'http://127.0.0.1:1/v1', REWARDFORGE_LLM_MODEL: 'm' })!.model).toBe('m');
    expect(() => chatClientFromEnv({ REWARDFORGE_LLM_URL: 'http://x/v1' })).toThrow(/REWARDFORGE_LLM_MODEL is not/);
    expect(() => chatClientFromEnv({ REWARDFORGE_LLM_URL: 'ftp://x', REWARDFORGE_LLM_MODEL: 'm' })).toThrow(/must be an http\(s\) URL, got 'ftp:\/\/x'/);
  });

  it('takes the first fenced block, any tag', () => {
    expect(extractFirstCodeBlock('a\n```javascript\nA\n```\n```js\nB\n```')).toBe('A');
    expect(extractFirstCodeBlock('~~~\nC\nD\n~~~')).toBe('C\nD');
    expect(extractFirstCodeBlock('no code')).toBeUndefined();
  });
});
