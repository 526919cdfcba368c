/**
 * checkEnv: Gymnasium's `check_env` for our contract, plus the reward context. It runs every check and
 * throws one `CheckEnvError` listing each failure with what differed; it never mutates the env beyond
 * resets and steps.
 *
 * Checks: spaces are Spaces; reset(seed=123) twice → equal obs, equal info and equal RNG state; seed 456 →
 * a different RNG state; reset without a seed keeps the RNG going; obs from reset and step lie in the
 * observation space; the same seed + the same sampled action → identical step output (obs, reward, both
 * flags, info); the first step is not truncated; rewards are finite numbers; flags are booleans; render
 * gives uint8 H×W×3 frames from every declared camera, deterministically; the reward context (state(),
 * abstraction(), success()) has the declared types; close() twice is fine.
 */
import type { Env, Frame } from './env.ts';
import { Rng, sameRngState } from './rng.ts';
import { Space } from './spaces/space.ts';

export class CheckEnvError extends Error {
  constructor(readonly failures: string[], envName: string) {
    super(`checkEnv(${envName}) found ${failures.length} problem(s):\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    this.name = 'CheckEnvError';
  }
}

export interface CheckEnvOptions {
  /** Skip determinism checks (for envs registered as nondeterministic). */
  readonly skipDeterminism?: boolean;
  readonly skipRender?: boolean;
  /** Steps of a random rollout to check obs/reward types on (default 50). */
  readonly rolloutSteps?: number;
  /** Call close() twice at the end (default true). */
  readonly checkClose?: boolean;
}

function describe(x: unknown): string {
  if (ArrayBuffer.isView(x)) return `${x.constructor.name}[${Array.from(x as unknown as ArrayLike<number>).slice(0, 8).join(', ')}${(x as unknown as ArrayLike<number>).length > 8 ? ', …' : ''}]`;
  if (typeof x === 'string') return JSON.stringify(x.length > 60 ? `${x.slice(0, 60)}…` : x);
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

/** Structural equality; returns undefined when equal, else a path and the two values. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    if (x.length !== y.length) return `${path || 'value'}: length ${x.length} vs ${y.length}`;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return `${path}[${i}]: ${x[i]} vs ${y[i]}`;
    return undefined;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path || 'value'}: length ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join(',') !== kb.join(',')) return `${path || 'value'}: keys [${ka.join(', ')}] vs [${kb.join(', ')}]`;
    for (const k of ka) {
      // Wall-clock episode durations legitimately differ between runs.
      if (k === 't' && path.endsWith('episode')) continue;
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
    return undefined;
  }
  return `${path || 'value'}: ${describe(a)} vs ${describe(b)}`;
}

function checkFrame(frame: unknown, where: string, failures: string[]): frame is Frame {
  const f = frame as Frame;
  if (!f || typeof f !== 'object' || !(f.data instanceof Uint8Array)) {
    failures.push(`${where} must return {width, height, data: Uint8Array}, got ${describe(frame)}`);
    return false;
  }
  if (!Number.isInteger(f.width) || !Number.isInteger(f.height) || f.width <= 0 || f.height <= 0) {
    failures.push(`${where} returned width ${f.width} and height ${f.height}; both must be positive integers`);
    return false;
  }
  if (f.data.length !== f.width * f.height * 3) {
    failures.push(`${where} returned ${f.data.length} bytes, expected H×W×3 = ${f.height}×${f.width}×3 = ${f.width * f.height * 3}`);
    return false;
  }
  return true;
}

export function checkEnv(env: Env, opts: CheckEnvOptions = {}): void {
  const failures: string[] = [];
  const name = env.spec?.id ?? env.constructor.name;
  const guard = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      failures.push(`${what} threw: ${(e as Error).message}`);
    }
  };

  if (!(env.observationSpace instanceof Space)) failures.push(`observationSpace must be a Space, got ${describe(env.observationSpace)}`);
  if (!(env.actionSpace instanceof Space)) failures.push(`actionSpace must be a Space, got ${describe(env.actionSpace)}`);
  if (failures.length > 0) throw new CheckEnvError(failures, name);
  const obsSpace = env.observationSpace;
  const actSpace = env.actionSpace;

  // ---- reset determinism and RNG ----
  guard('reset', () => {
    const [obs1, info1] = env.reset({ seed: 123 });
    const rng1 = env.npRandom.getState();
    if (!obsSpace.contains(obs1)) failures.push(`observation returned by reset(seed=123) is not in ${obsSpace.toString()}: ${describe(obs1)}`);
    if (!info1 || typeof info1 !== 'object' || Array.isArray(info1)) failures.push(`reset() must return an info object, got ${describe(info1)}`);
    const [obs2, info2] = env.reset({ seed: 123 });
    const rng2 = env.npRandom.getState();
    if (!opts.skipDeterminism) {
      const d = firstDifference(obs1, obs2, 'obs');
      if (d) failures.push(`reset(seed=123) twice gave different observations (${d}): reset is not deterministic`);
      const di = firstDifference(info1, info2, 'info');
      if (di) failures.push(`reset(seed=123) twice gave different infos (${di})`);
      if (!sameRngState(rng1, rng2)) failures.push('reset(seed=123) twice left different RNG states: the seed does not rebuild the RNG');
    }
    env.reset({ seed: 456 });
    const rng3 = env.npRandom.getState();
    if (sameRngState(rng2, rng3)) failures.push('reset(seed=456) left the same RNG state as reset(seed=123): the seed is ignored');
    const [obs4] = env.reset();
    if (!obsSpace.contains(obs4)) failures.push(`observation returned by reset() is not in ${obsSpace.toString()}: ${describe(obs4)}`);
    const rng4 = env.npRandom.getState();
    const drewSomething = !sameRngState(rng3, new Rng(456).getState());
    if (!opts.skipDeterminism && drewSomething && sameRngState(rng3, rng4)) {
      failures.push('reset() without a seed rebuilt the RNG from the last seed instead of continuing it');
    }
  });

  // ---- step determinism ----
  guard('step', () => {
    actSpace.seed(7);
    const action = actSpace.sample();
    env.reset({ seed: 123 });
    const a = env.step(action);
    env.reset({ seed: 123 });
    const b = env.step(action);
    if (!Array.isArray(a) || a.length !== 5) {
      failures.push(`step() must return [obs, reward, terminated, truncated, info], got ${describe(a)}`);
      return;
    }
    if (a[3] === true) failures.push('the first step after reset returned truncated = true (a time limit of 0?)');
    if (!opts.skipDeterminism) {
      const names = ['obs', 'reward', 'terminated', 'truncated', 'info'];
      for (let k = 0; k < 5; k++) {
        const d = firstDifference(a[k], b[k], names[k]);
        if (d) failures.push(`the same seed and action gave different step outputs (${d}): step is not deterministic`);
      }
    }
  });

  // ---- random rollout: types and bounds ----
  guard('rollout', () => {
    const steps = opts.rolloutSteps ?? 50;
    env.reset({ seed: 0 });
    actSpace.seed(11);
    let reported = 0;
    for (let t = 0; t < steps && reported < 3; t++) {
      const [obs, reward, term, trunc, info] = env.step(actSpace.sample());
      const fail = (m: string) => {
        failures.push(`step ${t + 1}: ${m}`);
        reported++;
      };
      if (typeof reward !== 'number') fail(`reward must be a number, got ${describe(reward)}`);
      else if (!Number.isFinite(reward)) fail(`reward is not finite: ${reward}`);
      if (typeof term !== 'boolean') fail(`terminated must be a boolean, got ${describe(term)}`);
      if (typeof trunc !== 'boolean') fail(`truncated must be a boolean, got ${describe(trunc)}`);
      if (!obsSpace.contains(obs)) fail(`observation is not in ${obsSpace.toString()}: ${describe(obs)}`);
      if (!info || typeof info !== 'object') fail(`info must be an object, got ${describe(info)}`);
      if (term || trunc) env.reset();
    }
  });

  // ---- reward context ----
  guard('reward context', () => {
    env.reset({ seed: 5 });
    const s = env.state();
    if (s === null || typeof s !== 'object') failures.push(`state() must return an object snapshot, got ${describe(s)}`);
    const text = env.abstraction();
    if (typeof text !== 'string' || text.trim().length === 0) failures.push('abstraction() must return a non-empty description');
    const ok = env.success(s);
    if (typeof ok !== 'boolean') failures.push(`success(state) must return a boolean, got ${describe(ok)}`);
    const before = JSON.stringify(s);
    env.step(actSpace.sample());
    if (JSON.stringify(s) !== before) failures.push('state() returned a live object that changed after step(); it must be a snapshot');
  });

  // ---- render ----
  if (!opts.skipRender) {
    guard('render', () => {
      const cams = env.metadata.cameras;
      if (!Array.isArray(cams) || cams.length === 0) failures.push('metadata.cameras must list at least one camera');
      if (!env.metadata.renderModes.includes('rgb_array')) failures.push(`metadata.renderModes must include 'rgb_array', got [${env.metadata.renderModes.join(', ')}]`);
      env.reset({ seed: 3 });
      for (const camera of cams ?? []) {
        const f1 = env.render({ camera });
        if (!checkFrame(f1, `render({camera: '${camera}'})`, failures)) continue;
        const f2 = env.render({ camera });
        if (checkFrame(f2, `render({camera: '${camera}'})`, failures) && firstDifference(f1.data, f2.data)) {
          failures.push(`render({camera: '${camera}'}) is not deterministic for the same state`);
        }
      }
    });
  }

  if (opts.checkClose ?? true) {
    guard('close', () => {
      env.close();
      env.close();
    });
  }

  if (failures.length > 0) throw new CheckEnvError(failures, name);
}
