/**
 * `npm run viewer -- --run DIR`: a finished run's metrics are served as a finished run whose history a
 * subscribing client receives; bad flags are named.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ViewerArgsError, parseViewerArgs, replayRun } from '../../cli/viewer.ts';
import { decodePoseFrame } from '../../viewer/protocol.ts';
import { EpisodeRecorder, readRecording } from '../../viewer/recorder.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-replay-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('npm run viewer -- --run DIR', () => {
  it('serves the recorded curves of a finished run', async () => {
    const dir = path.join(tmp, 'run1');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ env: 'classic/CartPole-v1', agent: 'ppo' }));
    const lines = [];
    for (let s = 1; s <= 50; s++) lines.push(JSON.stringify({ step: s * 100, tag: 'charts/episodic_return', value: s, wall: 1 }));
    fs.writeFileSync(path.join(dir, 'metrics.jsonl'), `${lines.join('\n')}\n`);
    const server = await replayRun({ run: dir, host: '127.0.0.1', port: 0 });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
      const history = await new Promise<{ points: { step: number; scalars: Record<string, number> }[] }>((resolve, reject) => {
        ws.on('message', (d, bin) => {
          if (bin) return;
          const m = JSON.parse(String(d));
          if (m.type === 'runs') {
            expect(m.runs[0]).toMatchObject({ runId: 'run1', env: 'classic/CartPole-v1', family: 'classic', finished: true });
            ws.send(JSON.stringify({ type: 'subscribe', runId: 'run1' }));
          }
          if (m.type === 'history') resolve(m);
        });
        ws.on('error', reject);
      });
      ws.close();
      expect(history.points).toHaveLength(50);
      expect(history.points[49]).toMatchObject({ step: 5000, scalars: { 'charts/episodic_return': 50 } });
    } finally {
      await server.close();
    }
  });

  it('replays the recorded evaluation episode in a loop', async () => {
    const dir = path.join(tmp, 'run2');
    fs.mkdirSync(path.join(dir, 'episodes'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ env: 'robotics/Reach-v0', agent: 'ppo' }));
    fs.writeFileSync(path.join(dir, 'metrics.jsonl'), `${JSON.stringify({ step: 1, tag: 'charts/SPS', value: 5, wall: 1 })}\n`);
    const rec = new EpisodeRecorder({ family: 'robotics', env: 'robotics/Reach-v0', scene: [{ name: 'tcp', kind: 'sphere', size: [0.01], color: 1 }] });
    for (let t = 0; t < 5; t++) rec.poses(0, t, new Float32Array([t, 0, 0, 1, 0, 0, 0]));
    rec.episodeEnd(0, { return: 1 });
    rec.poses(0, 9, new Float32Array(7)); // after the episode: not recorded
    rec.save(path.join(dir, 'episodes', 'eval-0.jsonl'));
    expect(readRecording(path.join(dir, 'episodes', 'eval-0.jsonl'))).toHaveLength(7);
    const server = await replayRun({ run: dir, host: '127.0.0.1', port: 0 });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
      const xs = await new Promise<number[]>((resolve, reject) => {
        const got: number[] = [];
        ws.on('message', (d, bin) => {
          if (bin) {
            got.push(decodePoseFrame(new Uint8Array(d as Buffer)).data[0]);
            if (got.length >= 6) resolve(got);
            return;
          }
          const m = JSON.parse(String(d));
          if (m.type === 'runs') {
            expect(m.runs[0].scene).toHaveLength(1);
            ws.send(JSON.stringify({ type: 'subscribe', runId: 'run2', envIndex: 0 }));
          }
        });
        ws.on('error', reject);
      });
      ws.close();
      expect(new Set(xs).size).toBeGreaterThan(1);
      for (const x of xs) expect([0, 1, 2, 3, 4]).toContain(x);
    } finally {
      await server.close();
    }
  });

  it('names bad flags', () => {
    expect(() => parseViewerArgs([])).toThrow(ViewerArgsError);
    expect(() => parseViewerArgs(['--run', path.join(tmp, 'none')])).toThrow(/--run: .* holds no metrics.jsonl/);
    fs.mkdirSync(path.join(tmp, 'r2'));
    fs.writeFileSync(path.join(tmp, 'r2', 'metrics.jsonl'), '');
    expect(() => parseViewerArgs(['--run', path.join(tmp, 'r2'), '--port', 'x'])).toThrow(/--port must be an integer in \[0, 65535\], got 'x'/);
    expect(() => parseViewerArgs(['--run', path.join(tmp, 'r2'), '--host', '0.0.0.0'])).toThrow(/--host 0.0.0.0: .*needs --token/);
  });
});
