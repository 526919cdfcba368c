/**
 * Contrastive training of the offline dual encoder (dual_encoder.ts) on (render, state-facts) pairs.
 *
 * Per minibatch of B scenes: each scene gets a random caption of 1–3 of its facts (captions.ts), half of
 * them with word dropout; B/2 extra "hard negative" captions are copies with one fact changed. The loss is
 * CLIP's symmetric InfoNCE over cosine logits × scale, with **multi-positive, graded targets**: a caption
 * counts as a positive for every scene of the batch it is true of, so partial captions shared by several
 * scenes are not pushed apart from them, and a distance fact is partly true just outside its bin
 * (captionWeight, width `sigma`), so scenes are ordered by distance. An optional floor term pulls false
 * pairs to cosine 0 (infoNce). With a factored space (v3) the gate logits of both networks are
 * trained on the privileged labels (binary cross-entropy, `gateWeight`), and an optional distance probe
 * ties each distance block to log(distance). Adam, global gradient clipping at 1.
 */
import { Adam, clipGradNorm } from '../../../agents/nn/adam.ts';
import { tensor } from '../../../agents/nn/tensor.ts';
import { Rng } from '../../../sim/rng.ts';
import { type Caption, captionWeight, DISTANCE_FACTS, perturbedCaption, randomCaption, type SceneFacts, type SceneMetrics, wordDropout } from './captions.ts';
import { DEFAULT_CONFIG, DualEncoder, type DualEncoderConfig } from './dual_encoder.ts';
import { gateLabels } from './factored_space.ts';

/** Training pairs: downsampled pixels (bytes, [n × 3·S²]) and the facts of each scene. */
export interface VlmDataset {
  readonly n: number;
  readonly pixels: Uint8Array;
  readonly facts: readonly SceneFacts[];
  /** Continuous distances behind the distance facts (graded targets when `TrainOptions.sigma` > 0). */
  readonly metrics?: readonly SceneMetrics[];
}

export interface TrainOptions {
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  /** Logit scale 1/τ. */
  readonly scale: number;
  readonly seed: number;
  /** Width [m] of the graded distance targets (captionWeight); 0 = exact 0/1 truth. */
  readonly sigma?: number;
  /** Weight of the false-pair floor term (infoNce); 0 = plain InfoNCE. */
  readonly floor?: number;
  /** Weight of the gate logits' cross-entropy (factored space only; default 1). */
  readonly gateWeight?: number;
  /** Peak learning rate of separate gate networks (config.gateNets; default `lr`): small classifiers that must fit within the embedding's schedule. */
  readonly gateLr?: number;
  /**
   * Weight of the distance probe (factored space only; 0 = off): each distance fact's image block must
   * predict log(distance + 2 cm) linearly (a probe trained alongside, not saved). Meant to order frames
   * far from the goal too, where the graded caption targets are all but 0; in the exploration runs it
   * raised Reach's pooled ρ with the earlier caption layout but hurt a same-scene control, so it is off by
   * default (BENCHMARKS.md "VLM zero-shot rewards").
   */
  readonly probe?: number;
  readonly config?: DualEncoderConfig;
  readonly log?: (epoch: number, step: number, loss: number) => void;
}

/** v2's training (the dense default). */
export const DEFAULT_TRAIN: TrainOptions = { epochs: 8, batch: 128, lr: 1e-3, scale: 12, seed: 0, sigma: 0.05, floor: 20 };
/** v3's changes (factored space): a larger logit scale for its smaller cosines, and the gates' weight. */
export const FACTORED_TRAIN: Partial<TrainOptions> = { scale: 40, gateWeight: 10, probe: 0 };
/** v4's changes (shared rows are contrasted as v2's, so v2's scale): the gates' weight. */
export const SCENE_TRAIN: Partial<TrainOptions> = { scale: 12, gateWeight: 1, gateLr: 1e-2 };

function normaliseRows(x: Float32Array, n: number, d: number, out: Float32Array, norms: Float32Array): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += x[i * d + k] ** 2;
    const nr = Math.sqrt(s) + 1e-8;
    norms[i] = nr;
    for (let k = 0; k < d; k++) out[i * d + k] = x[i * d + k] / nr;
  }
}

/** dL/dx from dL/dx̂ through x̂ = x/‖x‖, in place into `g`. */
function normaliseBackward(g: Float32Array, xh: Float32Array, norms: Float32Array, n: number, d: number): void {
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let k = 0; k < d; k++) dot += g[i * d + k] * xh[i * d + k];
    for (let k = 0; k < d; k++) g[i * d + k] = (g[i * d + k] - xh[i * d + k] * dot) / norms[i];
  }
}

/**
 * One softmax cross-entropy with soft targets over n logits L[off + k·stride] (targets T there, normalised
 * to sum 1): adds w·(softmax − q) to G and returns `loss` − w·Σ q·log softmax. A row or column with no
 * positive (targets summing below 1e-4) adds nothing. Shared by the image → text rows (stride 1) and
 * text → image columns (stride M).
 */
function softTargetXent(L: Float64Array, T: Float32Array, G: Float64Array, off: number, stride: number, n: number, w: number, loss: number): number {
  let mx = -Infinity, pos = 0;
  for (let k = 0; k < n; k++) {
    mx = Math.max(mx, L[off + k * stride]);
    pos += T[off + k * stride];
  }
  if (pos < 1e-4) return loss;
  let z = 0;
  for (let k = 0; k < n; k++) z += Math.exp(L[off + k * stride] - mx);
  const lz = Math.log(z) + mx;
  for (let k = 0; k < n; k++) {
    const a = off + k * stride;
    const q = T[a] / pos;
    G[a] += w * (Math.exp(L[a] - lz) - q);
    if (q > 0) loss -= w * q * (L[a] - lz);
  }
  return loss;
}

/**
 * Symmetric multi-positive InfoNCE on normalised image rows `xh` [B × D] and text rows `th` [M × D] with
 * target matrix `T` [B × M] (how true each caption is of each scene, captionWeight). Writes dL/dxh, dL/dth;
 * returns the loss.
 *
 * `floor` > 0 adds floor · mean over the exactly-false pairs (T = 0) of cos², pulling every caption that is
 * false of a scene to the same similarity (0) instead of only below the true ones. InfoNCE alone stops
 * pushing a negative once its softmax share is small, so how low a false caption sits was left to chance
 * and moved with the scene: a prompt about another scene ("the pole is upright" on the arm) then tracked
 * the arm's progress (the control-prompt problem of the VLM bench). The floor shrinks that leak; it does
 * not remove it (BENCHMARKS.md "VLM zero-shot rewards"). The factored space (factored_space.ts) removes it
 * exactly for captions about the other scene kind; the floor still acts within a scene.
 */
export function infoNce(xh: Float32Array, th: Float32Array, T: Float32Array, B: number, M: number, D: number, scale: number, dx: Float32Array, dt: Float32Array, floor = 0): number {
  const L = new Float64Array(B * M);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < M; j++) {
      let s = 0;
      for (let k = 0; k < D; k++) s += xh[i * D + k] * th[j * D + k];
      L[i * M + j] = scale * s;
    }
  }
  const G = new Float64Array(B * M);
  let loss = 0;
  // image → text (rows)
  for (let i = 0; i < B; i++) loss = softTargetXent(L, T, G, i * M, 1, M, 0.5 / B, loss);
  // text → image (columns that are true of at least one scene)
  let cols = 0;
  for (let j = 0; j < M; j++) {
    let pos = 0;
    for (let i = 0; i < B; i++) pos += T[i * M + j];
    if (pos >= 1e-4) cols++;
  }
  for (let j = 0; j < M; j++) loss = softTargetXent(L, T, G, j, M, B, 0.5 / cols, loss);
  if (floor > 0) {
    let zeros = 0;
    for (let a = 0; a < B * M; a++) if (T[a] === 0) zeros++;
    for (let a = 0; a < B * M && zeros > 0; a++) {
      if (T[a] !== 0) continue;
      const c = L[a] / scale;
      loss += (floor * c * c) / zeros;
      G[a] += (2 * floor * c) / zeros / scale; // G is per logit; logit = scale · cos
    }
  }
  dx.fill(0, 0, B * D);
  dt.fill(0, 0, M * D);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < M; j++) {
      const g = scale * G[i * M + j];
      if (g === 0) continue;
      for (let k = 0; k < D; k++) {
        dx[i * D + k] += g * th[j * D + k];
        dt[j * D + k] += g * xh[i * D + k];
      }
    }
  }
  return loss;
}

/** Pixels of scenes `idx` as floats in [0, 1]. */
export function pixelBatch(data: VlmDataset, idx: readonly number[], inSize: number, out: Float32Array): Float32Array {
  idx.forEach((s, i) => {
    for (let k = 0; k < inSize; k++) out[i * inSize + k] = data.pixels[s * inSize + k] / 255;
  });
  return out;
}

export function trainDualEncoder(data: VlmDataset, opts: TrainOptions = DEFAULT_TRAIN): DualEncoder {
  const model = new DualEncoder(opts.config ?? DEFAULT_CONFIG, opts.seed);
  const inSize = model.inSize;
  // A shared factored space (v4) is trained on its shared rows, as a dense space of width k.
  const shared = model.config.factored?.shared === true;
  const D = shared ? model.config.factored!.block : model.config.dim;
  if (data.pixels.length !== data.n * inSize) throw new RangeError(`trainDualEncoder: pixels has ${data.pixels.length} bytes, expected n*3*S*S = ${data.n}*${inSize}`);
  // Pixel statistics of the training set (per input).
  const mean = model.pixelMean.data, std = model.pixelStd.data;
  const sq = new Float64Array(inSize), sm = new Float64Array(inSize);
  for (let s = 0; s < data.n; s++) for (let k = 0; k < inSize; k++) {
    const v = data.pixels[s * inSize + k] / 255;
    sm[k] += v;
    sq[k] += v * v;
  }
  if ((model.config.imageNet ?? 'mlp') === 'keypoints') {
    // Per colour channel, the same at every position: the per-pixel network's colour detectors are shared.
    for (let c = 0; c < 3; c++) {
      let s1 = 0, s2 = 0;
      for (let k = c; k < inSize; k += 3) {
        s1 += sm[k];
        s2 += sq[k];
      }
      const cnt = (data.n * inSize) / 3;
      const m = s1 / cnt;
      const sd = Math.sqrt(Math.max(s2 / cnt - m * m, 0)) + 0.02;
      for (let k = c; k < inSize; k += 3) {
        mean[k] = m;
        std[k] = sd;
      }
    }
  } else {
    for (let k = 0; k < inSize; k++) {
      mean[k] = sm[k] / data.n;
      std[k] = Math.sqrt(Math.max(sq[k] / data.n - mean[k] ** 2, 0)) + 0.02;
    }
  }

  const rng = new Rng(opts.seed + 1);
  const adam = new Adam(model.params(), model.grads(), { lr: opts.lr });
  // v4's gate networks learn on their own optimiser and clipping, so the embedding's updates are v2's.
  const gateLr = opts.gateLr ?? opts.lr;
  const gateAdam = model.gateParams().length > 0 ? new Adam(model.gateParams(), model.gateGrads(), { lr: gateLr }) : undefined;
  const B = opts.batch, K = Math.floor(B / 2), M = B + K;
  const px = new Float32Array(B * inSize);
  const xh = new Float32Array(B * D), th = new Float32Array(M * D);
  const xn = new Float32Array(B), tn = new Float32Array(M);
  const xs = new Float32Array(shared ? B * D : 0), ts = new Float32Array(shared ? M * D : 0);
  const dx = new Float32Array(B * D), dt = new Float32Array(M * D);
  const T = new Float32Array(B * M);
  const sigma = opts.sigma ?? 0;
  const space = model.config.factored;
  const G = space ? space.scenes.length + space.facts.length : 0;
  const imgLabels = space ? new Uint8Array(B * G) : undefined, txtLabels = space ? new Uint8Array(M * G) : undefined;
  const gateWeight = opts.gateWeight ?? 1;
  // Distance probe: one linear readout (k weights + bias) per distance fact that has a block.
  const probeW = space && !shared && (opts.probe ?? 0) > 0 && data.metrics ? opts.probe! : 0;
  const probeFacts = space && probeW > 0 ? space.facts.flatMap((f, i) => (DISTANCE_FACTS.has(f) ? [i] : [])) : [];
  const kB = space?.block ?? 0, S0 = space ? space.scenes.length + 1 : 0;
  const probeP = tensor([Math.max(probeFacts.length, 1), kB + 1], undefined, 'probe');
  const probeG = tensor([Math.max(probeFacts.length, 1), kB + 1], undefined, 'probe');
  const probeAdam = new Adam([probeP], [probeG], { lr: opts.lr });
  const order = Array.from({ length: data.n }, (_, i) => i);
  const steps = Math.floor(data.n / B);
  const totalSteps = steps * opts.epochs;
  let step = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let s = 0; s < steps; s++, step++) {
      adam.lr = opts.lr * Math.min(1, (step + 1) / 50) * (0.5 * (1 + Math.cos((Math.PI * step) / totalSteps)));
      const idx = order.slice(s * B, (s + 1) * B);
      const caps: Caption[] = idx.map((k) => randomCaption(data.facts[k], rng));
      for (let k = 0; k < K; k++) caps.push(perturbedCaption(caps[rng.int(B)], rng) ?? caps[rng.int(B)]);
      const texts = caps.map((c) => (rng.random() < 0.5 ? wordDropout(c.text, 0.12, rng) : c.text));
      for (let i = 0; i < B; i++) for (let j = 0; j < M; j++) T[i * M + j] = captionWeight(caps[j].facts, data.facts[idx[i]], data.metrics?.[idx[i]], sigma);

      if (space) {
        idx.forEach((k, i) => gateLabels(space, data.facts[k], imgLabels!, i * G));
        caps.forEach((c, j) => gateLabels(space, c.facts, txtLabels!, j * G));
      }
      model.zeroGrad();
      let xe = model.forwardPixels(pixelBatch(data, idx, inSize, px), B, imgLabels);
      if (shared) xe = model.imageHead!.sharedRows(B, xs);
      normaliseRows(xe, B, D, xh, xn);
      let te = model.forwardTexts(texts, txtLabels);
      if (shared) te = model.textHead!.sharedRows(M, ts);
      normaliseRows(te, M, D, th, tn);
      let loss = infoNce(xh, th, T, B, M, D, opts.scale, dx, dt, opts.floor ?? 0);
      if (space) loss += gateWeight * (model.imageHead!.gateLoss + model.textHead!.gateLoss);
      normaliseBackward(dx, xh, xn, B, D);
      if (probeW > 0) {
        // dx is now dL/d(image embedding); add the probe's MSE on the open distance blocks.
        probeG.data.fill(0);
        let cnt = 0;
        for (let i = 0; i < B; i++) for (const f of probeFacts) if (data.metrics![idx[i]][space!.facts[f]] !== undefined) cnt++;
        for (let i = 0; i < B && cnt > 0; i++) {
          const m = data.metrics![idx[i]];
          probeFacts.forEach((f, q) => {
            const dist = m[space!.facts[f]];
            if (dist === undefined) return;
            const o = i * D + S0 + f * kB, w = q * (kB + 1);
            let pred = probeP.data[w + kB];
            for (let c = 0; c < kB; c++) pred += probeP.data[w + c] * xe[o + c];
            const err = pred - Math.log(dist + 0.02);
            loss += (probeW * err * err) / cnt;
            const g = (2 * probeW * err) / cnt;
            for (let c = 0; c < kB; c++) {
              probeG.data[w + c] += g * xe[o + c];
              dx[o + c] += g * probeP.data[w + c];
            }
            probeG.data[w + kB] += g;
          });
        }
        probeAdam.lr = adam.lr;
        probeAdam.step();
      }
      normaliseBackward(dt, th, tn, M, D);
      model.backwardText(dt, M, gateWeight, shared ? 'shared' : 'embedding');
      // The image MLP's last forward was for batch B (the text MLP is a separate network), so its cache holds.
      model.backwardImage(dx, B, gateWeight, shared ? 'shared' : 'embedding');
      clipGradNorm(model.grads(), 1);
      adam.step();
      if (gateAdam) {
        clipGradNorm(model.gateGrads(), 1);
        gateAdam.lr = (adam.lr * gateLr) / opts.lr;
        gateAdam.step();
      }
      opts.log?.(epoch, step, loss);
    }
  }
  return model;
}
