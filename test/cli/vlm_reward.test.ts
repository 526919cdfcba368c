/**
 * `train:env --reward vlm:"…"`: the spec and its flags parse (errors name the flag and value), a tiny
 * run trains on the VLM reward alone and records the embedder, prompts, α and cameras in config.json and
 * summary.json; multi-view renders every camera; the wrapper puts the reward in info.rewardTerms.vlm.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { captureStderr } from '../helpers/capture.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/train.ts';
import { parseTrainArgs, TrainArgsError } from '../../cli/train_args.ts';
import { loadVlmReward, parseRewardSpec } from '../../cli/reward_spec.ts';
import { DEFAULT_WEIGHTS, OfflineEmbedder, V3_WEIGHTS } from '../../rewards/vlm/offline/offline_embedder.ts';
import { defaultRegistry } from '../../envs/index.ts';
import { Rng } from '../../sim/rng.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-vlm-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));


describe('--reward vlm', () => {
  it('parses goal prompts (| separates several) and the vlm flags', () => {
    expect(parseRewardSpec('vlm:"the pole is upright"')).toEqual({ kind: 'vlm', goals: ['the pole is upright'] });
    expect(parseRewardSpec('vlm:a | b')).toEqual({ kind: 'vlm', goals: ['a', 'b'] });
    expect(() => parseRewardSpec('vlm:')).toThrow(/needs a goal prompt/);
    const cfg = parseTrainArgs(['--env', 'robotics/Reach-v0', '--reward', 'vlm:the gripper is touching the blue ball', '--baseline', 'a robot arm over a table', '--baseline', 'a table', '--alpha', '1', '--cameras', 'front,side']);
    expect(cfg).toMatchObject({ baseline: ['a robot arm over a table', 'a table'], alpha: 1, cameras: ['front', 'side'] });
  });

  it('bad values name the flag', () => {
    expect(() => parseTrainArgs(['--reward', 'vlm:x', '--alpha', '1.5'])).toThrow(/--alpha must be a number in \[0, 1\], got '1.5'/);
    expect(() => parseTrainArgs(['--reward', 'env', '--alpha', '0.5'])).toThrow(/--alpha: only applies to --reward vlm/);
    expect(() => parseTrainArgs(['--reward', 'env', '--baseline', 'x'])).toThrow(/--baseline: only applies to --reward vlm/);
    expect(() => loadVlmReward(['x'], 'classic/CartPole-v1', { cameras: ['side'] })).toThrow(TrainArgsError);
    expect(() => loadVlmReward(['x'], 'classic/CartPole-v1', { cameras: ['side'] })).toThrow(/--cameras: 'side' is not a camera of classic\/CartPole-v1; allowed: default/);
  });

  it('a goal prompt the offline embedder finds no fact in is refused at α > 0 with the reason', () => {
    // v3 and the default v4 both embed a fact-free prompt as the bare scene, the baseline's point.
    for (const file of [V3_WEIGHTS, DEFAULT_WEIGHTS]) expect(() => loadVlmReward(['a cart on a road'], 'classic/CartPole-v1', { alpha: 0.5, embedder: OfflineEmbedder.load(file) }), file).toThrow(/coincide .*recognises none of its facts in "a cart on a road"/);
  });

  it('REWARDFORGE_VLM_WEIGHTS picks the offline weights (v2, v3, v4 = the shipped files; unset = v4); a missing file is named', () => {
    const keep = process.env.REWARDFORGE_VLM_WEIGHTS;
    try {
      for (const gen of ['v2', 'v3', 'v4']) {
        process.env.REWARDFORGE_VLM_WEIGHTS = gen;
        const v = loadVlmReward(['the pole is upright'], 'classic/CartPole-v1', { alpha: 0 });
        expect(v.reward.embedder.name).toBe(`offline:rewardforge-scenes-${gen}`);
      }
      delete process.env.REWARDFORGE_VLM_WEIGHTS;
      expect(loadVlmReward(['the pole is upright'], 'classic/CartPole-v1', { alpha: 0 }).reward.embedder.name).toBe('offline:rewardforge-scenes-v4');
      process.env.REWARDFORGE_VLM_WEIGHTS = path.join(tmp, 'missing.safetensors');
      expect(() => loadVlmReward(['the pole is upright'], 'classic/CartPole-v1', { alpha: 0 })).toThrow(/cannot read .*missing.safetensors/);
    } finally {
      if (keep === undefined) delete process.env.REWARDFORGE_VLM_WEIGHTS;
      else process.env.REWARDFORGE_VLM_WEIGHTS = keep;
    }
  });

  it('multi-view: the step reward is the mean over the cameras and lands in info.rewardTerms.vlm', () => {
    const v = loadVlmReward(['the gripper is touching the blue ball'], 'robotics/Reach-v0', { cameras: ['front', 'side'], alpha: 0 });
    const env = v.wrap(defaultRegistry.make('robotics/Reach-v0'));
    env.reset({ seed: 3 });
    const [, r, , , info] = env.step([0, 0, 0, -1]);
    const terms = (info as { rewardTerms: Record<string, number> }).rewardTerms;
    expect(terms.vlm).toBe(r);
    expect(typeof terms.env).toBe('number');
    const front = env.render({ camera: 'front', width: 64, height: 64 });
    const side = env.render({ camera: 'side', width: 64, height: 64 });
    const per = v.reward.scoreWindow([front, side], 1);
    expect(r).toBeCloseTo((per[0] + per[1]) / 2, 6);
    env.close();
  });

  it('batched per vector step: same rewards as per-env wrappers, terminal frames included (same-step autoreset)', () => {
    const v = loadVlmReward(['the pole is upright'], 'classic/CartPole-v1', { alpha: 0.5 });
    const n = 4;
    const batched = v.makeVec(n, { autoresetMode: 'same-step' });
    const perEnv = defaultRegistry.makeVec('classic/CartPole-v1', n, { autoresetMode: 'same-step', vectorization: 'sync', wrappers: [v.wrap] });
    batched.reset({ seed: 11 });
    perEnv.reset({ seed: 11 });
    const rng = new Rng(5);
    const actions = new Float32Array(n);
    let terminals = 0;
    const before = v.reward.framesEmbedded;
    for (let t = 0; t < 60; t++) {
      for (let i = 0; i < n; i++) actions[i] = rng.int(2);
      const [, ra, ta] = batched.step(actions);
      const rowA = Array.from(ra), termA = Array.from(ta);
      const [, rb, tb] = perEnv.step(actions);
      // Equal up to float32 rounding: the MLP sums a batch of 4 in another order than a batch of 1.
      rowA.forEach((x, i) => expect(x).toBeCloseTo(rb[i], 5));
      expect(termA).toEqual(Array.from(tb));
      terminals += termA.reduce((s, x) => s + x, 0);
    }
    expect(terminals).toBeGreaterThan(0);
    expect((batched as unknown as { batches: number }).batches).toBe(60);
    expect(v.reward.framesEmbedded - before).toBe(2 * 60 * n);
    batched.close();
    perEnv.close();
  });

  it('a tiny CartPole run trains on the VLM reward and records which embedder produced it', async () => {
    const out = path.join(tmp, 'cartpole');
    const r = await captureStderr(() => main(['--env', 'classic/CartPole-v1', '--reward', 'vlm:the pole is upright', '--alpha', '0', '--steps', '512', '--num-envs', '2', '--quiet', '--eval-episodes', '2', '--out', out]));
    expect(r.code, r.err).toBe(0);
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.reward).toMatchObject({ kind: 'vlm', generator: 'offline:rewardforge-scenes-v4', goals: ['the pole is upright'], baselines: ['a cart with a pole'], alpha: 0, cameras: ['default'] });
    expect(summary.reward.framesEmbedded).toBeGreaterThanOrEqual(512);
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(config.reward.kind).toBe('vlm');
  });
});
