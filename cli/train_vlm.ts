/**
 * `npm run train:vlm` — train the built-in offline VLM embedder (rewards/vlm/offline) from scratch on
 * renders of our own scenes (robotics Reach, Push; classic CartPole) with captions generated from the
 * privileged state. Deterministic for a given `--seed` (same data, same initialisation, same minibatches).
 * Prints a JSON report with the held-out image→text top-1 retrieval accuracy (own caption vs 15 false
 * captions of other scenes; chance 1/16), overall and per env; the report also goes into the file's
 * `__metadata__`.
 *
 *   npm run train:vlm -- [--per-env 8000] [--heldout 500] [--epochs 8] [--seed 1] [--image-side 32]
 *                        [--image-hidden 128] [--image-net keypoints|mlp] [--keypoint-gain 30]
 *                        [--sigma 0.05] [--floor 20] [--scale 12] [--robot-cameras front,side] [--out FILE]
 *                        [--scene-blocks [--gate-weight 1] | --factored [--gate-weight 10] [--probe 0]]
 *
 * Three spaces, each reproducing its shipped file (the same tensors; only the report's timings differ):
 * - `--scene-blocks`: v4, the default embedder (`weights-v4.safetensors`): v2's networks, trained exactly as
 *   v2's, plus two small gate networks that route an embedding to its scene kind's block
 *   (rewards/vlm/offline/factored_space.ts `shared`);
 * - no flag: v2, the dense 64-d space (`weights.safetensors`);
 * - `--factored`: v3, the space factored by scene kind and fact family (scale 40 unless given;
 *   `weights-v3.safetensors`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { writeFileAtomic } from '../sim/io/atomic.ts';
import { encodeDualEncoder, V2_WEIGHTS, V3_WEIGHTS, V4_WEIGHTS } from '../rewards/vlm/offline/offline_embedder.ts';
import { retrievalTop1 } from '../rewards/vlm/offline/retrieval.ts';
import { DEFAULT_TRAIN, FACTORED_TRAIN, SCENE_TRAIN, trainDualEncoder, type VlmDataset } from '../rewards/vlm/offline/train.ts';
import { DEFAULT_CONFIG, FACTORED_CONFIG, SCENE_CONFIG } from '../rewards/vlm/offline/dual_encoder.ts';
import { buildDataset, VLM_ENVS } from './vlm_data.ts';

const nonNeg = (flag: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${flag} must be a number >= 0, got '${v}'`);
  return n;
};

const int = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive integer, got '${v}'`);
  return n;
};

function subset(data: VlmDataset & { envs: string[] }, env: string, inSize: number): VlmDataset {
  const idx = data.envs.flatMap((e, i) => (e === env ? [i] : []));
  const pixels = new Uint8Array(idx.length * inSize);
  idx.forEach((s, i) => pixels.set(data.pixels.subarray(s * inSize, (s + 1) * inSize), i * inSize));
  return { n: idx.length, pixels, facts: idx.map((i) => data.facts[i]) };
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('train:vlm')
    .description('train the offline VLM embedder on renders of our scenes and write its safetensors weights')
    .option('--per-env <n>', 'training scenes per env', int('--per-env'), 8000)
    .option('--heldout <n>', 'held-out scenes per env (other episode seeds)', int('--heldout'), 500)
    .option('--epochs <n>', 'passes over the training scenes', int('--epochs'), DEFAULT_TRAIN.epochs)
    .option('--seed <n>', 'seed of data, init and minibatches', int('--seed'), 1)
    .option('--image-side <n>', 'side S of the downsampled image', int('--image-side'), DEFAULT_CONFIG.imageSide)
    .option('--image-hidden <n>', 'hidden width of the image MLP', int('--image-hidden'), DEFAULT_CONFIG.imageHidden)
    .option('--image-net <kind>', "image network: 'keypoints' (per-pixel net + spatial soft-argmax) or 'mlp' (all pixels)", (v: string) => {
      if (v !== 'keypoints' && v !== 'mlp') throw new InvalidArgumentError(`--image-net must be 'keypoints' or 'mlp', got '${v}'`);
      return v;
    }, DEFAULT_CONFIG.imageNet ?? 'mlp')
    .option('--keypoint-gain <g>', 'gain on the keypoint logits (keypoints only)', nonNeg('--keypoint-gain'), DEFAULT_CONFIG.keypointGain ?? 1)
    .option('--sigma <m>', 'width [m] of the graded distance targets (0 = exact 0/1 truth)', nonNeg('--sigma'), DEFAULT_TRAIN.sigma ?? 0)
    .option('--floor <w>', 'weight of the false-pair floor term (0 = off)', nonNeg('--floor'), DEFAULT_TRAIN.floor ?? 0)
    .option('--scale <s>', `logit scale 1/τ of the contrastive loss (default ${DEFAULT_TRAIN.scale}, --factored ${FACTORED_TRAIN.scale})`, nonNeg('--scale'))
    .option('--factored', 'v3: the joint space factored by scene kind and fact family, with hard gates')
    .option('--scene-blocks', 'v4, the default embedder: v2\'s networks routed by scene kind by two gate networks')
    .option('--gate-weight <w>', `weight of the gates' cross-entropy (--factored: default ${FACTORED_TRAIN.gateWeight}; --scene-blocks: default ${SCENE_TRAIN.gateWeight})`, nonNeg('--gate-weight'))
    .option('--probe <w>', `--factored: weight of the distance probe on the image blocks (default ${FACTORED_TRAIN.probe}, off)`, nonNeg('--probe'))
    .option('--robot-cameras <list>', 'robotics cameras to train on (each scene is seen from one of them)', 'front,side')
    .option('--out <file>', `weights file (default ${path.relative(process.cwd(), V2_WEIGHTS)}, --factored ${path.relative(process.cwd(), V3_WEIGHTS)}, --scene-blocks ${path.relative(process.cwd(), V4_WEIGHTS)})`)
    .exitOverride();
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    return (e as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  }
  const o = program.opts<{ perEnv: number; heldout: number; epochs: number; seed: number; imageSide: number; imageHidden: number; imageNet: 'keypoints' | 'mlp'; keypointGain: number; sigma: number; floor: number; scale?: number; gateWeight?: number; probe?: number; factored?: boolean; sceneBlocks?: boolean; out?: string; robotCameras: string }>();
  const fail = (m: string) => {
    process.stderr.write(`train:vlm: ${m}\n`);
    return 2;
  };
  if (o.factored && o.sceneBlocks) return fail('--factored (v3) and --scene-blocks (v4) are two different spaces; give one');
  if (!o.factored && o.probe !== undefined) return fail('--probe only applies with --factored');
  if (!o.factored && !o.sceneBlocks && o.gateWeight !== undefined) return fail('--gate-weight only applies with --factored or --scene-blocks');
  const scale = o.scale ?? (o.factored ? FACTORED_TRAIN.scale! : o.sceneBlocks ? SCENE_TRAIN.scale! : DEFAULT_TRAIN.scale);
  const gateWeight = o.gateWeight ?? (o.sceneBlocks ? SCENE_TRAIN.gateWeight! : FACTORED_TRAIN.gateWeight!), probe = o.probe ?? FACTORED_TRAIN.probe!;
  const out = o.out ?? (o.factored ? V3_WEIGHTS : o.sceneBlocks ? V4_WEIGHTS : V2_WEIGHTS);
  const gateOpts = o.factored ? { gateWeight, probe } : o.sceneBlocks ? { gateWeight, gateLr: SCENE_TRAIN.gateLr } : {};
  const robotCameras = o.robotCameras.split(',').map((c) => c.trim()).filter((c) => c.length > 0);
  const log = (m: string) => process.stderr.write(`train:vlm: ${m}\n`);
  const t0 = performance.now();
  const side = o.imageSide;
  const config = { ...(o.factored ? FACTORED_CONFIG : o.sceneBlocks ? SCENE_CONFIG : DEFAULT_CONFIG), imageSide: o.imageSide, imageHidden: o.imageHidden, imageNet: o.imageNet, keypointGain: o.keypointGain };
  const train = buildDataset({ perEnv: Object.fromEntries(VLM_ENVS.map((e) => [e, o.perEnv])), seed: o.seed, side, robotCameras, log });
  // Held-out scenes come from other episode seeds (seed + 10 007), never from training episodes.
  const held = buildDataset({ perEnv: Object.fromEntries(VLM_ENVS.map((e) => [e, o.heldout])), seed: o.seed + 10_007, side, robotCameras });
  const dataSeconds = (performance.now() - t0) / 1000;
  let sum = 0, cnt = 0;
  const t1 = performance.now();
  const model = trainDualEncoder(train, {
    ...DEFAULT_TRAIN,
    config,
    epochs: o.epochs,
    seed: o.seed,
    sigma: o.sigma,
    floor: o.floor,
    scale,
    ...gateOpts,
    log: (epoch, step, loss) => {
      sum += loss;
      cnt++;
      if (step % 100 === 0) {
        log(`epoch ${epoch} step ${step} loss ${(sum / cnt).toFixed(3)} (${((performance.now() - t1) / 1000).toFixed(0)} s)`);
        sum = 0;
        cnt = 0;
      }
    },
  });
  const trainSeconds = (performance.now() - t1) / 1000;
  const inSize = model.inSize;
  const perEnv: Record<string, number> = {};
  for (const env of VLM_ENVS) perEnv[env] = retrievalTop1(model, subset(held, env, inSize), { seed: o.seed });
  const report = {
    heldoutTop1: retrievalTop1(model, held, { seed: o.seed }),
    heldoutTop1PerEnv: perEnv,
    trainTop1: retrievalTop1(model, train, { seed: o.seed, limit: 1500 }),
    candidates: 16,
    chance: 1 / 16,
    trainScenes: train.n,
    heldoutScenes: held.n,
    epochs: o.epochs,
    seed: o.seed,
    params: model.stateTensors().reduce((s, t) => s + t.data.length, 0),
    dataSeconds: Math.round(dataSeconds),
    trainSeconds: Math.round(trainSeconds),
    config,
    loss: { sigma: o.sigma, floor: o.floor, scale, ...gateOpts },
    robotCameras,
    command: `npm run train:vlm -- --per-env ${o.perEnv} --heldout ${o.heldout} --epochs ${o.epochs} --seed ${o.seed} --image-side ${o.imageSide} --image-hidden ${o.imageHidden} --image-net ${o.imageNet} --keypoint-gain ${o.keypointGain} --sigma ${o.sigma} --floor ${o.floor} --scale ${scale}${o.factored ? ` --factored --gate-weight ${gateWeight} --probe ${probe}` : o.sceneBlocks ? ` --scene-blocks --gate-weight ${gateWeight}` : ''} --robot-cameras ${robotCameras.join(',')}`,
  };
  const bytes = encodeDualEncoder(model, { report: JSON.stringify(report) });
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  writeFileAtomic(path.resolve(out), bytes);
  log(`wrote ${out} (${(bytes.length / 1e6).toFixed(2)} MB)`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
