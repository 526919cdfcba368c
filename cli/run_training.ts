/**
 * One training run: resolve the configuration (or load it back with --resume), build the envs and the
 * learner, stream metrics, write checkpoints, evaluate, and write the summary.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { AGENTS, type AgentDef } from '../agents/index.ts';
import type { AgentCheckpoint, CheckpointTensors, GreedyPolicy, ProgressStats, TrainContext } from '../agents/context.ts';
import { evaluatePolicy } from '../agents/evaluate.ts';
import { defaultRegistry } from '../envs/index.ts';
import { writeFileAtomic } from '../sim/io/atomic.ts';
import { loadLatestCheckpoint, saveCheckpoint } from '../sim/io/checkpoint.ts';
import { MetricsWriter, truncateMetricsAfter } from '../sim/io/metrics.ts';
import type { Tensor, TensorMap } from '../sim/io/safetensors.ts';
import { TfEventsWriter } from '../sim/io/tfevents.ts';
import { deriveSeed } from '../sim/rng.ts';
import { Box } from '../sim/spaces/box.ts';
import { Discrete } from '../sim/spaces/discrete.ts';
import { type BackendChoice, chooseBackend } from '../agents/backend.ts';
import { FusedRollout } from '../sim/gpu/fused_rollout.ts';
import { type GpuRuntime, openGpu } from '../sim/gpu/runtime.ts';
import { KERNEL_SPECS } from '../envs/classic/gpu_kernels.ts';
import { type RemoteRun, ViewerHost } from '../viewer/host.ts';
import { EpisodeRecorder } from '../viewer/recorder.ts';
import { ViewerVectorEnv, sceneLayout } from '../viewer/tap.ts';
import { type TrainConfig, TrainArgsError } from './train_args.ts';
import { recordVideo } from './video.ts';
import { JobClient } from '../sim/distributed/job_client.ts';
import { RedisUrlError, stripRedisPassword } from '../sim/distributed/connection.ts';
import { RemoteRollout } from './distributed_rollout.ts';
import { DEFAULT_DEMO_SEED, expertDemonstrations, type LoadedDopamine, loadDopamineReward } from './dopamine.ts';
import { behaviourClone, defaultBcEpochs, type PretrainedActor } from '../agents/bc.ts';
import { type LoadedCodeReward, type LoadedVlmReward, generateReward, loadCodeReward, loadVlmReward, parseRewardSpec, readRewardFile } from './reward_spec.ts';

export class StopRequested extends Error {}

const CONFIG_FILE = 'config.json';

export interface RunResult {
  readonly dir: string;
  readonly summary: Record<string, unknown>;
}

function parseSetValue(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** Agent arguments = schema defaults ← per-env preset ← flags (--steps, --num-envs, --seed) ← --set. */
export function resolveAgentArgs(agent: AgentDef, cfg: TrainConfig, envId: string): Record<string, unknown> {
  const shape = agent.schema.shape as Record<string, unknown>;
  for (const key of Object.keys(cfg.set)) {
    if (!(key in shape)) {
      throw new TrainArgsError(`--set ${key}: not an argument of ${agent.name}; allowed: ${Object.keys(shape).join(', ')}`);
    }
  }
  const raw: Record<string, unknown> = { ...(agent.presets[envId] ?? {}) };
  if (cfg.steps !== undefined) raw.totalTimesteps = cfg.steps;
  if (cfg.numEnvs !== undefined) raw.numEnvs = cfg.numEnvs;
  raw.seed = cfg.seed;
  for (const [k, v] of Object.entries(cfg.set)) raw[k] = parseSetValue(v);
  const parsed = agent.schema.strict().safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0]);
    const origin = key in cfg.set ? `--set ${key}` : key === 'totalTimesteps' ? '--steps' : key === 'numEnvs' ? '--num-envs' : `${agent.name} argument ${key}`;
    throw new TrainArgsError(`${origin}: ${issue.message}; got ${JSON.stringify(raw[key])}`);
  }
  return parsed.data as Record<string, unknown>;
}

function toSafetensors(tensors: CheckpointTensors): TensorMap {
  const out: TensorMap = {};
  for (const [name, data] of Object.entries(tensors)) {
    const dtype = data instanceof Float32Array ? 'F32' : data instanceof Float64Array ? 'F64' : data instanceof Int32Array ? 'I32' : 'U8';
    out[name] = { dtype, shape: [data.length], data: data.slice() } as Tensor;
  }
  return out;
}

function fromSafetensors(tensors: TensorMap): CheckpointTensors {
  const out: CheckpointTensors = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (t.data instanceof BigInt64Array) throw new Error(`checkpoint tensor '${name}' has dtype I64, which no agent writes`);
    out[name] = t.data;
  }
  return out;
}

function ffmpegAvailable(): boolean {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function totalStepsOf(args: Record<string, unknown>): number {
  return args.totalTimesteps as number;
}

function describeReward(r: Record<string, unknown>): string {
  if (r.kind === 'env') return "'env' (the env's own reward)";
  if (r.kind === 'file') return `from ${String(r.source)}`;
  if (r.kind === 'dopamine') return `the gold reward (${String(r.gold)}) + Dopamine shaping γΦ(s') − Φ(s), Φ from the ${String(r.generator)} on ${String(r.demo)}`;
  if (r.kind === 'vlm') return `VLM-RM from rendered frames (${String(r.generator)}; goal ${JSON.stringify(r.goals)}, baseline ${JSON.stringify(r.baselines)}, α ${String(r.alpha)}, cameras ${String(r.cameras)})`;
  return `generated from "${String(r.goal)}" by ${r.generator === 'builtin' ? 'the built-in rule-based generator' : `model ${String(r.generator)}`} (code in reward/reward.js)`;
}

export async function runTraining(cfgIn: TrainConfig & { explicit?: string[]; stopAfter?: number }): Promise<RunResult> {
  // ---------------------------------------------------------------- CONFIG
  let cfg = cfgIn;
  let dir: string;
  let agentArgs: Record<string, unknown>;
  let envId: string;
  const resuming = cfgIn.resume !== undefined;
  if (resuming) {
    dir = path.resolve(cfgIn.resume!);
    const cfgPath = path.join(dir, CONFIG_FILE);
    if (!fs.existsSync(cfgPath)) throw new TrainArgsError(`--resume: '${cfgIn.resume}' holds no ${CONFIG_FILE}; is it a run directory?`);
    const saved = JSON.parse(fs.readFileSync(cfgPath, 'utf8')) as { train: TrainConfig; agentArgs: Record<string, unknown>; env: string };
    const allowed = new Set(['resume', 'quiet', 'video', 'evalEpisodes', 'stopAfter']);
    for (const key of cfgIn.explicit ?? []) {
      if (!allowed.has(key)) throw new TrainArgsError(`--resume continues the saved configuration; --${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} cannot change it (allowed with --resume: --quiet, --video, --eval-episodes)`);
    }
    // Saved settings hold unless the resume command sets one of the allowed flags explicitly.
    const given = new Set(cfgIn.explicit ?? []);
    cfg = {
      ...saved.train,
      resume: cfgIn.resume,
      quiet: given.has('quiet') ? cfgIn.quiet : saved.train.quiet,
      video: given.has('video') ? cfgIn.video : saved.train.video,
      evalEpisodes: given.has('evalEpisodes') ? cfgIn.evalEpisodes : saved.train.evalEpisodes,
    };
    agentArgs = saved.agentArgs;
    envId = saved.env;
  } else {
    envId = defaultRegistry.resolve(cfg.env).id;
    const agent = AGENTS[cfg.agent];
    agentArgs = resolveAgentArgs(agent, cfg, envId);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    dir = path.resolve(cfg.out ?? path.join('runs', `${envId.replace('/', '_')}__${cfg.agent}__${cfg.seed}__${stamp}`));
    if (fs.existsSync(path.join(dir, CONFIG_FILE))) {
      throw new TrainArgsError(`--out: '${dir}' already holds a run; pass --resume ${dir} to continue it, or choose another --out`);
    }
  }
  const agent = AGENTS[cfg.agent];
  const envKwargs: Record<string, unknown> = Object.fromEntries(Object.entries(cfg.envArg ?? {}).map(([k, v]) => [k, parseSetValue(v)]));

  // The action space decides whether the agent applies (and a bad env argument fails here, before any file).
  let probe;
  try {
    probe = defaultRegistry.make(envId, { kwargs: envKwargs });
  } catch (e) {
    throw new TrainArgsError(`--env-arg: ${envId} rejected its arguments: ${(e as Error).message}`);
  }
  const space = probe.actionSpace;
  let probeState: unknown;
  if (envId.startsWith('robotics/')) {
    probe.reset({ seed: cfg.seed });
    probeState = probe.state();
  }
  probe.close();
  const kind = space instanceof Discrete ? 'discrete' : space instanceof Box ? 'continuous' : 'other';
  if (!agent.actions.includes(kind as 'discrete')) {
    throw new TrainArgsError(`--agent ${agent.name} does not support ${envId}'s action space ${space.toString()}; use --agent ppo`);
  }

  // ---------------------------------------------------------------- REWARD
  const spec = parseRewardSpec(cfg.reward);
  const rewardCodePath = path.join(dir, 'reward', 'reward.js');
  let codeReward: LoadedCodeReward | undefined;
  let vlmReward: LoadedVlmReward | undefined;
  let dopamine: LoadedDopamine | undefined;
  // The env's own reward, with the env arguments that choose it (e.g. robotics reward=expert|sparse).
  let rewardInfo: Record<string, unknown> = { kind: 'env', generator: 'env', envArgs: envKwargs };
  let generatedTranscript: unknown;
  if (spec.kind === 'file') {
    // On resume the copy in the run directory is the reward that was trained with.
    const code = resuming ? readRewardFile(rewardCodePath) : readRewardFile(spec.path);
    codeReward = loadCodeReward(code, envId, `file:${spec.path}`, cfg.seed);
    rewardInfo = { kind: 'file', generator: 'file', source: spec.path, sha256: codeReward.sha256, terms: codeReward.preflight.termNames };
  } else if (spec.kind === 'text2reward') {
    let generator: string;
    let transcript: unknown;
    let code: string;
    if (resuming) {
      code = readRewardFile(rewardCodePath);
      generator = (JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { reward: { generator: string } }).reward.generator;
    } else {
      const g = await generateReward(spec.goal, envId, cfg.seed);
      ({ code, generator, transcript } = g);
    }
    codeReward = loadCodeReward(code, envId, `text2reward:${generator}`, cfg.seed);
    rewardInfo = { kind: 'text2reward', generator, goal: spec.goal, sha256: codeReward.sha256, terms: codeReward.preflight.termNames };
    if (!resuming) generatedTranscript = transcript;
  } else if (spec.kind === 'vlm') {
    vlmReward = loadVlmReward(spec.goals, envId, { baselines: cfg.baseline, alpha: cfg.alpha, cameras: cfg.cameras });
    rewardInfo = vlmReward.info;
  } else if (spec.kind === 'dopamine') {
    // The gold reward is the env's (robotics: `--env-arg reward=sparse` for Dopamine-RL); shaping is added.
    try {
      dopamine = loadDopamineReward(envId, agentArgs.gamma as number, { demoPath: cfg.demo });
    } catch (e) {
      throw new TrainArgsError(`--reward dopamine: ${(e as Error).message}`);
    }
    rewardInfo = { ...dopamine.info, gold: envKwargs.reward ?? 'env default' };
  }

  // --bc-demos: PPO's actor starts from a behaviour clone of the task's scripted expert (a resumed run
  // continues from its checkpoint instead).
  let initActor: PretrainedActor | undefined;
  let behaviourCloning: Record<string, unknown> | undefined;
  if (cfg.bcDemos !== undefined && !resuming) {
    const seeds = Array.from({ length: cfg.bcDemos }, (_, i) => DEFAULT_DEMO_SEED + i);
    const { demos, successes } = expertDemonstrations(envId, seeds);
    initActor = behaviourClone(demos, { hidden: agentArgs.hidden as number[], normalizeObs: agentArgs.normalizeObs as boolean, clipObs: agentArgs.clipObs as number, seed: cfg.seed, epochs: defaultBcEpochs(demos.count) });
    behaviourCloning = { expert: 'scripted', episodes: cfg.bcDemos, seeds: `${seeds[0]}…${seeds.at(-1)}`, expertSuccesses: successes, samples: demos.count, finalLoss: initActor.finalLoss, logStd: initActor.logStd };
  }

  fs.mkdirSync(dir, { recursive: true });
  if (codeReward && !resuming) {
    fs.mkdirSync(path.dirname(rewardCodePath), { recursive: true });
    writeFileAtomic(rewardCodePath, codeReward.code);
    writeFileAtomic(path.join(dir, 'reward', 'preflight.json'), `${JSON.stringify(codeReward.preflight, null, 2)}\n`);
    if (generatedTranscript !== undefined) {
      writeFileAtomic(path.join(dir, 'reward', 'generation.json'), `${JSON.stringify({ ...rewardInfo, transcript: generatedTranscript }, null, 2)}\n`);
    }
  }
  const configJson = {
    env: envId,
    agent: cfg.agent,
    reward: rewardInfo,
    seed: cfg.seed,
    train: { ...cfg, explicit: undefined, stopAfter: undefined, workers: cfg.workers && stripRedisPassword(cfg.workers) },
    agentArgs,
    ...(behaviourCloning ? { behaviourCloning } : {}),
    versions: { node: process.version, rewardforge: '0.1.0' },
    createdAt: new Date().toISOString(),
  };
  if (!resuming) writeFileAtomic(path.join(dir, CONFIG_FILE), `${JSON.stringify(configJson, null, 2)}\n`);

  process.stderr.write(
    `train:env: ${resuming ? 'resuming' : 'training'} ${cfg.agent} on ${envId} for ${totalStepsOf(agentArgs)} steps with reward ${describeReward(rewardInfo)}` +
      `${Object.keys(envKwargs).length ? ` (env args ${JSON.stringify(envKwargs)})` : ''}${behaviourCloning ? `, the actor cloned from ${cfg.bcDemos} scripted-expert episode(s)` : ''} → ${dir}\n`,
  );

  // ---------------------------------------------------------------- RESUME STATE
  let resumeFrom: AgentCheckpoint | undefined;
  let wallBefore = 0;
  const metricsPath = path.join(dir, 'metrics.jsonl');
  if (resuming) {
    const skipped: string[] = [];
    const loaded = loadLatestCheckpoint(dir, { onSkip: (s) => skipped.push(`${s.file}: ${s.reason}`) });
    for (const s of skipped) process.stderr.write(`train:env: skipped checkpoint ${s}\n`);
    if (loaded) {
      resumeFrom = { step: loaded.step, tensors: fromSafetensors(loaded.tensors), state: JSON.parse(loaded.metadata.agent_state ?? '{}') };
      wallBefore = Number(loaded.metadata.wall_seconds ?? 0);
      if (fs.existsSync(metricsPath)) truncateMetricsAfter(metricsPath, loaded.step);
      process.stderr.write(`train:env: resuming ${dir} from step ${loaded.step}\n`);
    } else {
      // Start over: the metrics of the lost attempt go (TensorBoard is told to purge from step 0).
      writeFileAtomic(metricsPath, '');
      process.stderr.write(`train:env: ${dir} has no usable checkpoint; starting the run over\n`);
    }
  }

  // ---------------------------------------------------------------- WRITERS
  const metrics = new MetricsWriter(metricsPath);
  const tb = new TfEventsWriter(dir, resumeFrom ? { purgeStep: resumeFrom.step + 1 } : resuming ? { purgeStep: 0 } : {});
  const totalSteps = agentArgs.totalTimesteps as number;
  const ckptEvery = cfg.checkpointEvery ?? Math.max(1, Math.ceil(totalSteps / 10));
  let lastCkpt = resumeFrom?.step ?? 0;
  const started = performance.now();
  const bar = cfg.quiet
    ? undefined
    : new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: '{bar} {percentage}% | {value}/{total} steps | SPS {sps} | return {ret} | success {succ} | ETA {eta_formatted}',
          noTTYOutput: true,
          notTTYSchedule: 5000,
          etaBuffer: 50,
          hideCursor: false,
        },
        cliProgress.Presets.shades_classic,
      );
  bar?.start(totalSteps, resumeFrom?.step ?? 0, { sps: '-', ret: '-', succ: '-' });

  // ---------------------------------------------------------------- BACKEND
  const backend = cfg.workers !== undefined
    ? await remoteBackend(cfg, envId, envKwargs, codeReward)
    : await resolveBackend(cfg, envId, agentArgs, envKwargs, codeReward !== undefined || vlmReward !== undefined || dopamine !== undefined);
  process.stderr.write(`train:env: backend ${backend.remote ? `workers (rollouts on BullMQ workers via ${backend.remote.client.spec.display}, ${cfg.rolloutShards} shards per iteration)` : describeBackend(backend.choice)}\n`);

  // ---------------------------------------------------------------- VIEWER
  let viewer: ViewerHost | undefined;
  let viewerRun: RemoteRun | undefined;
  const family = envId.split('/')[0];
  if (cfg.viewer) {
    try {
      viewer = await ViewerHost.start({ host: cfg.viewerHost, port: cfg.viewerPort, token: cfg.viewerToken });
    } catch (e) {
      throw new TrainArgsError(`--viewer: ${(e as Error).message}`);
    }
    viewerRun = viewer.openRun({ runId: path.basename(dir), env: envId, family, agent: cfg.agent, numEnvs: agentArgs.numEnvs as number, scene: probeState ? sceneLayout(probeState) : undefined });
    process.stderr.write(`train:env: viewer at ${viewer.url}\n`);
  }

  const ctx: TrainContext = {
    fusedRollout: backend.make,
    makeEnv: (numEnvs, autoresetMode) => {
      const env = vlmReward
        ? vlmReward.makeVec(numEnvs, { autoresetMode, kwargs: envKwargs })
        : defaultRegistry.makeVec(envId, numEnvs, { autoresetMode, reward: codeReward?.reward ?? dopamine?.reward, rewardMode: dopamine ? 'add' : undefined, kwargs: envKwargs });
      return viewerRun ? new ViewerVectorEnv(env, family, viewerRun) : env;
    },
    log: (step, scalars) => {
      viewerRun?.metrics(step, scalars);
      const wall = Date.now() / 1000;
      for (const [tag, value] of Object.entries(scalars)) {
        metrics.addScalar(tag, value, step, wall);
        tb.addScalar(tag, value, step, wall);
      }
    },
    checkpointDue: (step) => step - lastCkpt >= ckptEvery,
    saveCheckpoint: (ckpt) => {
      // Metrics first (fsync), then the checkpoint: a resumed run never lacks a logged step it replays.
      metrics.flush();
      tb.flush();
      const wall = wallBefore + (performance.now() - started) / 1000;
      saveCheckpoint(dir, ckpt.step, toSafetensors(ckpt.tensors), { agent_state: JSON.stringify(ckpt.state), wall_seconds: String(wall) });
      lastCkpt = ckpt.step;
      if (cfgIn.stopAfter !== undefined && ckpt.step >= cfgIn.stopAfter) throw new StopRequested(`stopped after the checkpoint at step ${ckpt.step} (--stop-after)`);
    },
    resumeFrom,
    initActor,
    progress: (s: ProgressStats) => {
      bar?.update(Math.min(s.globalStep, totalSteps), {
        sps: s.sps,
        ret: Number.isFinite(s.meanReturn) ? s.meanReturn.toFixed(1) : '-',
        succ: Number.isFinite(s.successRate) ? s.successRate.toFixed(2) : '-',
      });
    },
  };

  let policy: GreedyPolicy;
  try {
    policy = await agent.train(agentArgs as never, ctx);
  } catch (e) {
    await backend.runtime?.destroy();
    await backend.remote?.client.close();
    viewerRun?.close();
    await viewer?.close();
    bar?.stop();
    metrics.close();
    tb.close();
    if (e instanceof StopRequested) {
      process.stderr.write(`train:env: ${e.message}\n`);
      return { dir, summary: {} };
    }
    throw e;
  }
  await backend.runtime?.destroy();
  await backend.remote?.client.close();
  viewerRun?.close();
  await viewer?.close();
  bar?.stop();
  vlmReward?.reward.embedder.close();
  const trainSeconds = wallBefore + (performance.now() - started) / 1000;

  // ---------------------------------------------------------------- EVALUATION
  const evalEnvs = Math.min(cfg.evalEpisodes, 100);
  const evalEnv = defaultRegistry.makeVec(envId, evalEnvs, { kwargs: envKwargs });
  // The first evaluation episode of env 0 is recorded for `npm run viewer -- --run DIR`.
  const recorder = new EpisodeRecorder({ family, env: envId, scene: probeState ? sceneLayout(probeState) : undefined });
  const ev = evaluatePolicy(new ViewerVectorEnv(evalEnv, family, recorder, 0), policy, cfg.evalEpisodes, deriveSeed(cfg.seed, 'eval'));
  evalEnv.close();
  recorder.save(path.join(dir, 'episodes', 'eval-0.jsonl'));
  metrics.addScalar('eval/mean_return', ev.meanReturn, totalSteps);
  metrics.addScalar('eval/success_rate', ev.successRate, totalSteps);
  metrics.close();
  tb.close();

  let videos: string[] = [];
  if (cfg.video) {
    videos = recordVideo(defaultRegistry, envId, envKwargs, policy, path.join(dir, 'videos'), { seed: deriveSeed(cfg.seed, 'video'), episodes: 1, ffmpeg: ffmpegAvailable() });
  }

  const summary = {
    env: envId,
    agent: cfg.agent,
    reward: codeReward
      ? { ...rewardInfo, guard: { calls: codeReward.reward.calls, errors: codeReward.reward.errors, nonFinite: codeReward.reward.nonFinite } }
      : vlmReward
        ? { ...rewardInfo, framesEmbedded: vlmReward.reward.framesEmbedded }
        : dopamine
          ? { ...rewardInfo, potentialEvaluations: dopamine.potential.evaluations }
          : rewardInfo,
    seed: cfg.seed,
    steps: totalSteps,
    wallSeconds: Math.round(((performance.now() - started) / 1000 + wallBefore) * 1000) / 1000,
    trainSeconds: Math.round(trainSeconds * 1000) / 1000,
    eval: { episodes: ev.episodes, meanReturn: ev.meanReturn, stdReturn: ev.stdReturn, successRate: ev.successRate, meanLength: ev.meanLength, deterministic: true },
    videos: videos.map((v) => path.relative(dir, v)),
    resumed: resuming,
    backend: backend.choice,
    ...(backend.remote ? { rollouts: { where: 'workers', redis: backend.remote.client.spec.display, shards: cfg.rolloutShards, ...backend.remote.rollout?.stats } } : {}),
  };
  writeFileAtomic(path.join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  process.stderr.write(
    `train:env: ${envId} ${cfg.agent}: eval mean return ${ev.meanReturn.toFixed(2)} ± ${ev.stdReturn.toFixed(2)} over ${ev.episodes} episodes, success ${(ev.successRate * 100).toFixed(0)}%, ${summary.wallSeconds.toFixed(1)} s\n` +
      `train:env: wrote ${dir}\n`,
  );
  return { dir, summary };
}

/**
 * The rollout backend of a run: js, or gpu with a fused-rollout factory for the agent. `auto` measures
 * both on this run's shape (agents/backend.ts) and keeps the faster; where the gpu backend cannot serve
 * the run (no kernels for the env, another agent, a code reward), `auto` says why and uses js, and an
 * explicit `gpu` is an error.
 */
async function resolveBackend(
  cfg: TrainConfig,
  envId: string,
  agentArgs: Record<string, unknown>,
  envKwargs: Record<string, unknown>,
  hasCodeReward: boolean,
): Promise<{ choice: BackendChoice; runtime?: GpuRuntime; make?: TrainContext['fusedRollout']; remote?: { client: JobClient; rollout?: RemoteRollout } }> {
  const requested = cfg.backend ?? 'js';
  if (requested === 'js') return { choice: { backend: 'js', requested } };
  const spec = KERNEL_SPECS.get(envId);
  const why = !spec ? `the gpu backend has no kernels for ${envId}` : cfg.agent !== 'ppo' ? `fused rollouts serve ppo, not ${cfg.agent}` : hasCodeReward ? "the gpu kernels compute the env's own reward, not a code reward" : null;
  if (why !== null) {
    if (requested === 'gpu') throw new TrainArgsError(`--backend gpu: ${why} (use --backend js)`);
    return { choice: { backend: 'js', requested, reason: why } };
  }
  const runtime = await openGpu(cfg.gpuMode ?? 'auto');
  const hidden = agentArgs.hidden as number[];
  let choice: BackendChoice = { backend: 'gpu', requested, gpuMode: runtime.mode, gpuFallback: runtime.fallback };
  if (requested === 'auto') choice = await chooseBackend(spec!, runtime, agentArgs.numEnvs as number, agentArgs.numSteps as number, hidden, envKwargs);
  if (choice.backend === 'js') {
    await runtime.destroy();
    return { choice };
  }
  const maxEpisodeSteps = defaultRegistry.resolve(envId).maxEpisodeSteps ?? Number.POSITIVE_INFINITY;
  return { choice, runtime, make: (o) => new FusedRollout(spec!, runtime, { ...o, maxEpisodeSteps, kwargs: envKwargs }) };
}

/**
 * `--workers URL`: PPO's rollouts go to BullMQ workers (cli/distributed_rollout.ts). Redis must answer
 * now (a wrong URL fails here, before training); later outages are waited out.
 */
async function remoteBackend(
  cfg: TrainConfig,
  envId: string,
  envKwargs: Record<string, unknown>,
  codeReward: LoadedCodeReward | undefined,
): Promise<{ choice: BackendChoice; runtime?: GpuRuntime; make: TrainContext['fusedRollout']; remote: { client: JobClient; rollout?: RemoteRollout } }> {
  let client: JobClient;
  try {
    client = await JobClient.connect(cfg.workers!, '--workers');
  } catch (e) {
    if (e instanceof RedisUrlError) throw new TrainArgsError(e.message);
    throw e;
  }
  const remote: { client: JobClient; rollout?: RemoteRollout } = { client };
  const reward = codeReward ? { kind: 'code' as const, source: codeReward.code, sha256: codeReward.sha256 } : { kind: 'env' as const };
  return {
    choice: { backend: 'js', requested: cfg.backend ?? 'js', reason: 'rollouts on BullMQ workers (--workers)' },
    remote,
    make: (o) => {
      remote.rollout = new RemoteRollout(client, { envId, envArgs: envKwargs, reward, numEnvs: o.numEnvs, numSteps: o.numSteps, shards: cfg.rolloutShards ?? 2, seed: o.seed });
      return remote.rollout;
    },
  };
}

function describeBackend(c: BackendChoice): string {
  if (c.backend === 'js') return c.requested === 'js' ? 'js' : `js (${c.requested}: ${c.reason ?? `measured js ${c.measured?.js} vs gpu ${c.measured?.gpu} steps/s`})`;
  const measured = c.measured ? `; measured gpu ${c.measured.gpu} vs js ${c.measured.js} steps/s` : '';
  return `gpu (gpu.js ${c.gpuMode}${c.gpuFallback ? `, ${c.gpuFallback}` : ''}${measured})`;
}
