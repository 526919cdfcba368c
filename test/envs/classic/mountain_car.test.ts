// MountainCar-v0: parity with a scalar float64 transcription of Gymnasium's mountain_car.py, batched = N
// singles, reset distribution, action checks, render, reward context, params and registration.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CoreEnv } from '../../../sim/batched.ts';
import { Rng } from '../../../sim/rng.ts';
import { MountainCarCore, type MountainCarState, mountainCarRegistration } from '../../../envs/classic/mountain_car.ts';
import { checkBatchedEqualsSingles, checkRender, expectClose, f32 } from './helpers.ts';

/** Gymnasium MountainCarEnv, written out independently (float64, default constants). */
class RefMountainCar {
  minPosition = -1.2;
  maxPosition = 0.6;
  maxSpeed = 0.07;
  goalPosition = 0.5;
  goalVelocity = 0;
  force = 0.001;
  gravity = 0.0025;
  state = [0, 0];

  reset(seed: number, low = -0.6, high = -0.4): number[] {
    const rng = new Rng(seed);
    this.state = [rng.uniform(low, high), 0];
    return f32(this.state);
  }

  step(action: number): [number[], number, boolean] {
    let [position, velocity] = this.state;
    velocity += (action - 1) * this.force + Math.cos(3 * position) * -this.gravity;
    velocity = Math.min(Math.max(velocity, -this.maxSpeed), this.maxSpeed);
    position += velocity;
    position = Math.min(Math.max(position, this.minPosition), this.maxPosition);
    if (position === this.minPosition && velocity < 0) velocity = 0;
    const terminated = position >= this.goalPosition && velocity >= this.goalVelocity;
    this.state = [position, velocity];
    return [f32(this.state), -1.0, terminated];
  }
}

const make = () => mountainCarRegistration.entryPoint({}) as CoreEnv<MountainCarState, number>;

describe('MountainCar-v0', () => {
  it('matches a scalar Gymnasium transcription on random seeded trajectories (obs, reward, terminated)', () => {
    let terminations = 0;
    let wallHits = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: 2 ** 31 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 200, size: 'max' }),
        (seed, pump, actions) => {
          const env = make();
          const ref = new RefMountainCar();
          const [obs0] = env.reset({ seed });
          expectClose(obs0, ref.reset(seed), 1e-6, 'reset obs');
          for (let t = 0; t < actions.length; t++) {
            // "pump" follows the velocity (reaches the flag), with some of the sequence's 1s as coasting noise.
            const a = pump ? (actions[t] === 1 && t % 4 === 0 ? 1 : ref.state[1] >= 0 ? 2 : 0) : actions[t];
            const [obs, reward, terminated, truncated] = env.step(a);
            const [rObs, rReward, rTerminated] = ref.step(a);
            expectClose(obs, rObs, 1e-5, `t=${t} obs`);
            expect(reward).toBe(rReward);
            expect(terminated).toBe(rTerminated);
            expect(truncated).toBe(false);
            if (ref.state[0] === ref.minPosition) wallHits++;
            if (terminated) {
              terminations++;
              break;
            }
          }
        },
      ),
      { numRuns: 80 },
    );
    expect(terminations).toBeGreaterThan(5);
    expect(wallHits).toBeGreaterThan(0);
  });

  it('a core of N envs equals N size-1 cores stepped one by one', () => {
    checkBatchedEqualsSingles((n) => new MountainCarCore(n), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 5, maxLength: 5 }), {
      steps: 150,
    });
    checkBatchedEqualsSingles(
      (n) => new MountainCarCore(n, { goalPosition: -0.45, force: 0.002 }),
      fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 5, maxLength: 5 }),
      { numRuns: 10 },
    );
  });

  it('resets position ~ U(−0.6, −0.4) with velocity 0, and honours {low, high}', () => {
    const env = make();
    let lo = Infinity;
    let hi = -Infinity;
    for (let seed = 0; seed < 300; seed++) {
      const [obs] = env.reset({ seed });
      expect(obs[0] >= Math.fround(-0.6) && obs[0] <= Math.fround(-0.4)).toBe(true);
      expect(obs[1]).toBe(0);
      expect(env.observationSpace.contains(obs)).toBe(true);
      lo = Math.min(lo, obs[0]);
      hi = Math.max(hi, obs[0]);
    }
    expect(lo).toBeLessThan(-0.59);
    expect(hi).toBeGreaterThan(-0.41);
    const [obs] = env.reset({ seed: 2, options: { low: 0.1, high: 0.2 } });
    expect(obs[0] >= Math.fround(0.1) && obs[0] <= Math.fround(0.2)).toBe(true);
  });

  it('spaces are Gymnasium’s', () => {
    const env = make();
    expect(env.actionSpace.toString()).toBe('Discrete(3)');
    expect(env.observationSpace.toJSON()).toEqual({
      type: 'Box',
      shape: [2],
      low: [Math.fround(-1.2), Math.fround(-0.07)],
      high: [Math.fround(0.6), Math.fround(0.07)],
    });
    expect(env.metadata.renderFps).toBe(30);
  });

  it('rejects actions outside Discrete(3), naming the value', () => {
    const env = make();
    env.reset({ seed: 1 });
    expect(() => env.step(3)).toThrow('MountainCar-v0: action 3 is not in Discrete(3)');
    expect(() => env.step(1.5)).toThrow('MountainCar-v0: action 1.5 is not in Discrete(3)');
    expect(() => env.step(new Float32Array([1]) as unknown as number)).toThrow('MountainCar-v0: action [1] is not in Discrete(3)');
  });

  it('renders Gymnasium-like frames deterministically', () => {
    checkRender(make, { width: 300, height: 200 }, () => 2);
  });

  it('state() matches the observation; success() is the goal condition', () => {
    const env = make();
    env.reset({ seed: 5 });
    const [obs] = env.step(2);
    const s = env.state();
    expectClose(f32([s.position, s.velocity]), obs, 0, 'state vs obs');
    expect(s.height).toBeCloseTo(0.45 * Math.sin(3 * s.position) + 0.55, 12);
    expect(env.success(s)).toBe(false);
    const base = { ...s };
    expect(env.success({ ...base, position: 0.5, velocity: 0.01 })).toBe(true);
    expect(env.success({ ...base, position: 0.6, velocity: 0 })).toBe(true);
    expect(env.success({ ...base, position: 0.49, velocity: 0.07 })).toBe(false);
    expect(env.success({ ...base, position: 0.55, velocity: -0.01 })).toBe(false); // goalVelocity 0
    const text = env.abstraction();
    for (const field of ['position', 'velocity', 'height', 'goalPosition', 'success']) expect(text).toContain(field);
  });

  it('successAt agrees with success(stateAt) on a run that reaches the flag', () => {
    const core = new MountainCarCore(1);
    const obs = new Float32Array(2);
    core.resetAt(0, new Rng(0), undefined, obs, 0);
    const a = new Float32Array(1);
    const r = new Float32Array(1);
    const term = new Uint8Array(1);
    const skip = new Uint8Array(1);
    let t = 0;
    for (; t < 300 && !term[0]; t++) {
      a[0] = obs[1] >= 0 ? 2 : 0;
      core.step(a, skip, obs, r, term);
      expect(core.successAt(0)).toBe(core.success(core.stateAt(0)));
      expect(core.successAt(0)).toBe(term[0] === 1);
    }
    expect(term[0]).toBe(1);
    expect(t).toBeLessThan(200);
  });

  it('validates params, naming the field and value', () => {
    expect(() => mountainCarRegistration.entryPoint({ maxSpeed: -0.07 })).toThrow(/MountainCar-v0: parameter 'maxSpeed' = -0.07 is invalid/);
    expect(() => mountainCarRegistration.entryPoint({ goalPosition: 2 })).toThrow(/parameter 'goalPosition' = 2 is invalid/);
    expect(() => mountainCarRegistration.entryPoint({ goal_velocity: 0.1 })).toThrow(/unknown parameter\(s\) 'goal_velocity'/);
    const strict = mountainCarRegistration.entryPoint({ goalVelocity: 0.5 }) as CoreEnv<MountainCarState, number>;
    expect(strict.success({ ...strict.state(), position: 0.55, velocity: 0.07 })).toBe(false);
  });

  it('registers Gymnasium’s id, time limit and threshold', () => {
    expect(mountainCarRegistration.id).toBe('classic/MountainCar-v0');
    expect(mountainCarRegistration.maxEpisodeSteps).toBe(200);
    expect(mountainCarRegistration.rewardThreshold).toBe(-110);
  });
});
