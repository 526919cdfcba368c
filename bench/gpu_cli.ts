/**
 * Stand-alone entry of the gpu bench suite (what bench/gpu-device.sh bundles for a GPU machine):
 *   node gpu-bench.mjs [--json] [--quick] [--gpu-mode auto|webgpu|webasm|cpu] [--sizes 1024,4096]
 * `npm run bench -- --suite gpu` runs the same suite from bench/index.ts.
 */
import os from 'node:os';
import { Command } from 'commander';
import { parseGpuMode } from '../sim/gpu/runtime.ts';
import { benchGpu, verifyGpu } from './gpu.ts';

async function main(): Promise<void> {
  const program = new Command('gpu-bench')
    .option('--json', 'print one JSON object', false)
    .option('--quick', 'smaller budgets (smoke check)', false)
    .option('--gpu-mode <mode>', 'gpu.js mode', 'auto')
    .option('--sizes <list>', 'comma-separated env counts')
    .option('--verify', 'first check gpu against js/cpu on every classic env (max differences)', false);
  program.parse(process.argv.slice(2), { from: 'user' });
  const o = program.opts<{ json: boolean; quick: boolean; gpuMode: string; sizes?: string; verify: boolean }>();
  const sizes = o.sizes?.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`--sizes: each entry must be a positive integer, got '${s}'`);
    return n;
  });
  const mode = parseGpuMode(o.gpuMode, '--gpu-mode');
  const verify = o.verify ? await verifyGpu(mode) : undefined;
  if (verify) process.stderr.write(`verify: ${JSON.stringify(verify)}\n`);
  const gpu = await benchGpu({ quick: o.quick, mode: parseGpuMode(o.gpuMode, '--gpu-mode'), sizes, log: (m) => process.stderr.write(`${m}\n`) });
  const result = { machine: { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, date: new Date().toISOString() }, verify, gpu };
  process.stdout.write(`${JSON.stringify(result, null, o.json ? 0 : 2)}\n`);
  process.exit(0);
}

main().catch((e) => {
  process.stderr.write(`gpu-bench: ${(e as Error).message}\n`);
  process.exit(1);
});
