/**
 * `npm run train:vlm` end to end on a tiny budget: it writes a loadable safetensors file whose metadata
 * holds the held-out retrieval report, twice the same tensors for the same seed, and rejects bad flags.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/train_vlm.ts';
import { OfflineEmbedder } from '../../rewards/vlm/offline/offline_embedder.ts';
import { decodeSafetensors } from '../../sim/io/safetensors.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-train-vlm-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function quietly(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const w = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  let out = '', err = '';
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  try {
    return { code: await fn(), out, err };
  } finally {
    process.stdout.write = w.out;
    process.stderr.write = w.err;
  }
}

describe('train:vlm', () => {
  const tiny = ['--per-env', '48', '--heldout', '32', '--epochs', '1', '--image-hidden', '16'];

  it('writes loadable weights with the retrieval report, deterministically', async () => {
    const a = path.join(tmp, 'a.safetensors');
    const b = path.join(tmp, 'b.safetensors');
    const r = await quietly(() => main([...tiny, '--out', a]));
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({ trainScenes: 144, heldoutScenes: 96, candidates: 16, epochs: 1 });
    expect(report.heldoutTop1).toBeGreaterThanOrEqual(0);
    expect(Object.keys(report.heldoutTop1PerEnv)).toEqual(['robotics/Reach-v0', 'robotics/Push-v0', 'classic/CartPole-v1']);
    const emb = OfflineEmbedder.load(a);
    expect(JSON.parse(emb.metadata.report).heldoutTop1).toBe(report.heldoutTop1);
    expect(emb.embedTexts(['the pole is upright']).length).toBe(emb.dim);
    expect((await quietly(() => main([...tiny, '--out', b]))).code).toBe(0);
    const ta = decodeSafetensors(fs.readFileSync(a)).tensors, tb = decodeSafetensors(fs.readFileSync(b)).tensors;
    for (const k of Object.keys(ta)) expect(Array.from(tb[k].data as Float32Array), k).toEqual(Array.from(ta[k].data as Float32Array));
  });

  it('rejects a bad flag value with exit code 2', async () => {
    const r = await quietly(() => main(['--epochs', '0']));
    expect(r.code).toBe(2);
    const net = await quietly(() => main(['--image-net', 'cnn']));
    expect(net.code).toBe(2);
    expect(net.err).toMatch(/--image-net must be 'keypoints' or 'mlp', got 'cnn'/);
    const sigma = await quietly(() => main(['--sigma', '-0.1']));
    expect(sigma.code).toBe(2);
    expect(sigma.err).toMatch(/--sigma must be a number >= 0, got '-0.1'/);
  });

  it('a missing weights file names the command that rebuilds it', () => {
    expect(() => OfflineEmbedder.load(path.join(tmp, 'nope.safetensors'))).toThrow(/cannot read .*nope.safetensors \(ENOENT\); rebuild it with `npm run train:vlm`/);
  });
});
