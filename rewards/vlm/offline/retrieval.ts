/**
 * Held-out image→text retrieval: for each scene, its own caption against `candidates − 1` captions of
 * other scenes that are false of it; top-1 = the own caption scores highest (cosine). Chance = 1/candidates.
 */
import { Rng } from '../../../sim/rng.ts';
import { captionTrue, randomCaption, type SceneFacts } from './captions.ts';
import type { DualEncoder } from './dual_encoder.ts';
import { pixelBatch, type VlmDataset } from './train.ts';

export function retrievalTop1(model: DualEncoder, data: VlmDataset, opts: { candidates?: number; seed?: number; limit?: number } = {}): number {
  const C = opts.candidates ?? 16;
  const rng = new Rng(opts.seed ?? 7);
  const n = Math.min(data.n, opts.limit ?? data.n);
  const D = model.config.dim;
  const px = new Float32Array(model.inSize);
  let hits = 0;
  let counted = 0;
  for (let i = 0; i < n; i++) {
    const own = randomCaption(data.facts[i], rng);
    const texts = [own.text];
    for (let tries = 0; texts.length < C && tries < 50 * C; tries++) {
      const other: SceneFacts = data.facts[rng.int(data.n)];
      const c = randomCaption(other, rng);
      if (!captionTrue(c.facts, data.facts[i])) texts.push(c.text);
    }
    if (texts.length < C) continue;
    const x = model.forwardPixels(pixelBatch(data, [i], model.inSize, px), 1).slice();
    const t = model.forwardTexts(texts);
    let best = -1, bestS = -Infinity;
    for (let j = 0; j < texts.length; j++) {
      let s = 0, tn = 0;
      for (let k = 0; k < D; k++) {
        s += x[k] * t[j * D + k];
        tn += t[j * D + k] ** 2;
      }
      s /= Math.sqrt(tn) + 1e-12;
      if (s > bestS) {
        bestS = s;
        best = j;
      }
    }
    counted++;
    if (best === 0) hits++;
  }
  return counted === 0 ? NaN : hits / counted;
}
