/**
 * `npm run bench -- --suite <core|train|all> [--json] [--quick]` — benchmarks as code. Prints one JSON
 * object with --json (else a readable summary). Figures come from one run on this machine; ratios are
 * measured inside the same run.
 */
import { Command, Option } from 'commander';
import { benchCore } from './core.ts';
import { benchTrain } from './train.ts';

const SUITES = ['core', 'train', 'all'] as const;

async function main(): Promise<void> {
  const program = new Command('bench')
    .addOption(new Option('--suite <name>', 'which suite').choices(SUITES).default('core'))
    .option('--json', 'print one JSON object', false)
    .option('--quick', 'smaller budgets (smoke check, figures not comparable)', false)
    .option('--seeds <n>', 'seeds for time-to-solve', (v) => Number(v), 5);
  program.parse(process.argv.slice(2), { from: 'user' });
  const o = program.opts<{ suite: (typeof SUITES)[number]; json: boolean; quick: boolean; seeds: number }>();
  if (!Number.isInteger(o.seeds) || o.seeds < 1) {
    process.stderr.write(`bench: --seeds must be a positive integer, got '${o.seeds}'\n`);
    process.exitCode = 2;
    return;
  }
  const result: Record<string, unknown> = {
    machine: { node: process.version, cpus: (await import('node:os')).cpus().length, date: new Date().toISOString() },
  };
  if (o.suite === 'core' || o.suite === 'all') result.core = benchCore({ quick: o.quick, log: o.json ? undefined : console.log });
  if (o.suite === 'train' || o.suite === 'all') result.train = benchTrain({ quick: o.quick, seeds: o.seeds, log: (m) => process.stderr.write(`${m}\n`) });
  process.stdout.write(`${JSON.stringify(result, null, o.json ? 0 : 2)}\n`);
}

main();
