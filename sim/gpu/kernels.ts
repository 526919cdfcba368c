/**
 * Kernel sources for the gpu backend, generated from an env's KernelEnvSpec snippets (sim/gpu/specs.ts).
 *
 * Every kernel has a 1-D output of `numEnvs × width` cells, env-major: thread j computes cell
 * f = j mod width of env i = ⌊j / width⌋. gpu.js kernels return one number per thread and kernel maps
 * do not run on the webasm and webgpu backends, so a kernel that must produce several numbers per env
 * (next state, observation, reward, …) recomputes the env's step in each of its cells and returns the
 * one it owns. For classic control the step is tens of flops, far less than the read and write of a
 * cell, so the redundancy costs less than extra kernel launches would; the MLP layers, where the work
 * is, have one cell per (env, unit) and no redundancy at all.
 *
 * Fused rollouts chain these kernels K times inside one gpu.js pipeline (sim/gpu/fused_rollout.ts).
 * The per-env row every fused step writes, `ROW` below, is also the state the next step reads, so the
 * env state, episode clock and episode counter travel with the trajectory.
 */
import type { KernelEnvSpec } from './spec.ts';
import { flt } from './literal.ts';

const range = (n: number): number[] => Array.from({ length: n }, (_, k) => k);
const lets = (prefix: string, n: number): string => range(n).map((k) => `let ${prefix}${k} = 0.0;`).join(' ');

/** Cell selection: `if (f == c) { out = v; }` chain over [index, expression] pairs. */
function select(pairs: ReadonlyArray<readonly [number, string]>): string {
  return `let out = 0.0;\n${pairs.map(([c, v]) => `  if (f == ${c}.0) { out = ${v}; }`).join('\n')}\n  return out;`;
}

/** The per-env head of every kernel: i, f from the thread index. */
function head(width: number): string {
  return `const j = this.thread.x;
  const i = Math.floor(j / ${width}.0);
  const f = j - i * ${width}.0;`;
}

export interface Snippets {
  readonly step: string;
  readonly obs: string;
  readonly reset: string;
}

// ---------------------------------------------------------------- per-step kernel
/** Width of a per-step output row: next state, observation, reward, terminated. */
export function stepWidth(spec: KernelEnvSpec): number {
  return spec.stateDim + spec.obsDim + 2;
}

/** `(ST [N·S], ACT [N·A]) → [N · (S + O + 2)]`: one env step for every env, no resets. */
export function stepKernelSource(spec: KernelEnvSpec, sn: Snippets): string {
  const S = spec.stateDim;
  const O = spec.obsDim;
  const A = spec.actDim;
  const W = stepWidth(spec);
  return `function (ST, ACT) {
  ${head(W)}
  ${range(S).map((k) => `const s${k} = ST[i * ${S}.0 + ${k}.0];`).join(' ')}
  ${range(A).map((k) => `const a${k} = ACT[i * ${A}.0 + ${k}.0];`).join(' ')}
  ${lets('n', S)} let rew = 0.0; let term = 0.0;
  ${sn.step}
  ${range(S).map((k) => `const q${k} = n${k};`).join(' ')}
  ${lets('o', O)}
  ${sn.obs}
  ${select([...range(S).map((k) => [k, `n${k}`] as const), ...range(O).map((k) => [S + k, `o${k}`] as const), [S + O, 'rew'], [S + O + 1, 'term']])}
}`;
}

// ---------------------------------------------------------------- fused rollout
/** Offsets of the per-env row a fused step writes (and the next step reads). */
export interface RowLayout {
  readonly state: 0;
  /** Steps taken in the current episode. */
  readonly len: number;
  /** Episodes finished by this env (the reset counter). */
  readonly epi: number;
  /** Observation after the step (after autoreset when the episode ended). */
  readonly obs: number;
  readonly act: number;
  readonly logp: number;
  readonly value: number;
  readonly reward: number;
  readonly terminated: number;
  readonly truncated: number;
  /** Observation the step reached before an autoreset (what a truncated episode bootstraps from). */
  readonly finalObs: number;
  readonly width: number;
}

export function rowLayout(spec: KernelEnvSpec): RowLayout {
  const S = spec.stateDim;
  const O = spec.obsDim;
  const A = spec.actDim;
  const obs = S + 2;
  const act = obs + O;
  const logp = act + A;
  return {
    state: 0, len: S, epi: S + 1, obs, act, logp, value: logp + 1, reward: logp + 2, terminated: logp + 3, truncated: logp + 4,
    finalObs: logp + 5, width: logp + 5 + O,
  };
}

/** Offsets of the packed weight array WB (actor and critic MLPs with equal hidden sizes). */
export interface WeightLayout {
  /** Per layer: actor W [out × in], actor b, critic W, critic b offsets, and sizes. */
  readonly layers: ReadonlyArray<{ inSize: number; actorOut: number; criticOut: number; aw: number; ab: number; cw: number; cb: number }>;
  /** log σ per action dim (Box actions). */
  readonly logStd: number;
  readonly size: number;
}

export function weightLayout(obsDim: number, hidden: readonly number[], nOut: number): WeightLayout {
  const sizes = [obsDim, ...hidden];
  let off = 0;
  const layers = [];
  for (let l = 0; l <= hidden.length; l++) {
    const inSize = sizes[l];
    const last = l === hidden.length;
    const actorOut = last ? nOut : hidden[l];
    const criticOut = last ? 1 : hidden[l];
    const aw = off;
    off += actorOut * inSize;
    const ab = off;
    off += actorOut;
    const cw = off;
    off += criticOut * inSize;
    const cb = off;
    off += criticOut;
    layers.push({ inSize, actorOut, criticOut, aw, ab, cw, cb });
  }
  const logStd = off;
  off += nOut;
  return { layers, logStd, size: off };
}

/**
 * Layer-1 kernel `(ROWS, WB, NORM) → [N · 2h]`: the observation in each env's row, normalised with the
 * frozen running statistics (NORM = mean[O], 1/std[O], clip), through actor and critic layer 1 (cells
 * [0, h) actor, [h, 2h) critic), tanh.
 */
export function firstLayerSource(spec: KernelEnvSpec, sn: Snippets, row: RowLayout, wl: WeightLayout): string {
  const O = spec.obsDim;
  const L = wl.layers[0];
  const h = L.actorOut;
  const lastLayer = wl.layers.length === 1;
  if (lastLayer) throw new Error('fused rollouts need at least one hidden layer');
  const W = 2 * h;
  const z = range(O).map((k) => `let z${k} = (ROWS[i * ${row.width}.0 + ${row.obs + k}.0] - NORM[${k}.0]) * NORM[${O + k}.0]; if (z${k} > NORM[${2 * O}.0]) { z${k} = NORM[${2 * O}.0]; } if (z${k} < -NORM[${2 * O}.0]) { z${k} = -NORM[${2 * O}.0]; }`).join('\n  ');
  return `function (ROWS, WB, NORM) {
  ${head(W)}
  ${z}
  let wOff = ${L.aw}.0; let bOff = ${L.ab}.0; let r = f;
  if (f >= ${h}.0) { wOff = ${L.cw}.0; bOff = ${L.cb}.0; r = f - ${h}.0; }
  let acc = WB[bOff + r];
  ${range(O).map((k) => `acc += WB[wOff + r * ${O}.0 + ${k}.0] * z${k};`).join(' ')}
  return Math.tanh(acc);
}`;
}

/** Hidden layer l ≥ 1 `(X [N · 2·in], WB) → [N · 2·out]`, tanh; actor reads X's first half, critic the second. */
export function hiddenLayerSource(wl: WeightLayout, l: number): string {
  const L = wl.layers[l];
  const hin = L.inSize;
  const hout = L.actorOut;
  return `function (X, WB) {
  ${head(2 * hout)}
  let wOff = ${L.aw}.0; let bOff = ${L.ab}.0; let r = f; let xOff = i * ${2 * hin}.0;
  if (f >= ${hout}.0) { wOff = ${L.cw}.0; bOff = ${L.cb}.0; r = f - ${hout}.0; xOff = xOff + ${hin}.0; }
  let acc = WB[bOff + r];
  for (let k = 0; k < ${hin}; k++) { acc += WB[wOff + r * ${hin}.0 + k] * X[xOff + k]; }
  return Math.tanh(acc);
}`;
}

/** Output layer `(X [N · 2·h], WB) → [N · (nOut + 1)]`: actor logits/means in cells [0, nOut), value last. */
export function headsSource(wl: WeightLayout): string {
  const L = wl.layers[wl.layers.length - 1];
  const hin = L.inSize;
  const nOut = L.actorOut;
  return `function (X, WB) {
  ${head(nOut + 1)}
  let wOff = ${L.aw}.0; let bOff = ${L.ab}.0; let r = f; let xOff = i * ${2 * hin}.0;
  if (f >= ${nOut}.0) { wOff = ${L.cw}.0; bOff = ${L.cb}.0; r = 0.0; xOff = xOff + ${hin}.0; }
  let acc = WB[bOff + r];
  for (let k = 0; k < ${hin}; k++) { acc += WB[wOff + r * ${hin}.0 + k] * X[xOff + k]; }
  return acc;
}`;
}

/**
 * Sampling kernel `(HEADS, WB, KEYS, CTR, k) → [N · (A + 1)]`: actions (cells [0, A)) and their log
 * probability (cell A). The draw key is (env key, counter = CTR base + k, draw index); a Discrete action
 * inverts the softmax CDF with one uniform, a Box action is mean + σ·ε with ε = Φ⁻¹(u_d) (`rfNormal`). With `random` the policy is uniform (Discrete) or standard normal (Box) and HEADS,
 * WB are unused: the env-only benchmark.
 */
export function sampleSource(spec: KernelEnvSpec, random: boolean, wl: WeightLayout | null): string {
  const A = spec.actDim;
  const nA = spec.nActions;
  const nOut = nA > 0 ? nA : A;
  const counter = `const cs = CTR[0] + k; const c1 = CTR[1] + Math.floor(cs / 4091.0); const c0 = cs - Math.floor(cs / 4091.0) * 4091.0;
  const ka = KEYS[i * 2.0]; const kb = KEYS[i * 2.0 + 1.0];`;
  if (nA > 0) {
    const logits = random
      ? range(nA).map((r) => `const l${r} = 0.0;`).join(' ')
      : range(nA).map((r) => `const l${r} = HEADS[i * ${nOut + 1}.0 + ${r}.0];`).join(' ');
    return `function (HEADS, WB, KEYS, CTR, k) {
  ${head(A + 1)}
  ${counter}
  ${logits}
  let mx = l0; ${range(nA).slice(1).map((r) => `if (l${r} > mx) { mx = l${r}; }`).join(' ')}
  const tot = ${range(nA).map((r) => `Math.exp(l${r} - mx)`).join(' + ')};
  const u = rfUniform(ka, kb, c0, c1, 0.0) * tot;
  let act = ${nA - 1}.0; let la = l${nA - 1}; let cum = 0.0; let found = 0.0;
  ${range(nA - 1).map((r) => `cum += Math.exp(l${r} - mx); if (found == 0.0 && u < cum) { act = ${r}.0; la = l${r}; found = 1.0; }`).join('\n  ')}
  if (f == 0.0) { return act; }
  return la - mx - Math.log(tot);
}`;
  }
  // ε by inverse CDF (`rfNormal`, AS241 PPND7): one draw per dimension, only log and sqrt.
  const eps = range(A).map((d) => `const e${d} = rfNormal(rfHash(ka, kb, c0, c1, ${d}.0));`).join('\n  ');
  const mean = (d: number): string => (random ? '0.0' : `HEADS[i * ${nOut + 1}.0 + ${d}.0]`);
  const logStd = (d: number): string => (random || !wl ? '0.0' : `WB[${wl.logStd + d}.0]`);
  return `function (HEADS, WB, KEYS, CTR, k) {
  ${head(A + 1)}
  ${counter}
  ${eps}
  let out = ${range(A).map((d) => `(-0.5 * e${d} * e${d} - ${logStd(d)} - 0.9189385332046727)`).join(' + ')};
  ${range(A).map((d) => `if (f == ${d}.0) { out = ${mean(d)} + Math.exp(${logStd(d)}) * e${d}; }`).join('\n  ')}
  return out;
}`;
}

/**
 * Env-step kernel `(ROWS, SMP, HEADS, KEYS) → [N · ROW width]`: steps every env with the sampled
 * action, applies the time limit, resets an env whose episode ended in the same step (same-step
 * autoreset, as the js backend under PPO: the row's `obs` is the reset observation, `finalObs` the one
 * the episode reached) with draws keyed (reset key, episode counter), and copies action, log-prob and
 * value into the row. With `random`, HEADS is unused and the value is 0.
 */
export function envStepSource(spec: KernelEnvSpec, sn: Snippets, row: RowLayout, maxEpisodeSteps: number, random: boolean): string {
  const S = spec.stateDim;
  const O = spec.obsDim;
  const A = spec.actDim;
  const nOut = spec.nActions > 0 ? spec.nActions : A;
  const reset = sn.reset.replace(/U\((\d+)\)/g, (_, d: string) => `rfUniform(ka, kb, e0, e1, ${d}.0)`);
  const maxSteps = Number.isFinite(maxEpisodeSteps) ? flt(maxEpisodeSteps) : '1.0e30';
  return `function (ROWS, SMP, HEADS, KEYS) {
  ${head(row.width)}
  const base = i * ${row.width}.0;
  if (f >= ${row.act}.0 && f < ${row.act + A}.0) { return SMP[i * ${A + 1}.0 + (f - ${row.act}.0)]; }
  if (f == ${row.logp}.0) { return SMP[i * ${A + 1}.0 + ${A}.0]; }
  if (f == ${row.value}.0) { ${random ? 'return 0.0;' : `return HEADS[i * ${nOut + 1}.0 + ${nOut}.0];`} }
  ${range(S).map((k) => `const s${k} = ROWS[base + ${k}.0];`).join(' ')}
  ${range(A).map((k) => `const a${k} = SMP[i * ${A + 1}.0 + ${k}.0];`).join(' ')}
  ${lets('n', S)} let rew = 0.0; let term = 0.0;
  ${sn.step}
  let len = ROWS[base + ${row.len}.0] + 1.0;
  let epi = ROWS[base + ${row.epi}.0];
  let trunc = 0.0;
  if (term == 0.0 && len >= ${maxSteps}) { trunc = 1.0; }
  if (f == ${row.reward}.0) { return rew; }
  if (f == ${row.terminated}.0) { return term; }
  if (f == ${row.truncated}.0) { return trunc; }
  ${range(S).map((k) => `let q${k} = n${k};`).join(' ')}
  ${lets('o', O)}
  if (f >= ${row.finalObs}.0) {
    ${sn.obs}
    ${range(O).map((k) => `if (f == ${row.finalObs + k}.0) { return o${k}; }`).join(' ')}
  }
  if (term + trunc > 0.0) {
    epi = epi + 1.0;
    len = 0.0;
    const ka = KEYS[i * 2.0]; const kb = KEYS[i * 2.0 + 1.0];
    const e1 = Math.floor(epi / 4091.0); const e0 = epi - e1 * 4091.0;
    ${lets('r', S)}
    ${reset}
    ${range(S).map((k) => `q${k} = r${k};`).join(' ')}
  }
  if (f == ${row.len}.0) { return len; }
  if (f == ${row.epi}.0) { return epi; }
  ${range(S).map((k) => `if (f == ${k}.0) { return q${k}; }`).join(' ')}
  ${sn.obs}
  ${select(range(O).map((k) => [row.obs + k, `o${k}`] as const))}
}`;
}
