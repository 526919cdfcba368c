// Acrobot-v1: parity with a scalar float64 transcription of Gymnasium's acrobot.py (book dynamics, rk4),
// batched = N singles (with and without torque noise), reset, actions, render, reward context, params.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CoreEnv } from '../../../sim/batched.ts';
import { Rng } from '../../../sim/rng.ts';
import { AcrobotCore, type AcrobotState, acrobotRegistration } from '../../../envs/classic/acrobot.ts';
import { checkBatchedEqualsSingles, checkRender, expectClose, f32 } from './helpers.ts';

const pi = Math.PI;

/** Gymnasium AcrobotEnv, written out independently (generic rk4 over arrays, as acrobot.py does). */
class RefAcrobot {
  dt = 0.2;
  LINK_LENGTH_1 = 1.0;
  LINK_MASS_1 = 1.0;
  LINK_MASS_2 = 1.0;
  LINK_COM_POS_1 = 0.5;
  LINK_COM_POS_2 = 0.5;
  LINK_MOI = 1.0;
  MAX_VEL_1 = 4 * pi;
  MAX_VEL_2 = 9 * pi;
  AVAIL_TORQUE = [-1.0, 0.0, +1];
  state = [0, 0, 0, 0];

  obs(): number[] {
    const s = this.state;
    return f32([Math.cos(s[0]), Math.sin(s[0]), Math.cos(s[1]), Math.sin(s[1]), s[2], s[3]]);
  }

  reset(seed: number, low = -0.1, high = 0.1): number[] {
    const rng = new Rng(seed);
    this.state = f32([rng.uniform(low, high), rng.uniform(low, high), rng.uniform(low, high), rng.uniform(low, high)]);
    return this.obs();
  }

  dsdt(sAug: number[]): number[] {
    const m1 = this.LINK_MASS_1;
    const m2 = this.LINK_MASS_2;
    const l1 = this.LINK_LENGTH_1;
    const lc1 = this.LINK_COM_POS_1;
    const lc2 = this.LINK_COM_POS_2;
    const I1 = this.LINK_MOI;
    const I2 = this.LINK_MOI;
    const g = 9.8;
    const a = sAug[sAug.length - 1];
    const [theta1, theta2, dtheta1, dtheta2] = sAug;
    const d1 = m1 * lc1 ** 2 + m2 * (l1 ** 2 + lc2 ** 2 + 2 * l1 * lc2 * Math.cos(theta2)) + I1 + I2;
    const d2 = m2 * (lc2 ** 2 + l1 * lc2 * Math.cos(theta2)) + I2;
    const phi2 = m2 * lc2 * g * Math.cos(theta1 + theta2 - pi / 2.0);
    const phi1 =
      -m2 * l1 * lc2 * dtheta2 ** 2 * Math.sin(theta2) -
      2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.sin(theta2) +
      (m1 * lc1 + m2 * l1) * g * Math.cos(theta1 - pi / 2) +
      phi2;
    const ddtheta2 = (a + (d2 / d1) * phi1 - m2 * l1 * lc2 * dtheta1 ** 2 * Math.sin(theta2) - phi2) / (m2 * lc2 ** 2 + I2 - d2 ** 2 / d1);
    const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
    return [dtheta1, dtheta2, ddtheta1, ddtheta2, 0.0];
  }

  rk4(y0: number[], t: number[]): number[] {
    const add = (u: number[], c: number, v: number[]) => u.map((x, j) => x + c * v[j]);
    let y = y0;
    for (let i = 0; i < t.length - 1; i++) {
      const dt = t[i + 1] - t[i];
      const dt2 = dt / 2.0;
      const k1 = this.dsdt(y);
      const k2 = this.dsdt(add(y, dt2, k1));
      const k3 = this.dsdt(add(y, dt2, k2));
      const k4 = this.dsdt(add(y, dt, k3));
      const sum = k1.map((_, j) => k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
      y = add(y, dt / 6.0, sum);
    }
    return y.slice(0, 4);
  }

  step(a: number): [number[], number, boolean] {
    const torque = this.AVAIL_TORQUE[a];
    const ns = this.rk4([...this.state, torque], [0, this.dt]);
    const wrap = (x: number, m: number, M: number) => {
      const diff = M - m;
      while (x > M) x = x - diff;
      while (x < m) x = x + diff;
      return x;
    };
    const bound = (x: number, m: number, M: number) => Math.min(Math.max(x, m), M);
    ns[0] = wrap(ns[0], -pi, pi);
    ns[1] = wrap(ns[1], -pi, pi);
    ns[2] = bound(ns[2], -this.MAX_VEL_1, this.MAX_VEL_1);
    ns[3] = bound(ns[3], -this.MAX_VEL_2, this.MAX_VEL_2);
    this.state = ns;
    const terminated = -Math.cos(ns[0]) - Math.cos(ns[1] + ns[0]) > 1.0;
    return [this.obs(), terminated ? 0.0 : -1.0, terminated];
  }
}

const make = () => acrobotRegistration.entryPoint({}) as CoreEnv<AcrobotState, number>;

describe('Acrobot-v1', () => {
  it('matches a scalar Gymnasium transcription on random seeded trajectories (obs, reward, terminated)', () => {
    let terminations = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: 2 ** 31 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 300, size: 'max' }),
        (seed, pump, actions) => {
          const env = make();
          const ref = new RefAcrobot();
          const [obs0] = env.reset({ seed });
          expectClose(obs0, ref.reset(seed), 1e-6, 'reset obs');
          for (let t = 0; t < actions.length; t++) {
            // "pump" torques along the elbow's swing (reaches the line in ~80 steps), some 1s as noise.
            const a = pump ? (actions[t] === 1 && t % 4 === 0 ? 1 : ref.state[3] >= 0 ? 2 : 0) : actions[t];
            const [obs, reward, terminated, truncated] = env.step(a);
            const [rObs, rReward, rTerminated] = ref.step(a);
            expectClose(obs, rObs, 1e-5, `t=${t} obs`);
            expect(reward).toBe(rReward);
            expect(terminated).toBe(rTerminated);
            expect(truncated).toBe(false);
            if (terminated) {
              terminations++;
              break;
            }
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(terminations).toBeGreaterThan(3);
  });

  it('a core of N envs equals N size-1 cores stepped one by one (also with torque noise)', () => {
    const acts = fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 5, maxLength: 5 });
    checkBatchedEqualsSingles((n) => new AcrobotCore(n), acts);
    checkBatchedEqualsSingles((n) => new AcrobotCore(n, { torqueNoiseMax: 0.5 }), acts, { numRuns: 10 });
    checkBatchedEqualsSingles((n) => new AcrobotCore(n, { bookOrNips: 'nips', linkMass2: 2 }), acts, { numRuns: 10 });
  });

  it('torque noise draws from the env generator: same seed, same trajectory; other seed, other one', () => {
    const run = (seed: number) => {
      const env = acrobotRegistration.entryPoint({ torqueNoiseMax: 1 }) as CoreEnv<AcrobotState, number>;
      env.reset({ seed });
      for (let t = 0; t < 10; t++) env.step(1);
      return env.state();
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
    expect(() => new AcrobotCore(1, { torqueNoiseMax: 1 }).step(new Float32Array([1]), new Uint8Array(1), new Float32Array(6), new Float32Array(1), new Uint8Array(1))).toThrow(
      /env 0 stepped before reset/,
    );
  });

  it('resets the four state variables ~ U(−0.1, 0.1) rounded to float32, and honours {low, high}', () => {
    const env = make();
    for (let seed = 0; seed < 200; seed++) {
      const [obs] = env.reset({ seed });
      const s = env.state();
      for (const v of [s.theta1, s.theta2, s.theta1Dot, s.theta2Dot]) {
        expect(Math.abs(v)).toBeLessThanOrEqual(Math.fround(0.1));
        expect(Math.fround(v)).toBe(v);
      }
      expect(env.observationSpace.contains(obs)).toBe(true);
    }
    env.reset({ seed: 1, options: { low: 1, high: 1 } });
    expect(env.state().theta1).toBe(1);
  });

  it('spaces are Gymnasium’s', () => {
    const env = make();
    expect(env.actionSpace.toString()).toBe('Discrete(3)');
    const box = env.observationSpace.toJSON();
    expect(box.high).toEqual([1, 1, 1, 1, Math.fround(4 * pi), Math.fround(9 * pi)]);
    expect(box.low).toEqual([-1, -1, -1, -1, -Math.fround(4 * pi), -Math.fround(9 * pi)]);
    expect(env.metadata.renderFps).toBe(15);
  });

  it('rejects actions outside Discrete(3), naming the value', () => {
    const env = make();
    env.reset({ seed: 1 });
    expect(() => env.step(3)).toThrow('Acrobot-v1: action 3 is not in Discrete(3)');
    expect(() => env.step(-1)).toThrow('Acrobot-v1: action -1 is not in Discrete(3)');
    expect(() => env.step(undefined as unknown as number)).toThrow('Acrobot-v1: action undefined is not in Discrete(3)');
  });

  it('renders Gymnasium-like frames deterministically', () => {
    checkRender(make, { width: 250, height: 250 }, (t) => (t % 6 < 3 ? 2 : 0));
  });

  it('state() matches the observation; success() is tip height > 1', () => {
    const env = make();
    env.reset({ seed: 8 });
    let obs = env.step(2)[0];
    for (let t = 0; t < 5; t++) obs = env.step(2)[0];
    const s = env.state();
    expectClose(
      f32([Math.cos(s.theta1), Math.sin(s.theta1), Math.cos(s.theta2), Math.sin(s.theta2), s.theta1Dot, s.theta2Dot]),
      obs,
      0,
      'state vs obs',
    );
    expect(s.tipHeight).toBeCloseTo(s.tipY, 12); // unit links
    expect(s.elbowY).toBeCloseTo(-Math.cos(s.theta1), 12);
    const base = { ...s };
    expect(env.success({ ...base, theta1: pi, theta2: 0 })).toBe(true); // straight up: height 2
    expect(env.success({ ...base, theta1: pi / 2 + 0.3, theta2: pi / 2 - 0.3 })).toBe(true); // link 2 vertical: 1.30
    expect(env.success({ ...base, theta1: pi / 2 + 0.3, theta2: pi / 2 + 0.5 })).toBe(false); // 0.30 + 0.70 = 0.99
    expect(env.success({ ...base, theta1: 2.5, theta2: 0.3 })).toBe(true);
    expect(env.success({ ...base, theta1: 0, theta2: 0 })).toBe(false);
    expect(env.success({ ...base, theta1: pi / 2, theta2: 0 })).toBe(false); // horizontal: height 0
    const text = env.abstraction();
    for (const field of ['theta1', 'theta2', 'tipHeight', 'success']) expect(text).toContain(field);
  });

  it('validates params, naming the field and value', () => {
    expect(() => acrobotRegistration.entryPoint({ bookOrNips: 'paper' })).toThrow(/Acrobot-v1: parameter 'bookOrNips' = "paper" is invalid/);
    expect(() => acrobotRegistration.entryPoint({ torqueNoiseMax: -1 })).toThrow(/torqueNoiseMax' = -1/);
  });

  it('registers Gymnasium’s id, time limit and threshold', () => {
    expect(acrobotRegistration.id).toBe('classic/Acrobot-v1');
    expect(acrobotRegistration.maxEpisodeSteps).toBe(500);
    expect(acrobotRegistration.rewardThreshold).toBe(-100);
  });
});
