/** checkEnv passes a correct env and names the problem in deliberately broken ones. */
import { describe, expect, it } from 'vitest';
import { CoreEnv } from '../../sim/batched.ts';
import { CheckEnvError, checkEnv } from '../../sim/check_env.ts';
import type { Rng } from '../../sim/rng.ts';
import { Registry } from '../../sim/registry.ts';
import { Wrapper } from '../../sim/wrappers/wrapper.ts';
import type { StepResult } from '../../sim/env.ts';
import { ToyCore, toyRegistration } from '../helpers/toy_env.ts';

function failuresOf(fn: () => void): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof CheckEnvError) return e.failures;
    throw e;
  }
  return [];
}

let counter = 0;
class NondeterministicReset extends ToyCore {
  override resetAt(i: number, rng: Rng, o: unknown, obs: Float32Array, off: number): void {
    super.resetAt(i, rng, o, obs, off);
    counter++;
    this.u[i] = (counter % 7) / 7;
    obs[off] = this.u[i];
  }
}
class NaNReward extends ToyCore {
  override step(a: Float32Array, s: Uint8Array, obs: Float32Array, r: Float32Array, t: Uint8Array): void {
    super.step(a, s, obs, r, t);
    r[0] = Number.NaN;
  }
}
class ObsOutOfSpace extends ToyCore {
  override step(a: Float32Array, s: Uint8Array, obs: Float32Array, r: Float32Array, t: Uint8Array): void {
    super.step(a, s, obs, r, t);
    obs[1] = -5;
  }
}
class TruncateAtOnce<O, A, S> extends Wrapper<O, A, S> {
  override step(a: A): StepResult<O> {
    const r = this.env.step(a);
    r[3] = true;
    return r;
  }
}
class IgnoresSeed extends CoreEnv {
  override reset(): ReturnType<CoreEnv['reset']> {
    return super.reset({});
  }
}
class BadFrame extends ToyCore {
  override renderAt(): { width: number; height: number; data: Uint8Array } {
    return { width: 4, height: 4, data: new Uint8Array(10) };
  }
}

describe('checkEnv', () => {
  it('passes a correct env made through the registry', () => {
    const reg = new Registry([toyRegistration(10)]);
    expect(() => checkEnv(reg.make('test/Toy-v0'))).not.toThrow();
  });

  it('fails on a nondeterministic reset and says so', () => {
    const f = failuresOf(() => checkEnv(new CoreEnv(new NondeterministicReset(1))));
    expect(f.some((m) => /reset\(seed=123\) twice gave different observations \(obs\[0\]/.test(m))).toBe(true);
  });

  it('fails on a NaN reward', () => {
    const f = failuresOf(() => checkEnv(new CoreEnv(new NaNReward(1))));
    expect(f.some((m) => /reward is not finite: NaN/.test(m))).toBe(true);
  });

  it('fails on an observation outside its space', () => {
    const f = failuresOf(() => checkEnv(new CoreEnv(new ObsOutOfSpace(1))));
    expect(f.some((m) => /step 1: observation is not in Box\(0, \[1, 1000000\], \(2\)\): Float32Array\[[0-9.]+, -5\]/.test(m))).toBe(true);
  });

  it('fails when the first step is truncated', () => {
    const f = failuresOf(() => checkEnv(new TruncateAtOnce(new CoreEnv(new ToyCore(1)))));
    expect(f).toContain('the first step after reset returned truncated = true (a time limit of 0?)');
  });

  it('fails when the seed is ignored', () => {
    const f = failuresOf(() => checkEnv(new IgnoresSeed(new ToyCore(1))));
    expect(f.some((m) => /the seed does not rebuild the RNG/.test(m))).toBe(true);
  });

  it('fails on a frame of the wrong size', () => {
    const f = failuresOf(() => checkEnv(new CoreEnv(new BadFrame(1))));
    expect(f.some((m) => /returned 10 bytes, expected H×W×3 = 4×4×3 = 48/.test(m))).toBe(true);
  });
});
