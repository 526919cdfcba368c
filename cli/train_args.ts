/**
 * Flags of `npm run train:env`, parsed with commander and validated with zod. Every error names the
 * flag, the value given and what is allowed.
 */
import { BACKENDS } from '../agents/backend.ts';
import { GPU_MODES } from '../sim/gpu/runtime.ts';
import { KERNEL_SPECS } from '../envs/classic/gpu_kernels.ts';
import { isLoopbackHost } from '../viewer/server.ts';
import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';
import { AGENT_NAMES } from '../agents/index.ts';
import { listEnvs } from '../envs/index.ts';
import { REWARD_SPEC_HELP, parseRewardSpec } from './reward_spec.ts';
import { RedisUrlError, parseRedisUrl } from '../sim/distributed/connection.ts';

/** What `npm run train:env` does with no flags. */
export const DEFAULT_ENV = 'robotics/Reach-v0';
export const DEFAULT_REWARD = 'text2reward:move the gripper to the goal point';

export class TrainArgsError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'TrainArgsError';
  }
}


export const TrainConfigSchema = z.object({
  env: z.string().describe('registered env id, e.g. classic/CartPole-v1'),
  agent: z.enum(AGENT_NAMES).describe('learner'),
  reward: z.string().describe("reward spec: 'env' (the env's own reward) or 'file:PATH' (reward-language code)"),
  steps: z.number().int().positive().optional().describe('total env steps (default: the agent preset for this env)'),
  seed: z.number().int().min(0).max(2 ** 31 - 1).describe('run seed'),
  numEnvs: z.number().int().positive().max(65536).optional().describe('parallel envs (default: the agent preset)'),
  out: z.string().optional().describe('run directory (default runs/<env>__<agent>__<seed>__<time>)'),
  resume: z.string().optional().describe('continue the run in this directory'),
  viewer: z.boolean().describe('stream to the live viewer'),
  viewerHost: z.string().min(1).describe('interface the viewer listens on (127.0.0.1; anything else needs --viewer-token)'),
  viewerPort: z.number().int().min(0).max(65535).describe('viewer port (0: any free port)'),
  viewerToken: z.string().min(8).optional().describe('viewer access token (required off loopback)'),
  video: z.boolean().describe('write evaluation episode videos'),
  evalEpisodes: z.number().int().min(1).max(10000).describe('final deterministic evaluation episodes'),
  checkpointEvery: z.number().int().positive().optional().describe('env steps between checkpoints (default: about 10 per run)'),
  set: z.record(z.string(), z.string()).describe('agent argument overrides (--set key=value)'),
  envArg: z.record(z.string(), z.string()).describe('env keyword arguments (--env-arg key=value), e.g. reward=sparse'),
  quiet: z.boolean().describe('no progress line'),
  backend: z.enum(BACKENDS).describe("rollout backend: js (batched JavaScript cores), gpu (fused gpu.js rollouts), auto (measure both, keep the faster)"),
  gpuMode: z.enum(GPU_MODES).describe('gpu.js mode for the gpu backend: auto (webgpu when an adapter answers, else webasm), webgpu, webasm, cpu'),
  workers: z.string().optional().describe('collect PPO rollouts on BullMQ workers through this Redis URL (npm run worker); local when absent'),
  rolloutShards: z.number().int().min(1).max(4096).optional().describe('rollout jobs per PPO iteration with --workers (the envs are split among them)'),
  baseline: z.array(z.string().min(1)).optional().describe('with --reward vlm: baseline prompts (default: the env scene sentence)'),
  alpha: z.number().min(0).max(1).optional().describe('with --reward vlm: VLM-RM α in [0, 1] (default 0.5)'),
  cameras: z.array(z.string().min(1)).optional().describe('with --reward vlm: cameras rendered each step; the rewards of the views are averaged'),
  demo: z.string().min(1).optional().describe('with --reward dopamine: a demo file for one-shot adaptation (npm run train:grm -- --record-demo)'),
  bcDemos: z.number().int().min(1).max(1000).optional().describe("start PPO's actor from a behaviour clone of this many scripted-expert episodes (robotics); the critic starts fresh"),
});
export type TrainConfig = z.infer<typeof TrainConfigSchema> & {
  /** Flags given on the command line (others are defaults), so --resume can refuse changes. */
  explicit?: string[];
  /** Testing aid: stop after the first checkpoint at or past this step. */
  stopAfter?: number;
};

function intArg(flag: string) {
  return (v: string): number => {
    if (!/^-?\d+$/.test(v.trim())) throw new TrainArgsError(`${flag} must be an integer, got '${v}'`);
    return Number(v);
  };
}

function collectSet(v: string, prev: Record<string, string>): Record<string, string> {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new TrainArgsError(`--set takes key=value (an agent argument), got '${v}'`);
  return { ...prev, [v.slice(0, eq)]: v.slice(eq + 1) };
}

function collectBaseline(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), v];
}

function alphaArg(v: string): number {
  const a = Number(v);
  if (v.trim() === '' || !Number.isFinite(a) || a < 0 || a > 1) throw new TrainArgsError(`--alpha must be a number in [0, 1], got '${v}'`);
  return a;
}

function camerasArg(v: string): string[] {
  const cams = v.split(',').map((c) => c.trim()).filter((c) => c.length > 0);
  if (cams.length === 0) throw new TrainArgsError(`--cameras takes a comma-separated list of camera names, e.g. front,side; got '${v}'`);
  return cams;
}

function collectEnvArg(v: string, prev: Record<string, string>): Record<string, string> {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new TrainArgsError(`--env-arg takes key=value (an env keyword argument), got '${v}'`);
  return { ...prev, [v.slice(0, eq)]: v.slice(eq + 1) };
}

/** Parse argv (without `node script`) into a validated config, or 'help' after printing help. */
export function parseTrainArgs(argv: string[]): TrainConfig | 'help' {
  const program = new Command('train:env')
    .description('Train an agent on a rewardforge env and write a run directory.')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: (s) => process.stdout.write(s) })
    .allowExcessArguments(false)
    .addOption(new Option('--env <id>', 'env id (see --list-envs)').default(DEFAULT_ENV))
    .addOption(new Option('--agent <name>', `learner: ${AGENT_NAMES.join(' | ')}`).default('ppo'))
    .addOption(new Option('--reward <spec>', `reward: ${REWARD_SPEC_HELP} (default: env; with no --env, the embedded default's generated reward)`).default('env'))
    .option('--steps <n>', 'total env steps', intArg('--steps'))
    .option('--seed <n>', 'run seed', intArg('--seed'), 1)
    .option('--num-envs <n>', 'parallel envs', intArg('--num-envs'))
    .option('--out <dir>', 'run directory')
    .option('--resume <dir>', 'continue the run in DIR from its last good checkpoint')
    .option('--viewer', 'stream to the live viewer (prints its URL)', false)
    .option('--viewer-host <host>', 'interface the viewer listens on (anything but loopback needs --viewer-token)', '127.0.0.1')
    .option('--viewer-port <n>', 'viewer port (0: any free port)', intArg('--viewer-port'), 0)
    .option('--viewer-token <secret>', 'viewer access token (at least 8 characters; required with a non-loopback --viewer-host)')
    .option('--video', 'write evaluation episode videos (ffmpeg mp4 when installed, GIF otherwise)', false)
    .option('--eval-episodes <n>', 'final evaluation episodes', intArg('--eval-episodes'), 20)
    .option('--checkpoint-every <n>', 'env steps between checkpoints', intArg('--checkpoint-every'))
    .option('--set <key=value>', 'agent argument override (repeatable)', collectSet, {})
    .option('--env-arg <key=value>', "env keyword argument (repeatable), e.g. --env-arg reward=sparse", collectEnvArg, {})
    .option('--quiet', 'no progress line', false)
    .addOption(new Option('--backend <name>', 'rollout backend: js | gpu | auto (gpu: classic-control envs with ppo and the env reward)').default('js'))
    .addOption(new Option('--gpu-mode <mode>', `gpu.js mode: ${GPU_MODES.join(' | ')}`).default('auto'))
    .option('--workers <url>', 'collect PPO rollouts on `npm run worker` processes through Redis: redis://HOST:PORT or rediss://… (README: Distributed)')
    .option('--rollout-shards <n>', 'with --workers: rollout jobs per iteration (the envs are split among them)', intArg('--rollout-shards'), 2)
    .option('--baseline <prompt>', 'with --reward vlm: a baseline prompt (repeatable; default: the env scene sentence)', collectBaseline)
    .option('--alpha <a>', 'with --reward vlm: VLM-RM α in [0, 1] (default 0.5)', alphaArg)
    .option('--cameras <list>', 'with --reward vlm: cameras to render each step, e.g. front,side (default: the first camera)', camerasArg)
    .option('--demo <file>', 'with --reward dopamine: the one-shot demo (default: one scripted-expert episode)')
    .option('--bc-demos <n>', "robotics, ppo: start the actor from a behaviour clone of N scripted-expert episodes (fine-tuning, as Robo-Dopamine does)", intArg('--bc-demos'))
    .option('--list-envs', 'print the registered env ids and exit')
    .addOption(new Option('--stop-after <n>', 'stop after the first checkpoint at or past this step (for testing resume)').argParser(intArg('--stop-after')).hideHelp());
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof TrainArgsError) throw e;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 'help';
      throw new TrainArgsError(e.message.replace(/^error: /, ''));
    }
    throw e;
  }
  const o = program.opts();
  if (o.listEnvs) {
    process.stdout.write(`${listEnvs().join('\n')}\n`);
    return 'help';
  }
  const raw = { ...o };
  delete raw.listEnvs;
  const stopAfter = raw.stopAfter as number | undefined;
  delete raw.stopAfter;
  const explicit = Object.keys(o).filter((k) => program.getOptionValueSource(k) === 'cli');
  const parsed = TrainConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0]);
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    const given = (raw as Record<string, unknown>)[key];
    const allowed = key === 'agent' ? ` (allowed: ${AGENT_NAMES.join(', ')})` : '';
    throw new TrainArgsError(`${flag}: ${issue.message}; got '${String(given)}'${allowed}`);
  }
  const cfg: TrainConfig = { ...parsed.data, explicit, stopAfter };
  // The embedded default: with neither --env nor --reward, train on a robotics task with a reward
  // generated from its goal sentence (Text2Reward; the built-in generator unless an endpoint is set).
  if (!explicit.includes('env') && !explicit.includes('reward')) cfg.reward = DEFAULT_REWARD;
  const envs = listEnvs();
  if (!cfg.resume && !envs.includes(cfg.env)) {
    // Accept unversioned / family-less ids that resolve uniquely; the registry's error lists close ids.
    throw new TrainArgsError(`--env: unknown env id '${cfg.env}'. Registered ids: ${envs.join(', ')}`);
  }
  const rewardSpec = parseRewardSpec(cfg.reward);
  if (rewardSpec.kind !== 'vlm') {
    for (const [key, flag] of [['baseline', '--baseline'], ['alpha', '--alpha'], ['cameras', '--cameras']] as const) {
      if (cfg[key] !== undefined) throw new TrainArgsError(`${flag}: only applies to --reward vlm:"…"; got --reward ${cfg.reward}`);
    }
  }
  if (rewardSpec.kind !== 'dopamine' && cfg.demo !== undefined) throw new TrainArgsError(`--demo: only applies to --reward dopamine; got --reward ${cfg.reward}`);
  if (rewardSpec.kind === 'dopamine') {
    if (!cfg.env.startsWith('robotics/')) throw new TrainArgsError(`--reward dopamine: the progress model is trained on robotics renders; got --env ${cfg.env}`);
    if (cfg.workers !== undefined) throw new TrainArgsError('--workers: the dopamine potential renders each state where the env runs; run it locally (drop --workers)');
  }
  if (cfg.bcDemos !== undefined && !cfg.resume) {
    if (!cfg.env.startsWith('robotics/')) throw new TrainArgsError(`--bc-demos: behaviour cloning uses the robotics tasks' scripted experts; got --env ${cfg.env}`);
    if (cfg.agent !== 'ppo') throw new TrainArgsError(`--bc-demos: clones PPO's Gaussian actor; got --agent ${cfg.agent}`);
    if (cfg.backend !== 'js') throw new TrainArgsError(`--bc-demos: runs on the js backend; got --backend ${cfg.backend}`);
  }
  if (rewardSpec.kind === 'vlm' && cfg.workers !== undefined) throw new TrainArgsError('--workers: a vlm reward is computed where the env renders; run it locally (drop --workers)');
  if (cfg.backend === 'gpu' && !cfg.resume) {
    if (!KERNEL_SPECS.has(cfg.env)) {
      throw new TrainArgsError(`--backend ${cfg.backend}: the gpu backend has kernels for ${[...KERNEL_SPECS.keys()].join(', ')}; got --env ${cfg.env} (use --backend js)`);
    }
    if (cfg.agent !== 'ppo') throw new TrainArgsError(`--backend ${cfg.backend}: fused gpu rollouts serve the ppo agent; got --agent ${cfg.agent} (use --backend js)`);
    if (cfg.reward !== 'env') throw new TrainArgsError(`--backend ${cfg.backend}: the gpu kernels compute the env's own reward; got --reward ${cfg.reward} (use --backend js)`);
  }
  if (cfg.workers !== undefined && !cfg.resume) {
    try {
      parseRedisUrl(cfg.workers, '--workers');
    } catch (e) {
      if (e instanceof RedisUrlError) throw new TrainArgsError(e.message);
      throw e;
    }
    if (cfg.agent !== 'ppo') throw new TrainArgsError(`--workers: distributed rollouts serve the ppo agent; got --agent ${cfg.agent} (run dqn locally, or many dqn runs with npm run sweep -- --workers)`);
    if (cfg.backend !== 'js') throw new TrainArgsError(`--workers: rollouts run on the workers' js cores; got --backend ${cfg.backend} (drop --backend or use --backend js)`);
  }
  if (cfg.viewer && !isLoopbackHost(cfg.viewerHost) && !cfg.viewerToken) {
    throw new TrainArgsError(`--viewer-host ${cfg.viewerHost}: exposing the viewer beyond this machine needs --viewer-token`);
  }
  return cfg;
}
