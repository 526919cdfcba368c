/** `npm run train:web`: a tiny run writes its directory; bad flags exit 2 naming the flag. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/train_web.ts';
import { loadLatestCheckpoint } from '../../sim/io/checkpoint.ts';
import { readMetrics } from '../../sim/io/metrics.ts';

describe('train:web', () => {
  it('writes config, metrics, a checkpoint and a per-task summary', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-web-'));
    const code = await main(['--tasks', 'click-button,enter-text', '--steps', '256', '--num-envs', '4', '--eval-episodes', '4', '--out', out, '--set', 'numSteps=32']);
    expect(code).toBe(0);
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(Object.keys(summary.successPerTask).sort()).toEqual(['click-button', 'enter-text']);
    expect(summary.successPerTask['click-button'].episodes).toBe(4);
    expect(summary.reward).toEqual({ generator: 'env', mode: 'miniwob' });
    expect(readMetrics(path.join(out, 'metrics.jsonl')).some((m) => m.tag === 'losses/value_loss')).toBe(true);
    const ck = loadLatestCheckpoint(out)!;
    expect(ck.step).toBe(256);
    expect(Object.keys(ck.tensors).some((k) => k.startsWith('score.'))).toBe(true);
    // A finished run is not overwritten.
    expect(await main(['--tasks', 'click-button', '--steps', '256', '--out', out])).toBe(2);
  }, 60_000);

  it('rejects bad flags with exit code 2', async () => {
    expect(await main(['--tasks', 'click-buton'])).toBe(2);
    expect(await main(['--steps', '-3'])).toBe(2);
    expect(await main(['--set', 'hidden=0', '--steps', '64'])).toBe(2);
  });
});
