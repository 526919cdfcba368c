/**
 * Autoreset modes over random done patterns match Gymnasium's rules, checked against a direct model
 * built from scalar envs, for both the native SoA vector env and the generic SyncVectorEnv.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Registry } from '../../../sim/registry.ts';
import { deriveSeed } from '../../../sim/rng.ts';
import type { AutoresetMode, VectorEnv } from '../../../sim/vector/vector_env.ts';
import { toyRegistration } from '../../helpers/toy_env.ts';

interface StepRecord {
  obs: number[][];
  reward: number[];
  terminated: number[];
  truncated: number[];
  finalObs: (number[] | undefined)[];
  episode: ({ r: number; l: number } | undefined)[];
}

/** Gymnasium's rules, written out per env over scalar envs. */
function reference(reg: Registry, n: number, seed: number, actions: number[][], mode: AutoresetMode): StepRecord[] {
  const envs = Array.from({ length: n }, () => reg.make('test/Toy-v0'));
  envs.forEach((e, i) => e.reset({ seed: deriveSeed(seed, i) }));
  const needsReset = new Array<boolean>(n).fill(false);
  const epRet = new Array<number>(n).fill(0);
  const epLen = new Array<number>(n).fill(0);
  const out: StepRecord[] = [];
  for (const a of actions) {
    const rec: StepRecord = { obs: [], reward: [], terminated: [], truncated: [], finalObs: [], episode: [] };
    for (let i = 0; i < n; i++) {
      if (mode === 'next-step' && needsReset[i]) {
        const [o] = envs[i].reset();
        rec.obs.push(Array.from(o as Float32Array));
        rec.reward.push(0);
        rec.terminated.push(0);
        rec.truncated.push(0);
        rec.finalObs.push(undefined);
        rec.episode.push(undefined);
        needsReset[i] = false;
        epRet[i] = 0;
        epLen[i] = 0;
        continue;
      }
      const [o, r, te, tr] = envs[i].step(a[i]);
      epRet[i] += Math.fround(r);
      epLen[i]++;
      rec.reward.push(Math.fround(r));
      rec.terminated.push(te ? 1 : 0);
      rec.truncated.push(tr ? 1 : 0);
      if (te || tr) {
        rec.episode.push({ r: Math.fround(epRet[i]), l: epLen[i] });
        epRet[i] = 0;
        epLen[i] = 0;
        if (mode === 'same-step') {
          rec.finalObs.push(Array.from(o as Float32Array));
          const [o2] = envs[i].reset();
          rec.obs.push(Array.from(o2 as Float32Array));
          continue;
        }
        needsReset[i] = true;
      } else {
        rec.episode.push(undefined);
      }
      rec.finalObs.push(undefined);
      rec.obs.push(Array.from(o as Float32Array));
    }
    out.push(rec);
  }
  return out;
}

function record(vec: VectorEnv, actions: number[][], mode: AutoresetMode): StepRecord[] {
  const n = vec.numEnvs;
  const out: StepRecord[] = [];
  const buf = new Float32Array(n);
  for (const a of actions) {
    buf.set(a);
    const [obs, reward, term, trunc, infos] = vec.step(buf);
    const rec: StepRecord = { obs: [], reward: Array.from(reward), terminated: Array.from(term), truncated: Array.from(trunc), finalObs: [], episode: [] };
    for (let i = 0; i < n; i++) {
      rec.obs.push(Array.from(obs.subarray(2 * i, 2 * i + 2)));
      rec.finalObs.push(mode === 'same-step' && infos._finalObs?.[i] ? Array.from(infos.finalObs!.subarray(2 * i, 2 * i + 2)) : undefined);
      rec.episode.push(infos._episode?.[i] ? { r: infos.episode!.r[i], l: infos.episode!.l[i] } : undefined);
    }
    out.push(rec);
  }
  return out;
}

const scenario = fc.record({
  n: fc.integer({ min: 1, max: 5 }),
  seed: fc.nat(),
  limit: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
  steps: fc.integer({ min: 1, max: 25 }),
  pTerm: fc.double({ min: 0, max: 0.6, noNaN: true }),
  patternSeed: fc.nat(),
});

function actionsFor(n: number, steps: number, p: number, seed: number): number[][] {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: steps }, () => Array.from({ length: n }, () => (next() < p ? 1 : 0)));
}

describe('vector autoreset', () => {
  for (const mode of ['next-step', 'same-step'] as const) {
    for (const vectorization of ['native', 'sync'] as const) {
      it(`${mode} (${vectorization}) matches Gymnasium's rules over random done patterns`, () => {
        fc.assert(
          fc.property(scenario, ({ n, seed, limit, steps, pTerm, patternSeed }) => {
            const reg = new Registry([toyRegistration(limit)]);
            const actions = actionsFor(n, steps, pTerm, patternSeed);
            const vec = reg.makeVec('test/Toy-v0', n, { autoresetMode: mode, vectorization });
            vec.reset({ seed });
            const got = record(vec, actions, mode);
            const want = reference(reg, n, seed, actions, mode);
            expect(got).toEqual(want);
          }),
          { numRuns: 60 },
        );
      });
    }
  }

  it('next-step: the step after an end ignores the action and returns reward 0 and false flags', () => {
    const reg = new Registry([toyRegistration()]);
    const vec = reg.makeVec('test/Toy-v0', 2);
    vec.reset({ seed: 1 });
    vec.step(Float32Array.of(1, 0));
    const [obs, r, te, tr] = vec.step(Float32Array.of(1, 0));
    expect([r[0], te[0], tr[0], obs[1]]).toEqual([0, 0, 0, 0]);
    expect(te[1]).toBe(0);
    expect(obs[3]).toBe(2);
  });

  it('disabled: an ended env must be reset with resetMask; others keep their state', () => {
    const reg = new Registry([toyRegistration()]);
    const vec = reg.makeVec('test/Toy-v0', 2, { autoresetMode: 'disabled' });
    vec.reset({ seed: 1 });
    vec.step(Float32Array.of(1, 0));
    expect(() => vec.step(Float32Array.of(0, 0))).toThrow(/env 0 has ended/);
    const [obs] = vec.reset({ resetMask: Uint8Array.of(1, 0) });
    expect(obs[1]).toBe(0);
    expect(obs[3]).toBe(1);
    const [obs2] = vec.step(Float32Array.of(0, 0));
    expect([obs2[1], obs2[3]]).toEqual([1, 2]);
  });

  it('sub-env seeds are derived by hashing, not seed + i', () => {
    const reg = new Registry([toyRegistration()]);
    const a = reg.makeVec('test/Toy-v0', 2);
    const b = reg.makeVec('test/Toy-v0', 2);
    const [oa] = a.reset({ seed: 10 });
    const [ob] = b.reset({ seed: 11 });
    // with seed+i, env 1 of run 10 would equal env 0 of run 11
    expect(oa[2]).not.toBe(ob[0]);
  });

  it('rejects bad actions, bad modes and bad buffers with the field named', () => {
    const reg = new Registry([toyRegistration()]);
    expect(() => reg.makeVec('test/Toy-v0', 2, { autoresetMode: 'sometimes' as AutoresetMode })).toThrow(/autoresetMode must be one of .* got 'sometimes'/);
    expect(() => reg.makeVec('test/Toy-v0', 0)).toThrow(/numEnvs must be a positive integer, got 0/);
    for (const vectorization of ['native', 'sync'] as const) {
      const vec = reg.makeVec('test/Toy-v0', 2, { vectorization });
      expect(() => vec.step(Float32Array.of(0, 0))).toThrow(/before calling reset/);
      vec.reset({ seed: 0 });
      expect(() => vec.step(Float32Array.of(0, 2))).toThrow(/actions\[1\] = 2 is not in Discrete\(2\)/);
      expect(() => vec.step(Float32Array.of(0, 0.5))).toThrow(/actions\[1\] = 0.5/);
      expect(() => vec.reset({ seed: [1, 2, 3] })).toThrow(/3 entries, expected numEnvs = 2/);
      expect(() => vec.step(Float32Array.of(0, 0), { obs: new Float32Array(1), reward: new Float32Array(2), terminated: new Uint8Array(2), truncated: new Uint8Array(2) })).toThrow(/out.obs has length 1, needs 4/);
    }
  });

  it('writes into caller-owned buffers when given', () => {
    const reg = new Registry([toyRegistration()]);
    const vec = reg.makeVec('test/Toy-v0', 3);
    vec.reset({ seed: 2 });
    const out = { obs: new Float32Array(6), reward: new Float32Array(3), terminated: new Uint8Array(3), truncated: new Uint8Array(3) };
    const [obs, r] = vec.step(Float32Array.of(0, 1, 0), out);
    expect(obs).toBe(out.obs);
    expect(r).toBe(out.reward);
    expect(Array.from(out.terminated)).toEqual([0, 1, 0]);
    expect(out.obs[1]).toBe(1);
  });
});
