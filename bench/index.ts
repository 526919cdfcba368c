/**
 * `npm run bench -- --suite <core|train|text2reward|robotics|textworld|webnav|gpu|derl|viewer|distributed|vlm|dopamine|all> [--json] [--quick] [--seeds N] [--first-seed K] [--tasks ids] [--columns a,b] [--arms a,b] [--steps n,m] [--gamma g] [--accuracy-only] [--bc-demos N]` — benchmarks as code. Prints one JSON
 * object with --json (else a readable summary). Figures come from one run on this machine; ratios are
 * measured inside the same run.
 */
import { Command, Option } from 'commander';
import { listEnvs } from '../envs/index.ts';
import { GPU_MODES, type GpuModeRequest } from '../sim/gpu/runtime.ts';
import { benchCore } from './core.ts';
import { benchDerl } from './derl.ts';
import { type Arm, benchDopamine, DOPAMINE_ARMS } from './dopamine.ts';
import { benchDistributed } from './distributed.ts';
import { benchGpu } from './gpu.ts';
import { benchViewer } from './viewer.ts';
import { benchRobotics } from './robotics.ts';
import { benchTextworld } from './textworld.ts';
import { benchText2Reward, TEXT2REWARD_COLUMNS, type Text2RewardColumn } from './text2reward.ts';
import { benchTrain } from './train.ts';
import { benchWebnav } from './webnav.ts';
import { benchVlm } from './vlm.ts';

const SUITES = ['core', 'train', 'text2reward', 'robotics', 'textworld', 'webnav', 'gpu', 'derl', 'viewer', 'distributed', 'vlm', 'dopamine', 'all'] as const;

/** A comma-separated flag value whose items must each be one of `allowed` (undefined when the flag is absent). */
function pickList<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((x) => x.trim());
  const bad = items.find((x) => !(allowed as readonly string[]).includes(x));
  if (bad !== undefined) throw new Error(`${flag}: unknown item '${bad}' (choose from ${allowed.join(', ')})`);
  return items as T[];
}

async function main(): Promise<void> {
  const program = new Command('bench')
    .addOption(new Option('--suite <name>', 'which suite').choices(SUITES).default('core'))
    .option('--json', 'print one JSON object', false)
    .option('--quick', 'smaller budgets (smoke check, figures not comparable)', false)
    .option('--seeds <n>', 'seeds per configuration (train: 5, text2reward: 3 unless given)', (v) => Number(v))
    .option('--first-seed <n>', 'text2reward, dopamine: the first seed (seeds are first … first + seeds − 1)', (v) => Number(v), 1)
    .option('--steps <list>', 'text2reward: PPO budget in env steps; dopamine: comma-separated budgets, one set of runs each (default: the preset)')
    .option('--columns <names>', `text2reward: comma-separated columns (${TEXT2REWARD_COLUMNS.join(', ')}; default all)`)
    .option('--gamma <g>', 'dopamine: discount for every PPO arm and the shaping (default: the preset)')
    .option('--arms <names>', `dopamine: comma-separated PPO arms (${DOPAMINE_ARMS.join(', ')}; default sparse,dopamine,naive)`)
    .option('--tasks <ids>', 'text2reward, dopamine: comma-separated robotics ids (default: all; dopamine: DrawerOpen)')
    .option('--accuracy-only', 'dopamine: progress-model accuracy and increment fidelity only, no PPO', false)
    .option('--bc-demos <n>', 'dopamine: start every arm from an actor behaviour-cloned on N expert demos (the first is the adaptation demo; default: from scratch)', (v) => Number(v))
    .addOption(new Option('--gpu-mode <mode>', 'gpu: gpu.js mode').choices(GPU_MODES).default('auto'));
  program.parse(process.argv.slice(2), { from: 'user' });
  const o = program.opts<{ suite: (typeof SUITES)[number]; json: boolean; quick: boolean; seeds?: number; firstSeed: number; arms?: string; columns?: string; steps?: string; gamma?: string; tasks?: string; accuracyOnly: boolean; bcDemos?: number; gpuMode: GpuModeRequest }>();
  if (o.seeds !== undefined && (!Number.isInteger(o.seeds) || o.seeds < 1)) {
    process.stderr.write(`bench: --seeds must be a positive integer, got '${o.seeds}'\n`);
    process.exitCode = 2;
    return;
  }
  if (!Number.isInteger(o.firstSeed) || o.firstSeed < 0) {
    process.stderr.write(`bench: --first-seed must be a non-negative integer, got '${o.firstSeed}'\n`);
    process.exitCode = 2;
    return;
  }
  if (o.bcDemos !== undefined && (!Number.isInteger(o.bcDemos) || o.bcDemos < 1)) {
    process.stderr.write(`bench: --bc-demos must be a positive integer, got '${o.bcDemos}'\n`);
    process.exitCode = 2;
    return;
  }
  let arms: Arm[] | undefined;
  let columns: Text2RewardColumn[] | undefined;
  try {
    arms = pickList('--arms', o.arms, DOPAMINE_ARMS);
    columns = pickList('--columns', o.columns, TEXT2REWARD_COLUMNS);
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const gamma = o.gamma === undefined ? undefined : Number(o.gamma);
  if (gamma !== undefined && !(o.gamma!.trim() !== '' && gamma > 0 && gamma <= 1)) {
    process.stderr.write(`bench: --gamma must be a number in (0, 1], got '${o.gamma}'\n`);
    process.exitCode = 2;
    return;
  }
  const steps = o.steps?.split(',').map((x) => Number(x.trim()));
  const badSteps = o.steps?.split(',').find((x) => !(Number.isInteger(Number(x.trim())) && Number(x.trim()) > 0));
  if (badSteps !== undefined) {
    process.stderr.write(`bench: --steps: each budget must be a positive integer, got '${badSteps}'\n`);
    process.exitCode = 2;
    return;
  }
  if (o.suite === 'derl' && o.tasks !== undefined && !(/^(textworld|robotics)\//.test(o.tasks) && listEnvs().includes(o.tasks))) {
    process.stderr.write(`bench: --tasks: the derl suite takes one text-world or robotics env id, got '${o.tasks}'\n`);
    process.exitCode = 2;
    return;
  }
  if (steps && steps.length > 1 && o.suite === 'text2reward') {
    process.stderr.write(`bench: --steps: text2reward takes one budget, got '${o.steps}'\n`);
    process.exitCode = 2;
    return;
  }
  const result: Record<string, unknown> = {
    machine: { node: process.version, cpus: (await import('node:os')).cpus().length, date: new Date().toISOString() },
  };
  if (o.suite === 'core' || o.suite === 'all') result.core = benchCore({ quick: o.quick, log: o.json ? undefined : console.log });
  if (o.suite === 'train' || o.suite === 'all') result.train = benchTrain({ quick: o.quick, seeds: o.seeds ?? 5, log: (m) => process.stderr.write(`${m}\n`) });
  if (o.suite === 'text2reward' || o.suite === 'all') {
    result.text2reward = await benchText2Reward({ quick: o.quick, seeds: o.seeds ?? 3, firstSeed: o.firstSeed, steps: steps?.[0], columns, tasks: o.tasks?.split(','), log: (m) => process.stderr.write(`${m}\n`) });
  }
  if (o.suite === 'textworld' || o.suite === 'all') result.textworld = benchTextworld({ quick: o.quick, log: (m) => process.stderr.write(`${m}\n`) });
  if (o.suite === 'webnav' || o.suite === 'all') result.webnav = benchWebnav({ quick: o.quick, log: (m) => process.stderr.write(`${m}\n`) });
  if (o.suite === 'robotics' || o.suite === 'all') result.robotics = benchRobotics({ quick: o.quick, log: (m) => process.stderr.write(`${m}\n`) });
  if (o.suite === 'gpu' || o.suite === 'all') result.gpu = await benchGpu({ quick: o.quick, mode: o.gpuMode, log: (m) => process.stderr.write(`${m}\n`) });
  if (o.suite === 'viewer' || o.suite === 'all') result.viewer = await benchViewer({ quick: o.quick, log: (m) => process.stderr.write(`${m}\n`) });
  if (o.suite === 'derl' || o.suite === 'all') result.derl = await benchDerl({ quick: o.quick, env: o.suite === 'derl' ? o.tasks : undefined, log: (m) => process.stderr.write(`${m}\n`) });
  if (o.suite === 'distributed' || o.suite === 'all') result.distributed = await benchDistributed({ quick: o.quick, log: (m) => process.stderr.write(`${m}\n`) });
  if (o.suite === 'vlm' || o.suite === 'all') result.vlm = await benchVlm({ quick: o.quick, log: (m) => process.stderr.write(`${m}\n`) });
  if (o.suite === 'dopamine' || o.suite === 'all') {
    // No dopamine flag: the comparison (bench/dopamine.ts DOPAMINE_RECORD).
    const record = !['tasks', 'steps', 'gamma', 'bcDemos', 'seeds', 'firstSeed', 'arms', 'accuracyOnly'].some((k) => program.getOptionValueSource(k) === 'cli');
    result.dopamine = benchDopamine({ record, quick: o.quick, seeds: o.seeds ?? 1, firstSeed: o.firstSeed, arms, budgets: steps, gamma, tasks: o.tasks?.split(','), accuracyOnly: o.accuracyOnly, bcDemos: o.bcDemos, oracle: process.env.REWARDFORGE_BENCH_ORACLE === '1', log: (m) => process.stderr.write(`${m}\n`) });
  }
  process.stdout.write(`${JSON.stringify(result, null, o.json ? 0 : 2)}\n`);
}

main();
