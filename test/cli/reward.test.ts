/**
 * `npm run reward -- check` and `train:env --reward file:PATH`: good code passes and trains (the run
 * records the reward's provenance and guard counts); bad code is refused before anything is written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { captureStderr } from '../helpers/capture.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { main as rewardMain } from '../../cli/reward.ts';
import { main as trainMain } from '../../cli/train.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-reward-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const GOOD = `function reward(state, action, next, terms) {
  const upright = Math.cos(next.theta);
  terms.upright = upright;
  return upright - 0.1 * Math.abs(next.x);
}`;
const LOOP = 'function reward(s, a, n) { let t = 0; while (t < 3) { t += 1; } return t; }';
const NAN = 'function reward(s, a, n) { return Math.sqrt(n.xDot); }';
const write = (name: string, code: string) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, code);
  return f;
};

async function run(fn: (o: (s: string) => void, e: (s: string) => void) => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await fn((s) => (out += s), (s) => (err += s));
  return { code, out, err };
}


describe('reward check', () => {
  it('exit 0 with the range and terms for code that passes', async () => {
    const r = await run((o, e) => rewardMain(['check', write('good.js', GOOD), '--env', 'classic/CartPole-v1'], o, e));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/passes the checker and the pre-flight on 1000 random transitions of classic\/CartPole-v1/);
    expect(r.out).toMatch(/terms: upright/);
  });

  it('non-zero with the checker errors, or the pre-flight failure', async () => {
    const a = await run((o, e) => rewardMain(['check', write('loop.js', LOOP), '--env', 'classic/CartPole-v1'], o, e));
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/line 1, column \d+: \[forbidden-syntax\] a while loop is not allowed/);
    const b = await run((o, e) => rewardMain(['check', write('nan.js', NAN), '--env', 'classic/CartPole-v1'], o, e));
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/pre-flight: the reward returned NaN on transition \d+/);
    const c = await run((o, e) => rewardMain(['check', path.join(tmp, 'missing.js'), '--env', 'classic/CartPole-v1'], o, e));
    expect(c.code).toBe(1);
    expect(c.err).toMatch(/cannot read it \(ENOENT\)/);
    const d = await run((o, e) => rewardMain(['check', write('g2.js', GOOD), '--env', 'classic/Nope-v0'], o, e));
    expect(d.code).toBe(1);
    expect(d.err).toMatch(/unknown env id 'classic\/Nope-v0'/);
  });
});

describe('reward compare', () => {
  it('EPIC ≈ 0 for a scaled and shaped copy, clearly > 0 for a different reward', async () => {
    const shaped = write('shaped.js', 'function reward(s, a, n) { return 2 * (Math.cos(n.theta) - 0.1 * Math.abs(n.x)) + 0.99 * n.theta - s.theta; }');
    const other = write('other.js', 'function reward(s, a, n) { return -Math.abs(n.xDot); }');
    const a = write('a.js', GOOD);
    const same = await run((o, e) => rewardMain(['compare', a, shaped, '--env', 'classic/CartPole-v1', '--gamma', '0.99'], o, e));
    expect(same.code, same.err).toBe(0);
    expect(JSON.parse(same.out).epic).toBeLessThan(1e-6);
    const diff = await run((o, e) => rewardMain(['compare', a, other, '--env', 'classic/CartPole-v1'], o, e));
    expect(JSON.parse(diff.out).epic).toBeGreaterThan(0.1);
    const bad = await run((o, e) => rewardMain(['compare', a, other, '--env', 'classic/CartPole-v1', '--gamma', '2'], o, e));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--gamma must be in \[0, 1\], got '2'/);
  });
});

describe('train:env --reward file:PATH', () => {
  it('trains with the code, saves it and records provenance and guard counts', async () => {
    const out = path.join(tmp, 'run');
    const r = await captureStderr(() => trainMain(['--env', 'classic/CartPole-v1', '--reward', `file:${write('train.js', GOOD)}`, '--steps', '1024', '--num-envs', '4', '--set', 'numSteps=128', '--quiet', '--eval-episodes', '2', '--out', out]));
    expect(r.code, r.err).toBe(0);
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.reward).toMatchObject({ kind: 'file', generator: 'file', terms: ['upright'], guard: { errors: 0, nonFinite: 0 } });
    expect(summary.reward.guard.calls).toBe(1024);
    expect(fs.readFileSync(path.join(out, 'reward', 'reward.js'), 'utf8')).toBe(GOOD);
    const cfg = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(cfg.reward.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses code that fails the checker with exit 2 and writes nothing', async () => {
    const out = path.join(tmp, 'refused');
    const r = await captureStderr(() => trainMain(['--env', 'classic/CartPole-v1', '--reward', `file:${write('bad.js', LOOP)}`, '--steps', '512', '--quiet', '--out', out]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/does not pass the reward-language checker/);
    expect(fs.existsSync(out)).toBe(false);
    const s = await captureStderr(() => trainMain(['--reward', 'llm', '--quiet']));
    expect(s.code).toBe(2);
    expect(s.err).toMatch(/--reward: 'llm' is not a reward spec; allowed: env \| file:PATH/);
  });
});
