/**
 * Robotics env contract: checkEnv under non-default params, exact snapshot/restore (scalar and vector),
 * info.success / termination / truncation, parameter and reset-option errors, close(), the expert reward
 * as a RewardFunction, and the abstraction (every field it names resolves in state()).
 */
import { describe, expect, it } from 'vitest';
import { make, makeVec } from '../../../envs/index.ts';
import { RoboticsCore } from '../../../envs/robotics/core.ts';
import { RoboticsEnv } from '../../../envs/robotics/env.ts';
import { ExpertReward } from '../../../envs/robotics/expert_reward.ts';
import { ROBOTICS_HELPERS } from '../../../envs/robotics/helpers.ts';
import { ROBOTICS_TASKS } from '../../../envs/robotics/registry.ts';
import type { RoboticsState } from '../../../envs/robotics/state.ts';
import { checkEnv } from '../../../sim/check_env.ts';
import { Rng } from '../../../sim/rng.ts';
import { NativeVectorEnv } from '../../../sim/vector/native_vector_env.ts';
import { taskByName, withEnv } from './helpers.ts';

const randomActions = (seed: number, n: number): Float32Array[] => {
  const r = new Rng(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: 4 }, () => r.uniform(-1, 1)));
};

describe('robotics envs', () => {
  for (const task of ROBOTICS_TASKS) {
    it(`${task.id} passes checkEnv with reward 'sparse' and terminateOnSuccess false`, () => {
      const env = make(task.id, { kwargs: { reward: 'sparse', terminateOnSuccess: false } });
      expect(() => checkEnv(env, { rolloutSteps: 30 })).not.toThrow();
    });

    it(`${task.id}: restore(snapshot) continues bit-identically, also in a fresh env`, () => {
      const acts = randomActions(task.name.length, 60);
      const roll = (env: RoboticsEnv, from: number) =>
        acts.slice(from).map((a) => {
          const [o, r, te] = env.step(a);
          return [Array.from(o), r, te];
        });
      withEnv(task, { terminateOnSuccess: false }, (env) => {
        env.reset({ seed: 9 });
        for (const a of acts.slice(0, 20)) env.step(a);
        const snap = env.snapshot();
        const first = roll(env, 20);
        env.restore(snap);
        expect(roll(env, 20)).toEqual(first);
        withEnv(task, { terminateOnSuccess: false }, (other) => {
          other.restore(JSON.parse(JSON.stringify(snap)));
          expect(roll(other, 20)).toEqual(first);
          expect(other.state()).toEqual(env.state());
        });
      });
    });

    it(`${task.id}: the observation has one slot per documented name and starts with the TCP`, () => {
      withEnv(task, {}, (env) => {
        const [obs] = env.reset({ seed: 1 });
        expect(obs.length).toBe(task.obsNames.length);
        expect(env.observationSpace.shape).toEqual([task.obsNames.length]);
        const s = env.state();
        expect(Array.from(obs.subarray(0, 3))).toEqual(s.robot.ee.p.map(Math.fround));
        expect(obs[6]).toBe(Math.fround(s.robot.gripperOpenness));
      });
    });
  }

  it('native vector env getState/setState resumes exactly (world bytes in the core snapshot)', () => {
    const vec = makeVec('robotics/Push-v0', 3, { vectorization: 'native' }) as NativeVectorEnv;
    try {
      vec.reset({ seed: 4 });
      const acts = randomActions(2, 50).map((a) => Float32Array.from([...a, ...a, ...a]));
      for (const a of acts.slice(0, 10)) vec.step(a);
      const st = vec.getState();
      const rec = () => acts.slice(10).map((a) => Array.from(vec.step(a)[0]));
      const first = rec();
      vec.setState(st);
      expect(rec()).toEqual(first);
    } finally {
      (vec.core as RoboticsCore).close();
      vec.close();
    }
  });

  it('packed worlds (envsPerWorld > 1): deterministic, snapshot-exact, close to separate worlds, experts still succeed', () => {
    const id = 'robotics/PickPlace-v0';
    const task = taskByName('PickPlace');
    const run = (envsPerWorld: number, steps: number) => {
      const vec = makeVec(id, 4, { kwargs: { envsPerWorld } }) as NativeVectorEnv;
      try {
        vec.reset({ seed: 8 });
        const acts = new Float32Array(16);
        const obs: number[][] = [];
        let successes = 0;
        for (let t = 0; t < steps; t++) {
          for (let i = 0; i < 4; i++) acts.set(task.expert(vec.stateAt(i) as RoboticsState), 4 * i);
          const [o, , , , infos] = vec.step(acts);
          obs.push(Array.from(o));
          if (infos._episode) for (let i = 0; i < 4; i++) if (infos._episode[i]) successes += infos.episode!.success[i];
          if (t === 20 && envsPerWorld > 1) {
            // snapshot/restore in the middle of a packed run is exact
            const st = vec.getState();
            const next = Array.from(vec.step(acts)[0]);
            vec.setState(st);
            expect(Array.from(vec.step(acts)[0])).toEqual(next);
            vec.setState(st);
          }
        }
        return { obs, successes };
      } finally {
        (vec.core as RoboticsCore).close();
        vec.close();
      }
    };
    const packed = run(4, 60);
    expect(run(4, 60)).toEqual(packed);
    const separate = run(1, 60);
    // Same episodes up to float32 rounding of the offsets in the shared world.
    for (let k = 0; k < packed.obs[5].length; k++) expect(Math.abs(packed.obs[5][k] - separate.obs[5][k])).toBeLessThan(1e-3);
    expect(packed.successes).toBe(4);
    expect(separate.successes).toBe(4);
  });

  it('info.success every step; success terminates by default and not with terminateOnSuccess false', () => {
    const reach = taskByName('Reach');
    const hand: [number, number, number] = [0, 0.6, 0.2];
    withEnv(reach, {}, (env) => {
      const [, info0] = env.reset({ seed: 0, options: { goal: [0, 0.85, 0.2] } });
      expect(info0.success).toBe(false);
      const [, r1, te1, tr1, info1] = env.step(Float32Array.from([0, 0, 0, -1]));
      expect([info1.success, te1, tr1]).toEqual([false, false, false]);
      expect(r1).toBeLessThan(0);
      env.reset({ seed: 0, options: { goal: hand } });
      const [, r, te, , info] = env.step(Float32Array.from([0, 0, 0, -1]));
      expect([info.success, te, r]).toEqual([true, true, 1]);
      expect(info.rewardTerms).toMatchObject({ success: 1 });
    });
    withEnv(reach, { terminateOnSuccess: false, reward: 'sparse' }, (env) => {
      env.reset({ seed: 0, options: { goal: hand } });
      for (let t = 0; t < 3; t++) {
        const [, r, te, , info] = env.step(Float32Array.from([0, 0, 0, -1]));
        expect([info.success, te, r]).toEqual([true, false, 1]);
      }
    });
  });

  it('make() truncates at the task step limit without terminating', () => {
    const env = make('robotics/Reach-v0');
    env.reset({ seed: 0, options: { goal: [0.1, 0.9, 0.3] } });
    let t = 0;
    let res;
    do {
      res = env.step(Float32Array.from([0, 0, 0, 0]));
      t++;
    } while (!res[2] && !res[3]);
    expect([t, res[2], res[3]]).toEqual([taskByName('Reach').maxEpisodeSteps, false, true]);
    env.close();
  });

  it('actions are clipped to [−1, 1]; the hand stays in its workspace', () => {
    withEnv(taskByName('Reach'), {}, (env) => {
      env.reset({ seed: 0 });
      env.step(Float32Array.from([5, -5, 0, 9]));
      const s = env.state();
      expect(s.lastAction).toEqual([1, -1, 0, 1]);
      expect(s.robot.ee.p[0]).toBeCloseTo(0.01, 12);
      for (let t = 0; t < 60; t++) env.step(Float32Array.from([1, -1, -1, -1]));
      expect(env.state().robot.ee.p).toEqual([0.3, 0.4, 0.025]);
    });
  });

  it('bad params, reset options and actions are errors that name the field', () => {
    const reach = taskByName('Reach');
    expect(() => new RoboticsEnv(reach, { reward: 'dense' as never })).toThrow(/robotics\/Reach-v0: parameter 'reward' = "dense"/);
    expect(() => new RoboticsEnv(reach, { solverIterations: 0 })).toThrow(/solverIterations/);
    expect(() => new RoboticsEnv(reach, { bogus: 1 } as never)).toThrow(/unknown parameter\(s\) 'bogus'/);
    withEnv(reach, {}, (env) => {
      expect(() => env.reset({ options: { goal: [1, 2] } })).toThrow(/reset option 'goal'/);
      expect(() => env.reset({ options: { cube: [0, 0] } })).toThrow(/allowed: goal/);
      env.reset({ seed: 1 });
      expect(() => env.step(Float32Array.from([0, 0, 0]))).toThrow(/action must be 4 numbers/);
      expect(() => env.step(Float32Array.from([0, Number.NaN, 0, 0]))).toThrow(/action\[1\]/);
    });
  });

  it('close() frees the world, is idempotent, and later use is an error', () => {
    const env = new RoboticsEnv(taskByName('Push'));
    env.reset({ seed: 0 });
    env.close();
    env.close();
    expect(env.core.isClosed).toBe(true);
    expect(() => env.step(Float32Array.from([0, 0, 0, 0]))).toThrow(/closed/);
    expect(() => env.reset()).toThrow(/closed/);
  });

  it('the expert RewardFunction of (state, action, nextState) equals the env reward along expert rollouts', () => {
    for (const task of ROBOTICS_TASKS) {
      const fn = new ExpertReward(task);
      withEnv(task, {}, (env) => {
        env.reset({ seed: 2 });
        let prev = env.state();
        let done = false;
        for (let t = 0; t < task.maxEpisodeSteps && !done; t++) {
          const a = Float32Array.from(task.expert(prev));
          const [, r, te, tr, info] = env.step(a);
          const next = env.state();
          const terms = {};
          const v = fn.compute(prev, a, next, terms);
          expect(Math.fround(v)).toBeCloseTo(r, 6);
          expect(terms).toEqual(info.rewardTerms && Object.fromEntries(Object.entries(info.rewardTerms as object).filter(([k]) => k !== 'expert')));
          // Staged convention: below 0 before success, exactly 1 on success.
          if (info.success) expect(r).toBe(1);
          else expect(r).toBeLessThan(0);
          prev = next;
          done = te || tr;
        }
        expect(env.state().success).toBe(true);
      });
    }
  });
});

// ---------------------------------------------------------------- abstraction

interface Field {
  name: string;
  type: string;
}

/** `interface X { a: T; ... }` blocks of the abstraction text, field lists by interface name. */
function parseInterfaces(text: string): Map<string, Field[]> {
  const out = new Map<string, Field[]>();
  for (const m of text.matchAll(/interface (\w+) \{([^}]*)\}/g)) {
    const fields: Field[] = [];
    for (const line of m[2].split('\n')) {
      const code = line.replace(/\/\/.*$/, '').trim();
      const f = /^(\w+): ([^;]+);$/.exec(code);
      if (f) fields.push({ name: f[1], type: f[2].trim() });
    }
    out.set(m[1], fields);
  }
  return out;
}

function checkValue(v: unknown, type: string, path: string, ifaces: Map<string, Field[]>, problems: string[]): void {
  const tuple = /^\[(.*)\]$/.exec(type);
  if (type === 'number') {
    if (typeof v !== 'number' || !Number.isFinite(v)) problems.push(`${path}: expected a finite number, got ${JSON.stringify(v)}`);
  } else if (type === 'boolean' || type === 'string') {
    if (typeof v !== type) problems.push(`${path}: expected ${type}, got ${JSON.stringify(v)}`);
  } else if (type === 'Vec3' || type === 'Quat' || tuple) {
    const len = type === 'Vec3' ? 3 : type === 'Quat' ? 4 : tuple![1].split(',').length;
    if (!Array.isArray(v) || v.length !== len || !v.every((x) => typeof x === 'number')) problems.push(`${path}: expected ${len} numbers, got ${JSON.stringify(v)}`);
  } else if (ifaces.has(type)) {
    if (v === null || typeof v !== 'object') {
      problems.push(`${path}: expected an object (${type}), got ${JSON.stringify(v)}`);
      return;
    }
    for (const f of ifaces.get(type)!) {
      if (!(f.name in (v as object))) problems.push(`${path}.${f.name}: missing from state()`);
      else checkValue((v as Record<string, unknown>)[f.name], f.type, `${path}.${f.name}`, ifaces, problems);
    }
  } else {
    problems.push(`${path}: unknown type '${type}' in the abstraction`);
  }
}

describe('robotics abstraction', () => {
  for (const task of ROBOTICS_TASKS) {
    it(`${task.id}: every field of State resolves in state() with its declared type, and every helper exists`, () => {
      withEnv(task, {}, (env) => {
        env.reset({ seed: 0 });
        for (let t = 0; t < 5; t++) env.step(Float32Array.from(task.expert(env.state())));
        const text = env.abstraction();
        const ifaces = parseInterfaces(text);
        expect(ifaces.has('State')).toBe(true);
        const problems: string[] = [];
        const s: RoboticsState = env.state();
        checkValue(s, 'State', 'state', ifaces, problems);
        expect(problems).toEqual([]);
        // Nothing in state() that the abstraction does not describe (top level).
        expect(Object.keys(s).sort()).toEqual(ifaces.get('State')!.map((f) => f.name).sort());
        const helpers = [...text.matchAll(/^\/\/ {3}(\w+)\(/gm)].map((m) => m[1]);
        expect(helpers.length).toBeGreaterThanOrEqual(8);
        for (const h of helpers) expect(typeof (ROBOTICS_HELPERS as Record<string, unknown>)[h]).toBe('function');
        expect(text).toContain(task.id);
        expect(text).toContain('success(state)');
      });
    });
  }

  it('the parser finds a field the state lacks (the test can fail)', () => {
    const ifaces = parseInterfaces('interface State {\n  robot: Robot;\n  missing: number; // not there\n}\ninterface Robot {\n  ee: Vec3;\n}');
    const problems: string[] = [];
    checkValue({ robot: { ee: [0, 0, 0] } }, 'State', 'state', ifaces, problems);
    expect(problems).toEqual(['state.missing: missing from state()']);
  });
});
