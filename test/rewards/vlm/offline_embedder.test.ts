// The built-in offline VLM embedder (rewards/vlm/offline): the shipped weights load, are small and
// deterministic, and rank a matching caption above a mismatching one on held-out renders (episode seeds
// the training data never used: cli/vlm_data.ts trains on seeds 100 003·seed + k, k < a few hundred).
import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectEpisode } from '../../../cli/vlm_data.ts';
import { captionTrue, captionWeight, perturbedCaption, randomCaption, SCENE_TEXT, sceneFacts } from '../../../rewards/vlm/offline/captions.ts';
import { KeypointEncoder } from '../../../rewards/vlm/offline/keypoint_encoder.ts';
import { downsample, DualEncoder, normaliseText, stem } from '../../../rewards/vlm/offline/dual_encoder.ts';
import { DEFAULT_WEIGHTS, decodeDualEncoder, encodeDualEncoder, OfflineEmbedder, V2_WEIGHTS, V3_WEIGHTS, V4_WEIGHTS } from '../../../rewards/vlm/offline/offline_embedder.ts';
import { decodeSafetensors } from '../../../sim/io/safetensors.ts';
import { infoNce, trainDualEncoder } from '../../../rewards/vlm/offline/train.ts';
import { Rng } from '../../../sim/rng.ts';
import { VlmReward } from '../../../rewards/vlm/vlm_reward.ts';

const cos = (a: Float32Array, ao: number, b: Float32Array, bo: number, d: number) => {
  let s = 0, na = 0, nb = 0;
  for (let k = 0; k < d; k++) {
    s += a[ao + k] * b[bo + k];
    na += a[ao + k] ** 2;
    nb += b[bo + k] ** 2;
  }
  return s / Math.sqrt(na * nb);
};

/** Reach and Push: a caption true at the goal and one true far from it. */
const RANKING_CASES: readonly (readonly [string, string, string])[] = [
  ['robotics/Reach-v0', 'the gripper is touching the blue ball', 'the gripper is far from the blue ball'],
  ['robotics/Push-v0', 'the red cube is on the blue goal', 'the red cube is far from the blue goal'],
];

/**
 * Share of right calls on the first and last frames of six held-out expert episodes: on the first frame
 * (away from the goal) `away` should score higher, on the last (success) `atGoal`.
 */
function matchingCaptionRate(emb: OfflineEmbedder, env: string, atGoal: string, away: string): number {
  const D = emb.dim;
  const t = emb.embedTexts([atGoal, away]);
  let right = 0, total = 0;
  for (let k = 0; k < 6; k++) {
    const ep = collectEpisode(env, { policy: 'expert', seed: 92_000 + k });
    const x = emb.embedImages([ep.frames[0], ep.frames[ep.frames.length - 1]]);
    if (cos(x, 0, t, D, D) > cos(x, 0, t, 0, D)) right++;
    if (cos(x, D, t, 0, D) > cos(x, D, t, D, D)) right++;
    total += 2;
  }
  return right / total;
}

describe('OfflineEmbedder (shipped default weights, v4)', () => {
  const emb = OfflineEmbedder.load();

  it('loads from a safetensors file under 2 MB that records its held-out retrieval accuracy', () => {
    expect(fs.statSync(DEFAULT_WEIGHTS).size).toBeLessThan(2_000_000);
    const report = JSON.parse(emb.metadata.report) as { heldoutTop1: number; chance: number; command: string };
    expect(report.heldoutTop1).toBeGreaterThan(3 * report.chance);
    expect(report.command).toMatch(/^npm run train:vlm/);
    expect(emb.name).toBe('offline:rewardforge-scenes-v4');
    expect(OfflineEmbedder.load(V2_WEIGHTS).name).toBe('offline:rewardforge-scenes-v2');
  });

  it('is deterministic, and a frame embeds the same alone or in a batch', () => {
    const ep = collectEpisode('robotics/Reach-v0', { policy: 'expert', seed: 91_000, maxSteps: 6 });
    const a = emb.embedImages(ep.frames);
    const b = OfflineEmbedder.load().embedImages(ep.frames);
    expect(Array.from(a)).toEqual(Array.from(b));
    const alone = emb.embedImages([ep.frames[3]]);
    for (let k = 0; k < emb.dim; k++) expect(alone[k]).toBeCloseTo(a[3 * emb.dim + k], 5);
    const t = emb.embedTexts(['the pole is upright', 'the red cube is on the blue goal']);
    expect(Array.from(emb.embedTexts(['the red cube is on the blue goal']))).toEqual(Array.from(t.subarray(emb.dim)));
  });

  it('ranks the matching caption above the mismatching one on held-out renders', () => {
    const D = emb.dim;
    for (const [env, atGoal, away] of RANKING_CASES) expect(matchingCaptionRate(emb, env, atGoal, away), env).toBeGreaterThanOrEqual(0.75);
    // CartPole: a frame of a pole that fell over vs an upright start.
    const t = emb.embedTexts(['the pole is upright', 'the pole is falling over to the right']);
    let right = 0;
    for (let k = 0; k < 6; k++) {
      const ep = collectEpisode('classic/CartPole-v1', { policy: { noise: 0 }, seed: 93_000 + k, maxSteps: 1 });
      const x = emb.embedImages([ep.frames[0]]);
      if (cos(x, 0, t, 0, D) > cos(x, 0, t, D, D)) right++;
    }
    expect(right).toBeGreaterThanOrEqual(4);
  });
});

describe('OfflineEmbedder (shipped v4 weights): v2 routed by scene kind', () => {
  it("its image and text networks are v2's tensor for tensor; the gate networks are its only addition", () => {
    const v2 = decodeSafetensors(fs.readFileSync(V2_WEIGHTS)).tensors, v4 = decodeSafetensors(fs.readFileSync(V4_WEIGHTS)).tensors;
    for (const k of Object.keys(v2)) expect(Array.from(v4[k].data as Float32Array), k).toEqual(Array.from(v2[k].data as Float32Array));
    expect(Object.keys(v4).filter((k) => !(k in v2)).every((k) => k.startsWith('gate.'))).toBe(true);
  });

  it('routes each frame to the block of its scene kind, and each caption to the block of the facts it mentions', () => {
    const emb = OfflineEmbedder.load(V4_WEIGHTS);
    const D = emb.dim, k = 64;
    expect(D).toBe(2 + 1 + 2 * k);
    const nz = (x: Float32Array, off: number) => x.subarray(off, off + k).some((v) => v !== 0);
    const arm = emb.embedImages(collectEpisode('robotics/Push-v0', { policy: 'random', seed: 95_000, maxSteps: 5 }).frames);
    const cart = emb.embedImages(collectEpisode('classic/CartPole-v1', { policy: 'random', seed: 95_001, maxSteps: 5 }).frames);
    for (let i = 0; i < arm.length / D; i++) expect([arm[i * D], arm[i * D + 1], nz(arm, i * D + 3), nz(arm, i * D + 3 + k)]).toEqual([1, 0, true, false]);
    for (let i = 0; i < cart.length / D; i++) expect([cart[i * D], cart[i * D + 1], nz(cart, i * D + 3), nz(cart, i * D + 3 + k)]).toEqual([0, 1, false, true]);
    const t = emb.embedTexts(['the gripper is touching the blue ball', 'the stick stands vertical', 'a robot arm over a table', 'a cart with a pole']);
    expect([nz(t, 3), nz(t, 3 + k), nz(t, D + 3), nz(t, D + 3 + k)]).toEqual([true, false, false, true]);
    // Fact-free captions (the baselines) are their scene coordinate alone.
    expect(Array.from(t.subarray(2 * D, 3 * D))).toEqual([1, ...new Array(D - 1).fill(0)]);
    expect(Array.from(t.subarray(3 * D, 4 * D))).toEqual([0, 1, ...new Array(D - 2).fill(0)]);
    // Every caption the generator writes is routed as its labels say, on scenes it never trained on: the
    // fact-free phrasings (all of SCENE_TEXT) to their scene coordinate, the others to their facts' block.
    const rng = new Rng(11);
    const caps = Array.from({ length: 400 }, (_, i) => {
      const u = () => rng.random() - 0.5;
      const f = i % 3 === 2 ? sceneFacts({ kind: 'cartpole', x: 4 * u(), theta: 0.4 * u() }) : sceneFacts({ kind: 'arm', gripper: [u(), u(), 0.3 + u() / 2], goal: [u(), u(), 0.1], ...(i % 3 === 1 ? { cube: [u(), u(), 0.02] as const } : {}), gripperOpenness: rng.random() });
      return randomCaption(f, rng);
    });
    for (const [scene, phrasings] of Object.entries(SCENE_TEXT)) for (const text of phrasings) caps.push({ facts: { scene }, text });
    const e = emb.embedTexts(caps.map((c) => c.text));
    const routes = caps.map((_, i) => [e[i * D], e[i * D + 1], nz(e, i * D + 3) ? 1 : 0, nz(e, i * D + 3 + k) ? 1 : 0].join(''));
    const want = caps.map((c) => {
      const arm = Object.keys(c.facts).some((f) => f !== 'scene' && c.facts.scene === 'arm'), cart = Object.keys(c.facts).some((f) => f !== 'scene' && c.facts.scene === 'cartpole');
      return arm || cart ? `00${arm ? 1 : 0}${cart ? 1 : 0}` : c.facts.scene === 'arm' ? '1000' : '0100';
    });
    expect(routes).toEqual(want);
    expect(want.filter((w) => w === '1000' || w === '0100').length).toBeGreaterThan(20);
  });
});

for (const [file, gen] of [[V3_WEIGHTS, 'v3'], [V4_WEIGHTS, 'v4']] as const) describe(`OfflineEmbedder (shipped ${gen} weights): gated scene kinds on real renders`, () => {
  const emb = OfflineEmbedder.load(file);

  it(`is the ${gen} file, deterministic, and ranks the matching caption above the mismatching one`, () => {
    expect(emb.name).toBe(`offline:rewardforge-scenes-${gen}`);
    const ep = collectEpisode('robotics/Push-v0', { policy: 'expert', seed: 91_000, maxSteps: 6 });
    expect(Array.from(OfflineEmbedder.load(file).embedImages(ep.frames))).toEqual(Array.from(emb.embedImages(ep.frames)));
    for (const [env, atGoal, away] of RANKING_CASES) expect(matchingCaptionRate(emb, env, atGoal, away), env).toBeGreaterThanOrEqual(0.75);
  });
  const episodes = (env: string) => [
    collectEpisode(env, { policy: 'expert', seed: 94_000, maxSteps: 40 }),
    collectEpisode(env, { policy: 'random', seed: 94_001, maxSteps: 40 }),
  ];

  it('a prompt about the other scene kind gives every frame the same reward (float rounding aside), at α = 0, 0.5, 1', () => {
    const cases: [string, string, string][] = [
      ['robotics/Reach-v0', 'the pole is upright', 'a robot arm over a table'],
      ['robotics/Push-v0', 'the cart is on the left', 'a robot arm over a table'],
      ['classic/CartPole-v1', 'the gripper is touching the red cube', 'a cart with a pole'],
    ];
    for (const [env, prompt, baseline] of cases) {
      const frames = episodes(env).flatMap((e) => e.frames);
      for (const alpha of [0, 0.5, 1]) {
        const r = new VlmReward(emb, { goals: [prompt], baselines: [baseline], alpha }).scoreWindow(frames);
        const spread = Math.max(...r) - Math.min(...r);
        expect(spread, `${env} "${prompt}" α=${alpha}`).toBeLessThan(1e-5);
      }
      // The task's own prompt is not constant on the same frames (the check above is not vacuous).
      const task = env === 'classic/CartPole-v1' ? 'the pole is falling over to the right' : env === 'robotics/Reach-v0' ? 'the gripper is touching the blue ball' : 'the red cube is on the blue goal';
      const r = new VlmReward(emb, { goals: [task], baselines: [baseline], alpha: 0.5 }).scoreWindow(frames);
      expect(Math.max(...r) - Math.min(...r), env).toBeGreaterThan(1e-3);
    }
  });

  it("the baseline prompt's cosine is the same on every frame of a scene kind", () => {
    const D = emb.dim;
    const b = emb.embedTexts(['a robot arm over a table']);
    const frames = [...episodes('robotics/Reach-v0'), ...episodes('robotics/Push-v0')].flatMap((e) => e.frames);
    const x = emb.embedImages(frames);
    const c = Array.from({ length: frames.length }, (_, i) => cos(x, i * D, b, 0, D));
    expect(Math.max(...c) - Math.min(...c)).toBeLessThan(1e-6);
  });
});

describe('captions', () => {
  it('a caption is true of the scene it was generated from; a perturbed one is not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.double({ min: -0.3, max: 0.3, noNaN: true }), fc.double({ min: -0.2, max: 0.2, noNaN: true }), (seed, dx, dz) => {
        const rng = new Rng(seed);
        const f = sceneFacts({ kind: 'arm', gripper: [dx, 0.85, 0.15 + dz], goal: [0, 0.85, 0.15], cube: [dx / 2, 0.7, 0.02], gripperOpenness: 1 });
        const c = randomCaption(f, rng);
        expect(captionTrue(c.facts, f)).toBe(true);
        const p = perturbedCaption(c, rng);
        if (p !== undefined && Object.keys(c.facts).length > 1) expect(captionTrue(p.facts, f)).toBe(false);
      }),
    );
  });

  it('stems and normalises text so inflections share tokens', () => {
    expect(['touching', 'touched', 'touches'].map(stem)).toEqual(['touch', 'touch', 'touch']);
    expect(normaliseText('The gripper IS touching the blue ball.')).toBe('gripper is touch blue ball');
  });
});

describe('DualEncoder training', () => {
  it('InfoNCE gradients match finite differences', () => {
    const rng = new Rng(3);
    const B = 3, M = 4, D = 5, s = 7;
    const unit = (n: number) => {
      const v = Float32Array.from({ length: n * D }, () => rng.normal());
      for (let i = 0; i < n; i++) {
        const nr = Math.hypot(...v.subarray(i * D, (i + 1) * D));
        for (let k = 0; k < D; k++) v[i * D + k] /= nr;
      }
      return v;
    };
    const xh = unit(B), th = unit(M);
    // Graded targets (0.3, 0.05) next to exact ones, and the false-pair floor on and off.
    const T = Float32Array.from([1, 0, 0.3, 0, 0, 1, 0, 0.05, 0, 0, 1, 1]);
    for (const floor of [0, 0.7]) {
      const dx = new Float32Array(B * D), dt = new Float32Array(M * D);
      infoNce(xh, th, T, B, M, D, s, dx, dt, floor);
      const scratchX = new Float32Array(B * D), scratchT = new Float32Array(M * D);
      const loss = (x: Float32Array, t: Float32Array) => infoNce(x, t, T, B, M, D, s, scratchX, scratchT, floor);
      const h = 1e-3;
      for (const [arr, grad] of [[xh, dx], [th, dt]] as const) {
        for (let i = 0; i < arr.length; i += 3) {
          const keep = arr[i];
          arr[i] = keep + h;
          const up = loss(xh, th);
          arr[i] = keep - h;
          const down = loss(xh, th);
          arr[i] = keep;
          expect(grad[i]).toBeCloseTo((up - down) / (2 * h), 2);
        }
      }
    }
  });

  it('the floor term raises the loss only through false pairs', () => {
    const xh = Float32Array.from([1, 0]), th = Float32Array.from([0.6, 0.8, 1, 0]);
    const dx = new Float32Array(2), dt = new Float32Array(4);
    const base = infoNce(xh, th, Float32Array.from([0, 1]), 1, 2, 2, 5, dx, dt);
    // cos with the false caption is 0.6: the floor adds 0.5 · 0.6² (one false pair).
    expect(infoNce(xh, th, Float32Array.from([0, 1]), 1, 2, 2, 5, dx, dt, 0.5)).toBeCloseTo(base + 0.5 * 0.36, 6);
    // A graded (non-zero) target is not a false pair.
    const graded = infoNce(xh, th, Float32Array.from([0.2, 1]), 1, 2, 2, 5, dx, dt);
    expect(infoNce(xh, th, Float32Array.from([0.2, 1]), 1, 2, 2, 5, dx, dt, 0.5)).toBeCloseTo(graded, 6);
  });

  it('keypoint encoder: gradients match finite differences, coordinates stay in [-1, 1]', () => {
    const rng = new Rng(3);
    const enc = new KeypointEncoder({ side: 5, channels: 4, keypoints: 3, pooled: 2, hidden: 6, dim: 4 }, rng);
    const n = 2;
    const x = Float32Array.from({ length: n * 75 }, () => rng.normal());
    const w = Float32Array.from({ length: n * 4 }, () => rng.normal());
    const loss = () => enc.forward(x, n).reduce((s, y, i) => s + y * w[i], 0);
    enc.zeroGrad();
    loss();
    enc.backward(w, n);
    const ps = enc.params(), gs = enc.grads();
    for (let t = 0; t < ps.length; t++) {
      for (let i = 0; i < ps[t].data.length; i += 3) {
        const keep = ps[t].data[i];
        ps[t].data[i] = keep + 1e-2;
        const up = loss();
        ps[t].data[i] = keep - 1e-2;
        const down = loss();
        ps[t].data[i] = keep;
        const num = (up - down) / 2e-2;
        expect(Math.abs(num - gs[t].data[i])).toBeLessThanOrEqual(0.03 * Math.max(1, Math.abs(num)));
      }
    }
  });

  it('captionWeight grades distance facts by how far outside their bin a scene lies', () => {
    const f = sceneFacts({ kind: 'arm', gripper: [0.1, 0.85, 0.15], goal: [0, 0.85, 0.15], cube: [0, 0.75, 0.02], gripperOpenness: 1 });
    const m = { gripperGoal: 0.1 };
    // gripperGoal is 0.1 m: 'near' (0.05–0.12] holds; 'touching' (≤ 0.05) is 0.05 m off → exp(−1) at σ = 0.05.
    expect(captionWeight({ scene: 'arm', gripperGoal: 'near' }, f, m, 0.05)).toBe(1);
    expect(captionWeight({ scene: 'arm', gripperGoal: 'touching' }, f, m, 0.05)).toBeCloseTo(Math.exp(-1), 6);
    expect(captionWeight({ scene: 'arm', gripperGoal: 'touching' }, f, m, 0)).toBe(0);
    // Any other fact must hold exactly.
    expect(captionWeight({ scene: 'arm', gripperGoal: 'near', gripperOpen: 'closed' }, f, m, 0.05)).toBe(0);
    expect(captionWeight({ scene: 'cartpole', poleTilt: 'upright' }, f, m, 0.05)).toBe(0);
  });

  it('is deterministic and its weights survive a safetensors round trip', () => {
    const config = { imageSide: 4, imageHidden: 8, buckets: 64, textEmbed: 8, textHidden: 8, dim: 4 };
    const rng = new Rng(1);
    const n = 64;
    const pixels = Uint8Array.from({ length: n * 48 }, () => rng.int(256));
    const facts = Array.from({ length: n }, (_, i) => sceneFacts({ kind: 'cartpole', x: (i % 3) - 1, theta: ((i % 5) - 2) / 10 }));
    const a = trainDualEncoder({ n, pixels, facts }, { epochs: 1, batch: 16, lr: 1e-3, scale: 10, seed: 2, config });
    const b = trainDualEncoder({ n, pixels, facts }, { epochs: 1, batch: 16, lr: 1e-3, scale: 10, seed: 2, config });
    expect(a.stateTensors().map((t) => Array.from(t.data))).toEqual(b.stateTensors().map((t) => Array.from(t.data)));
    const { model } = decodeDualEncoder(encodeDualEncoder(a));
    const frame = { width: 8, height: 8, data: Uint8Array.from({ length: 192 }, (_, i) => (i * 37) % 256) };
    expect(Array.from(model.forwardFrames([frame]))).toEqual(Array.from(a.forwardFrames([frame])));
    expect(Array.from(model.forwardTexts(['the pole is upright']))).toEqual(Array.from(a.forwardTexts(['the pole is upright'])));
  });

  it("separate gate networks (v4) leave the embedding's training untouched: same seed, same image and text tensors as the dense model", () => {
    const dense = { imageSide: 4, imageHidden: 8, buckets: 64, textEmbed: 8, textHidden: 8, dim: 4 };
    const space = { scenes: ['arm', 'cartpole'], facts: ['arm', 'cartpole'], members: [['gripperGoal'], ['poleTilt']], block: 4, factScenes: ['arm', 'cartpole'], shared: true };
    const routed = { ...dense, dim: 2 + 1 + 2 * 4, factored: space, gateNets: { hidden: 4, pool: 2 } };
    const rng = new Rng(3);
    const n = 64;
    const pixels = Uint8Array.from({ length: n * 48 }, () => rng.int(256));
    const facts = Array.from({ length: n }, (_, i) => (i % 2 ? sceneFacts({ kind: 'cartpole', x: (i % 3) - 1, theta: ((i % 5) - 2) / 10 }) : sceneFacts({ kind: 'arm', gripper: [0.1 * (i % 4), 0, 0.1], goal: [0, 0, 0.1], gripperOpenness: 1 })));
    const opts = { epochs: 2, batch: 16, lr: 1e-2, scale: 10, seed: 2, floor: 5 };
    const a = trainDualEncoder({ n, pixels, facts }, { ...opts, config: dense });
    const b = trainDualEncoder({ n, pixels, facts }, { ...opts, config: routed, gateWeight: 3 });
    expect(b.params().map((t) => [t.name, Array.from(t.data)])).toEqual(a.params().map((t) => [t.name, Array.from(t.data)]));
    // The gates did learn (they moved from their initialisation), and they are saved with the model.
    const init = new DualEncoder(routed, 2);
    expect(b.gateParams().map((t) => Array.from(t.data))).not.toEqual(init.gateParams().map((t) => Array.from(t.data)));
    const { model } = decodeDualEncoder(encodeDualEncoder(b));
    expect(model.gateParams().map((t) => Array.from(t.data))).toEqual(b.gateParams().map((t) => Array.from(t.data)));
    expect(() => new DualEncoder({ ...dense, gateNets: { hidden: 4, pool: 2 } })).toThrow(/gateNets needs a shared factored space/);
    expect(() => new DualEncoder({ ...routed, gateNets: { hidden: 4, pool: 3 } })).toThrow(/gateNets.pool must divide imageSide 4, got 3/);
  });

  it('downsample area-averages (a uniform frame stays uniform)', () => {
    const out = new Float32Array(3 * 4 * 4);
    downsample({ width: 10, height: 7, data: new Uint8Array(210).fill(51) }, 4, out, 0);
    for (const v of out) expect(v).toBeCloseTo(0.2, 6);
    expect(() => new DualEncoder().forwardFrames([{ width: 2, height: 2, data: new Uint8Array(5) }])).toThrow(/expected width\*height\*3 = 12/);
  });
});
