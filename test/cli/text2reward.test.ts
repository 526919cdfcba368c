/**
 * Text2Reward from the command line: `reward generate` and `train:env --reward text2reward:"…"` with a
 * configured endpoint (a loopback stub) and with the built-in generator; `reward refine` with feedback.
 * Every output records which generator produced it.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main as rewardMain } from '../../cli/reward.ts';
import { main as trainMain } from '../../cli/train.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-t2r-'));
let server: http.Server;
let url = '';
let replies: string[] = [];
const seen: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const body = JSON.parse(data) as { messages: { content: string }[] };
      seen.push(body.messages.at(-1)!.content);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { content: replies.shift() ?? 'no more' } }] }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterEach(() => {
  delete process.env.REWARDFORGE_LLM_URL;
  delete process.env.REWARDFORGE_LLM_MODEL;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
  fs.rmSync(tmp, { recursive: true, force: true });
});

const UPRIGHT = '```js\nfunction reward(state, action, next, terms) {\n  const up = Math.cos(next.theta);\n  terms.up = up;\n  return up;\n}\n```';
const CENTRED = '```js\nfunction reward(state, action, next, terms) {\n  const up = Math.cos(next.theta);\n  const centre = 1 - Math.min(Math.abs(next.x), 1);\n  terms.up = up;\n  terms.centre = centre;\n  return up + centre;\n}\n```';

async function capture(fn: (o: (s: string) => void, e: (s: string) => void) => Promise<number>) {
  let out = '';
  let err = '';
  const code = await fn((s) => (out += s), (s) => (err += s));
  return { code, out, err };
}
async function train(argv: string[]) {
  const w = process.stderr.write.bind(process.stderr);
  let err = '';
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  try {
    return { code: await trainMain(argv), err };
  } finally {
    process.stderr.write = w;
  }
}

describe('text2reward from the CLI', () => {
  it('generate with the endpoint: a rejected answer is repaired, and the model is named', async () => {
    process.env.REWARDFORGE_LLM_URL = url;
    process.env.REWARDFORGE_LLM_MODEL = 'stub-7b';
    replies = ['```js\nfunction reward(s, a, n) { return n.pole.angle; }\n```', UPRIGHT];
    const out = path.join(tmp, 'gen.js');
    const r = await capture((o, e) => rewardMain(['generate', '--env', 'classic/CartPole-v1', '--goal', 'keep the pole upright', '--out', out], o, e));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/generator: stub-7b; passes the checker/);
    expect(seen.at(-1)).toMatch(/\[unknown-field\] 'pole' is not a field here/);
    expect(fs.readFileSync(out, 'utf8')).toContain('Math.cos(next.theta)');
  });

  it('train:env --reward text2reward with the endpoint, then refine from feedback', async () => {
    process.env.REWARDFORGE_LLM_URL = url;
    process.env.REWARDFORGE_LLM_MODEL = 'stub-7b';
    replies = [UPRIGHT];
    const dir = path.join(tmp, 'run-llm');
    const t = await train(['--env', 'classic/CartPole-v1', '--reward', 'text2reward:keep the pole upright', '--steps', '512', '--num-envs', '4', '--set', 'numSteps=128', '--quiet', '--eval-episodes', '2', '--out', dir]);
    expect(t.code, t.err).toBe(0);
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    expect(summary.reward).toMatchObject({ kind: 'text2reward', generator: 'stub-7b', goal: 'keep the pole upright', terms: ['up'] });
    const gen = JSON.parse(fs.readFileSync(path.join(dir, 'reward', 'generation.json'), 'utf8'));
    expect(gen.transcript.messages.length).toBe(3);
    replies = [CENTRED];
    const r = await capture((o, e) => rewardMain(['refine', '--run', dir, '--feedback', 'the cart drifts off the track; keep it centred'], o, e));
    expect(r.code, r.err).toBe(0);
    expect(seen.at(-1)).toMatch(/What it did: after 512 training steps, over 2 evaluation episodes the agent succeeded/);
    expect(seen.at(-1)).toContain('keep it centred');
    expect(fs.readFileSync(path.join(dir, 'reward', 'refined-1.js'), 'utf8')).toContain('centre');
    expect(r.out).toContain(`--reward file:${path.join(dir, 'reward', 'refined-1.js')}`);
  });

  it('without an endpoint: the built-in generator trains a robotics task; refine says it needs a model', async () => {
    const dir = path.join(tmp, 'run-builtin');
    const t = await train(['--env', 'robotics/Reach-v0', '--reward', 'text2reward:"touch the goal point with the gripper"', '--steps', '1024', '--num-envs', '2', '--set', 'numSteps=256', '--quiet', '--eval-episodes', '2', '--out', dir]);
    expect(t.code, t.err).toBe(0);
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    expect(summary.reward).toMatchObject({ kind: 'text2reward', generator: 'builtin', goal: 'touch the goal point with the gripper' });
    expect(fs.readFileSync(path.join(dir, 'reward', 'reward.js'), 'utf8')).toContain('not a language model');
    const r = await capture((o, e) => rewardMain(['refine', '--run', dir, '--feedback', 'faster'], o, e));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/refine needs a language model: set REWARDFORGE_LLM_URL/);
  });

  it('an unusable goal fails before anything is written', async () => {
    const dir = path.join(tmp, 'run-bad');
    const t = await train(['--env', 'robotics/Reach-v0', '--reward', 'text2reward:do a barrel roll', '--steps', '512', '--quiet', '--out', dir]);
    expect(t.code).toBe(2);
    expect(t.err).toMatch(/the built-in generator could not handle "do a barrel roll"/);
    expect(fs.existsSync(dir)).toBe(false);
  });
});
