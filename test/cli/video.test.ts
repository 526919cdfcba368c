/** Video encoders: the GIF fallback decodes to the frames' size and count; MP4 via ffmpeg has the frames. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeGif, encodeMp4 } from '../../cli/video.ts';
import type { Frame } from '../../sim/env.ts';

function frames(n: number, w = 10, h = 6): Frame[] {
  return Array.from({ length: n }, (_, k) => {
    const data = new Uint8Array(w * h * 3);
    for (let p = 0; p < w * h; p++) data.set([(p * 7 + k * 40) & 255, k * 30, 200], p * 3);
    return { width: w, height: h, data };
  });
}

describe('video encoding', () => {
  it('GIF: header, logical screen size and one image descriptor per frame', () => {
    const gif = encodeGif(frames(3), 30);
    expect(Buffer.from(gif.subarray(0, 6)).toString('latin1')).toBe('GIF89a');
    expect(gif[6] | (gif[7] << 8)).toBe(10);
    expect(gif[8] | (gif[9] << 8)).toBe(6);
    expect(gif[gif.length - 1]).toBe(0x3b); // trailer
    expect(() => encodeGif([], 30)).toThrow('encodeGif: no frames');
  });

  it('MP4 through ffmpeg holds every frame', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-video-'));
    try {
      const file = path.join(dir, 'v.mp4');
      encodeMp4(frames(5, 16, 8), 10, file);
      const probe = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,width,height', '-of', 'csv=p=0', file]).toString().trim();
      expect(probe).toBe('16,8,5');
      expect(fs.readdirSync(dir)).toEqual(['v.mp4']); // no temp file left behind
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
