/**
 * Episode videos of a greedy policy: frames from `env.render()` (RGB H×W×3), encoded as MP4 (H.264)
 * through Debian's ffmpeg on a pipe when it is installed, else as an animated GIF (gifenc, pure JS).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as gifencModule from 'gifenc';
import type { GreedyPolicy } from '../agents/context.ts';
import type { Frame } from '../sim/env.ts';
import type { Registry } from '../sim/registry.ts';
import { writeFileAtomic } from '../sim/io/atomic.ts';

export interface VideoOptions {
  readonly seed: number;
  readonly episodes: number;
  readonly ffmpeg: boolean;
  /** Stop an episode after this many frames (default 1000). */
  readonly maxFrames?: number;
}

function toRgba(f: Frame): Uint8Array {
  const out = new Uint8Array(f.width * f.height * 4);
  for (let p = 0, q = 0; p < f.data.length; p += 3, q += 4) {
    out[q] = f.data[p];
    out[q + 1] = f.data[p + 1];
    out[q + 2] = f.data[p + 2];
    out[q + 3] = 255;
  }
  return out;
}

// gifenc ships CommonJS (Node sees a default export) and ESM (bundlers see named exports).
const gifenc = typeof gifencModule.GIFEncoder === 'function' ? gifencModule : (gifencModule as unknown as { default: typeof gifencModule }).default;
const { GIFEncoder, applyPalette, quantize } = gifenc;

export function encodeGif(frames: readonly Frame[], fps: number): Uint8Array {
  if (frames.length === 0) throw new Error('encodeGif: no frames');
  const gif = GIFEncoder();
  const first = toRgba(frames[0]);
  const palette = quantize(first, 256);
  const delay = Math.round(1000 / fps);
  for (const f of frames) gif.writeFrame(applyPalette(toRgba(f), palette), f.width, f.height, { palette, delay });
  gif.finish();
  return gif.bytes();
}

export function encodeMp4(frames: readonly Frame[], fps: number, file: string): void {
  const { width, height } = frames[0];
  const raw = Buffer.concat(frames.map((f) => Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength)));
  const tmp = `${file}.tmp-${process.pid}.mp4`;
  // Even dimensions for yuv420p.
  const r = spawnSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', '-',
    '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', tmp], { input: raw, maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`ffmpeg failed (exit ${r.status}): ${r.stderr?.toString().trim()}`);
  }
  fs.renameSync(tmp, file);
}

/** Record `episodes` greedy episodes; returns the written files. */
export function recordVideo(registry: Registry, envId: string, kwargs: Record<string, unknown>, policy: GreedyPolicy, dir: string, opts: VideoOptions): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const env = registry.make(envId, { renderMode: 'rgb_array', kwargs });
  const fps = env.metadata.renderFps;
  const obsSpace = env.observationSpace;
  const flat = new Float32Array(policy.obsDim);
  const act = new Float32Array(policy.actDim);
  const files: string[] = [];
  try {
    for (let e = 0; e < opts.episodes; e++) {
      let [obs] = env.reset({ seed: opts.seed + e });
      const frames: Frame[] = [env.render()];
      for (let t = 0; t < (opts.maxFrames ?? 1000); t++) {
        obsSpace.flatten(obs, flat, 0);
        policy.act(flat, 1, act);
        const action = env.actionSpace.unflatten(act, 0);
        const [o, , term, trunc] = env.step(action);
        obs = o;
        frames.push(env.render());
        if (term || trunc) break;
      }
      const base = path.join(dir, `episode-${e}`);
      if (opts.ffmpeg) {
        encodeMp4(frames, fps, `${base}.mp4`);
        files.push(`${base}.mp4`);
      } else {
        writeFileAtomic(`${base}.gif`, encodeGif(frames, fps));
        files.push(`${base}.gif`);
      }
    }
  } finally {
    env.close();
  }
  return files;
}
