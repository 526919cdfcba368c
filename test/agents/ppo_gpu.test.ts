/**
 * PPO on the gpu backend (fused gpu.js rollouts, webasm here): it learns, it is deterministic per seed,
 * and a checkpointed run resumes exactly. The solved-CartPole comparison with the js backend is a
 * benchmark (`npm run bench -- --suite gpu`), not a unit test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentCheckpoint, GreedyPolicy, TrainContext } from '../../agents/context.ts';
import { PPO_PRESETS, PpoArgs, trainPpo } from '../../agents/ppo.ts';
import { CartPoleCore } from '../../envs/classic/cartpole.ts';
import { cartPoleSpec } from '../../envs/classic/gpu_kernels.ts';
import { FusedRollout } from '../../sim/gpu/fused_rollout.ts';
import { type GpuRuntime, openGpu } from '../../sim/gpu/runtime.ts';
import { NativeVectorEnv } from '../../sim/vector/native_vector_env.ts';

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await openGpu('webasm');
});
afterAll(async () => {
  await rt.destroy();
});

interface Recorded {
  returns: number[];
  checkpoints: AgentCheckpoint[];
}

function context(rec: Recorded, opts: { resumeFrom?: AgentCheckpoint; checkpointAt?: number } = {}): TrainContext {
  return {
    makeEnv: (n, mode) => new NativeVectorEnv(new CartPoleCore(n), { maxEpisodeSteps: 500, autoresetMode: mode }),
    fusedRollout: (o) => new FusedRollout(cartPoleSpec, rt, { ...o, maxEpisodeSteps: 500 }),
    log: (_step, s) => {
      if (s['charts/episodic_return'] !== undefined) rec.returns.push(s['charts/episodic_return']);
    },
    checkpointDue: (step) => opts.checkpointAt !== undefined && step === opts.checkpointAt,
    saveCheckpoint: (c) => rec.checkpoints.push(structuredClone(c)),
    resumeFrom: opts.resumeFrom,
    progress: () => {},
  };
}

const probe = new Float32Array(Array.from({ length: 64 * 4 }, (_, k) => Math.sin(k * 1.3) * 0.1));
function actions(policy: GreedyPolicy): number[] {
  const out = new Float32Array(64);
  policy.act(probe, 64, out);
  return Array.from(out);
}

describe('PPO with fused gpu rollouts', () => {
  it('returns a Promise and learns CartPole (episode returns grow)', async () => {
    const rec: Recorded = { returns: [], checkpoints: [] };
    const run = trainPpo(PpoArgs.parse({ ...PPO_PRESETS['classic/CartPole-v1'], totalTimesteps: 24_576, seed: 3 }), context(rec));
    expect(run).toBeInstanceOf(Promise);
    await run;
    const first = rec.returns.slice(0, 30);
    const last = rec.returns.slice(-20);
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
    expect(first.length).toBe(30);
    expect(mean(last)).toBeGreaterThan(2 * mean(first));
    expect(mean(last)).toBeGreaterThan(60);
  });

  it('is deterministic per seed and resumes from a checkpoint exactly', async () => {
    const args = PpoArgs.parse({ ...PPO_PRESETS['classic/CartPole-v1'], totalTimesteps: 4096, seed: 5 });
    const a: Recorded = { returns: [], checkpoints: [] };
    const pa = await trainPpo(args, context(a, { checkpointAt: 2048 }));
    const b: Recorded = { returns: [], checkpoints: [] };
    const pb = await trainPpo(args, context(b));
    expect(actions(pb)).toEqual(actions(pa));
    expect(b.returns).toEqual(a.returns);
    const ckpt = a.checkpoints.find((c) => c.step === 2048)!;
    expect(ckpt.state.fused).toBeDefined();
    const c: Recorded = { returns: [], checkpoints: [] };
    const pc = await trainPpo(args, context(c, { resumeFrom: ckpt }));
    expect(actions(pc)).toEqual(actions(pa));
    // the resumed run logs the same episodes as the second half of the uninterrupted one
    expect(c.returns).toEqual(a.returns.slice(a.returns.length - c.returns.length));
    const final = a.checkpoints.at(-1)!;
    const resumedFinal = c.checkpoints.at(-1)!;
    for (const [k, v] of Object.entries(final.tensors)) expect(Array.from(resumedFinal.tensors[k]), k).toEqual(Array.from(v));
  });

  it('refuses to resume a js checkpoint on the gpu backend', async () => {
    const args = PpoArgs.parse({ ...PPO_PRESETS['classic/CartPole-v1'], totalTimesteps: 2048, seed: 5 });
    const js: Recorded = { returns: [], checkpoints: [] };
    const ctx = context(js, { checkpointAt: 1024 });
    const p = trainPpo(args, { ...ctx, fusedRollout: undefined });
    expect(p).not.toBeInstanceOf(Promise);
    const ckpt = js.checkpoints.find((c) => c.step === 1024)!;
    await expect(Promise.resolve().then(() => trainPpo(args, context({ returns: [], checkpoints: [] }, { resumeFrom: ckpt })))).rejects.toThrow(/written by a --backend js run/);
  });
});
