/**
 * `train:env` end to end: a tiny run writes every documented file with its fields; bad flags exit
 * non-zero naming the flag; a run stopped half-way and resumed ends bit-identical to an uninterrupted
 * one; a run killed with SIGKILL (and with its newest checkpoint torn) resumes from the last good
 * checkpoint with nothing lost and the metrics log continuous.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/train.ts';
import { parseTrainArgs } from '../../cli/train_args.ts';
import { listCheckpoints, loadLatestCheckpoint } from '../../sim/io/checkpoint.ts';
import { readMetrics } from '../../sim/io/metrics.ts';
import { readTfEvents } from '../../sim/io/tfevents.ts';
import { captureStderr } from '../helpers/capture.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-train-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const RUN = ['--env', 'classic/CartPole-v1', '--steps', '3072', '--num-envs', '4', '--set', 'numSteps=128', '--checkpoint-every', '512', '--quiet', '--eval-episodes', '4'];


function finalWeights(dir: string): Record<string, number[]> {
  const ck = loadLatestCheckpoint(dir)!;
  const out: Record<string, number[]> = {};
  for (const [k, t] of Object.entries(ck.tensors)) out[k] = Array.from(t.data as Float32Array);
  return out;
}

/** Metrics without wall-clock-dependent values, for comparing two runs. */
function stableMetrics(dir: string): string[] {
  return readMetrics(path.join(dir, 'metrics.jsonl'))
    .filter((m) => m.tag !== 'charts/SPS')
    .map((m) => `${m.step} ${m.tag} ${m.value}`);
}

describe('train:env', () => {
  const straight = path.join(tmp, 'straight');

  it('a tiny run writes config, metrics, tfevents, checkpoints, summary and a video', async () => {
    const r = await captureStderr(() => main([...RUN, '--out', straight, '--video']));
    expect(r.code, r.err).toBe(0);
    const config = JSON.parse(fs.readFileSync(path.join(straight, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ env: 'classic/CartPole-v1', agent: 'ppo', seed: 1, reward: { kind: 'env', generator: 'env' } });
    expect(config.agentArgs).toMatchObject({ totalTimesteps: 3072, numEnvs: 4, numSteps: 128 });
    const summary = JSON.parse(fs.readFileSync(path.join(straight, 'summary.json'), 'utf8'));
    // the first evaluation episode is recorded for `npm run viewer -- --run DIR`
    const episode = fs.readFileSync(path.join(straight, 'episodes', 'eval-0.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(episode[0]).toMatchObject({ kind: 'meta', family: 'classic', env: 'classic/CartPole-v1' });
    expect(episode.at(-1).kind).toBe('episodeEnd');
    expect(episode.filter((l: { kind: string }) => l.kind === 'poses').length).toBeGreaterThan(5);
    expect(Object.keys(summary)).toEqual(expect.arrayContaining(['env', 'agent', 'reward', 'seed', 'steps', 'wallSeconds', 'eval']));
    expect(summary.eval.episodes).toBe(4);
    expect(summary.eval.meanReturn).toBeGreaterThan(0);
    expect(summary.eval.successRate).toBeGreaterThanOrEqual(0);
    const tags = new Set(readMetrics(path.join(straight, 'metrics.jsonl')).map((m) => m.tag));
    for (const t of ['charts/episodic_return', 'charts/episodic_length', 'charts/SPS', 'charts/learning_rate', 'losses/value_loss', 'losses/policy_loss', 'losses/entropy', 'losses/approx_kl', 'losses/clipfrac', 'losses/explained_variance']) {
      expect(tags).toContain(t);
    }
    const tf = fs.readdirSync(straight).find((f) => f.startsWith('events.out.tfevents.'))!;
    const events = readTfEvents(new Uint8Array(fs.readFileSync(path.join(straight, tf))));
    expect(events[0].fileVersion).toBe('brain.Event:2');
    expect(events.some((e) => e.summary?.some((s) => s.tag === 'losses/value_loss'))).toBe(true);
    expect(listCheckpoints(straight).length).toBeGreaterThan(0);
    expect(loadLatestCheckpoint(straight)!.step).toBe(3072);
    // ffmpeg is a system package the project installs (README, .ci/run): videos are MP4 with it.
    let ffmpeg = true;
    try {
      execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    } catch {
      ffmpeg = false;
    }
    expect(ffmpeg, 'ffmpeg is missing: install it with `apt-get install -y ffmpeg`').toBe(true);
    expect(summary.videos).toEqual(['videos/episode-0.mp4']);
    const video = fs.readFileSync(path.join(straight, summary.videos[0]));
    expect(video.subarray(4, 8).toString('latin1')).toBe('ftyp'); // an MP4 container
  });

  it('stop half-way + resume equals the uninterrupted run, bit for bit', async () => {
    const dir = path.join(tmp, 'halves');
    const first = await captureStderr(() => main([...RUN, '--out', dir, '--stop-after', '1536']));
    expect(first.code, first.err).toBe(0);
    expect(loadLatestCheckpoint(dir)!.step).toBe(1536);
    expect(fs.existsSync(path.join(dir, 'summary.json'))).toBe(false);
    const { code, err } = await captureStderr(() => main(['--resume', dir, '--quiet']));
    expect(code, err).toBe(0);
    expect(err).toContain('resuming');
    expect(finalWeights(dir)).toEqual(finalWeights(straight));
    expect(stableMetrics(dir)).toEqual(stableMetrics(straight));
  });

  it('a SIGKILLed run with a torn newest checkpoint resumes from the last good one with nothing lost', async () => {
    const dir = path.join(tmp, 'killed');
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/train.ts', ...RUN, '--out', dir], { stdio: 'ignore' });
    // Kill it once at least two checkpoints exist, mid-run.
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (fs.existsSync(path.join(dir, 'checkpoints')) && listCheckpoints(dir).length >= 2) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 5);
      child.on('exit', () => {
        clearInterval(timer);
        resolve();
      });
      setTimeout(() => reject(new Error('training child did not checkpoint in time')), 50_000);
    });
    await new Promise((r) => setTimeout(r, 100));
    // Tear the committed newest checkpoint, as a crash during its write would leave it.
    const latest = JSON.parse(fs.readFileSync(path.join(dir, 'checkpoints', 'latest.json'), 'utf8')) as { step: number; file: string };
    const torn = latest.step < 3072;
    expect(torn, `the child finished (step ${latest.step}) before it could be killed`).toBe(true);
    if (torn) {
      const f = path.join(dir, 'checkpoints', latest.file);
      fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2));
    }
    const { code, err } = await captureStderr(() => main(['--resume', dir, '--quiet']));
    expect(code, err).toBe(0);
    if (torn) expect(err).toMatch(/skipped checkpoint/);
    expect(finalWeights(dir)).toEqual(finalWeights(straight));
    expect(stableMetrics(dir)).toEqual(stableMetrics(straight));
  }, 90_000);

  it('with no flags, the embedded default is a robotics task with a generated reward; --env alone keeps the env reward', () => {
    expect(parseTrainArgs([])).toMatchObject({ env: 'robotics/Reach-v0', reward: 'text2reward:move the gripper to the goal point', agent: 'ppo' });
    expect(parseTrainArgs(['--env', 'classic/CartPole-v1'])).toMatchObject({ env: 'classic/CartPole-v1', reward: 'env' });
    expect(parseTrainArgs(['--reward', 'env'])).toMatchObject({ env: 'robotics/Reach-v0', reward: 'env' });
  });

  it('--backend gpu trains through fused rollouts and records the backend; auto measures and says what it chose', async () => {
    const dir = path.join(tmp, 'gpu');
    const r = await captureStderr(() => main([...RUN, '--out', dir, '--backend', 'gpu', '--gpu-mode', 'webasm']));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/backend gpu \(gpu\.js webasm/);
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    expect(summary.backend).toMatchObject({ backend: 'gpu', requested: 'gpu', gpuMode: 'webasm' });
    const returns = readMetrics(path.join(dir, 'metrics.jsonl')).filter((m) => m.tag === 'charts/episodic_return');
    expect(returns.length).toBeGreaterThan(20);
    const auto = path.join(tmp, 'auto');
    const a = await captureStderr(() => main([...RUN, '--out', auto, '--backend', 'auto', '--gpu-mode', 'webasm']));
    expect(a.code, a.err).toBe(0);
    const s2 = JSON.parse(fs.readFileSync(path.join(auto, 'summary.json'), 'utf8'));
    expect(s2.backend.requested).toBe('auto');
    expect(['js', 'gpu']).toContain(s2.backend.backend);
    expect(s2.backend.measured.js).toBeGreaterThan(0);
    expect(s2.backend.measured.gpu).toBeGreaterThan(0);
    expect(s2.backend.backend).toBe(s2.backend.measured.gpu > s2.backend.measured.js ? 'gpu' : 'js');
    // auto on an env without kernels uses js and says why
    const noKernels = path.join(tmp, 'auto-tw');
    const t = await captureStderr(() => main(['--env', 'textworld/ALFWorldChoice-v0', '--steps', '256', '--num-envs', '2', '--set', 'numSteps=64', '--quiet', '--eval-episodes', '1', '--out', noKernels, '--backend', 'auto']));
    expect(t.code, t.err).toBe(0);
    expect(t.err).toMatch(/backend js \(auto: the gpu backend has no kernels for textworld\/ALFWorldChoice-v0\)/);
  });

  it('rejects bad flags and values, naming the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['--agent', 'sac'], /--agent: .*got 'sac' \(allowed: ppo, dqn\)/],
      [['--env', 'classic/CartPol-v1'], /--env: unknown env id 'classic\/CartPol-v1'/],
      [['--num-envs', 'abc'], /--num-envs must be an integer, got 'abc'/],
      [['--num-envs', '0'], /--num-envs: .*got '0'/],
      [['--steps', '-5'], /--steps: .*got '-5'/],
      [['--reward', 'clip:foo'], /--reward: 'clip:foo' is not a reward spec; allowed: env/],
      [['--set', 'learningRate=fast'], /--set learningRate: .*got "fast"/],
      [['--set', 'nope=1'], /--set nope: not an argument of ppo; allowed: totalTimesteps/],
      [['--bogus'], /unknown option '--bogus'/],
      [['--env', 'classic/CartPole-v1', '--env-arg', 'gravity=-3'], /--env-arg: classic\/CartPole-v1 rejected its arguments: CartPole-v1: parameter 'gravity' = -3 is invalid/],
      [['--env-arg', 'nokey'], /--env-arg takes key=value/],
      [['--agent', 'dqn', '--env', 'classic/Pendulum-v1'], /--agent dqn does not support classic\/Pendulum-v1's action space Box/],
      [['--resume', path.join(tmp, 'nothing-here')], /--resume: .* holds no config.json/],
      [['--resume', straight, '--seed', '3'], /--seed cannot change it/],
      [['--out', straight], /already holds a run; pass --resume/],
      [['--env', 'classic/CartPole-v1', '--backend', 'cuda'], /--backend: .*got 'cuda'/],
      [['--env', 'classic/CartPole-v1', '--viewer', '--viewer-host', '0.0.0.0'], /--viewer-host 0.0.0.0: exposing the viewer beyond this machine needs --viewer-token/],
      [['--env', 'classic/CartPole-v1', '--viewer', '--viewer-port', '70000'], /--viewer-port: .*got '70000'/],
      [['--env', 'classic/CartPole-v1', '--backend', 'gpu', '--gpu-mode', 'metal'], /--gpu-mode: .*got 'metal'/],
      [['--env', 'robotics/Reach-v0', '--backend', 'gpu'], /--backend gpu: the gpu backend has kernels for classic\/CartPole-v1.*got --env robotics\/Reach-v0/],
      [['--env', 'classic/CartPole-v1', '--backend', 'gpu', '--agent', 'dqn'], /--backend gpu: fused gpu rollouts serve the ppo agent; got --agent dqn/],
      [['--env', 'classic/CartPole-v1', '--backend', 'gpu', '--reward', 'text2reward:keep the pole up'], /--backend gpu: the gpu kernels compute the env's own reward/],
    ];
    for (const [argv, re] of cases) {
      const withBudget = argv.includes('--steps') ? argv : [...argv, '--steps', '512'];
      const { code, err } = await captureStderr(() => main([...withBudget, '--quiet']));
      expect({ argv, code }).toEqual({ argv, code: 2 });
      expect(err).toMatch(re);
    }
  });
});
