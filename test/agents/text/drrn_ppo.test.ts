/** DRRN-PPO smoke test on a tiny budget (no learning claims here: those live in bench/textworld.ts). */
import { describe, expect, it } from 'vitest';
import { DrrnPpoArgs, evaluateDrrn, goalOf, trainDrrnPpo } from '../../../agents/text/drrn_ppo.ts';
import { make } from '../../../envs/index.ts';
import { TextWorldSubgoalReward } from '../../../envs/textworld/subgoal_reward.ts';
import type { Env } from '../../../sim/env.ts';
import { RewardWrapper } from '../../../sim/wrappers/reward_wrapper.ts';

const tiny = { totalTimesteps: 64, numEnvs: 2, numSteps: 16, numMinibatches: 2, updateEpochs: 2, buckets: 512, embedDim: 8, hidden: 16 };
const textEnv = () => make('textworld/ALFWorld-v0', { maxEpisodeSteps: 10 }) as Env<string, string>;

describe('DRRN-PPO', () => {
  it('trains on a tiny budget with the sparse and the dense reward, logging finite losses, deterministically', () => {
    const logs: Record<string, number>[] = [];
    const run = (dense: boolean) =>
      trainDrrnPpo(tiny, {
        makeEnv: () => (dense ? (new RewardWrapper(textEnv(), new TextWorldSubgoalReward({ gamma: 0.97 })) as unknown as Env<string, string>) : textEnv()),
        log: (_s, m) => void logs.push(m),
      });
    const a = run(false);
    expect(a.globalStep).toBe(64);
    expect(a.episodes).toBeGreaterThan(0); // 10-step time limit: episodes end inside the budget
    const losses = logs.filter((m) => 'losses/value_loss' in m);
    expect(losses.length).toBe(2);
    for (const m of losses) for (const k of ['losses/policy_loss', 'losses/value_loss', 'losses/entropy', 'losses/approx_kl']) expect(Number.isFinite(m[k])).toBe(true);
    const b = run(false);
    expect(Array.from(b.agent.scorer.emb.data.subarray(0, 64))).toEqual(Array.from(a.agent.scorer.emb.data.subarray(0, 64)));
    const d = run(true);
    expect(Array.from(d.agent.scorer.emb.data.subarray(0, 64))).not.toEqual(Array.from(a.agent.scorer.emb.data.subarray(0, 64)));

    const ev = evaluateDrrn(a.agent, { makeEnv: textEnv, episodes: 6, seed: 3, numEnvs: 3 });
    expect(ev.episodes).toBe(6);
    expect(ev.successRate >= 0 && ev.successRate <= 1).toBe(true);
    expect(ev.meanLength).toBeGreaterThan(0);
    expect(ev.meanLength).toBeLessThanOrEqual(10);
    expect(Object.values(ev.perTask).reduce((s, p) => s + p.episodes, 0)).toBe(6);
    expect(evaluateDrrn(a.agent, { makeEnv: textEnv, episodes: 6, seed: 3, numEnvs: 3, greedy: true })).toEqual(
      evaluateDrrn(a.agent, { makeEnv: textEnv, episodes: 6, seed: 3, numEnvs: 3, greedy: true }),
    );
  });

  it('validates its arguments and its env contract', () => {
    expect(() => DrrnPpoArgs.parse({ numEnvs: 0 })).toThrow();
    expect(() => DrrnPpoArgs.parse({ learningrate: 1 })).toThrow(/learningrate/);
    expect(() => trainDrrnPpo({ ...tiny, totalTimesteps: 8 }, { makeEnv: textEnv })).toThrow(/below one rollout/);
    const noAdmissible = () => {
      const env = textEnv();
      const reset = env.reset.bind(env);
      env.reset = (o) => [reset(o)[0], {}];
      return env;
    };
    expect(() => trainDrrnPpo(tiny, { makeEnv: noAdmissible })).toThrow(/info\.admissible/);
    expect(goalOf('Welcome.\n\nYour task is to: put a apple in fridge.')).toBe('put a apple in fridge.');
    expect(goalOf('no goal here')).toBe('no goal here');
  });
});
