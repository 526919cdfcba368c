// Proves: checkpoints round-trip tensors and string metadata; only the newest K are kept; every
// checksum layer (latest.json, the sidecar, the embedded tensor hash) catches a torn or bit-flipped
// file, and loading then falls back to the previous good checkpoint, reporting what it skipped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CHECKPOINT_DIR,
  LATEST_FILE,
  type SkippedCheckpoint,
  checkpointFileName,
  listCheckpoints,
  loadLatestCheckpoint,
  saveCheckpoint,
} from '../../../sim/io/checkpoint.ts';
import type { TensorMap } from '../../../sim/io/safetensors.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-ckpt-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function tensorsAt(step: number): TensorMap {
  return {
    'policy/w': { dtype: 'F32', shape: [2, 3], data: Float32Array.from({ length: 6 }, (_, i) => i + step / 1000) },
    'value/b': { dtype: 'F64', shape: [3], data: new Float64Array([step, -step, 0.5]) },
    counters: { dtype: 'I64', shape: [1], data: new BigInt64Array([BigInt(step)]) },
    mask: { dtype: 'U8', shape: [4], data: new Uint8Array([1, 0, 1, step % 256]) },
    idx: { dtype: 'I32', shape: [2], data: new Int32Array([-1, step]) },
  };
}

const ckptDir = () => path.join(dir, CHECKPOINT_DIR);
const fileOf = (step: number) => path.join(ckptDir(), checkpointFileName(step));
const sidecarOf = (step: number) => fileOf(step).replace(/\.safetensors$/, '.sha256');

function flipBit(file: string, byte: number, bit = 0): void {
  const b = fs.readFileSync(file);
  b[byte] ^= 1 << bit;
  fs.writeFileSync(file, b);
}

describe('saveCheckpoint / loadLatestCheckpoint', () => {
  it('round-trips tensors, metadata and step, with nothing skipped', () => {
    const rng = JSON.stringify({ c: 1, s0: 0.25, s1: 0.5, s2: 0.75 });
    const saved = saveCheckpoint(dir, 2048, tensorsAt(2048), { rng, obsNorm: JSON.stringify({ mean: [0, 1], count: 5 }) });
    expect(saved.file).toBe('ckpt-000000002048.safetensors');
    expect(fs.existsSync(saved.path)).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(ckptDir(), LATEST_FILE), 'utf8'))).toEqual({ step: 2048, file: saved.file, sha256: saved.sha256 });
    expect(fs.readFileSync(sidecarOf(2048), 'utf8')).toBe(`${saved.sha256}  ${saved.file}\n`);

    const loaded = loadLatestCheckpoint(dir);
    expect(loaded).toBeDefined();
    expect(loaded!.step).toBe(2048);
    expect(loaded!.sha256).toBe(saved.sha256);
    expect(loaded!.skipped).toEqual([]);
    expect(loaded!.metadata).toEqual({ rng, obsNorm: JSON.stringify({ mean: [0, 1], count: 5 }) });
    expect(loaded!.tensors).toEqual(tensorsAt(2048));
  });

  it('keeps the newest K checkpoints (default 3) and removes the rest with their sidecars', () => {
    for (const step of [10, 20, 30, 40, 50]) saveCheckpoint(dir, step, tensorsAt(step));
    expect(listCheckpoints(dir).map((c) => c.step)).toEqual([50, 40, 30]);
    expect(fs.readdirSync(ckptDir()).sort()).toEqual(
      [LATEST_FILE, ...[30, 40, 50].flatMap((s) => [path.basename(fileOf(s)), path.basename(sidecarOf(s))])].sort(),
    );
    saveCheckpoint(dir, 60, tensorsAt(60), {}, { keep: 1 });
    expect(listCheckpoints(dir).map((c) => c.step)).toEqual([60]);
    expect(() => saveCheckpoint(dir, 70, tensorsAt(70), {}, { keep: 0 })).toThrow(/keep must be an integer >= 1, got 0/);
  });

  it('removes checkpoints above the saved step (an abandoned timeline) and stale temp files', () => {
    for (const step of [100, 200, 300]) saveCheckpoint(dir, step, tensorsAt(step));
    fs.writeFileSync(path.join(ckptDir(), 'latest.json.tmp-999-3'), 'torn');
    saveCheckpoint(dir, 150, tensorsAt(150));
    expect(listCheckpoints(dir).map((c) => c.step)).toEqual([150, 100]);
    expect(fs.readdirSync(ckptDir()).some((n) => n.includes('.tmp-'))).toBe(false);
    expect(loadLatestCheckpoint(dir)!.step).toBe(150);
  });

  it('falls back past a torn (truncated) newest checkpoint', () => {
    saveCheckpoint(dir, 100, tensorsAt(100));
    saveCheckpoint(dir, 200, tensorsAt(200));
    const full = fs.readFileSync(fileOf(200));
    fs.writeFileSync(fileOf(200), full.subarray(0, full.length - 7));
    const loaded = loadLatestCheckpoint(dir)!;
    expect(loaded.step).toBe(100);
    expect(loaded.tensors).toEqual(tensorsAt(100));
    expect(loaded.skipped).toHaveLength(1);
    expect(loaded.skipped[0].file).toBe(checkpointFileName(200));
    expect(loaded.skipped[0].reason).toMatch(/differs from latest\.json/);
  });

  it('falls back past a bit flip in the tensor bytes, and uses the file again once restored', () => {
    saveCheckpoint(dir, 100, tensorsAt(100));
    saveCheckpoint(dir, 200, tensorsAt(200));
    const size = fs.statSync(fileOf(200)).size;
    flipBit(fileOf(200), size - 1, 3);
    expect(loadLatestCheckpoint(dir)!.step).toBe(100);
    flipBit(fileOf(200), size - 1, 3); // restore
    expect(loadLatestCheckpoint(dir)!.step).toBe(200);
  });

  it('without latest.json and sidecar, the embedded checksum alone catches header and data flips', () => {
    saveCheckpoint(dir, 100, tensorsAt(100), { note: 'a' });
    const strip = () => {
      fs.rmSync(path.join(ckptDir(), LATEST_FILE));
      fs.rmSync(sidecarOf(200));
    };
    const edit = (from: string, to: string) => {
      const text = fs.readFileSync(fileOf(200)).toString('latin1');
      expect(text).toContain(from);
      fs.writeFileSync(fileOf(200), Buffer.from(text.replace(from, to), 'latin1'));
    };
    const expectFallback = (reason: RegExp) => {
      const loaded = loadLatestCheckpoint(dir)!;
      expect(loaded.step).toBe(100);
      expect(loaded.skipped.map((s) => s.file)).toEqual([LATEST_FILE, checkpointFileName(200)]);
      expect(loaded.skipped[1].reason).toMatch(reason);
    };

    // Each edit keeps the file decodable, so only the embedded content checksum can notice it.
    for (const [from, to] of [
      ['"note":"a"', '"note":"b"'], // caller metadata
      ['"rewardforge.step":"200"', '"rewardforge.step":"201"'], // step
      ['"policy/w"', '"policy/v"'], // tensor name
      ['"dtype":"I32"', '"dtype":"F32"'], // dtype of the same size
    ]) {
      saveCheckpoint(dir, 200, tensorsAt(200), { note: 'a' });
      strip();
      edit(from, to);
      expectFallback(/content SHA-256 [0-9a-f]{64} differs from __metadata__ "rewardforge\.sha256"/);
    }

    saveCheckpoint(dir, 200, tensorsAt(200), { note: 'a' });
    strip();
    flipBit(fileOf(200), fs.statSync(fileOf(200)).size - 2, 5); // tensor bytes
    expectFallback(/content SHA-256/);

    // A good checkpoint copied under another step's name is caught by its embedded step.
    fs.copyFileSync(fileOf(100), fileOf(200));
    expectFallback(/"rewardforge\.step" is "100", the file name says 200/);
  });

  it('a header flip is caught by latest.json, and by the sidecar when latest.json is gone', () => {
    saveCheckpoint(dir, 100, tensorsAt(100));
    saveCheckpoint(dir, 200, tensorsAt(200));
    flipBit(fileOf(200), 40, 0);
    let loaded = loadLatestCheckpoint(dir)!;
    expect(loaded.step).toBe(100);
    expect(loaded.skipped[0].reason).toMatch(/differs from latest\.json's/);
    fs.rmSync(path.join(ckptDir(), LATEST_FILE));
    loaded = loadLatestCheckpoint(dir)!;
    expect(loaded.step).toBe(100);
    expect(loaded.skipped[1].reason).toMatch(/differs from sidecar ckpt-000000000200\.sha256's/);
  });

  it('uses the newest verifying checkpoint when latest.json is torn or points at a missing file', () => {
    saveCheckpoint(dir, 100, tensorsAt(100));
    saveCheckpoint(dir, 200, tensorsAt(200));
    const latest = path.join(ckptDir(), LATEST_FILE);
    fs.writeFileSync(latest, '{"step": 200, "fi');
    let loaded = loadLatestCheckpoint(dir)!;
    expect(loaded.step).toBe(200);
    expect(loaded.skipped).toEqual([{ file: LATEST_FILE, reason: expect.stringMatching(/not valid JSON/) }]);

    saveCheckpoint(dir, 200, tensorsAt(200));
    fs.rmSync(fileOf(200));
    loaded = loadLatestCheckpoint(dir)!;
    expect(loaded.step).toBe(100);
    expect(loaded.skipped).toEqual([{ file: checkpointFileName(200), reason: 'file is missing' }]);
  });

  it('skips a checkpoint newer than latest.json: written but never committed', () => {
    saveCheckpoint(dir, 100, tensorsAt(100));
    const committed = fs.readFileSync(path.join(ckptDir(), LATEST_FILE));
    saveCheckpoint(dir, 200, tensorsAt(200));
    fs.writeFileSync(path.join(ckptDir(), LATEST_FILE), committed); // crash before latest.json moved on
    const loaded = loadLatestCheckpoint(dir)!;
    expect(loaded.step).toBe(100);
    expect(loaded.skipped).toEqual([{ file: checkpointFileName(200), reason: expect.stringMatching(/never committed/) }]);
  });

  it('returns undefined, without throwing, when nothing verifies; onSkip still reports each file', () => {
    expect(loadLatestCheckpoint(dir)).toBeUndefined();
    expect(loadLatestCheckpoint(path.join(dir, 'no-such-run'))).toBeUndefined();
    saveCheckpoint(dir, 100, tensorsAt(100));
    fs.writeFileSync(fileOf(100), new Uint8Array(3));
    const seen: SkippedCheckpoint[] = [];
    expect(loadLatestCheckpoint(dir, { onSkip: (s) => seen.push(s) })).toBeUndefined();
    expect(seen.map((s) => s.file)).toEqual([checkpointFileName(100)]);
  });

  it('never throws and always falls back to the good checkpoint, whatever truncation or bit flip hits the newest (property)', () => {
    saveCheckpoint(dir, 100, tensorsAt(100));
    saveCheckpoint(dir, 200, tensorsAt(200));
    const good = fs.readFileSync(fileOf(200));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({ cut: fc.integer({ min: 0, max: good.length - 1 }) }),
          fc.record({ byte: fc.integer({ min: 0, max: good.length - 1 }), bit: fc.integer({ min: 0, max: 7 }) }),
        ),
        fc.boolean(),
        (damage, embeddedOnly) => {
          saveCheckpoint(dir, 200, tensorsAt(200));
          let bad = Buffer.from(good);
          if ('cut' in damage) bad = bad.subarray(0, damage.cut);
          else bad[damage.byte] ^= 1 << damage.bit;
          fs.writeFileSync(fileOf(200), bad);
          if (embeddedOnly) {
            fs.rmSync(path.join(ckptDir(), LATEST_FILE));
            fs.rmSync(sidecarOf(200));
          }
          const loaded = loadLatestCheckpoint(dir);
          expect(loaded?.step).toBe(100);
          expect(loaded!.tensors).toEqual(tensorsAt(100));
          expect(loaded!.skipped.some((s) => s.file === checkpointFileName(200))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects reserved or non-string metadata and a bad step, naming them', () => {
    expect(() => saveCheckpoint(dir, 1, tensorsAt(1), { 'rewardforge.step': '2' })).toThrow(/"rewardforge\.step" is reserved/);
    expect(() => saveCheckpoint(dir, 1, tensorsAt(1), { rng: { c: 1 } as unknown as string })).toThrow(/metadata "rng" must be a string \(JSON-encode objects\), got object/);
    expect(() => saveCheckpoint(dir, -1, tensorsAt(1))).toThrow(/step must be a non-negative integer, got -1/);
    expect(() => saveCheckpoint(dir, 1.5, tensorsAt(1))).toThrow(/got 1\.5/);
    expect(listCheckpoints(dir)).toEqual([]);
  });
});
