/** The dense subgoal reward: gold + γΦ(s') − Φ(s) with Φ = 0 at the goal; it telescopes and rises along the expert's walkthrough. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextWorldEnv } from '../../../envs/textworld/textworld_env.ts';
import { subgoalPotential, TextWorldSubgoalReward } from '../../../envs/textworld/subgoal_reward.ts';
import { SPLITS } from '../../../envs/textworld/splits.ts';
import { successOf } from '../../../envs/textworld/state.ts';
import { TASK_TYPES } from '../../../envs/textworld/tasks.ts';
import { Rng } from '../../../sim/rng.ts';
import { RewardWrapper } from '../../../sim/wrappers/reward_wrapper.ts';

describe('TextWorldSubgoalReward', () => {
  it('property: the discounted return telescopes to gold + γ^T Φ(s_T) − Φ(s_0) (potential-based shaping)', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.constantFrom(...TASK_TYPES), fc.double({ min: 0.5, max: 1, noNaN: true }), fc.boolean(), (seed, task, gamma, expert) => {
        const fn = new TextWorldSubgoalReward({ gamma });
        const env = new RewardWrapper(new TextWorldEnv({ taskTypes: [task] }), fn);
        const [, info] = env.reset({ seed });
        const s0 = env.state();
        const rng = new Rng(seed);
        const plan = new TextWorldEnv({ taskTypes: [task] });
        plan.reset({ seed });
        const walk = expert ? plan.expertPlan() : [];
        let adm = info.admissible as string[];
        let ret = 0;
        let gold = 0;
        let disc = 1;
        let t = 0;
        for (; t < 40; t++) {
          const cmd = t < walk.length ? walk[t] : adm[rng.int(adm.length)];
          const [, r, term, , i] = env.step(cmd);
          const terms = i.rewardTerms as Record<string, number>;
          ret += disc * r;
          gold += disc * terms.gold;
          disc *= gamma;
          adm = i.admissible as string[];
          if (term) break;
        }
        const sT = env.state();
        const phiT = successOf(sT) ? 0 : subgoalPotential(sT);
        expect(ret).toBeCloseTo(gold + disc * phiT - subgoalPotential(s0), 5);
        if (expert) expect(gold).toBeGreaterThan(0);
      }),
      { numRuns: 80, seed: 5 },
    );
  });

  it('the potential grows along the walkthrough: Φ before the final command ≥ 0.5 > Φ(reset) = 0 ', () => {
    for (const split of SPLITS) {
      for (const task of TASK_TYPES) {
        for (let seed = 0; seed < 10; seed++) {
          const env = new TextWorldEnv({ split, taskTypes: [task] });
          env.reset({ seed });
          expect(subgoalPotential(env.state())).toBe(0);
          const plan = env.expertPlan();
          for (const c of plan.slice(0, -1)) env.step(c);
          expect(subgoalPotential(env.state()), `${split}/${task}/${seed}`).toBeGreaterThanOrEqual(0.5);
        }
      }
    }
  });

  it('a round trip earns nothing extra (γ ≤ 1) and gamma is validated', () => {
    const fn = new TextWorldSubgoalReward({ gamma: 0.9 });
    const env = new TextWorldEnv({ taskTypes: ['pick_and_place'] });
    env.reset({ seed: 3 });
    const plan = env.expertPlan();
    const take = plan.findIndex((c) => c.startsWith('take '));
    for (const c of plan.slice(0, take)) env.step(c);
    const a = env.state();
    const where = a.location!;
    env.step(plan[take]);
    const b = env.state();
    const obj = b.inventory[0];
    env.step(`move ${obj} to ${where}`);
    const c = env.state();
    const cycle = fn.compute(a, '', b, {}) + 0.9 * fn.compute(b, '', c, {});
    expect(cycle).toBeLessThanOrEqual(1e-12);
    expect(() => new TextWorldSubgoalReward({ gamma: 1.5 })).toThrow(/gamma/);
  });
});
