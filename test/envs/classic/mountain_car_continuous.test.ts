// MountainCarContinuous-v0: parity with a scalar transcription of Gymnasium's continuous_mountain_car.py
// (float64 arithmetic, state stored as float32), batched = N singles, reset, actions, render, reward
// context, params and registration.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CoreEnv } from '../../../sim/batched.ts';
import { Rng } from '../../../sim/rng.ts';
import {
  MountainCarContinuousCore,
  type MountainCarContinuousState,
  mountainCarContinuousRegistration,
} from '../../../envs/classic/mountain_car_continuous.ts';
import { checkBatchedEqualsSingles, checkRender, expectClose, f32 } from './helpers.ts';

/** Gymnasium Continuous_MountainCarEnv, written out independently. */
class RefContinuousMountainCar {
  minAction = -1.0;
  maxAction = 1.0;
  minPosition = -1.2;
  maxPosition = 0.6;
  maxSpeed = 0.07;
  goalPosition = 0.45;
  goalVelocity = 0;
  power = 0.0015;
  state = [0, 0];

  reset(seed: number, low = -0.6, high = -0.4): number[] {
    const rng = new Rng(seed);
    this.state = [rng.uniform(low, high), 0];
    return f32(this.state);
  }

  step(action0: number): [number[], number, boolean] {
    const a = Math.fround(action0); // the action is a float32 array
    let position = this.state[0];
    let velocity = this.state[1];
    const force = Math.min(Math.max(a, this.minAction), this.maxAction);
    velocity += force * this.power - 0.0025 * Math.cos(3 * position);
    if (velocity > this.maxSpeed) velocity = this.maxSpeed;
    if (velocity < -this.maxSpeed) velocity = -this.maxSpeed;
    position += velocity;
    if (position > this.maxPosition) position = this.maxPosition;
    if (position < this.minPosition) position = this.minPosition;
    if (position === this.minPosition && velocity < 0) velocity = 0;
    const terminated = position >= this.goalPosition && velocity >= this.goalVelocity;
    let reward = 0;
    if (terminated) reward = 100.0;
    reward -= Math.pow(a, 2) * 0.1;
    this.state = f32([position, velocity]); // np.array([...], dtype=np.float32)
    return [this.state.slice(), reward, terminated];
  }
}

const make = () => mountainCarContinuousRegistration.entryPoint({}) as CoreEnv<MountainCarContinuousState, Float32Array>;
const force = fc.double({ min: -1.5, max: 1.5, noNaN: true });

describe('MountainCarContinuous-v0', () => {
  it('matches a scalar Gymnasium transcription on random seeded trajectories (obs, reward, terminated)', () => {
    let terminations = 0;
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 31 }), fc.boolean(), fc.array(force, { minLength: 1, maxLength: 300, size: 'max' }), (seed, pump, actions) => {
        const env = make();
        const ref = new RefContinuousMountainCar();
        const [obs0] = env.reset({ seed });
        expectClose(obs0, ref.reset(seed), 1e-6, 'reset obs');
        for (let t = 0; t < actions.length; t++) {
          // "pump" pushes with the velocity (reaches the flag); the drawn value sets its size.
          const a = pump ? Math.sign(ref.state[1] || 1) * Math.max(0.5, Math.abs(actions[t])) : actions[t];
          const [obs, reward, terminated, truncated] = env.step(new Float32Array([a]));
          const [rObs, rReward, rTerminated] = ref.step(a);
          expectClose(obs, rObs, 1e-5, `t=${t} obs`);
          expect(Math.abs(reward - rReward)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(rReward)));
          expect(terminated).toBe(rTerminated);
          expect(truncated).toBe(false);
          if (terminated) {
            terminations++;
            expect(reward).toBeGreaterThan(99);
            break;
          }
        }
      }),
      { numRuns: 80 },
    );
    expect(terminations).toBeGreaterThan(5);
  });

  it('penalises the raw action (Gymnasium squares action[0], not the clipped force)', () => {
    const a = make();
    const b = make();
    a.reset({ seed: 3 });
    b.reset({ seed: 3 });
    const [oa, ra] = a.step(new Float32Array([3]));
    const [ob, rb] = b.step(new Float32Array([1]));
    expect(Array.from(oa)).toEqual(Array.from(ob)); // same clipped force
    expect(ra).toBeCloseTo(-0.9, 6);
    expect(rb).toBeCloseTo(-0.1, 6);
  });

  it('a core of N envs equals N size-1 cores stepped one by one', () => {
    checkBatchedEqualsSingles((n) => new MountainCarContinuousCore(n), fc.array(force, { minLength: 5, maxLength: 5 }), { steps: 150 });
    checkBatchedEqualsSingles(
      (n) => new MountainCarContinuousCore(n, { goalPosition: -0.45, power: 0.003 }),
      fc.array(force, { minLength: 5, maxLength: 5 }),
      { numRuns: 10 },
    );
  });

  it('resets position ~ U(−0.6, −0.4) with velocity 0, and honours {low, high}', () => {
    const env = make();
    for (let seed = 0; seed < 200; seed++) {
      const [obs] = env.reset({ seed });
      expect(obs[0] >= Math.fround(-0.6) && obs[0] <= Math.fround(-0.4)).toBe(true);
      expect(obs[1]).toBe(0);
      expect(env.observationSpace.contains(obs)).toBe(true);
    }
    expect(() => env.reset({ options: { low: -0.1, high: -0.2 } })).toThrow(/low = -0.1 is greater than high = -0.2/);
  });

  it('spaces are Gymnasium’s', () => {
    const env = make();
    expect(env.actionSpace.toString()).toBe('Box(-1, 1, (1))');
    expect(env.observationSpace.toJSON()).toEqual({
      type: 'Box',
      shape: [2],
      low: [Math.fround(-1.2), Math.fround(-0.07)],
      high: [Math.fround(0.6), Math.fround(0.07)],
    });
    expect(env.metadata.renderFps).toBe(30);
  });

  it('rejects NaN, infinite and wrong-length actions, naming the value', () => {
    const env = make();
    env.reset({ seed: 1 });
    expect(() => env.step(new Float32Array([Number.NaN]))).toThrow(/MountainCarContinuous-v0: action \[NaN\] has element \[0\] = NaN/);
    expect(() => env.step(new Float32Array([Infinity]))).toThrow(/element \[0\] = Infinity, not a finite number/);
    expect(() => env.step(new Float32Array([0, 0, 0]))).toThrow(/action \[0, 0, 0\] has length 3, expected 1/);
    expect(() => env.step(null as unknown as Float32Array)).toThrow(/action null is not an array/);
  });

  it('renders Gymnasium-like frames deterministically', () => {
    checkRender(make, { width: 300, height: 200 }, () => new Float32Array([1]));
  });

  it('state() matches the observation; success() is the goal condition', () => {
    const env = make();
    env.reset({ seed: 5 });
    const [obs] = env.step(new Float32Array([0.3]));
    const s = env.state();
    expect([s.position, s.velocity]).toEqual(Array.from(obs)); // the state is float32, like Gymnasium's
    expect(env.success(s)).toBe(false);
    const base = { ...s };
    expect(env.success({ ...base, position: 0.45, velocity: 0.01 })).toBe(true);
    expect(env.success({ ...base, position: 0.44, velocity: 0.07 })).toBe(false);
    expect(env.success({ ...base, position: 0.5, velocity: -0.01 })).toBe(false);
    const text = env.abstraction();
    for (const field of ['position', 'velocity', 'height', 'goalPosition', 'success']) expect(text).toContain(field);
  });

  it('successAt agrees with success(stateAt) on a run that reaches the flag', () => {
    const core = new MountainCarContinuousCore(1);
    const obs = new Float32Array(2);
    core.resetAt(0, new Rng(0), undefined, obs, 0);
    const a = new Float32Array(1);
    const r = new Float32Array(1);
    const term = new Uint8Array(1);
    for (let t = 0; t < 999 && !term[0]; t++) {
      a[0] = obs[1] >= 0 ? 1 : -1;
      core.step(a, new Uint8Array(1), obs, r, term);
      expect(core.successAt(0)).toBe(core.success(core.stateAt(0)));
      expect(core.successAt(0)).toBe(term[0] === 1);
    }
    expect(term[0]).toBe(1);
  });

  it('validates params, naming the field and value', () => {
    expect(() => mountainCarContinuousRegistration.entryPoint({ power: 'x' })).toThrow(/parameter 'power' = "x" is invalid/);
    expect(() => mountainCarContinuousRegistration.entryPoint({ minAction: 1, maxAction: 0 })).toThrow(/maxAction/);
    const wide = mountainCarContinuousRegistration.entryPoint({ minAction: -2, maxAction: 2 });
    expect(wide.actionSpace.toString()).toBe('Box(-2, 2, (1))');
  });

  it('registers Gymnasium’s id, time limit and threshold', () => {
    expect(mountainCarContinuousRegistration.id).toBe('classic/MountainCarContinuous-v0');
    expect(mountainCarContinuousRegistration.maxEpisodeSteps).toBe(999);
    expect(mountainCarContinuousRegistration.rewardThreshold).toBe(90);
  });
});
