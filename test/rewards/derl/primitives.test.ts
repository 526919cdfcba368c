/**
 * DERL primitives on real envs: the text-world primitives along expert walkthroughs and random play
 * (g_won agrees with the env's own success(); held / state change / valid command / new location fire
 * where they should; a new location is a receptacle's first visit in the episode), and the robotics
 * primitives on Reach states and hand-made cube states — each evaluated through a one-primitive formula
 * compiled by rewards/lang, so the values are 1+1e-6 / 1e-6.
 */
import { describe, expect, it } from 'vitest';
import { make } from '../../../envs/index.ts';
import { compileFormula } from '../../../rewards/derl/formula.ts';
import { FIRE, NO_FIRE, primitiveFamilyFor, ROBOTICS_PRIMITIVES, TEXTWORLD_PRIMITIVES, textWorldWon, type TextWorldView } from '../../../rewards/derl/primitives.ts';
import { Rng } from '../../../sim/rng.ts';

const tw = Object.fromEntries(TEXTWORLD_PRIMITIVES.primitives.map((p) => [p.name, compileFormula(p.name, TEXTWORLD_PRIMITIVES).compiled.fn]));
const robo = Object.fromEntries(ROBOTICS_PRIMITIVES.primitives.map((p) => [p.name, compileFormula(p.name, ROBOTICS_PRIMITIVES).compiled.fn]));
const fired = (fn: (s: unknown, a: unknown, n: unknown, t: Record<string, number>) => number, s: unknown, a: unknown, n: unknown): boolean => {
  const v = fn(s, a, n, {});
  expect([FIRE, NO_FIRE]).toContain(v);
  return v === FIRE;
};

interface Step { readonly s: unknown; readonly cmd: string; readonly n: unknown; readonly won: boolean }

/** Play the expert plan of a text-world task (seeded); one record per command. */
function expertRun(id: string, seed: number): { steps: Step[]; taskType: string } {
  const env = make(id, { kwargs: { expertPlan: true } });
  const [, info] = env.reset({ seed });
  const plan = info.expertPlan as string[];
  const steps: Step[] = [];
  for (const cmd of plan) {
    const s = env.state();
    const [, , term, , i] = env.step(cmd);
    steps.push({ s, cmd, n: env.state(), won: i.won as boolean });
    if (term) break;
  }
  env.close();
  return { steps, taskType: info.taskType as string };
}

describe('text-world primitives', () => {
  it('maps env ids to families, and names the families it knows otherwise', () => {
    expect(primitiveFamilyFor('textworld/ALFWorld-v0')).toBe(TEXTWORLD_PRIMITIVES);
    expect(primitiveFamilyFor('robotics/Push-v0')).toBe(ROBOTICS_PRIMITIVES);
    expect(() => primitiveFamilyFor('classic/CartPole-v1')).toThrow(/no primitives for env 'classic\/CartPole-v1'.*textworld, robotics/);
  });

  it('g_won agrees with env.success() on every state of random play on ALFWorld-v0 (positives: the walkthrough test)', () => {
    const env = make('textworld/ALFWorld-v0');
    const rng = new Rng(5);
    for (let ep = 0; ep < 6; ep++) {
      let [, info] = env.reset({ seed: ep });
      for (let t = 0; t < 30; t++) {
        const adm = info.admissible as string[];
        const s = env.state();
        const res = env.step(adm[rng.int(adm.length)]);
        info = res[4];
        const n = env.state();
        expect(textWorldWon(n as TextWorldView)).toBe(env.success(n));
        expect(fired(tw.g_won, s, null, n)).toBe(env.success(n));
        if (res[2] || res[3]) break;
      }
    }
    env.close();
  });

  it('along an expert walkthrough: goal held, new location, valid command fire; won fires exactly at the end', () => {
    for (const seed of [0, 1, 2]) {
      const { steps } = expertRun('textworld/PickAndPlace-v0', seed);
      expect(steps.length).toBeGreaterThan(1);
      expect(steps.map((x) => fired(tw.g_won, x.s, x.cmd, x.n))).toEqual(steps.map((x) => x.won));
      expect(steps.at(-1)!.won).toBe(true);
      expect(steps.some((x) => fired(tw.g_goalHeld, x.s, x.cmd, x.n))).toBe(true);
      const seen = new Set<string>();
      for (const x of steps) {
        if (x.cmd.startsWith('go to ')) {
          const to = x.cmd.slice('go to '.length);
          expect(fired(tw.g_newLocation, x.s, x.cmd, x.n)).toBe(!seen.has(to));
          seen.add(to);
          expect(fired(tw.g_cmdValid, x.s, x.cmd, x.n)).toBe(true);
        }
        if (x.cmd.startsWith('take ')) expect(fired(tw.g_goalHeld, x.s, x.cmd, x.n)).toBe(true);
        // No clean/hot/cool needed for pick_and_place.
        expect(fired(tw.g_stateChange, x.s, x.cmd, x.n)).toBe(false);
      }
    }
  });

  it('g_newLocation fires exactly on the first visit of each receptacle in an episode (random play, resets included)', () => {
    const env = make('textworld/ALFWorld-v0');
    const rng = new Rng(11);
    let firstVisits = 0, revisits = 0;
    for (let ep = 0; ep < 8; ep++) {
      let [, info] = env.reset({ seed: 100 + ep });
      const seen = new Set<string>();
      for (let t = 0; t < 50; t++) {
        const adm = info.admissible as string[];
        // Mostly moves, so that revisits happen within 50 steps.
        const moves = adm.filter((c) => c.startsWith('go to '));
        const cmd = moves.length > 0 && rng.random() < 0.7 ? moves[rng.int(moves.length)] : adm[rng.int(adm.length)];
        const s = env.state();
        const res = env.step(cmd);
        info = res[4];
        const n = env.state() as TextWorldView;
        const arrived = n.location !== null && n.location !== (s as TextWorldView).location;
        const expected = arrived && !seen.has(n.location!);
        expect(fired(tw.g_newLocation, s, cmd, n)).toBe(expected);
        if (arrived) (expected ? firstVisits++ : revisits++);
        if (n.location !== null) seen.add(n.location);
        if (res[2] || res[3]) break;
      }
    }
    expect(firstVisits).toBeGreaterThan(10);
    expect(revisits).toBeGreaterThan(10);
    env.close();
  });

  it('g_stateChange fires once the goal object is cleaned / heated / cooled', () => {
    for (const [id, verb] of [['textworld/PickCleanThenPlace-v0', 'clean '], ['textworld/PickHeatThenPlace-v0', 'heat '], ['textworld/PickCoolThenPlace-v0', 'cool ']] as const) {
      const { steps } = expertRun(id, 3);
      const k = steps.findIndex((x) => x.cmd.startsWith(verb));
      expect(k).toBeGreaterThanOrEqual(0);
      expect(fired(tw.g_stateChange, steps[k].s, steps[k].cmd, steps[k].s)).toBe(false);
      expect(fired(tw.g_stateChange, steps[k].s, steps[k].cmd, steps[k].n)).toBe(true);
      expect(fired(tw.g_cmdValid, steps[k].s, steps[k].cmd, steps[k].n)).toBe(true);
    }
  });

  it('look / inventory (no change) are not valid commands and do not move the agent', () => {
    const env = make('textworld/ALFWorld-v0');
    env.reset({ seed: 7 });
    for (const cmd of ['look', 'inventory']) {
      const s = env.state();
      env.step(cmd);
      const n = env.state();
      expect(fired(tw.g_cmdValid, s, cmd, n)).toBe(false);
      expect(fired(tw.g_newLocation, s, cmd, n)).toBe(false);
    }
    env.close();
  });
});

describe('robotics primitives', () => {
  it('on Reach (no cube): object primitives never fire; success follows state.success; static when idle', () => {
    const env = make('robotics/Reach-v0');
    env.reset({ seed: 0 });
    const s0 = env.state() as { success: boolean; robot: { eeVelocity: number[] } };
    for (let t = 0; t < 5; t++) env.step(Float32Array.from([1, 0, 0, 0]));
    const moving = env.state() as { success: boolean };
    for (const n of [s0, moving]) {
      for (const name of ['g_nearObject', 'g_grasped', 'g_objectNearGoal']) expect(fired(robo[name], s0, null, n)).toBe(false);
      expect(fired(robo.g_success, s0, null, n)).toBe(n.success);
    }
    expect(fired(robo.g_static, s0, null, s0)).toBe(Math.hypot(...s0.robot.eeVelocity) <= 0.01);
    expect(fired(robo.g_static, s0, null, moving)).toBe(false);
    // Put the goal at the TCP: success fires.
    env.reset({ seed: 0, options: { goal: (env.state() as { robot: { ee: { p: number[] } } }).robot.ee.p } });
    env.step(Float32Array.from([0, 0, 0, 0]));
    const atGoal = env.state() as { success: boolean };
    expect(atGoal.success).toBe(true);
    expect(fired(robo.g_success, s0, null, atGoal)).toBe(true);
    env.close();
  });

  it('cube primitives on hand-made states: near / grasped / near goal / static fire by their rules', () => {
    const env = make('robotics/Reach-v0');
    env.reset({ seed: 1 });
    const base = env.state() as { robot: { ee: { p: [number, number, number] } }; goal: [number, number, number] };
    env.close();
    const ee = base.robot.ee.p;
    const cube = (p: number[], isGrasped: boolean, isStatic: boolean) => ({ pose: { p, q: [1, 0, 0, 0] }, velocity: [0, 0, 0], angularVelocity: [0, 0, 0], halfSize: 0.02, isGrasped, isStatic });
    const near = { ...base, cube: cube([ee[0] + 0.01, ee[1], ee[2]], true, false) };
    const far = { ...base, cube: cube([ee[0] + 0.1, ee[1], ee[2]], false, true) };
    const atGoal = { ...base, cube: cube([base.goal[0], base.goal[1] + 0.02, base.goal[2]], false, true) };
    expect(fired(robo.g_nearObject, base, null, near)).toBe(true);
    expect(fired(robo.g_nearObject, base, null, far)).toBe(false);
    expect(fired(robo.g_grasped, base, null, near)).toBe(true);
    expect(fired(robo.g_grasped, base, null, far)).toBe(false);
    expect(fired(robo.g_objectNearGoal, base, null, atGoal)).toBe(true);
    expect(fired(robo.g_objectNearGoal, base, null, far)).toBe(Math.hypot(far.cube.pose.p[0] - base.goal[0], far.cube.pose.p[1] - base.goal[1], far.cube.pose.p[2] - base.goal[2]) < 0.025);
    expect(fired(robo.g_static, base, null, near)).toBe(false);
    expect(fired(robo.g_static, base, null, far)).toBe(true);
  });
});
