/**
 * `npm run train:env` — train an agent on an env and write a run directory:
 *
 *   DIR/config.json         the resolved configuration (flags, agent args, versions)
 *   DIR/metrics.jsonl       one JSON line per scalar, CleanRL tag names
 *   DIR/events.out.tfevents.*  the same scalars for TensorBoard
 *   DIR/checkpoints/        safetensors checkpoints (atomic, checksummed) + latest.json
 *   DIR/summary.json        final deterministic evaluation over ≥ 20 episodes
 *   DIR/videos/             evaluation episode videos with --video
 *
 * `--resume DIR` continues a run exactly from its last good checkpoint.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseTrainArgs, TrainArgsError } from './train_args.ts';
import { runTraining } from './run_training.ts';

export async function main(argv: string[]): Promise<number> {
  let cfg;
  try {
    cfg = parseTrainArgs(argv);
  } catch (e) {
    if (e instanceof TrainArgsError) {
      process.stderr.write(`train:env: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
  if (cfg === 'help') return 0;
  try {
    await runTraining(cfg);
    return 0;
  } catch (e) {
    if (e instanceof TrainArgsError) {
      process.stderr.write(`train:env: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`train:env: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
