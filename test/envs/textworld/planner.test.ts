/** The expert: its walkthrough, typed into the env, wins — from reset and from arbitrary mid-episode states. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextWorldEnv } from '../../../envs/textworld/textworld_env.ts';
import { expertPlan, nextExpertCommand } from '../../../envs/textworld/planner.ts';
import { SPLITS } from '../../../envs/textworld/splits.ts';
import { TASK_TYPES } from '../../../envs/textworld/tasks.ts';
import { Rng } from '../../../sim/rng.ts';
import { engineFor, randomWalk } from './helpers.ts';

describe('textworld planner', () => {
  it('executing the walkthrough from reset wins every game (60 seeds × 6 task types × 3 splits), in under 50 steps', () => {
    for (const split of SPLITS) {
      for (const task of TASK_TYPES) {
        const env = new TextWorldEnv({ split, taskTypes: [task] });
        for (let seed = 0; seed < 60; seed++) {
          env.reset({ seed });
          const plan = env.expertPlan();
          expect(plan.length).toBeGreaterThan(0);
          expect(plan.length).toBeLessThan(50);
          let last: ReturnType<TextWorldEnv['step']> | undefined;
          for (let k = 0; k < plan.length; k++) {
            last = env.step(plan[k]);
            expect(last[0], `${split}/${task}/${seed}: '${plan[k]}'`).not.toBe('Nothing happens.');
            expect(last[2], `${split}/${task}/${seed}: terminated before the end`).toBe(k === plan.length - 1);
          }
          expect(last![1]).toBe(1);
          expect(last![4].won).toBe(true);
          expect(env.success(env.state())).toBe(true);
        }
      }
    }
  });

  it('property: from any state reached by random admissible commands, the walkthrough wins', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.integer({ min: 0, max: 45 }), fc.constantFrom(...TASK_TYPES), fc.constantFrom(...SPLITS), (seed, steps, task, split) => {
        const e = engineFor(seed, split, [task]);
        randomWalk(e, steps, new Rng(seed));
        const plan = expertPlan(e.game, e.ws);
        expect(plan.solved).toBe(true);
        for (const c of plan.commands) expect(e.step(c).code, c).not.toBe(0);
        expect(e.won()).toBe(true);
        expect(nextExpertCommand(e.game, e.ws)).toBeUndefined();
      }),
      { numRuns: 300, seed: 4 },
    );
  });

  it('info.expertPlan is given on request, from the current state', () => {
    const env = new TextWorldEnv({ expertPlan: true });
    const [, info] = env.reset({ seed: 8 });
    const plan = info.expertPlan as string[];
    expect(plan).toEqual(env.expertPlan());
    const [, , , , info2] = env.step(plan[0]);
    expect(info2.expertPlan).toEqual(plan.slice(1));
    expect(new TextWorldEnv().reset({ seed: 8 })[1].expertPlan).toBeUndefined();
  });
});
