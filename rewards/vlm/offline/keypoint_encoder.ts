/**
 * A keypoint image encoder for the offline dual encoder: a per-pixel network (a 1×1 convolution stack)
 * followed by a **spatial soft-argmax** (Levine et al., "End-to-End Training of Deep Visuomotor
 * Policies", 2016) and a small MLP head.
 *
 *   pixels [S×S×3] → per pixel: MLP [3, C, K + P] (ReLU) → K logit maps + P feature maps
 *   each logit map a_k → softmax over the S² positions → expected image coordinates (x̄_k, ȳ_k) ∈ [−1, 1]²
 *   each feature map → its mean over positions
 *   [x̄_1..K, ȳ_1..K, mean_1..P] → MLP [2K + P, H, D] (ReLU) → embedding
 *
 * Why not an MLP on all pixels: our scenes' task relations are distances between small coloured objects
 * (a 2-pixel goal marker, the cube, the gripper pads). A pixel MLP learned the arm's overall pose
 * instead, which tracks progress inside an expert episode but not across episodes. Soft-argmax keypoints
 * turn "where is the red thing, where is the blue thing" into coordinates from which a distance is an easy
 * function, with weights shared across positions (a colour detector found at one place works at all).
 * The per-pixel weights see colours standardised per channel, not per position, for the same reason.
 */
import { Mlp } from '../../../agents/nn/mlp.ts';
import type { Tensor } from '../../../agents/nn/tensor.ts';
import type { Rng } from '../../../sim/rng.ts';

export interface KeypointConfig {
  /** Image side S (the input is S×S×3, pixel-major). */
  readonly side: number;
  /** Hidden channels C of the per-pixel network. */
  readonly channels: number;
  /** Keypoint maps K. */
  readonly keypoints: number;
  /** Mean-pooled feature maps P. */
  readonly pooled: number;
  /** Hidden width H of the head. */
  readonly hidden: number;
  /** Output width D. */
  readonly dim: number;
  /**
   * Gain on the keypoint logits before the softmax (default 1). With torch-style initialisation the
   * per-pixel logits differ by a fraction of a unit across the image, so every softmax starts almost
   * uniform and its expected coordinate sits at the centre; a gain lets the maps sharpen onto objects
   * at Adam's step sizes (the role of the learned temperature in Levine et al.'s spatial softmax).
   */
  readonly gain?: number;
}

const prefixed = (p: string, ts: readonly Tensor[]): Tensor[] => ts.map((t) => ({ ...t, name: `${p}${t.name}` }));

export class KeypointEncoder {
  readonly pixel: Mlp;
  readonly head: Mlp;
  readonly inSize: number;
  private readonly coordX: Float32Array;
  private readonly coordY: Float32Array;
  /** Per forward: softmax weights [n × K × S²] and the head input [n × (2K + P)]. */
  private probs = new Float32Array(0);
  private headIn = new Float32Array(0);
  private dPix = new Float32Array(0);
  private lastN = -1;

  constructor(readonly config: KeypointConfig, rng: Rng) {
    const { side, channels, keypoints: K, pooled: P, hidden, dim } = config;
    this.inSize = 3 * side * side;
    this.pixel = new Mlp({ sizes: [3, channels, K + P], activation: 'relu', init: 'torch', rng });
    this.head = new Mlp({ sizes: [2 * K + P, hidden, dim], activation: 'relu', init: 'torch', rng });
    const N = side * side;
    this.coordX = new Float32Array(N);
    this.coordY = new Float32Array(N);
    for (let i = 0; i < N; i++) {
      this.coordX[i] = ((i % side) + 0.5) / side * 2 - 1;
      this.coordY[i] = (Math.floor(i / side) + 0.5) / side * 2 - 1;
    }
  }

  /** Embeddings [n × D] of standardised pixels [n × S²·3]. */
  forward(x: Float32Array, n: number): Float32Array {
    const { keypoints: K, pooled: P } = this.config;
    const N = this.config.side * this.config.side, C = K + P, F = 2 * K + P;
    const maps = this.pixel.forward(x, n * N); // [n·N × C]
    const gain = this.config.gain ?? 1;
    if (this.probs.length < n * K * N) this.probs = new Float32Array(n * K * N);
    if (this.headIn.length < n * F) this.headIn = new Float32Array(n * F);
    const probs = this.probs, hin = this.headIn;
    for (let b = 0; b < n; b++) {
      const base = b * N * C;
      for (let k = 0; k < K; k++) {
        let mx = -Infinity;
        for (let i = 0; i < N; i++) mx = Math.max(mx, gain * maps[base + i * C + k]);
        let z = 0;
        const po = (b * K + k) * N;
        for (let i = 0; i < N; i++) {
          const e = Math.exp(gain * maps[base + i * C + k] - mx);
          probs[po + i] = e;
          z += e;
        }
        let ex = 0, ey = 0;
        for (let i = 0; i < N; i++) {
          const p = probs[po + i] / z;
          probs[po + i] = p;
          ex += p * this.coordX[i];
          ey += p * this.coordY[i];
        }
        hin[b * F + k] = ex;
        hin[b * F + K + k] = ey;
      }
      for (let q = 0; q < P; q++) {
        let s = 0;
        for (let i = 0; i < N; i++) s += maps[base + i * C + K + q];
        hin[b * F + 2 * K + q] = s / N;
      }
    }
    this.lastN = n;
    return this.head.forward(hin.subarray(0, n * F), n);
  }

  /** Accumulate gradients of the last forward (same n) from dL/d(embedding) [n × D]. */
  backward(dOut: Float32Array, n: number): void {
    if (n !== this.lastN) throw new Error(`KeypointEncoder.backward: batch ${n} does not match the last forward (${this.lastN})`);
    const { keypoints: K, pooled: P } = this.config;
    const N = this.config.side * this.config.side, C = K + P, F = 2 * K + P;
    const dIn = this.head.backward(dOut, n, { inputGrad: true }) as Float32Array;
    if (this.dPix.length < n * N * C) this.dPix = new Float32Array(n * N * C);
    const d = this.dPix, probs = this.probs, hin = this.headIn;
    const gain = this.config.gain ?? 1;
    for (let b = 0; b < n; b++) {
      const base = b * N * C;
      for (let k = 0; k < K; k++) {
        const gx = dIn[b * F + k], gy = dIn[b * F + K + k];
        const ex = hin[b * F + k], ey = hin[b * F + K + k];
        const po = (b * K + k) * N;
        // x̄ = Σ p_i x_i with p = softmax(a): ∂x̄/∂a_i = p_i (x_i − x̄).
        for (let i = 0; i < N; i++) d[base + i * C + k] = gain * probs[po + i] * ((this.coordX[i] - ex) * gx + (this.coordY[i] - ey) * gy);
      }
      for (let q = 0; q < P; q++) {
        const g = dIn[b * F + 2 * K + q] / N;
        for (let i = 0; i < N; i++) d[base + i * C + K + q] = g;
      }
    }
    this.pixel.backward(d.subarray(0, n * N * C), n * N);
  }

  params(): Tensor[] {
    return [...prefixed('pixel.', this.pixel.params()), ...prefixed('head.', this.head.params())];
  }

  grads(): Tensor[] {
    return [...prefixed('pixel.', this.pixel.grads()), ...prefixed('head.', this.head.grads())];
  }

  zeroGrad(): void {
    this.pixel.zeroGrad();
    this.head.zeroGrad();
  }
}
