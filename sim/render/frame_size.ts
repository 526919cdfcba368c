/**
 * frameSize: check `render({camera, width, height})` options against an env's cameras and pick the frame
 * size (the env's defaults where not given). Errors name the env, the field and the value.
 */
import type { RenderOptions } from '../env.ts';

export const MAX_FRAME_SIDE = 8192;

export function frameSize(
  opts: RenderOptions | undefined,
  defaults: { readonly width: number; readonly height: number },
  cameras: readonly string[],
  envName: string,
): { width: number; height: number } {
  const camera = opts?.camera ?? cameras[0];
  if (!cameras.includes(camera)) {
    throw new RangeError(`${envName}: camera '${String(camera)}' is not one of [${cameras.join(', ')}]`);
  }
  const width = opts?.width ?? defaults.width;
  const height = opts?.height ?? defaults.height;
  for (const [field, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v <= 0 || v > MAX_FRAME_SIDE) {
      throw new RangeError(`${envName}: render ${field} must be an integer in [1, ${MAX_FRAME_SIDE}], got ${String(v)}`);
    }
  }
  return { width, height };
}
