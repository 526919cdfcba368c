/**
 * The gpu backend (sim/gpu) against the js backend, on the gpu.js modes this machine has: webasm (the
 * mode `auto` falls back to without a WebGPU adapter) and cpu. WebGPU runs through the same kernel
 * sources on a GPU machine (bench/gpu-device.sh); its figures are in BENCHMARKS.md.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mlp } from '../../agents/nn/mlp.ts';
import { Rng } from '../../sim/rng.ts';
import { CounterDraws, CounterHash, RNG_KERNEL_FUNCTIONS, STREAM_RESET, counterHashInt, counterUniform, envKeys, normalFromHash, pmod } from '../../sim/gpu/counter_rng.ts';
import { FusedRollout } from '../../sim/gpu/fused_rollout.ts';
import { GpuCore } from '../../sim/gpu/gpu_core.ts';
import { type GpuRuntime, flt, openGpu, webgpuAvailable } from '../../sim/gpu/runtime.ts';
import { KERNEL_SPECS, type KernelEnvSpec, kernelSpecFor } from '../../envs/classic/gpu_kernels.ts';

const MODES = ['webasm', 'cpu'] as const;
const runtimes = new Map<string, GpuRuntime>();

beforeAll(async () => {
  for (const m of MODES) runtimes.set(m, await openGpu(m));
});
afterAll(async () => {
  for (const rt of runtimes.values()) await rt.destroy();
});

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
};

describe('counter RNG', () => {
  it('reduces mod P exactly for every integer below 2^24 it meets', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 24 - 1 }), (x) => pmod(x) === x % 4091), { seed: 7, numRuns: 2000 });
    // float32 arithmetic gives the same residues (the kernels compute in float32)
    for (const x of [4091 * 4090, 16777215, 8191, 4091]) expect(pmod(Math.fround(x))).toBe(x % 4091);
  });

  it('kernels compute bit-identical hash integers (and so the same uniforms) as the JavaScript mirror', () => {
    const hk = envKeys(99, 1, 32);
    const hsrc = `function (KEYS) { const i = this.thread.x; return rfHash(KEYS[i * 2.0], KEYS[i * 2.0 + 1.0], 17.0, 3.0, 2.0); }`;
    for (const m of MODES) {
      const k = runtimes.get(m)!.gpu.createKernel(hsrc, { output: [32] }) as unknown as (a: Float32Array) => Float32Array;
      const out = k(hk);
      for (let i = 0; i < 32; i++) expect(out[i], `${m} env ${i}`).toBe(counterHashInt(hk, i, 3 * 4091 + 17, 2));
    }

    const keys = envKeys(123456789, 2, 64);
    const src = `function (KEYS) {
      const i = Math.floor(this.thread.x / 8.0); const c = this.thread.x - i * 8.0;
      const n = c * 977.0 + 5000.0; const c1 = Math.floor(n / 4091.0); const c0 = n - c1 * 4091.0;
      return rfUniform(KEYS[i * 2.0], KEYS[i * 2.0 + 1.0], c0, c1, c);
    }`;
    for (const m of MODES) {
      const k = runtimes.get(m)!.gpu.createKernel(src, { output: [64 * 8] }) as unknown as (a: Float32Array) => Float32Array;
      const out = k(keys);
      for (let j = 0; j < 64 * 8; j++) {
        const i = Math.floor(j / 8);
        const c = j % 8;
        expect(out[j], `${m} env ${i} counter ${c}`).toBeCloseTo(counterUniform(keys, i, c * 977 + 5000, c), 6);
      }
    }
    expect(RNG_KERNEL_FUNCTIONS.map((f) => f.source).join('')).not.toContain('Math.random');
  });

  it('turns draws into standard normals (AS241) the same way in kernels and in JavaScript', () => {
    const P2 = 4091 * 4091;
    expect(normalFromHash(Math.round(0.975 * P2))).toBeCloseTo(1.959964, 5);
    expect(normalFromHash(Math.round(0.5 * P2))).toBeCloseTo(0, 6);
    expect(normalFromHash(Math.round(0.001 * P2))).toBeCloseTo(-3.090232, 5);
    expect(Number.isFinite(normalFromHash(0))).toBe(true);
    expect(normalFromHash(P2 - 1)).toBeGreaterThan(5);
    const keys = envKeys(77, 2, 256);
    const src = `function (KEYS) { const i = this.thread.x; return rfNormal(rfHash(KEYS[i * 2.0], KEYS[i * 2.0 + 1.0], 3.0, 0.0, 1.0)); }`;
    for (const m of MODES) {
      const k = runtimes.get(m)!.gpu.createKernel(src, { output: [256] }) as unknown as (a: Float32Array) => Float32Array;
      const out = k(keys);
      let sum = 0;
      for (let i = 0; i < 256; i++) {
        const want = normalFromHash(counterHashInt(keys, i, 3, 1));
        expect(Math.abs(out[i] - want), `${m} env ${i}`).toBeLessThan(2e-6 * Math.max(1, Math.abs(want)));
        sum += want;
      }
      expect(Math.abs(sum / 256)).toBeLessThan(0.25);
    }
  });

  it('is uniform and shows no correlation between neighbouring envs or counters', () => {
    const keys = envKeys(1, 2, 2000);
    const bins = new Float64Array(50);
    let sxy = 0, sx = 0, sy = 0, sxx = 0, syy = 0, n = 0;
    let txy = 0, tx = 0, ty = 0, txx = 0, tyy = 0;
    for (let i = 0; i < 1999; i++) {
      for (let c = 0; c < 10; c++) {
        const u = counterUniform(keys, i, c, 0);
        const v = counterUniform(keys, i + 1, c, 0);
        const w = counterUniform(keys, i, c + 1, 0);
        expect(u).toBeGreaterThanOrEqual(0);
        expect(u).toBeLessThan(1);
        bins[Math.floor(u * 50)]++;
        sxy += u * v; sx += u; sy += v; sxx += u * u; syy += v * v;
        txy += u * w; tx += u; ty += w; txx += u * u; tyy += w * w;
        n++;
      }
    }
    const corr = (xy: number, x: number, y: number, xx: number, yy: number): number =>
      (xy / n - (x / n) * (y / n)) / Math.sqrt((xx / n - (x / n) ** 2) * (yy / n - (y / n) ** 2));
    expect(Math.abs(corr(sxy, sx, sy, sxx, syy))).toBeLessThan(0.03);
    expect(Math.abs(corr(txy, tx, ty, txx, tyy))).toBeLessThan(0.03);
    // chi-square with 49 degrees of freedom: the 99.9 % quantile is 85.4
    const expected = n / 50;
    const chi2 = Array.from(bins).reduce((s, b) => s + (b - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(85.4);
  });

  it('separates seeds and streams, and rejects keys outside its range', () => {
    expect(counterUniform(envKeys(1, 1, 1), 0, 0, 0)).not.toBe(counterUniform(envKeys(2, 1, 1), 0, 0, 0));
    expect(counterUniform(envKeys(1, 1, 1), 0, 0, 0)).not.toBe(counterUniform(envKeys(1, 2, 1), 0, 0, 0));
    expect(() => counterUniform(envKeys(1, 1, 1), 0, 4091 * 4091, 0)).toThrow(/counter must be an integer/);
    expect(() => envKeys(-1, 1, 1)).toThrow(/seed must be/);
    expect(() => new CounterHash().absorbInt(1.5)).toThrow(/counter key/);
  });
});

describe('runtime', () => {
  it('reports a fallback instead of hiding it, and refuses webgpu by name without an adapter', async () => {
    const rt = await openGpu('auto');
    try {
      if (await webgpuAvailable()) {
        expect(rt.mode).toBe('webgpu');
        expect(rt.fallback).toBeNull();
      } else {
        expect(rt.mode).toBe('webasm');
        expect(rt.fallback).toMatch(/webgpu|WebGPU/);
        await expect(openGpu('webgpu')).rejects.toThrow(/'webgpu' was asked for but/);
      }
    } finally {
      await rt.destroy();
    }
    await expect(openGpu('metal' as never)).rejects.toThrow(/gpu mode must be one of auto, webgpu, webasm, cpu, got "metal"/);
  });

  it('writes kernel constants as float literals', () => {
    expect(flt(1)).toBe('1.0');
    expect(flt(-2)).toBe('(-2.0)');
    for (const x of [0.02, 1e-7, -9.8, 4 / 3]) {
      const lit = flt(x).replace(/[()]/g, '');
      expect(lit).not.toMatch(/e/);
      expect(Math.fround(Number(lit))).toBe(Math.fround(x));
    }
    expect(() => flt(Number.NaN, 'tau')).toThrow(/tau must be finite/);
  });

  it('names the envs it has kernels for', () => {
    expect(() => kernelSpecFor('robotics/Reach-v0')).toThrow(/has none \(use --backend js\)/);
  });
});

/** Random states and actions for one spec. */
function randomBatch(spec: KernelEnvSpec, n: number, seed: number): { state: Float32Array; actions: Float32Array } {
  const rng = new Rng(seed);
  const state = new Float32Array(n * spec.stateDim);
  const actions = new Float32Array(n * spec.actDim);
  for (let i = 0; i < n; i++) {
    spec.randomState(() => rng.random(), state, i * spec.stateDim);
    for (let d = 0; d < spec.actDim; d++) actions[i * spec.actDim + d] = spec.nActions > 0 ? rng.int(spec.nActions) : rng.uniform(-3, 3);
  }
  return { state, actions };
}

for (const spec of KERNEL_SPECS.values()) {
  describe(`gpu backend: ${spec.id}`, () => {
    it('step kernels agree with the js core to 1e-5 on random states and actions (webasm, cpu)', () => {
      const n = 32;
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 1e9 }), (seed) => {
          const { state, actions } = randomBatch(spec, n, seed);
          const js = spec.makeJsCore(n, {});
          for (let i = 0; i < n; i++) spec.write(js, i, state, i * spec.stateDim);
          const skip = new Uint8Array(n);
          const jo = new Float32Array(n * spec.obsDim);
          const jr = new Float32Array(n);
          const jt = new Uint8Array(n);
          js.step(actions, skip, jo, jr, jt);
          const jsNext = new Float32Array(n * spec.stateDim);
          for (let i = 0; i < n; i++) spec.read(js, i, jsNext, i * spec.stateDim);
          for (const m of MODES) {
            const g = cores.get(`${spec.id}:${m}`)!;
            g.state.set(state);
            const go = new Float32Array(n * spec.obsDim);
            const gr = new Float32Array(n);
            const gt = new Uint8Array(n);
            g.step(actions, skip, go, gr, gt);
            expect(maxAbs(go, jo), `${m} obs`).toBeLessThan(1e-5);
            expect(maxAbs(g.state, jsNext), `${m} state`).toBeLessThan(1e-5);
            expect(maxAbs(gr, jr), `${m} reward`).toBeLessThan(1e-5);
            expect(Array.from(gt), `${m} terminated`).toEqual(Array.from(jt));
          }
        }),
        { seed: 11, numRuns: 25 },
      );
    });

    it('resets from an alea Rng exactly like the js core, and leaves skipped envs alone', () => {
      const g = cores.get(`${spec.id}:webasm`)!;
      const js = spec.makeJsCore(32, {});
      const r1 = new Rng(5);
      const r2 = new Rng(5);
      const go = new Float32Array(32 * spec.obsDim);
      const jo = new Float32Array(32 * spec.obsDim);
      for (let i = 0; i < 32; i++) {
        g.resetAt(i, r1, undefined, go, i * spec.obsDim);
        js.resetAt(i, r2, undefined, jo, i * spec.obsDim);
      }
      expect(maxAbs(go, jo)).toBeLessThan(1e-6);
      const before = g.state.slice();
      const skip = new Uint8Array(32).fill(1);
      skip[3] = 0;
      const obs = go.slice();
      g.step(new Float32Array(32 * spec.actDim), skip, obs, new Float32Array(32), new Uint8Array(32));
      for (let i = 0; i < 32; i++) {
        if (i === 3) continue;
        for (let k = 0; k < spec.stateDim; k++) expect(g.state[i * spec.stateDim + k]).toBe(before[i * spec.stateDim + k]);
        for (let k = 0; k < spec.obsDim; k++) expect(obs[i * spec.obsDim + k]).toBe(go[i * spec.obsDim + k]);
      }
      // privileged state comes from the js core, read from the float32 row
      const gs = g.stateAt(0) as Record<string, unknown>;
      const jsState = js.stateAt(0) as Record<string, unknown>;
      expect(Object.keys(gs).sort()).toEqual(Object.keys(jsState).sort());
      for (const [k, v] of Object.entries(jsState)) {
        if (typeof v === 'number') expect(gs[k] as number, k).toBeCloseTo(v, 6);
        else expect(gs[k], k).toEqual(v);
      }
    });

    it('fused rollouts match a step-by-step js replay across autoreset boundaries, with the policy computed right', async () => {
      const N = 16;
      const K = 30;
      const maxSteps = 6; // short episodes: many truncations (and terminations) inside one rollout
      const nOut = spec.nActions > 0 ? spec.nActions : spec.actDim;
      const actor = new Mlp({ sizes: [spec.obsDim, 8, 8, nOut], activation: 'tanh', outputGain: 1, rng: new Rng(3) });
      const critic = new Mlp({ sizes: [spec.obsDim, 8, 8, 1], activation: 'tanh', rng: new Rng(4) });
      const logStd = new Float32Array(nOut).fill(-0.3);
      const norm = { mean: new Float64Array(spec.obsDim).fill(0.1), var: new Float64Array(spec.obsDim).fill(2), clip: 5 };
      for (const m of MODES) {
        const fr = new FusedRollout(spec, runtimes.get(m)!, { numEnvs: N, numSteps: K, hidden: [8, 8], seed: 9, maxEpisodeSteps: maxSteps });
        const tr = await fr.collect({ actor, critic, logStd }, norm);
        expect(fr.executorKind, m).toMatch(/fused|generic/);
        // Replay on the js core: same resets (counter draws), the fused actions.
        const js = spec.makeJsCore(N, {});
        const keysReset = envKeys(9, STREAM_RESET, N);
        const obs = new Float32Array(N * spec.obsDim);
        const epi = new Int32Array(N);
        const len = new Int32Array(N);
        for (let i = 0; i < N; i++) js.resetAt(i, new CounterDraws(keysReset, i, 0) as never, undefined, obs, i * spec.obsDim);
        const reward = new Float32Array(N);
        const term = new Uint8Array(N);
        const skip = new Uint8Array(N);
        const z = new Float32Array(N * spec.obsDim);
        let dones = 0;
        for (let t = 0; t < K; t++) {
          const row = tr.obs.subarray(t * N * spec.obsDim, (t + 1) * N * spec.obsDim);
          expect(maxAbs(row, obs), `${m} obs at t=${t}`).toBeLessThan(1e-4);
          // the policy on the observation, with the frozen normalisation
          for (let k = 0; k < row.length; k++) {
            z[k] = Math.max(-5, Math.min(5, (row[k] - 0.1) / Math.sqrt(2 + 1e-8)));
          }
          const out = actor.forward(z, N);
          const v = critic.forward(z, N);
          for (let i = 0; i < N; i++) {
            expect(tr.values[t * N + i], `${m} value`).toBeCloseTo(v[i], 4);
            if (spec.nActions > 0) {
              const a = tr.actions[t * N + i];
              const logits = Array.from(out.subarray(i * nOut, (i + 1) * nOut));
              const mx = Math.max(...logits);
              const tot = logits.reduce((s, l) => s + Math.exp(l - mx), 0);
              expect(tr.logp[t * N + i], `${m} logp`).toBeCloseTo(logits[a] - mx - Math.log(tot), 4);
              // the draw falls in action a's slice of the CDF (up to float32 rounding at its edges)
              const u = counterUniform(envKeys(9, 2, N), i, t, 0) * tot;
              let lo = 0;
              for (let k = 0; k < a; k++) lo += Math.exp(logits[k] - mx);
              const hi = lo + Math.exp(logits[a] - mx);
              expect(u, `${m} sampled action`).toBeGreaterThanOrEqual(lo - 1e-4);
              if (a < nOut - 1) expect(u).toBeLessThan(hi + 1e-4);
            } else {
              let lp = 0;
              for (let d = 0; d < nOut; d++) {
                const eps = (tr.actions[(t * N + i) * nOut + d] - out[i * nOut + d]) / Math.exp(-0.3);
                lp += -0.5 * eps * eps + 0.3 - 0.5 * Math.log(2 * Math.PI);
              }
              expect(tr.logp[t * N + i], `${m} logp`).toBeCloseTo(lp, 3);
            }
          }
          js.step(tr.actions.subarray(t * N * spec.actDim, (t + 1) * N * spec.actDim), skip, obs, reward, term);
          for (let i = 0; i < N; i++) {
            const ti = t * N + i;
            len[i]++;
            expect(tr.rewards[ti], `${m} reward`).toBeCloseTo(reward[i], 4);
            expect(tr.terminated[ti], `${m} terminated t=${t} i=${i}`).toBe(term[i]);
            const trunc = term[i] === 0 && len[i] >= maxSteps ? 1 : 0;
            expect(tr.truncated[ti], `${m} truncated`).toBe(trunc);
            if (term[i] || trunc) {
              dones++;
              expect(maxAbs(tr.finalObs.subarray(ti * spec.obsDim, (ti + 1) * spec.obsDim), obs.subarray(i * spec.obsDim, (i + 1) * spec.obsDim))).toBeLessThan(1e-4);
              epi[i]++;
              len[i] = 0;
              js.resetAt(i, new CounterDraws(keysReset, i, epi[i]) as never, undefined, obs, i * spec.obsDim);
            }
          }
        }
        expect(dones).toBeGreaterThanOrEqual(N * Math.floor(K / maxSteps) - N);
        expect(maxAbs(tr.nextObs, obs)).toBeLessThan(1e-4);
        await fr.destroy();
      }
    });

    it('recovers the state behind an observation well enough to judge success like the js core', () => {
      const n = 64;
      const g = cores.get(`${spec.id}:cpu`)!;
      const { state, actions } = randomBatch(spec, n, 17);
      g.state.set(state.subarray(0, 32 * spec.stateDim));
      const obs = new Float32Array(32 * spec.obsDim);
      g.step(actions, new Uint8Array(32), obs, new Float32Array(32), new Uint8Array(32));
      const js = spec.makeJsCore(1, {});
      const back = new Float32Array(spec.stateDim);
      for (let i = 0; i < 32; i++) {
        spec.write(js, 0, g.state, i * spec.stateDim);
        const truth = js.successAt(0);
        spec.stateFromObs(obs, i * spec.obsDim, back, 0);
        spec.write(js, 0, back, 0);
        expect(js.successAt(0), `env ${i}`).toBe(truth);
      }
    });

    it('is deterministic per seed and independent of how K steps are split into calls', async () => {
      const rt = runtimes.get('webasm')!;
      const mk = (K: number, seed: number): FusedRollout => new FusedRollout(spec, rt, { numEnvs: 8, numSteps: K, hidden: null, seed, maxEpisodeSteps: 5 });
      const whole = mk(20, 1);
      const a = Float32Array.from((await whole.collect()).obs);
      const again = mk(20, 1);
      expect(Array.from((await again.collect()).obs)).toEqual(Array.from(a));
      const halves = mk(10, 1);
      const h1 = Float32Array.from((await halves.collect()).obs);
      const h2 = Float32Array.from((await halves.collect()).obs);
      expect([...h1, ...h2]).toEqual(Array.from(a));
      const other = mk(20, 2);
      expect(Array.from((await other.collect()).obs)).not.toEqual(Array.from(a));
      for (const f of [whole, again, halves, other]) await f.destroy();
    });
  });
}

const cores = new Map<string, GpuCore>();
beforeAll(() => {
  for (const spec of KERNEL_SPECS.values()) for (const m of MODES) cores.set(`${spec.id}:${m}`, new GpuCore(spec, runtimes.get(m)!, 32));
});
