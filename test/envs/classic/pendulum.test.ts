// Pendulum-v1: parity with a scalar float64 transcription of Gymnasium's pendulum.py, batched = N singles,
// reset distribution, action checks and clipping, render, reward context, params and registration.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CoreEnv } from '../../../sim/batched.ts';
import { Rng } from '../../../sim/rng.ts';
import { PendulumCore, type PendulumState, pendulumRegistration } from '../../../envs/classic/pendulum.ts';
import { checkBatchedEqualsSingles, checkRender, expectClose, f32 } from './helpers.ts';

/** numpy's floored modulo, then Gymnasium's angle_normalize. */
function refAngleNormalize(x: number): number {
  const b = 2 * Math.PI;
  let m = (x + Math.PI) % b;
  if (m !== 0 && m < 0 !== b < 0) m += b;
  return m - Math.PI;
}

/** Gymnasium PendulumEnv, written out independently (float64, default constants). */
class RefPendulum {
  maxSpeed = 8;
  maxTorque = 2.0;
  dt = 0.05;
  g = 10.0;
  m = 1.0;
  l = 1.0;
  state = [0, 0];

  obs(): number[] {
    const [th, thdot] = this.state;
    return f32([Math.cos(th), Math.sin(th), thdot]);
  }

  reset(seed: number, xInit = Math.PI, yInit = 1.0): number[] {
    const rng = new Rng(seed);
    this.state = [rng.uniform(-xInit, xInit), rng.uniform(-yInit, yInit)];
    return this.obs();
  }

  step(action: number): [number[], number, boolean] {
    const [th, thdot] = this.state;
    const { g, m, l, dt } = this;
    const u = Math.min(Math.max(Math.fround(action), -this.maxTorque), this.maxTorque);
    const costs = refAngleNormalize(th) ** 2 + 0.1 * thdot ** 2 + 0.001 * u ** 2;
    let newthdot = thdot + ((3 * g) / (2 * l) * Math.sin(th) + (3.0 / (m * l ** 2)) * u) * dt;
    newthdot = Math.min(Math.max(newthdot, -this.maxSpeed), this.maxSpeed);
    const newth = th + newthdot * dt;
    this.state = [newth, newthdot];
    return [this.obs(), -costs, false];
  }
}

const make = () => pendulumRegistration.entryPoint({}) as CoreEnv<PendulumState, Float32Array>;
const torque = fc.double({ min: -3, max: 3, noNaN: true });

describe('Pendulum-v1', () => {
  it('matches a scalar Gymnasium transcription on random seeded trajectories (obs, reward, terminated)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 31 }), fc.array(torque, { minLength: 1, maxLength: 200, size: 'max' }), (seed, actions) => {
        const env = make();
        const ref = new RefPendulum();
        const [obs0] = env.reset({ seed });
        expectClose(obs0, ref.reset(seed), 1e-6, 'reset obs');
        for (let t = 0; t < actions.length; t++) {
          const [obs, reward, terminated, truncated] = env.step(new Float32Array([actions[t]]));
          const [rObs, rReward, rTerminated] = ref.step(actions[t]);
          expectClose(obs, rObs, 1e-5, `t=${t} obs`);
          // Rewards reach −16: compare relative to float32 resolution as well.
          expect(Math.abs(reward - rReward)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(rReward)));
          expect(terminated).toBe(rTerminated);
          expect(truncated).toBe(false);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('reward is −(θn² + 0.1 θdot² + 0.001 u²) with u clipped, from the state before the step', () => {
    const env = make();
    env.reset({ seed: 0, options: { x_init: 0, y_init: 0 } }); // θ = 0, θdot = 0 exactly (U(−0, 0))
    const [, r0] = env.step(new Float32Array([5])); // clipped to 2
    expect(r0).toBeCloseTo(-0.001 * 4, 7);
    expect(env.state().lastTorque).toBe(2);
    const [, r1] = env.step(new Float32Array([-2]));
    const s = env.state();
    expect(s.lastTorque).toBe(-2);
    // θdot after step 1 = 3·2·0.05 = 0.3, θ = 0.015
    expect(r1).toBeCloseTo(-(0.015 ** 2 + 0.1 * 0.3 ** 2 + 0.001 * 4), 6);
  });

  it('a core of N envs equals N size-1 cores stepped one by one', () => {
    checkBatchedEqualsSingles((n) => new PendulumCore(n), fc.array(torque, { minLength: 5, maxLength: 5 }));
    checkBatchedEqualsSingles((n) => new PendulumCore(n, { g: 9.81, m: 0.5 }), fc.array(torque, { minLength: 5, maxLength: 5 }), {
      numRuns: 10,
    });
  });

  it('resets θ ~ U(−π, π), θdot ~ U(−1, 1), and honours x_init / y_init (and xInit / yInit)', () => {
    const env = make();
    let lowSeen = false;
    let highSeen = false;
    for (let seed = 0; seed < 300; seed++) {
      const [obs] = env.reset({ seed });
      const s = env.state();
      expect(Math.abs(s.theta)).toBeLessThanOrEqual(Math.PI);
      expect(Math.abs(s.thetaDot)).toBeLessThanOrEqual(1);
      expect(env.observationSpace.contains(obs)).toBe(true);
      if (s.theta < -3) lowSeen = true;
      if (s.theta > 3) highSeen = true;
    }
    expect(lowSeen && highSeen).toBe(true);
    env.reset({ seed: 3, options: { x_init: 0.1, y_init: 0.2 } });
    expect(Math.abs(env.state().theta)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(env.state().thetaDot)).toBeLessThanOrEqual(0.2);
    env.reset({ seed: 3, options: { xInit: 0.01 } });
    expect(Math.abs(env.state().theta)).toBeLessThanOrEqual(0.01);
    expect(() => env.reset({ options: { x_init: Number.NaN } })).toThrow(/x_init must be a finite number, got NaN/);
  });

  it('spaces are Gymnasium’s', () => {
    const env = make();
    expect(env.actionSpace.toString()).toBe('Box(-2, 2, (1))');
    expect(env.observationSpace.toJSON()).toEqual({ type: 'Box', shape: [3], low: [-1, -1, -8], high: [1, 1, 8] });
    expect(env.metadata.renderFps).toBe(30);
  });

  it('rejects NaN and wrong-length actions, naming the value; clips out-of-range torques', () => {
    const env = make();
    env.reset({ seed: 1 });
    expect(() => env.step(new Float32Array([Number.NaN]))).toThrow(/Pendulum-v1: action \[NaN\] has element \[0\] = NaN/);
    expect(() => env.step(new Float32Array([1, 2]))).toThrow(/Pendulum-v1: action \[1, 2\] has length 2, expected 1 \(Box\(-2, 2, \(1\)\)\)/);
    expect(() => env.step(new Float32Array([]))).toThrow(/has length 0/);
    expect(() => env.step('x' as unknown as Float32Array)).toThrow(/action "x" is not an array/);
    // Out of range is clipped exactly like the bound itself.
    const a = make();
    const b = make();
    a.reset({ seed: 7 });
    b.reset({ seed: 7 });
    expect(Array.from(a.step(new Float32Array([50]))[0])).toEqual(Array.from(b.step(new Float32Array([2]))[0]));
    expect(a.step(new Float32Array([-50]))[1]).toBe(b.step(new Float32Array([-2]))[1]);
    // Plain arrays and a bare number are accepted too.
    expect(a.step([0.5] as unknown as Float32Array)[0]).toEqual(b.step(0.5 as unknown as Float32Array)[0]);
  });

  it('renders Gymnasium-like frames deterministically', () => {
    checkRender(make, { width: 250, height: 250 }, () => new Float32Array([2]));
  });

  it('state() matches the observation; success() is upright and still', () => {
    const env = make();
    env.reset({ seed: 11 });
    const [obs] = env.step(new Float32Array([1]));
    const s = env.state();
    expectClose([s.cosTheta, s.sinTheta, s.thetaDot], obs, 1e-7, 'state vs obs');
    expectClose([Math.cos(s.theta), Math.sin(s.theta)], obs.subarray(0, 2), 1e-6, 'normalised theta vs obs');
    expect(s.theta >= -Math.PI && s.theta < Math.PI).toBe(true);
    expect(s.tipY).toBeCloseTo(s.cosTheta, 12);
    expect(s.tipX).toBeCloseTo(-s.sinTheta, 12);
    const base = { ...s };
    expect(env.success({ ...base, theta: 0.05, thetaDot: 0.5 })).toBe(true);
    expect(env.success({ ...base, theta: 2 * Math.PI + 0.05, thetaDot: -0.5 })).toBe(true); // normalised
    expect(env.success({ ...base, theta: 0.15, thetaDot: 0 })).toBe(false);
    expect(env.success({ ...base, theta: 0, thetaDot: 1.5 })).toBe(false);
    expect(env.success({ ...base, theta: Math.PI, thetaDot: 0 })).toBe(false);
    const text = env.abstraction();
    for (const field of ['theta', 'thetaDot', 'cosTheta', 'lastTorque', 'success']) expect(text).toContain(field);
  });

  it('never terminates, and successAt agrees with success(stateAt)', () => {
    const core = new PendulumCore(3);
    const obs = new Float32Array(9);
    for (let i = 0; i < 3; i++) core.resetAt(i, new Rng(i), { x_init: 0.01, y_init: 0.01 }, obs, i * 3);
    const r = new Float32Array(3);
    const term = new Uint8Array(3).fill(9);
    core.step(new Float32Array([0, 0, 0]), new Uint8Array(3), obs, r, term);
    expect(Array.from(term)).toEqual([0, 0, 0]);
    for (let i = 0; i < 3; i++) {
      expect(core.successAt(i)).toBe(true);
      expect(core.successAt(i)).toBe(core.success(core.stateAt(i)));
    }
  });

  it('validates params, and g changes the dynamics', () => {
    expect(() => pendulumRegistration.entryPoint({ dt: 0 })).toThrow(/Pendulum-v1: parameter 'dt' = 0 is invalid/);
    expect(() => pendulumRegistration.entryPoint({ G: 10 })).toThrow(/unknown parameter\(s\) 'G'/);
    const moon = pendulumRegistration.entryPoint({ g: 1.6 }) as CoreEnv<PendulumState, Float32Array>;
    const earth = make();
    moon.reset({ seed: 2 });
    earth.reset({ seed: 2 });
    expect(Array.from(moon.step(new Float32Array([0]))[0])).not.toEqual(Array.from(earth.step(new Float32Array([0]))[0]));
    const strong = pendulumRegistration.entryPoint({ maxTorque: 5 });
    expect(strong.actionSpace.toString()).toBe('Box(-5, 5, (1))');
  });

  it('registers Gymnasium’s id and time limit', () => {
    expect(pendulumRegistration.id).toBe('classic/Pendulum-v1');
    expect(pendulumRegistration.maxEpisodeSteps).toBe(200);
    expect(pendulumRegistration.batched!(4, {}).numEnvs).toBe(4);
  });
});
