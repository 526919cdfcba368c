/**
 * Records one episode of a vector env (env index 0, its first episode) as the viewer would stream it,
 * to a JSON-lines file that `npm run viewer -- --run DIR` replays: a `meta` line (family, scene layout),
 * then `poses` / `transcript` lines per step and an `episodeEnd` line. train:env records its first
 * final-evaluation episode to `episodes/eval-0.jsonl`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../sim/io/atomic.ts';
import type { RunSink, SceneBody } from './tap.ts';

export type RecordedLine =
  | { kind: 'meta'; family: string; env: string; scene?: readonly SceneBody[] }
  | { kind: 'poses'; step: number; data: number[] }
  | { kind: 'transcript'; entry: { obs?: string; command?: string; reward?: number; terms?: Record<string, number> } }
  | { kind: 'episodeEnd'; stats: Record<string, number | boolean> };

export class EpisodeRecorder implements RunSink {
  readonly lines: RecordedLine[] = [];
  private done = false;

  constructor(meta: { family: string; env: string; scene?: readonly SceneBody[] }) {
    this.lines.push({ kind: 'meta', ...meta });
  }

  watched(): number {
    return this.done ? -1 : 0;
  }

  poses(envIndex: number, step: number, data: Float32Array): void {
    if (!this.done && envIndex === 0) this.lines.push({ kind: 'poses', step, data: Array.from(data, (v) => Math.round(v * 1e5) / 1e5) });
  }

  transcript(envIndex: number, entry: { obs?: string; command?: string; reward?: number; terms?: Record<string, number> }): void {
    if (!this.done && envIndex === 0) this.lines.push({ kind: 'transcript', entry });
  }

  episodeEnd(envIndex: number, stats: Record<string, number | boolean>): void {
    if (this.done || envIndex !== 0) return;
    this.lines.push({ kind: 'episodeEnd', stats });
    this.done = true;
  }

  throttle(): void {}

  slowMs(): number {
    return 0;
  }

  save(file: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, `${this.lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  }
}

/** Read a recorded episode; throws naming the file and line on a malformed one. */
export function readRecording(file: string): RecordedLine[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
  return lines.map((l, i) => {
    try {
      const v = JSON.parse(l) as RecordedLine;
      if (typeof v !== 'object' || v === null || typeof v.kind !== 'string') throw new Error('no kind');
      return v;
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not a recorded-episode line (${(e as Error).message})`);
    }
  });
}
