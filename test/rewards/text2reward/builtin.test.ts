/**
 * The built-in generator on every robotics task's own goal sentence and on reworded ones: the plan
 * matches the task, and the emitted code passes the checker and the pre-flight. Plus its parsing rules.
 */
import { describe, expect, it } from 'vitest';
import { listEnvs, make } from '../../../envs/index.ts';
import { sampleTransitions } from '../../../rewards/lang/preflight.ts';
import { BuiltinGenerationError, generateBuiltin, parseDistance, planFromInstruction } from '../../../rewards/text2reward/builtin.ts';
import { validateCandidate } from '../../../rewards/text2reward/generate.ts';

const CASES: Record<string, { intent: string; reworded: string[] }> = {
  'robotics/Reach-v0': { intent: 'reach', reworded: ['touch the target point with the hand', 'position the end-effector at the goal'] },
  'robotics/Push-v0': { intent: 'push', reworded: ['slide the block over to the target spot', 'shove the box until it sits on the goal'] },
  'robotics/PickPlace-v0': { intent: 'pick-place', reworded: ['grab the block and carry it to the target in the air', 'lift the cube and bring it to the goal'] },
  'robotics/Stack-v0': { intent: 'stack', reworded: ['put the first cube on top of the other one', 'place cube A onto cube B and let go'] },
  'robotics/DrawerOpen-v0': { intent: 'open', reworded: ['pull the drawer out by its handle', 'slide the drawer open'] },
};

describe('built-in reward generator', () => {
  for (const [id, c] of Object.entries(CASES)) {
    it(`${id}: own and reworded goals give a ${c.intent} reward that passes check`, () => {
      expect(listEnvs()).toContain(id);
      const env = make(id);
      env.reset({ seed: 0 });
      const state = env.state();
      const own = /^\/\/ [^:]+: (.*)$/m.exec(env.abstraction())![1];
      const transitions = sampleTransitions(make(id), 1000, 2);
      for (const goal of [own, ...c.reworded]) {
        const r = generateBuiltin(goal, state);
        expect({ goal, intent: r.plan.intent }).toEqual({ goal, intent: c.intent });
        expect(r.code).toContain('built-in rule-based generator (not a language model)');
        const v = validateCandidate(r.code, { sampleState: state, transitions });
        expect('error' in v ? v.error : 'ok').toBe('ok');
      }
      env.close();
    });
  }

  it('reads distances in several units', () => {
    expect(parseDistance('lift it by 0.2 meter')).toBe(0.2);
    expect(parseDistance('raise the cube 15 cm')).toBe(0.15);
    expect(parseDistance('up 150 mm')).toBe(0.15);
    expect(parseDistance('lift it')).toBeUndefined();
  });

  it('uses a numeric target: "lift the cube by 0.2 m" targets 0.2 m above the table', () => {
    const env = make('robotics/PickPlace-v0');
    env.reset({ seed: 1 });
    const r = generateBuiltin('lift the cube by 0.2 m', env.state());
    expect(r.plan).toMatchObject({ intent: 'lift', object: 'cube', distance: 0.2 });
    expect(r.code).toContain('halfSize + 0.2');
    env.close();
  });

  it('fails clearly where it cannot help', () => {
    expect(() => planFromInstruction('do a barrel roll', { robot: { ee: { p: [0, 0, 0] } }, cube: { pose: { p: [0, 0, 0] } } })).toThrow(BuiltinGenerationError);
    expect(() => generateBuiltin('keep the pole upright', { x: 0, theta: 0 })).toThrow(/needs .*robot.ee.p|no robot.ee.p/);
    expect(() => generateBuiltin('open the drawer', { robot: { ee: { p: [0, 0, 0] } } })).toThrow(/the state has no drawer/);
    expect(() => generateBuiltin('  ', {})).toThrow(/empty/);
  });
});
