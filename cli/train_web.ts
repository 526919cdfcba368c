/**
 * `npm run train:web` — train the web agent (agents/web: candidate-set PPO over (action, element) pairs)
 * on web-navigation tasks and write a run directory:
 *
 *   DIR/config.json        the resolved configuration
 *   DIR/metrics.jsonl      CleanRL-tagged scalars (charts/success_rate, losses/…, charts/SPS)
 *   DIR/checkpoints/       the trained weights (safetensors, atomic, checksummed)
 *   DIR/summary.json       greedy evaluation per task on held-out seeds, wall seconds, reward
 *
 * One multi-task agent: training env i runs task i mod #tasks. `train:env` trains the vector-observation
 * agents (PPO, DQN); web observations are structured (accessibility tree + element records), hence this
 * entry point.
 *
 *   npm run train:web -- --tasks click-button,enter-text,login-user --steps 20000 --seed 1 --out runs/web
 */
import fs from 'node:fs';
import path from 'node:path';
import { runIfMain } from './main_guard.ts';
import { Command, Option } from 'commander';
import { evaluateWebAgent, trainWebAgent, WebAgentArgs, type WebEnv } from '../agents/web/web_agent.ts';
import { TASK_NAMES } from '../envs/webnav/tasks/index.ts';
import { REWARD_MODES, WebNavEnv } from '../envs/webnav/web_env.ts';
import { writeFileAtomic } from '../sim/io/atomic.ts';
import { saveCheckpoint } from '../sim/io/checkpoint.ts';
import { MetricsWriter } from '../sim/io/metrics.ts';
import type { TensorMap } from '../sim/io/safetensors.ts';

export class TrainWebError extends Error {}

interface Opts {
  tasks: string;
  steps: number;
  seed: number;
  numEnvs?: number;
  evalEpisodes: number;
  reward: (typeof REWARD_MODES)[number];
  out?: string;
  set: Record<string, string>;
}

function positiveInt(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new TrainWebError(`${flag} must be a positive integer, got '${v}'`);
    return n;
  };
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('train:web')
    .description('Train the web agent on web-navigation tasks and write a run directory.')
    .option('--tasks <names>', `comma-separated task names or 'all' (${TASK_NAMES.join(', ')})`, 'all')
    .option('--steps <n>', 'total env steps', positiveInt('--steps'), 40_000)
    .option('--seed <n>', 'seed', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new TrainWebError(`--seed must be a non-negative integer, got '${v}'`);
      return n;
    }, 1)
    .option('--num-envs <n>', 'parallel envs (default 2 × #tasks)', positiveInt('--num-envs'))
    .option('--eval-episodes <n>', 'greedy evaluation episodes per task', positiveInt('--eval-episodes'), 50)
    .addOption(new Option('--reward <mode>', 'env reward').choices(REWARD_MODES).default('miniwob'))
    .option('--out <dir>', 'run directory (default runs/webnav__<time>)')
    .option('--set <key=value>', 'agent argument override (repeatable)', (v: string, acc: Record<string, string>) => {
      const eq = v.indexOf('=');
      if (eq <= 0) throw new TrainWebError(`--set takes key=value, got '${v}'`);
      return { ...acc, [v.slice(0, eq)]: v.slice(eq + 1) };
    }, {})
    .exitOverride();
  let o: Opts;
  try {
    program.parse(argv, { from: 'user' });
    o = program.opts<Opts>();
  } catch (e) {
    if (e instanceof TrainWebError) {
      process.stderr.write(`train:web: ${e.message}\n`);
      return 2;
    }
    const code = (e as { exitCode?: number }).exitCode;
    return code === 0 ? 0 : 2;
  }
  const tasks = o.tasks === 'all' ? [...TASK_NAMES] : o.tasks.split(',').map((t) => t.trim());
  const unknown = tasks.filter((t) => !TASK_NAMES.includes(t));
  if (unknown.length > 0 || tasks.length === 0) {
    process.stderr.write(`train:web: --tasks: unknown task(s) ${unknown.map((t) => `'${t}'`).join(', ') || "''"} (known: ${TASK_NAMES.join(', ')})\n`);
    return 2;
  }
  const overrides: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o.set)) overrides[k] = v === 'true' ? true : v === 'false' ? false : Number.isNaN(Number(v)) ? v : Number(v);
  const parsed = WebAgentArgs.safeParse({ totalTimesteps: o.steps, seed: o.seed, numEnvs: o.numEnvs ?? 2 * tasks.length, ...overrides });
  if (!parsed.success) {
    process.stderr.write(`train:web: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`).join('; ')}\n`);
    return 2;
  }
  const args = parsed.data;
  const dir = path.resolve(o.out ?? path.join('runs', `webnav__${new Date().toISOString().replace(/[:.]/g, '-')}`));
  if (fs.existsSync(path.join(dir, 'summary.json'))) {
    process.stderr.write(`train:web: --out ${dir} already holds a finished run (summary.json); choose another directory\n`);
    return 2;
  }
  fs.mkdirSync(dir, { recursive: true });
  const config = { tasks, reward: o.reward, evalEpisodes: o.evalEpisodes, agent: 'web-ppo (agents/web/web_agent.ts)', args, node: process.version };
  writeFileAtomic(path.join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  writeFileAtomic(path.join(dir, 'metrics.jsonl'), '');
  const metrics = new MetricsWriter(path.join(dir, 'metrics.jsonl'));
  const makeEnv = (task: string) => (): WebEnv => new WebNavEnv({ task, reward: o.reward }) as unknown as WebEnv;
  process.stdout.write(`train:web: ${tasks.length} task(s), ${args.totalTimesteps} steps, seed ${args.seed} → ${dir}\n`);
  const started = performance.now();
  let lastPrint = 0;
  const res = trainWebAgent(args, {
    makeEnv: (i) => makeEnv(tasks[i % tasks.length])(),
    log: (step, scalars) => {
      for (const [tag, v] of Object.entries(scalars)) if (Number.isFinite(v)) metrics.addScalar(tag, v, step);
      const sps = scalars['charts/SPS'];
      if (sps !== undefined && step - lastPrint >= 5000) {
        lastPrint = step;
        process.stdout.write(`  step ${step}: recent success ${(scalars['charts/recent_success_rate'] * 100).toFixed(0)} %, ${sps.toFixed(0)} steps/s\n`);
      }
    },
  });
  metrics.close();
  const tensors: TensorMap = {};
  for (const t of res.agent.params()) tensors[t.name!] = { dtype: 'F32', shape: [...t.shape], data: t.data.slice() };
  saveCheckpoint(dir, res.globalStep, tensors, { agent: 'web-ppo', args: JSON.stringify(args) });
  const perTask: Record<string, { episodes: number; successRate: number; meanLength: number }> = {};
  for (const task of tasks) {
    const ev = evaluateWebAgent(res.agent, { makeEnv: makeEnv(task), episodes: o.evalEpisodes, seed: args.seed + 1_000_003, numEnvs: Math.min(10, o.evalEpisodes), greedy: true });
    perTask[task] = { episodes: ev.episodes, successRate: ev.successRate, meanLength: ev.meanLength };
    process.stdout.write(`  eval ${task}: ${(ev.successRate * 100).toFixed(0)} % over ${ev.episodes} episodes\n`);
  }
  const rates = Object.values(perTask).map((p) => p.successRate);
  const summary = {
    tasks,
    globalStep: res.globalStep,
    trainSeconds: res.seconds,
    wallSeconds: (performance.now() - started) / 1000,
    evaluation: { greedy: true, episodesPerTask: o.evalEpisodes, seeds: `deriveSeed(${args.seed + 1_000_003}, 'eval', j)` },
    successPerTask: perTask,
    meanSuccess: rates.reduce((s, x) => s + x, 0) / rates.length,
    tasksAtLeast80: rates.filter((r) => r >= 0.8).length,
    reward: { generator: 'env', mode: o.reward },
  };
  writeFileAtomic(path.join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(`train:web: mean success ${(summary.meanSuccess * 100).toFixed(1)} %, ${summary.tasksAtLeast80}/${tasks.length} tasks ≥ 80 %; summary in ${path.join(dir, 'summary.json')}\n`);
  return 0;
}

runIfMain(import.meta.url, 'train:web', main);
