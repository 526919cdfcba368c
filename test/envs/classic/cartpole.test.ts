// CartPole-v1: parity with a scalar float64 transcription of Gymnasium's cartpole.py, batched = N singles,
// reset distribution, action checks, render, reward context, params and registration.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoreEnv } from '../../../sim/batched.ts';
import { Rng } from '../../../sim/rng.ts';
import { CartPoleCore, type CartPoleState, cartPoleRegistration } from '../../../envs/classic/cartpole.ts';
import { checkBatchedEqualsSingles, checkRender, expectClose, f32 } from './helpers.ts';

/** Gymnasium CartPoleEnv, written out independently (float64, euler, default constants). */
class RefCartPole {
  gravity = 9.8;
  masscart = 1.0;
  masspole = 0.1;
  totalMass = this.masspole + this.masscart;
  length = 0.5;
  polemassLength = this.masspole * this.length;
  forceMag = 10.0;
  tau = 0.02;
  thetaThreshold = (12 * 2 * Math.PI) / 360;
  xThreshold = 2.4;
  state = [0, 0, 0, 0];
  stepsBeyondTerminated: number | null = null;

  reset(seed: number, low = -0.05, high = 0.05): number[] {
    const rng = new Rng(seed);
    this.state = [rng.uniform(low, high), rng.uniform(low, high), rng.uniform(low, high), rng.uniform(low, high)];
    this.stepsBeyondTerminated = null;
    return f32(this.state);
  }

  step(action: number): [number[], number, boolean] {
    let [x, xDot, theta, thetaDot] = this.state;
    const force = action === 1 ? this.forceMag : -this.forceMag;
    const costheta = Math.cos(theta);
    const sintheta = Math.sin(theta);
    const temp = (force + this.polemassLength * thetaDot ** 2 * sintheta) / this.totalMass;
    const thetaacc =
      (this.gravity * sintheta - costheta * temp) / (this.length * (4.0 / 3.0 - (this.masspole * costheta ** 2) / this.totalMass));
    const xacc = temp - (this.polemassLength * thetaacc * costheta) / this.totalMass;
    x = x + this.tau * xDot;
    xDot = xDot + this.tau * xacc;
    theta = theta + this.tau * thetaDot;
    thetaDot = thetaDot + this.tau * thetaacc;
    this.state = [x, xDot, theta, thetaDot];
    const terminated = x < -this.xThreshold || x > this.xThreshold || theta < -this.thetaThreshold || theta > this.thetaThreshold;
    let reward: number;
    if (!terminated) reward = 1.0;
    else if (this.stepsBeyondTerminated === null) {
      this.stepsBeyondTerminated = 0;
      reward = 1.0;
    } else {
      this.stepsBeyondTerminated += 1;
      reward = 0.0;
    }
    return [f32(this.state), reward, terminated];
  }
}

const make = () => cartPoleRegistration.entryPoint({}) as CoreEnv<CartPoleState, number>;

describe('CartPole-v1', () => {
  it('matches a scalar Gymnasium transcription on random seeded trajectories (obs, reward, terminated)', () => {
    let terminations = 0;
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 31 }), fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 300, size: 'max' }), (seed, actions) => {
        const env = make();
        const ref = new RefCartPole();
        const [obs0] = env.reset({ seed });
        expectClose(obs0, ref.reset(seed), 1e-6, 'reset obs');
        let endedAt = -1;
        for (let t = 0; t < actions.length; t++) {
          const [obs, reward, terminated, truncated] = env.step(actions[t]);
          const [rObs, rReward, rTerminated] = ref.step(actions[t]);
          expectClose(obs, rObs, 1e-5, `t=${t} obs`);
          expect(Math.abs(reward - rReward)).toBeLessThanOrEqual(1e-5);
          expect(terminated).toBe(rTerminated);
          expect(truncated).toBe(false);
          if (terminated && endedAt < 0) {
            endedAt = t;
            terminations++;
          }
          // Follow Gymnasium two steps past termination (reward 0 there), then stop.
          if (endedAt >= 0 && t >= endedAt + 2) break;
        }
      }),
      { numRuns: 80 },
    );
    // Random pushes topple the pole well inside 300 steps: the termination branch was exercised.
    expect(terminations).toBeGreaterThan(10);
  });

  it('rewards +1 on the terminating step and 0 on steps after it', () => {
    const env = make();
    env.reset({ seed: 0 });
    const rewards: number[] = [];
    let t = 0;
    for (; t < 500; t++) {
      const [, r, term] = env.step(1);
      rewards.push(r);
      if (term) break;
    }
    expect(rewards.every((r) => r === 1)).toBe(true);
    expect(env.step(1)[1]).toBe(0);
    env.reset();
    expect(env.step(1)[1]).toBe(1);
  });

  it('a core of N envs equals N size-1 cores stepped one by one', () => {
    checkBatchedEqualsSingles((n) => new CartPoleCore(n), fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 5, maxLength: 5 }));
    checkBatchedEqualsSingles(
      (n) => new CartPoleCore(n, { kinematicsIntegrator: 'semi-implicit-euler', length: 0.8 }),
      fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 5, maxLength: 5 }),
      { numRuns: 10 },
    );
  });

  it('resets every state variable uniformly inside (−0.05, 0.05), and honours {low, high}', () => {
    const env = make();
    const seen = [Infinity, -Infinity];
    for (let seed = 0; seed < 300; seed++) {
      const [obs] = env.reset({ seed });
      for (const v of obs) {
        expect(Math.abs(v)).toBeLessThanOrEqual(0.05);
        seen[0] = Math.min(seen[0], v);
        seen[1] = Math.max(seen[1], v);
      }
      expect(env.observationSpace.contains(obs)).toBe(true);
    }
    expect(seen[0]).toBeLessThan(-0.045);
    expect(seen[1]).toBeGreaterThan(0.045);
    const [obs] = env.reset({ seed: 5, options: { low: 0.2, high: 0.3 } });
    for (const v of obs) expect(v >= Math.fround(0.2) && v <= Math.fround(0.3)).toBe(true);
    expect(() => env.reset({ options: { low: 1, high: 0 } })).toThrow(/low = 1 is greater than high = 0/);
    expect(() => env.reset({ options: { low: 'a' } })).toThrow(/low must be a finite number, got "a"/);
  });

  it('spaces are Gymnasium’s', () => {
    const env = make();
    expect(env.actionSpace.toString()).toBe('Discrete(2)');
    const box = env.observationSpace.toJSON();
    expect(box.shape).toEqual([4]);
    expectClose(
      (box.high as (number | string)[]).map((v) => (v === 'inf' ? 1e30 : Number(v))),
      [4.8, 1e30, ((12 * 2 * Math.PI) / 360) * 2, 1e30],
      1e-6,
      'high',
    );
    expect(env.metadata.renderFps).toBe(50);
  });

  it('rejects actions outside Discrete(2), naming the value', () => {
    const env = make();
    env.reset({ seed: 1 });
    expect(() => env.step(3)).toThrow('CartPole-v1: action 3 is not in Discrete(2)');
    expect(() => env.step(-1)).toThrow('CartPole-v1: action -1 is not in Discrete(2)');
    expect(() => env.step(0.5)).toThrow('action 0.5 is not in Discrete(2)');
    expect(() => env.step('1' as unknown as number)).toThrow('action "1" is not in Discrete(2)');
    expect(() => env.step(Number.NaN)).toThrow('action NaN is not in Discrete(2)');
  });

  it('renders Gymnasium-like frames deterministically', () => {
    checkRender(make, { width: 300, height: 200 }, (t) => t % 2);
  });

  it('state() matches the observation; success() means survival', () => {
    const env = make();
    const [obs] = env.reset({ seed: 9 });
    let s = env.state();
    expectClose([s.x, s.xDot, s.theta, s.thetaDot], obs, 1e-7, 'state vs obs');
    const [obs2] = env.step(0);
    s = env.state();
    expectClose(f32([s.x, s.xDot, s.theta, s.thetaDot]), obs2, 0, 'state vs obs after a step');
    expect(s.poleTipY).toBeCloseTo(Math.cos(s.theta), 12);
    expect(s.failed).toBe(false);
    expect(env.success(s)).toBe(true);
    const base = { ...s };
    expect(env.success({ ...base, x: 0, theta: 0 })).toBe(true);
    expect(env.success({ ...base, x: 2.39, theta: -0.2 })).toBe(true);
    expect(env.success({ ...base, x: 2.41 })).toBe(false);
    expect(env.success({ ...base, x: -2.41 })).toBe(false);
    expect(env.success({ ...base, theta: 0.21 })).toBe(false);
    expect(env.success({ ...base, theta: -0.21 })).toBe(false);
    const text = env.abstraction();
    for (const field of ['x:', 'xDot', 'theta', 'thetaDot', 'failed', 'survival']) expect(text).toContain(field);
  });

  it('successAt agrees with success(stateAt) and flips when the pole falls', () => {
    const core = new CartPoleCore(1);
    const obs = new Float32Array(4);
    core.resetAt(0, new Rng(2), undefined, obs, 0);
    const a = new Float32Array([1]);
    const r = new Float32Array(1);
    const term = new Uint8Array(1);
    const skip = new Uint8Array(1);
    for (let t = 0; t < 200 && !term[0]; t++) {
      core.step(a, skip, obs, r, term);
      expect(core.successAt(0)).toBe(core.success(core.stateAt(0)));
    }
    expect(term[0]).toBe(1);
    expect(core.successAt(0)).toBe(false);
  });

  it('validates params once, naming the field and value', () => {
    expect(() => cartPoleRegistration.entryPoint({ tau: -1 })).toThrow(/CartPole-v1: parameter 'tau' = -1 is invalid/);
    expect(() => cartPoleRegistration.entryPoint({ gravty: 9 })).toThrow(/unknown parameter\(s\) 'gravty' \(known: gravity,/);
    expect(() => cartPoleRegistration.entryPoint({ kinematicsIntegrator: 'rk4' })).toThrow(/kinematicsIntegrator' = "rk4"/);
    // A param changes the dynamics: with stronger gravity an uncontrolled-ish pole falls sooner.
    const steps = (env: CoreEnv<CartPoleState, number>) => {
      env.reset({ seed: 4, options: { low: 0.04, high: 0.05 } });
      for (let t = 1; t <= 500; t++) if (env.step(t % 2)[2]) return t;
      return 500;
    };
    const heavy = cartPoleRegistration.entryPoint({ gravity: 30 }) as CoreEnv<CartPoleState, number>;
    expect(steps(heavy)).toBeLessThan(steps(make()));
  });

  it('registers Gymnasium’s id, time limit and threshold', () => {
    expect(cartPoleRegistration.id).toBe('classic/CartPole-v1');
    expect(cartPoleRegistration.maxEpisodeSteps).toBe(500);
    expect(cartPoleRegistration.rewardThreshold).toBe(475);
    const core = cartPoleRegistration.batched!(8, { renderMode: 'rgb_array' });
    expect(core.numEnvs).toBe(8);
    const env = cartPoleRegistration.entryPoint({ renderMode: 'rgb_array' });
    expect(env.renderMode).toBe('rgb_array');
  });
});
