/** Registry: id parsing, version resolution, make's wrapper order, and errors that name the closest ids. */
import { describe, expect, it } from 'vitest';
import { CoreEnv } from '../../sim/batched.ts';
import { Registry, parseEnvId } from '../../sim/registry.ts';
import { OrderEnforcing } from '../../sim/wrappers/order_enforcing.ts';
import { TimeLimit } from '../../sim/wrappers/time_limit.ts';
import { ToyCore } from '../helpers/toy_env.ts';

function reg(): Registry {
  const entry = () => new CoreEnv(new ToyCore(1));
  return new Registry([
    { id: 'test/Toy-v0', entryPoint: entry, maxEpisodeSteps: 5 },
    { id: 'test/Toy-v2', entryPoint: entry, maxEpisodeSteps: 7 },
    { id: 'test/Other-v1', entryPoint: entry },
  ]);
}

describe('Registry', () => {
  it('parses ids', () => {
    expect(parseEnvId('classic/CartPole-v1')).toEqual({ family: 'classic', name: 'CartPole', version: 1 });
    expect(parseEnvId('CartPole')).toEqual({ family: undefined, name: 'CartPole', version: undefined });
    expect(() => parseEnvId('bad id!')).toThrow(/malformed env id 'bad id!'/);
    expect(parseEnvId('webnav/click-button-v0')).toEqual({ family: 'webnav', name: 'click-button', version: 0 });
  });

  it('resolves an unversioned id to the latest version and a bare name to its family', () => {
    const r = reg();
    expect(r.resolve('test/Toy').id).toBe('test/Toy-v2');
    expect(r.resolve('Toy').id).toBe('test/Toy-v2');
    expect(r.resolve('Toy-v0').id).toBe('test/Toy-v0');
  });

  it('make wraps OrderEnforcing then TimeLimit and sets spec', () => {
    const env = reg().make('test/Toy-v0');
    expect(env).toBeInstanceOf(TimeLimit);
    expect((env as TimeLimit<unknown, unknown, unknown>).env).toBeInstanceOf(OrderEnforcing);
    expect(env.spec).toEqual({ id: 'test/Toy-v0', maxEpisodeSteps: 5, kwargs: {} });
    expect(() => env.step(0)).toThrow('Cannot call env.step() before calling env.reset()');
    env.reset({ seed: 0 });
    let trunc = false;
    let steps = 0;
    while (!trunc) {
      trunc = env.step(0)[3];
      steps++;
    }
    expect(steps).toBe(5);
  });

  it('unknown ids list the closest registered ids', () => {
    expect(() => reg().make('test/Toyy-v0')).toThrow(/unknown env id 'test\/Toyy-v0'. Closest registered ids: test\/Toy-v0/);
  });

  it('rejects duplicate and malformed registrations', () => {
    const r = reg();
    expect(() => r.register({ id: 'test/Toy-v0', entryPoint: () => new CoreEnv(new ToyCore(1)) })).toThrow(/already registered/);
    expect(() => r.register({ id: 'NoFamily-v0', entryPoint: () => new CoreEnv(new ToyCore(1)) })).toThrow(/family\/Name-vN/);
    expect(() => r.register({ id: 'test/Neg-v0', entryPoint: () => new CoreEnv(new ToyCore(1)), maxEpisodeSteps: -1 })).toThrow(/maxEpisodeSteps must be a positive integer, got -1/);
  });

  it('an action outside the space is rejected with the value named', () => {
    const env = reg().make('test/Toy-v0');
    env.reset({ seed: 0 });
    expect(() => env.step(3)).toThrow(/action 3 is not in Discrete\(2\)/);
  });
});
