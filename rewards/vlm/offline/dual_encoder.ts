/**
 * The offline image–text dual encoder (CLIP-shaped, tiny, trained by this project on its own scenes).
 *
 * | part  | input                                                              | network                         | out |
 * |-------|--------------------------------------------------------------------|---------------------------------|-----|
 * | image (`keypoints`, the default) | RGB frame of any size → area-averaged to S×S (S = 32) → /255 → standardised per colour channel | keypoint_encoder.ts: per-pixel MLP [3, 16, 16], 8 spatial soft-argmax points + 8 mean-pooled maps, MLP [24, H_img, D] | D |
 * | image (`mlp`, v1 files)          | the same frame, standardised per pixel with the training set's mean/std | MLP [3·S², H_img, D], ReLU | D   |
 * | text  | lower-cased words, light stemming, stop words dropped → hashed unigrams + bigrams (agents/text/features.ts, B buckets) → mean of an embedding table [B × E] | MLP [E, H_txt, D], ReLU | D |
 *
 * With `factored` (v3, `FACTORED_CONFIG`) both networks output F·k block values and S + F gate logits instead, and
 * a gated projection (factored_space.ts) makes the D = S + 1 + F·k wide embedding: one scene coordinate and
 * the blocks of the facts that apply (image) or that the caption mentions (text), everything else exactly 0.
 * v4 (`SCENE_CONFIG`, the default file) keeps v2's D-wide outputs and adds two small gate networks
 * (`gateNets`) that route them to one block per scene kind (factored_space.ts `shared`).
 *
 * Both outputs are L2-normalised by the user (VLM-RM and the InfoNCE loss normalise). Weights live in a
 * safetensors file with the architecture in `__metadata__` (offline_embedder.ts loads it).
 */
import { Mlp } from '../../../agents/nn/mlp.ts';
import type { Tensor } from '../../../agents/nn/tensor.ts';
import { tensor } from '../../../agents/nn/tensor.ts';
import { TextHasher } from '../../../agents/text/features.ts';
import { KeypointEncoder } from './keypoint_encoder.ts';
import { FactoredHead, factoredDim, factoredNetWidth, type FactoredSpace } from './factored_space.ts';
import type { Frame } from '../../../sim/env.ts';
import { Rng } from '../../../sim/rng.ts';

export interface DualEncoderConfig {
  /** Side of the downsampled image (S). */
  readonly imageSide: number;
  readonly imageHidden: number;
  /**
   * Image network: `mlp` (an MLP on all standardised pixels) or `keypoints` (keypoint_encoder.ts: per-pixel
   * network, spatial soft-argmax, MLP head). Absent = `mlp` (files written before the keypoint encoder).
   */
  readonly imageNet?: 'mlp' | 'keypoints';
  /** keypoints only: per-pixel hidden channels, keypoint maps, mean-pooled maps. */
  readonly pixelChannels?: number;
  readonly keypoints?: number;
  readonly pooledMaps?: number;
  /** keypoints only: gain on the keypoint logits (keypoint_encoder.ts; absent = 1). */
  readonly keypointGain?: number;
  /** Hash buckets of the text features (B). */
  readonly buckets: number;
  /** Text embedding width (E). */
  readonly textEmbed: number;
  readonly textHidden: number;
  /** Joint embedding width (D); with `factored`, S + 1 + F·k. */
  readonly dim: number;
  /**
   * The joint space factored by scene kind and fact family with hard gates (factored_space.ts; v3). Absent
   * = a dense space (v1, v2 files): both networks output the D-wide embedding directly.
   */
  readonly factored?: FactoredSpace;
  /**
   * Separate gate networks (v4; a shared factored space only): the image and text networks output the
   * shared k-wide rows alone, and two small MLPs give the S + F gate logits — the image's from its
   * standardised pixels average-pooled to `pool`×`pool`, the text's from the caption's hashed features
   * themselves (a B-wide 0/1 vector), not from the embedding table, which moves as the embedding trains. The gates train on their own optimiser and cannot move the embedding: with v2's
   * seed and loss, v4's image and text networks are v2's tensor for tensor.
   */
  readonly gateNets?: { readonly hidden: number; readonly pool: number };
}

/** The factored space of the shipped embedder: the scene kinds and fact keys of captions.ts. */
export const DEFAULT_SPACE: FactoredSpace = {
  scenes: ['arm', 'cartpole'],
  facts: ['gripperGoal', 'gripperGoalSide', 'gripperGoalHeight', 'gripperHeight', 'gripperOpen', 'cubeGoal', 'gripperCube', 'poleTilt', 'cartPos'],
  block: 8,
  factScenes: ['arm', 'arm', 'arm', 'arm', 'arm', 'arm', 'arm', 'cartpole', 'cartpole'],
};

/**
 * v4's space: one 64-d block per scene kind, opened (for a caption) by any fact of that scene, both fed by
 * one shared 64-d output — v2's dense space, routed by scene kind with v3's gates (factored_space.ts
 * `members`, `shared`).
 */
export const SCENE_SPACE: FactoredSpace = {
  scenes: DEFAULT_SPACE.scenes,
  facts: DEFAULT_SPACE.scenes,
  members: DEFAULT_SPACE.scenes.map((sc) => DEFAULT_SPACE.facts.filter((_, i) => DEFAULT_SPACE.factScenes[i] === sc)),
  block: 64,
  factScenes: DEFAULT_SPACE.scenes,
  shared: true,
};

/** v2 (and v4's networks): a dense 64-d space; ≈ 82 k parameters, 0.33 MB of F32 weights (the text table is most of it). */
export const DEFAULT_CONFIG: DualEncoderConfig = { imageSide: 32, imageHidden: 128, buckets: 1024, textEmbed: 48, textHidden: 128, dim: 64, imageNet: 'keypoints', pixelChannels: 16, keypoints: 8, pooledMaps: 8, keypointGain: 30 };

/** v3: the same networks feeding the factored space (DEFAULT_SPACE); 86.5 k parameters, 0.35 MB. */
export const FACTORED_CONFIG: DualEncoderConfig = { ...DEFAULT_CONFIG, dim: factoredDim(DEFAULT_SPACE), factored: DEFAULT_SPACE };

/** v4: the same networks feeding SCENE_SPACE. */
export const SCENE_CONFIG: DualEncoderConfig = { ...DEFAULT_CONFIG, dim: factoredDim(SCENE_SPACE), factored: SCENE_SPACE, gateNets: { hidden: 16, pool: 8 } };

const headBackward = (h: FactoredHead, d: Float32Array, n: number, gateWeight: number, of: 'embedding' | 'shared') => (of === 'shared' ? h.backwardShared(d, n, gateWeight) : h.backward(d, n, gateWeight));

const STOP = new Set(['the', 'a', 'an', 'of', 'its']);

/** Light suffix stripping so "touching", "touched", "touches" share a token. */
export function stem(w: string): string {
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 4 && /(ch|sh|x)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

/** The normalised text the hasher sees. */
export function normaliseText(text: string): string {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => !STOP.has(w)).map(stem).join(' ');
}

/** Area-average `frame` into S×S×3 floats in [0, 1] at `out[off..]`. */
export function downsample(frame: Frame, side: number, out: Float32Array, off: number): void {
  const { width: W, height: H, data } = frame;
  if (data.length !== W * H * 3) throw new RangeError(`downsample: frame data has ${data.length} bytes, expected width*height*3 = ${W * H * 3}`);
  for (let oy = 0; oy < side; oy++) {
    const y0 = Math.floor((oy * H) / side), y1 = Math.max(y0 + 1, Math.floor(((oy + 1) * H) / side));
    for (let ox = 0; ox < side; ox++) {
      const x0 = Math.floor((ox * W) / side), x1 = Math.max(x0 + 1, Math.floor(((ox + 1) * W) / side));
      let r = 0, g = 0, b = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const p = 3 * (y * W + x);
          r += data[p];
          g += data[p + 1];
          b += data[p + 2];
        }
      }
      const k = 1 / (255 * (y1 - y0) * (x1 - x0));
      const o = off + 3 * (oy * side + ox);
      out[o] = r * k;
      out[o + 1] = g * k;
      out[o + 2] = b * k;
    }
  }
}

/** What the dual encoder needs of its image network. */
interface ImageNet {
  forward(x: Float32Array, n: number): Float32Array;
  backward(dOut: Float32Array, n: number): unknown;
  params(): readonly Tensor[];
  grads(): readonly Tensor[];
  zeroGrad(): void;
}

export class DualEncoder {
  readonly config: DualEncoderConfig;
  readonly image: ImageNet;
  readonly text: Mlp;
  /** Text embedding table [B × E]. */
  readonly table: Tensor;
  readonly tableGrad: Tensor;
  /** Per-input standardisation of the image input (set from the training set). */
  readonly pixelMean: Tensor;
  readonly pixelStd: Tensor;
  readonly hasher: TextHasher;
  readonly inSize: number;
  /** The gated projections onto the factored space (absent for a dense space). */
  readonly imageHead?: FactoredHead;
  readonly textHead?: FactoredHead;
  /** v4's gate networks (config.gateNets). */
  readonly imageGate?: Mlp;
  readonly textGate?: Mlp;
  private scratchRows = new Float32Array(0);
  private scratchDNet = new Float32Array(0);
  private scratchDGate = new Float32Array(0);
  private scratchPool = new Float32Array(0);
  private scratchFreq = new Float32Array(0);
  private bagIds: Int32Array[] = [];
  private scratchIn = new Float32Array(0);
  private scratchBag = new Float32Array(0);

  constructor(config: DualEncoderConfig = DEFAULT_CONFIG, seed = 0) {
    this.config = config;
    const rng = new Rng(seed);
    this.inSize = 3 * config.imageSide * config.imageSide;
    let out = config.dim;
    if (config.factored !== undefined) {
      if (config.dim !== factoredDim(config.factored)) throw new RangeError(`DualEncoder: config.dim is ${config.dim}, but the factored space is ${factoredDim(config.factored)} wide (scenes + facts × block)`);
      this.imageHead = new FactoredHead(config.factored, 'unit');
      this.textHead = new FactoredHead(config.factored, 'raw');
      out = config.gateNets ? config.factored.block : factoredNetWidth(config.factored);
    }
    if (config.gateNets !== undefined && config.factored?.shared !== true) throw new RangeError('DualEncoder: config.gateNets needs a shared factored space (config.factored.shared)');
    const kind = config.imageNet ?? 'mlp';
    if (kind === 'keypoints') {
      this.image = new KeypointEncoder({ side: config.imageSide, channels: config.pixelChannels ?? 16, keypoints: config.keypoints ?? 8, pooled: config.pooledMaps ?? 8, hidden: config.imageHidden, dim: out, gain: config.keypointGain }, rng);
    } else if (kind === 'mlp') {
      this.image = new Mlp({ sizes: [this.inSize, config.imageHidden, out], activation: 'relu', init: 'torch', rng });
    } else {
      throw new Error(`DualEncoder: config.imageNet must be 'mlp' or 'keypoints', got ${JSON.stringify(kind)}`);
    }
    this.text = new Mlp({ sizes: [config.textEmbed, config.textHidden, out], activation: 'relu', init: 'torch', rng });
    this.table = tensor([config.buckets, config.textEmbed], undefined, 'text.table');
    for (let i = 0; i < this.table.data.length; i++) this.table.data[i] = rng.normal(0, 0.5);
    this.tableGrad = tensor([config.buckets, config.textEmbed], undefined, 'text.table');
    this.pixelMean = tensor([this.inSize], undefined, 'image.mean');
    this.pixelStd = tensor([this.inSize], new Float32Array(this.inSize).fill(1), 'image.std');
    this.hasher = new TextHasher({ buckets: config.buckets });
    if (config.gateNets !== undefined) {
      const { hidden, pool } = config.gateNets;
      if (!(Number.isInteger(pool) && pool >= 1 && config.imageSide % pool === 0)) throw new RangeError(`DualEncoder: gateNets.pool must divide imageSide ${config.imageSide}, got ${pool}`);
      // Their own stream, drawn after the rest: the image and text networks start as they would without gates.
      const grng = new Rng(seed + 7919);
      const G = config.factored!.scenes.length + config.factored!.facts.length;
      this.imageGate = new Mlp({ sizes: [3 * pool * pool, hidden, G], activation: 'relu', init: 'torch', rng: grng });
      this.textGate = new Mlp({ sizes: [config.buckets, hidden, G], activation: 'relu', init: 'torch', rng: grng });
    }
  }

  /** The gate networks' parameters (`gate.image.…`, `gate.text.…`; none without `gateNets`), trained apart. */
  gateParams(): Tensor[] {
    if (!this.imageGate || !this.textGate) return [];
    return [...this.imageGate.params().map((t) => ({ ...t, name: `gate.image.${t.name}` })), ...this.textGate.params().map((t) => ({ ...t, name: `gate.text.${t.name}` }))];
  }

  gateGrads(): Tensor[] {
    if (!this.imageGate || !this.textGate) return [];
    return [...this.imageGate.grads().map((t) => ({ ...t, name: `gate.image.${t.name}` })), ...this.textGate.grads().map((t) => ({ ...t, name: `gate.text.${t.name}` }))];
  }

  /** Network rows [n × (k + G)] for the head: the shared rows, then the gate network's logits. */
  private joinRows(net: Float32Array, logits: Float32Array, n: number): Float32Array {
    const k = this.config.factored!.block, G = logits.length / n, W = k + G;
    if (this.scratchRows.length < n * W) this.scratchRows = new Float32Array(n * W);
    const rows = this.scratchRows.subarray(0, n * W);
    for (let i = 0; i < n; i++) {
      rows.set(net.subarray(i * k, (i + 1) * k), i * W);
      rows.set(logits.subarray(i * G, (i + 1) * G), i * W + k);
    }
    return rows;
  }

  /** Split dL/d(rows) into the main network's part (returned) and the gate network's (backpropagated). */
  private splitBackward(dRows: Float32Array, n: number, gate: Mlp): Float32Array {
    const k = this.config.factored!.block, G = gate.outSize, W = k + G;
    if (this.scratchDNet.length < n * k) this.scratchDNet = new Float32Array(n * k);
    if (this.scratchDGate.length < n * G) this.scratchDGate = new Float32Array(n * G);
    const dNet = this.scratchDNet.subarray(0, n * k), dGate = this.scratchDGate.subarray(0, n * G);
    for (let i = 0; i < n; i++) {
      dNet.set(dRows.subarray(i * W, i * W + k), i * k);
      dGate.set(dRows.subarray(i * W + k, (i + 1) * W), i * G);
    }
    gate.backward(dGate, n);
    return dNet;
  }

  /** Trainable parameters: image MLP, text table, text MLP (names prefixed `image.`, `text.`). */
  params(): Tensor[] {
    return [...this.image.params().map((t) => ({ ...t, name: `image.${t.name}` })), this.table, ...this.text.params().map((t) => ({ ...t, name: `text.${t.name}` }))];
  }

  grads(): Tensor[] {
    return [...this.image.grads().map((t) => ({ ...t, name: `image.${t.name}` })), this.tableGrad, ...this.text.grads().map((t) => ({ ...t, name: `text.${t.name}` }))];
  }

  /** Standardised image inputs [n × inSize] of already-downsampled pixels (in place). */
  standardise(x: Float32Array, n: number): Float32Array {
    const m = this.pixelMean.data, s = this.pixelStd.data, d = this.inSize;
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) x[i * d + k] = (x[i * d + k] - m[k]) / s[k];
    return x;
  }

  /**
   * Image embeddings [n × D] (unnormalised) of downsampled pixels [n × inSize] (not modified). `labels`
   * (training, factored space only): the scenes' gate labels [n × (S + F)] (factored_space.ts gateLabels).
   */
  forwardPixels(pixels: Float32Array, n: number, labels?: Uint8Array): Float32Array {
    if (this.scratchIn.length < n * this.inSize) this.scratchIn = new Float32Array(n * this.inSize);
    const x = this.scratchIn.subarray(0, n * this.inSize);
    x.set(pixels.subarray(0, n * this.inSize));
    const net = this.image.forward(this.standardise(x, n), n);
    if (!this.imageHead) return net;
    if (!this.imageGate) return this.imageHead.forward(net, n, labels);
    // Average-pool the standardised pixels (RGB interleaved, side S) to pool × pool for the gate network.
    const S = this.config.imageSide, P = this.config.gateNets!.pool, f = S / P, inG = 3 * P * P;
    if (this.scratchPool.length < n * inG) this.scratchPool = new Float32Array(n * inG);
    const pooled = this.scratchPool.subarray(0, n * inG);
    pooled.fill(0);
    for (let i = 0; i < n; i++) for (let y = 0; y < S; y++) for (let xx = 0; xx < S; xx++) {
      const o = i * inG + 3 * (Math.floor(y / f) * P + Math.floor(xx / f)), q = i * this.inSize + 3 * (y * S + xx);
      for (let c = 0; c < 3; c++) pooled[o + c] += x[q + c] / (f * f);
    }
    return this.imageHead.forward(this.joinRows(net, this.imageGate.forward(pooled, n), n), n, labels);
  }

  /** Image embeddings [n × D] of frames. */
  forwardFrames(frames: readonly Frame[]): Float32Array {
    const n = frames.length;
    const px = new Float32Array(n * this.inSize);
    frames.forEach((f, i) => downsample(f, this.config.imageSide, px, i * this.inSize));
    return this.forwardPixels(px, n);
  }

  /**
   * Text embeddings [n × D] (unnormalised); remembers the bags for `backwardText`. `labels` (training,
   * factored space only): the captions' gate labels [n × (S + F)].
   */
  forwardTexts(texts: readonly string[], labels?: Uint8Array): Float32Array {
    const n = texts.length, E = this.config.textEmbed, T = this.table.data;
    if (this.scratchBag.length < n * E) this.scratchBag = new Float32Array(n * E);
    const bag = this.scratchBag.subarray(0, n * E);
    bag.fill(0);
    this.bagIds = texts.map((t) => this.hasher.features(normaliseText(t)));
    for (let i = 0; i < n; i++) {
      const ids = this.bagIds[i];
      const w = 1 / ids.length;
      for (const id of ids) for (let k = 0; k < E; k++) bag[i * E + k] += w * T[id * E + k];
    }
    const net = this.text.forward(bag, n);
    if (!this.textHead) return net;
    if (!this.textGate) return this.textHead.forward(net, n, labels);
    // The text gate reads which hashed features the caption has (1 each), directly.
    const Bk = this.config.buckets;
    if (this.scratchFreq.length < n * Bk) this.scratchFreq = new Float32Array(n * Bk);
    const freq = this.scratchFreq.subarray(0, n * Bk);
    freq.fill(0);
    for (let i = 0; i < n; i++) {
      const ids = this.bagIds[i];
      for (const id of ids) freq[i * Bk + id] = 1;
    }
    return this.textHead.forward(this.joinRows(net, this.textGate.forward(freq, n), n), n, labels);
  }

  /**
   * Accumulate gradients of the last `forwardPixels` from dL/d(embedding) [n × D] (plus `gateWeight` × the
   * gate loss's when that forward was labelled). `of: 'shared'` (shared factored spaces): `dOut` is
   * dL/d(the shared rows) [n × k] instead (FactoredHead.sharedRows).
   */
  backwardImage(dOut: Float32Array, n: number, gateWeight = 1, of: 'embedding' | 'shared' = 'embedding'): void {
    if (!this.imageHead) return void this.image.backward(dOut, n);
    const dRows = headBackward(this.imageHead, dOut, n, gateWeight, of);
    this.image.backward(this.imageGate ? this.splitBackward(dRows, n, this.imageGate) : dRows, n);
  }

  /** Accumulate gradients of the last `forwardTexts` (text MLP and embedding table), like backwardImage. */
  backwardText(dOut: Float32Array, n: number, gateWeight = 1, of: 'embedding' | 'shared' = 'embedding'): void {
    const dRows = this.textHead ? headBackward(this.textHead, dOut, n, gateWeight, of) : dOut;
    const dNet = this.textGate ? this.splitBackward(dRows, n, this.textGate) : dRows;
    const dBag = this.text.backward(dNet, n, { inputGrad: true }) as Float32Array;
    const E = this.config.textEmbed, G = this.tableGrad.data;
    for (let i = 0; i < n; i++) {
      const ids = this.bagIds[i];
      const w = 1 / ids.length;
      for (const id of ids) for (let k = 0; k < E; k++) G[id * E + k] += w * dBag[i * E + k];
    }
  }

  zeroGrad(): void {
    this.imageGate?.zeroGrad();
    this.textGate?.zeroGrad();
    this.image.zeroGrad();
    this.text.zeroGrad();
    this.tableGrad.data.fill(0);
  }

  /** All tensors to save (parameters and the pixel statistics), by name. */
  stateTensors(): Tensor[] {
    return [...this.params(), ...this.gateParams(), this.pixelMean, this.pixelStd];
  }
}
