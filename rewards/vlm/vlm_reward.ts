/**
 * A VLM-RM reward bound to an embedder and prompts: scores windows of rendered frames in batches.
 *
 * `scoreWindow(frames, views, out)` takes the frames of a rollout window (any number of steps, from any
 * mix of episodes of any lengths: the reward of a frame depends on that frame only), each step seen by
 * `views` cameras (frame i·views + v), embeds them `batchSize` frames per embedder call and writes one
 * reward per step (the mean over its views, see vlmrm.ts). Text embeddings come from a cache.
 */
import type { Frame } from '../../sim/env.ts';
import { checkEmbeddings, type Embedder, TextEmbeddingCache } from './embedder.ts';
import { VlmRm } from './vlmrm.ts';

export interface VlmPrompts {
  /** Goal prompts (≥ 1); their normalised embeddings are averaged into g. */
  readonly goals: readonly string[];
  /** Baseline prompts; averaged into b. May be empty when alpha = 0. */
  readonly baselines: readonly string[];
  /** α ∈ [0, 1]. */
  readonly alpha: number;
}

export class VlmReward {
  readonly rm: VlmRm;
  readonly embedder: Embedder;
  readonly prompts: VlmPrompts;
  /** Frames per embedder call. */
  readonly batchSize: number;
  /** Frames embedded so far. */
  framesEmbedded = 0;

  constructor(embedder: Embedder, prompts: VlmPrompts, opts: { cache?: TextEmbeddingCache; batchSize?: number } = {}) {
    if (prompts.goals.length < 1) throw new RangeError('VlmReward: needs at least one goal prompt');
    for (const p of [...prompts.goals, ...prompts.baselines]) {
      if (typeof p !== 'string' || p.trim().length === 0) throw new RangeError(`VlmReward: prompts must be non-empty strings, got ${JSON.stringify(p)}`);
    }
    const cache = opts.cache ?? new TextEmbeddingCache(embedder);
    if (cache.embedder !== embedder) throw new Error('VlmReward: the text cache belongs to another embedder');
    const dim = embedder.dim;
    const g = cache.embed(prompts.goals);
    const b = cache.embed(prompts.baselines);
    this.rm = new VlmRm(g, prompts.goals.length, b, prompts.baselines.length, dim, { alpha: prompts.alpha });
    this.embedder = embedder;
    this.prompts = prompts;
    this.batchSize = opts.batchSize ?? 256;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError(`VlmReward: batchSize must be a positive integer, got ${this.batchSize}`);
  }

  /** Raw image embeddings [frames.length × dim] in batches of `batchSize`. */
  embedFrames(frames: readonly Frame[]): Float32Array {
    const dim = this.embedder.dim;
    const out = new Float32Array(frames.length * dim);
    for (let s = 0; s < frames.length; s += this.batchSize) {
      const chunk = frames.slice(s, s + this.batchSize);
      out.set(checkEmbeddings(this.embedder.embedImages(chunk), chunk.length, dim, `${this.embedder.name} image embeddings`), s * dim);
    }
    this.framesEmbedded += frames.length;
    return out;
  }

  /** One reward per step for `frames` = steps × views (frame i·views + v); returns `out`. */
  scoreWindow(frames: readonly Frame[], views = 1, out?: Float32Array): Float32Array {
    if (frames.length % views !== 0) throw new RangeError(`VlmReward.scoreWindow: ${frames.length} frames is not a multiple of ${views} views`);
    const n = frames.length / views;
    const dst = out ?? new Float32Array(n);
    return this.rm.rewardViews(this.embedFrames(frames), n, views, dst);
  }
}
