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

  it('--factored trains the v3 space, --probe changes what is trained, and the report and file say so', async () => {
    const plain = path.join(tmp, 'plain.safetensors'), probed = path.join(tmp, 'probed.safetensors'), dense = path.join(tmp, 'dense.safetensors');
    // Three steps: the probe's readout starts at 0, so its gradient reaches the image network from step 2.
    const f = await quietly(() => main([...tiny, '--factored', '--epochs', '3', '--out', plain]));
    expect(f.code, f.err).toBe(0);
    expect(JSON.parse(f.out).loss).toMatchObject({ probe: 0, gateWeight: 10, scale: 40 });
    const p = await quietly(() => main([...tiny, '--factored', '--epochs', '3', '--probe', '2', '--out', probed]));
    expect(p.code, p.err).toBe(0);
    expect(JSON.parse(p.out).loss).toMatchObject({ probe: 2, gateWeight: 10, scale: 40 });
    expect(JSON.parse(p.out).command).toMatch(/--factored --gate-weight 10 --probe 2 /);
    // The probe's gradient reaches the image network: the weights differ from the same run without it.
    const a = decodeSafetensors(fs.readFileSync(plain)).tensors, b = decodeSafetensors(fs.readFileSync(probed)).tensors;
    expect(Array.from(b['image.head.0.weight'].data as Float32Array)).not.toEqual(Array.from(a['image.head.0.weight'].data as Float32Array));
    expect(Array.from(b['text.table'].data as Float32Array)).not.toEqual(Array.from(a['text.table'].data as Float32Array));
    const d = await quietly(() => main([...tiny, '--out', dense]));
    expect(d.code, d.err).toBe(0);
    expect(JSON.parse(d.out).loss).toEqual({ sigma: 0.05, floor: 20, scale: 12 });
    expect(OfflineEmbedder.load(dense).name).toBe('offline:rewardforge-scenes-v2');
    expect(OfflineEmbedder.load(dense).dim).toBe(64);
    expect(OfflineEmbedder.load(probed).name).toBe('offline:rewardforge-scenes-v3');
  });

  it("--scene-blocks trains v4: v2's networks (the same tensors as the dense run) plus gate networks", async () => {
    const dense = path.join(tmp, 'dense-v2.safetensors'), routed = path.join(tmp, 'v4.safetensors');
    expect((await quietly(() => main([...tiny, '--out', dense]))).code).toBe(0);
    const r = await quietly(() => main([...tiny, '--scene-blocks', '--out', routed]));
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).loss).toEqual({ sigma: 0.05, floor: 20, scale: 12, gateWeight: 1, gateLr: 0.01 });
    expect(JSON.parse(r.out).command).toMatch(/ --scene-blocks --gate-weight 1 /);
    const a = decodeSafetensors(fs.readFileSync(dense)).tensors, b = decodeSafetensors(fs.readFileSync(routed)).tensors;
    for (const k of Object.keys(a)) expect(Array.from(b[k].data as Float32Array), k).toEqual(Array.from(a[k].data as Float32Array));
    expect(Object.keys(b).filter((k) => !(k in a)).sort()).toEqual(['gate.image.0.bias', 'gate.image.0.weight', 'gate.image.2.bias', 'gate.image.2.weight', 'gate.text.0.bias', 'gate.text.0.weight', 'gate.text.2.bias', 'gate.text.2.weight']);
    const emb = OfflineEmbedder.load(routed);
    expect([emb.name, emb.dim]).toEqual(['offline:rewardforge-scenes-v4', 131]);
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
    const probe = await quietly(() => main(['--probe', '1']));
    expect(probe.code).toBe(2);
    expect(probe.err).toMatch(/--probe only applies with --factored/);
    const both = await quietly(() => main(['--factored', '--scene-blocks']));
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--factored \(v3\) and --scene-blocks \(v4\) are two different spaces/);
    const probe4 = await quietly(() => main(['--scene-blocks', '--probe', '1']));
    expect(probe4.code).toBe(2);
    expect(probe4.err).toMatch(/--probe only applies with --factored/);
    const gw = await quietly(() => main(['--gate-weight', '1']));
    expect(gw.code).toBe(2);
    expect(gw.err).toMatch(/--gate-weight only applies with --factored or --scene-blocks/);
  });

  it('a missing weights file names the command that rebuilds it', () => {
    expect(() => OfflineEmbedder.load(path.join(tmp, 'nope.safetensors'))).toThrow(/cannot read .*nope.safetensors \(ENOENT\); rebuild it with `npm run train:vlm`/);
  });
});
