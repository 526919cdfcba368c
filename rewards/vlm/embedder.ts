/**
 * The image–text embedder behind VLM rewards, and a text-embedding cache.
 *
 * Synchronous on purpose: the env reward contract (sim/reward.ts, RewardWrapper) is synchronous, and
 * a VLM reward is computed inside `step`. Backends that talk to a server (http_embedder.ts) block on a
 * worker thread (Atomics.wait) instead of making the whole env API async; they embed whole batches
 * (several cameras, a rollout window) per request so the round trip is paid per batch, not per frame.
 *
 * Results are flat row-major `Float32Array [n × dim]` (not one array per row, unlike the sketch):
 * a batch goes straight into `VlmRm.rewardBatch` without copies. Rows need not be normalised.
 */
import type { Frame } from '../../sim/env.ts';

export interface Embedder {
  /** Provenance recorded in summary.json, e.g. 'offline:rewardforge-scenes-v3' or 'http:<model>'. */
  readonly name: string;
  /** Embedding width D. */
  readonly dim: number;
  /** n frames → [n × dim]. */
  embedImages(frames: readonly Frame[]): Float32Array;
  /** n texts → [n × dim]. */
  embedTexts(texts: readonly string[]): Float32Array;
  /** Release threads/sockets (no-op for in-process models). */
  close(): void;
}

/** An embedder answered with the wrong shape or values; names what came back. */
export class EmbedderError extends Error {
  override readonly name = 'EmbedderError';
}

/** Check an embedder's answer: n rows of `dim` finite numbers. */
export function checkEmbeddings(out: Float32Array, n: number, dim: number, what: string): Float32Array {
  if (out.length !== n * dim) throw new EmbedderError(`${what}: expected ${n} embeddings of dimension ${dim} (${n * dim} values), got ${out.length} values`);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) throw new EmbedderError(`${what}: embedding ${Math.floor(i / dim)} has a non-finite value ${out[i]} at index ${i % dim}`);
  }
  return out;
}

/**
 * Text embeddings memoised per string (prompts repeat across rewards, α sweeps and runs in one process);
 * only the misses go to the embedder, in one batch.
 */
export class TextEmbeddingCache {
  private readonly cache = new Map<string, Float32Array>();
  /** Texts sent to the embedder so far (cache misses). */
  misses = 0;

  constructor(readonly embedder: Embedder) {}

  /** [texts.length × dim], rows in the order of `texts`. */
  embed(texts: readonly string[]): Float32Array {
    const dim = this.embedder.dim;
    const missing = [...new Set(texts.filter((t) => !this.cache.has(t)))];
    if (missing.length > 0) {
      const rows = checkEmbeddings(this.embedder.embedTexts(missing), missing.length, dim, `${this.embedder.name} text embeddings`);
      missing.forEach((t, i) => this.cache.set(t, rows.slice(i * dim, (i + 1) * dim)));
      this.misses += missing.length;
    }
    const out = new Float32Array(texts.length * dim);
    texts.forEach((t, i) => out.set(this.cache.get(t) as Float32Array, i * dim));
    return out;
  }
}
