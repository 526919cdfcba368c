/**
 * The built-in offline embedder: the dual encoder of dual_encoder.ts with the weights this project trains
 * (`npm run train:vlm`, cli/train_vlm.ts) and ships in rewards/vlm/offline/ (the default v4 in
 * weights-v4.safetensors; v2 and v3 beside it). Nothing is downloaded. Deterministic: same frames/texts → same embeddings, batch by batch.
 *
 * File layout: tensors `image.0.weight` … (image MLP), `text.table`, `text.0.weight` … (text MLP),
 * `image.mean`, `image.std` (pixel standardisation); `__metadata__.config` = the DualEncoderConfig JSON,
 * `__metadata__.report` = the training report; v4 adds `gate.image.…`, `gate.text.…` (its gate networks).
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Frame } from '../../../sim/env.ts';
import { decodeSafetensors, encodeSafetensors, type TensorMap } from '../../../sim/io/safetensors.ts';
import type { Embedder } from '../embedder.ts';
import { DualEncoder, type DualEncoderConfig } from './dual_encoder.ts';

/** v2: the dense 64-d space (`REWARDFORGE_VLM_WEIGHTS=v2`; `npm run train:vlm`). */
export const V2_WEIGHTS = fileURLToPath(new URL('./weights.safetensors', import.meta.url));
/**
 * The factored-space embedder (v3, factored_space.ts), shipped beside the default (`REWARDFORGE_VLM_WEIGHTS=v3`):
 * prompts about the other scene get no signal at all, but its Reach reward is weaker (BENCHMARKS.md).
 */
export const V3_WEIGHTS = fileURLToPath(new URL('./weights-v3.safetensors', import.meta.url));

/**
 * v4, the default: v2's networks (the same tensors) routed by scene kind by two small gate networks, so a
 * prompt about the other scene kind scores every frame the same (`npm run train:vlm -- --scene-blocks`).
 */
export const V4_WEIGHTS = fileURLToPath(new URL('./weights-v4.safetensors', import.meta.url));
export const DEFAULT_WEIGHTS = V4_WEIGHTS;

/** A weights file's generation from its architecture: v4 scene-routed, v3 factored space, v2 dense keypoints, v1 pixel MLP. */
export function offlineName(config: DualEncoderConfig): string {
  return `offline:rewardforge-scenes-${config.factored?.shared ? 'v4' : config.factored ? 'v3' : (config.imageNet ?? 'mlp') === 'keypoints' ? 'v2' : 'v1'}`;
}

export function encodeDualEncoder(model: DualEncoder, metadata: Record<string, string> = {}): Uint8Array {
  const tensors: TensorMap = {};
  for (const t of model.stateTensors()) tensors[t.name as string] = { dtype: 'F32', shape: t.shape, data: t.data };
  return encodeSafetensors(tensors, { ...metadata, config: JSON.stringify(model.config) });
}

export function decodeDualEncoder(bytes: Uint8Array): { model: DualEncoder; metadata: Record<string, string> } {
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.config === undefined) throw new Error('offline embedder weights: __metadata__.config is missing (not a train:vlm file?)');
  const model = new DualEncoder(JSON.parse(metadata.config) as DualEncoderConfig, 0);
  for (const t of model.stateTensors()) {
    const s = tensors[t.name as string];
    if (s === undefined) throw new Error(`offline embedder weights: tensor "${t.name}" is missing`);
    if (s.data.length !== t.data.length || !(s.data instanceof Float32Array)) throw new Error(`offline embedder weights: tensor "${t.name}" has ${s.data.length} ${s.dtype} values, expected ${t.data.length} F32`);
    t.data.set(s.data);
  }
  return { model, metadata };
}

export class OfflineEmbedder implements Embedder {
  readonly name: string;
  readonly dim: number;

  constructor(readonly model: DualEncoder, readonly metadata: Record<string, string> = {}) {
    this.name = offlineName(model.config);
    this.dim = model.config.dim;
  }

  /** Load the shipped weights (or `file`). Errors say how to rebuild them. */
  static load(file: string = DEFAULT_WEIGHTS): OfflineEmbedder {
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      throw new Error(`offline VLM embedder: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); rebuild it with \`npm run train:vlm\` (\`-- --scene-blocks\` for the default v4 file, \`-- --factored\` for v3)`);
    }
    const { model, metadata } = decodeDualEncoder(bytes);
    return new OfflineEmbedder(model, metadata);
  }

  embedImages(frames: readonly Frame[]): Float32Array {
    if (frames.length === 0) return new Float32Array(0);
    return this.model.forwardFrames(frames).slice();
  }

  embedTexts(texts: readonly string[]): Float32Array {
    if (texts.length === 0) return new Float32Array(0);
    return this.model.forwardTexts(texts).slice();
  }

  close(): void {}
}
