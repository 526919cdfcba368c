/**
 * A web agent that learns: PPO (agents/candidate_ppo.ts) over candidate (action, element) pairs, scored by
 * an MLP from features of the pair, the instruction and the episode so far — the "element scoring" design of
 * MiniWoB agents (Liu et al. 2018's DOMNET scores elements against the utterance's fields; here the
 * matching is done by hand-written features and the MLP learns how to weigh them per situation).
 *
 * Candidates of a state (at most `maxCandidates`, in accessibility-tree order):
 * - `click` on every visible control (button, link, checkbox, radio, textbox, tab, tree item, list option);
 * - `fill` of every text field with every field value of the instruction (or quoted string when the
 *   instruction has no fields), and `press Enter` on every text field;
 * - `select` on every drop-down of each of its options whose text equals a field value.
 *
 * Features of a candidate (`FEATURES` wide): action type, element role, how the element's name matches the
 * field values (equal, contains, token overlap), whether it is named in the utterance (and where: for
 * "click ONE, then TWO"), whether it is quoted, whether its position among elements of its role matches an
 * ordinal of the instruction ("the 3rd result"), its state (checked, value, focus, expanded/collapsed),
 * for fills/selects which field's value is used and whether the field's key names the element ("Username"
 * for `username`), and the episode's history (clicks on this element, this exact candidate done before,
 * fills and clicks so far, the last action failed). The value head reads state features and the mean of
 * the candidates' features.
 *
 * This module knows only the shape of the web family's observations (`WebObs` below, structurally the
 * envs/webnav observation) — agents do not import envs.
 */
import { z } from 'zod';
import type { Env, Info } from '../../sim/env.ts';
import { deriveSeed, Rng } from '../../sim/rng.ts';
import { type CandidateEvalResult, CandidatePpoArgs, type CandidatePolicy, type CandidateScores, type CandidateTrainResult, evaluateCandidatePolicy, trainCandidatePpo, withDefault } from '../candidate_ppo.ts';
import { Mlp } from '../nn/mlp.ts';
import { type Tensor, withPrefix } from '../nn/tensor.ts';

/** The observation shape the agent reads (the web family's `WebObservation`). */
export interface WebObs {
  readonly utterance: string;
  readonly fields: ReadonlyArray<readonly [string, string]>;
  readonly axtree: string;
  readonly elements: ReadonlyArray<{ readonly ref: number; readonly tag: string; readonly role: string; readonly text: string; readonly value: string | null; readonly checked: boolean | null; readonly focused: boolean }>;
}

/** The action shape the agent emits (the web family's structured `WebAction`). */
export type WebAct =
  | { readonly type: 'click'; readonly ref: number }
  | { readonly type: 'fill'; readonly ref: number; readonly text: string }
  | { readonly type: 'select'; readonly ref: number; readonly option: string }
  | { readonly type: 'press'; readonly ref: number; readonly key: string };

export type WebEnv = Env<WebObs, WebAct, unknown>;

export const WebAgentArgs = CandidatePpoArgs.extend({
  totalTimesteps: withDefault(CandidatePpoArgs.shape.totalTimesteps, 60_000),
  learningRate: withDefault(CandidatePpoArgs.shape.learningRate, 1e-3),
  numEnvs: withDefault(CandidatePpoArgs.shape.numEnvs, 18),
  gamma: withDefault(CandidatePpoArgs.shape.gamma, 0.95),
  entCoef: withDefault(CandidatePpoArgs.shape.entCoef, 0.01),
  hidden: z.number().int().positive().default(64).describe('hidden width of the score and value MLPs'),
  maxCandidates: z.number().int().positive().default(96).describe('candidates kept per state (tree order)'),
}).strict();
export type WebAgentArgs = z.infer<typeof WebAgentArgs>;

const ROLES = ['button', 'link', 'checkbox', 'radio', 'textbox', 'combobox', 'treeitem', 'tab', 'option'] as const;
const CLICKABLE = new Set<string>(['button', 'link', 'checkbox', 'radio', 'textbox', 'treeitem', 'tab', 'option']);
const ACTION_TYPES = ['click', 'fill', 'select', 'press'] as const;
const ORDINALS: Record<string, number> = { '1st': 1, '2nd': 2, '3rd': 3, '4th': 4, '5th': 5, '6th': 6, first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6 };

/** Per-candidate features. */
export const FEATURES = 4 + ROLES.length + 1 + 16;
/** Per-state features (also appended to every candidate). */
export const STATE_FEATURES = 6;
const F = FEATURES + STATE_FEATURES;

interface Episode {
  readonly obs: WebObs;
  readonly cands: readonly WebAct[];
  /** C × F candidate features (state features included). */
  readonly feats: Float32Array;
  readonly state: Float32Array;
  readonly clicks: ReadonlyMap<number, number>;
  readonly done: ReadonlySet<string>;
  readonly steps: number;
  readonly fills: number;
  readonly lastError: boolean;
}

const norm = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ').trim();
const tokens = (s: string): string[] => norm(s).match(/[a-z0-9]+/g) ?? [];

function quoted(utterance: string): string[] {
  return [...utterance.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

function key(a: WebAct): string {
  return a.type === 'click' ? `c${a.ref}` : a.type === 'fill' ? `f${a.ref}:${a.text}` : a.type === 'select' ? `s${a.ref}:${a.option}` : `p${a.ref}:${a.key}`;
}

function wordIn(hay: string, needle: string): number {
  if (needle === '') return -1;
  const i = hay.indexOf(needle);
  if (i < 0) return -1;
  const before = i === 0 || !/[a-z0-9]/.test(hay[i - 1]);
  const after = i + needle.length === hay.length || !/[a-z0-9]/.test(hay[i + needle.length]);
  return before && after ? i : -1;
}

export class WebAgent implements CandidatePolicy<WebObs, WebAct, Episode> {
  readonly scoreNet: Mlp;
  readonly valueNet: Mlp;
  private readonly paramList: Tensor[];
  private readonly gradList: Tensor[];
  private x = new Float32Array(0);
  private v = new Float32Array(0);
  private dS = new Float32Array(0);
  private dV = new Float32Array(0);
  private lastC = 0;
  private lastCp = 0;
  private lastB = 0;
  private lastBp = 0;

  constructor(
    readonly args: Pick<WebAgentArgs, 'hidden' | 'maxCandidates'>,
    rng: Rng,
  ) {
    this.scoreNet = new Mlp({ sizes: [F, args.hidden, args.hidden, 1], activation: 'tanh', outputGain: 0.01, rng });
    this.valueNet = new Mlp({ sizes: [F + STATE_FEATURES, args.hidden, 1], activation: 'tanh', outputGain: 1, rng });
    this.paramList = [...withPrefix('score.', this.scoreNet.params()), ...withPrefix('value.', this.valueNet.params())];
    this.gradList = [...withPrefix('score.', this.scoreNet.grads()), ...withPrefix('value.', this.valueNet.grads())];
  }

  // ---------------------------------------------------------------- candidates and features

  /** The candidate actions of an observation (tree order, at most maxCandidates). */
  candidatesOf(obs: WebObs): WebAct[] {
    const values = obs.fields.length > 0 ? obs.fields.map((f) => f[1]) : quoted(obs.utterance);
    const out: WebAct[] = [];
    const els = obs.elements;
    for (let i = 0; i < els.length; i++) {
      const e = els[i];
      if (CLICKABLE.has(e.role) && !(e.role === 'option' && e.tag === 'option')) out.push({ type: 'click', ref: e.ref });
      if (e.role === 'textbox') {
        for (const v of values) out.push({ type: 'fill', ref: e.ref, text: v });
        out.push({ type: 'press', ref: e.ref, key: 'Enter' });
      }
      if (e.role === 'combobox') {
        for (let j = i + 1; j < els.length && els[j].tag === 'option'; j++) {
          if (values.some((v) => norm(v) === norm(els[j].text))) out.push({ type: 'select', ref: e.ref, option: els[j].text });
        }
      }
    }
    if (out.length === 0) out.push({ type: 'click', ref: els.length > 0 ? els[0].ref : 0 });
    return out.slice(0, this.args.maxCandidates);
  }

  private featurize(obs: WebObs, cands: readonly WebAct[], clicks: ReadonlyMap<number, number>, done: ReadonlySet<string>, steps: number, fills: number, lastError: boolean): { feats: Float32Array; state: Float32Array } {
    const utter = norm(obs.utterance);
    const fieldVals = obs.fields.length > 0 ? obs.fields.map((f) => norm(f[1])) : quoted(obs.utterance).map(norm);
    const fieldKeys = obs.fields.map((f) => tokens(f[0]));
    const quotes = quoted(obs.utterance).map(norm);
    const ordinals = new Set<number>();
    for (const t of tokens(obs.utterance)) if (ORDINALS[t] !== undefined) ordinals.add(ORDINALS[t]);
    for (const [k, v] of obs.fields) if (k === 'rank' && /^\d+$/.test(v)) ordinals.add(Number(v));
    const byRef = new Map(obs.elements.map((e, i) => [e.ref, i]));
    const lines = obs.axtree.split('\n');
    // position of each element among elements of its role (1-based)
    const rank = new Map<number, number>();
    const seen = new Map<string, number>();
    for (const e of obs.elements) {
      const n = (seen.get(e.role) ?? 0) + 1;
      seen.set(e.role, n);
      rank.set(e.ref, n);
    }
    const state = new Float32Array(STATE_FEATURES);
    state[0] = Math.min(steps, 20) / 10;
    state[1] = Math.min(fills, 4) / 4;
    state[2] = Math.min([...clicks.values()].reduce((s, x) => s + x, 0), 8) / 8;
    state[3] = lastError ? 1 : 0;
    state[4] = Math.min(obs.fields.length, 4) / 4;
    state[5] = 1;
    const feats = new Float32Array(cands.length * F);
    cands.forEach((a, c) => {
      const o = c * F;
      const ei = byRef.get(a.ref);
      const e = ei === undefined ? undefined : obs.elements[ei];
      const name = e ? norm(e.text) : '';
      feats[o + ACTION_TYPES.indexOf(a.type)] = 1;
      const r = e ? ROLES.indexOf(e.role as (typeof ROLES)[number]) : -1;
      feats[o + 4 + (r < 0 ? ROLES.length : r)] = 1;
      let k = o + 4 + ROLES.length + 1;
      // name vs field values
      let eq = 0, contains = 0, overlap = 0;
      const nameToks = new Set(tokens(name));
      for (const v of fieldVals) {
        if (name !== '' && name === v) eq = 1;
        if (name !== '' && v !== '' && (name.includes(v) || (name.length >= 2 && v.includes(name)))) contains = 1;
        const vt = tokens(v);
        if (vt.length > 0 && nameToks.size > 0) overlap = Math.max(overlap, vt.filter((t) => nameToks.has(t)).length / Math.max(vt.length, nameToks.size));
      }
      feats[k++] = eq;
      feats[k++] = contains;
      feats[k++] = overlap;
      const at = wordIn(utter, name);
      feats[k++] = at >= 0 ? 1 : 0;
      feats[k++] = at >= 0 ? at / Math.max(1, utter.length) : 0;
      feats[k++] = quotes.includes(name) && name !== '' ? 1 : 0;
      feats[k++] = e && ordinals.has(rank.get(e.ref) ?? -1) ? 1 : 0;
      feats[k++] = e?.checked ? 1 : 0;
      feats[k++] = e?.value ? 1 : 0;
      feats[k++] = e?.focused ? 1 : 0;
      const line = ei === undefined ? '' : (lines[ei] ?? '');
      feats[k++] = / expanded$/.test(line) ? 1 : / collapsed$/.test(line) ? -1 : 0;
      feats[k++] = Math.min(clicks.get(a.ref) ?? 0, 3) / 3;
      feats[k++] = done.has(key(a)) ? 1 : 0;
      if (a.type === 'fill' || a.type === 'select') {
        const val = norm(a.type === 'fill' ? a.text : a.option);
        feats[k] = e && e.value !== null && norm(e.value) === val ? 1 : 0;
        const fi = fieldVals.indexOf(val);
        const keyToks = fi >= 0 && fi < fieldKeys.length ? fieldKeys[fi] : [];
        feats[k + 1] = keyToks.some((t) => nameToks.has(t)) ? 1 : 0;
        feats[k + 2] = fi >= 0 ? (fi + 1) / 4 : 0;
      }
      k += 3;
      feats.set(state, o + FEATURES);
    });
    return { feats, state };
  }

  private episode(obs: WebObs, clicks: ReadonlyMap<number, number>, done: ReadonlySet<string>, steps: number, fills: number, lastError: boolean): Episode {
    const cands = this.candidatesOf(obs);
    const { feats, state } = this.featurize(obs, cands, clicks, done, steps, fills, lastError);
    return { obs, cands, feats, state, clicks, done, steps, fills, lastError };
  }

  begin(obs: WebObs, _info: Info): Episode {
    return this.episode(obs, new Map(), new Set(), 0, 0, false);
  }

  next(ep: Episode, action: WebAct, obs: WebObs, info: Info): Episode {
    const clicks = new Map(ep.clicks);
    if (action.type === 'click') clicks.set(action.ref, (clicks.get(action.ref) ?? 0) + 1);
    const done = new Set(ep.done).add(key(action));
    return this.episode(obs, clicks, done, ep.steps + 1, ep.fills + (action.type === 'fill' ? 1 : 0), typeof info.lastActionError === 'string');
  }

  candidates(ep: Episode): readonly WebAct[] {
    return ep.cands;
  }

  // ---------------------------------------------------------------- network

  forward(eps: readonly Episode[]): CandidateScores {
    const B = eps.length;
    const candOffsets = new Int32Array(B + 1);
    for (let i = 0; i < B; i++) candOffsets[i + 1] = candOffsets[i] + eps[i].cands.length;
    const C = candOffsets[B];
    // Pad batch sizes to multiples of 64 / 16 so the MLPs reuse a few workspaces.
    const Cp = Math.ceil(C / 64) * 64;
    const Bp = Math.ceil(B / 16) * 16;
    if (this.x.length < Cp * F) this.x = new Float32Array(Cp * F);
    const VW = F + STATE_FEATURES;
    if (this.v.length < Bp * VW) this.v = new Float32Array(Bp * VW);
    const x = this.x;
    const v = this.v;
    x.fill(0, 0, Cp * F);
    v.fill(0, 0, Bp * VW);
    for (let i = 0; i < B; i++) {
      const ep = eps[i];
      x.set(ep.feats, candOffsets[i] * F);
      const n = ep.cands.length;
      for (let c = 0; c < n; c++) for (let j = 0; j < F; j++) v[i * VW + j] += ep.feats[c * F + j] / n;
      v.set(ep.state, i * VW + F);
    }
    const scores = this.scoreNet.forward(x.subarray(0, Cp * F), Cp);
    const values = this.valueNet.forward(v.subarray(0, Bp * VW), Bp);
    this.lastC = C;
    this.lastCp = Cp;
    this.lastB = B;
    this.lastBp = Bp;
    return { scores: scores.subarray(0, C), values: values.subarray(0, B), candOffsets };
  }

  backward(dScores: Float32Array, dValues: Float32Array): void {
    if (this.dS.length < this.lastCp) this.dS = new Float32Array(this.lastCp);
    if (this.dV.length < this.lastBp) this.dV = new Float32Array(this.lastBp);
    this.dS.fill(0, 0, this.lastCp);
    this.dV.fill(0, 0, this.lastBp);
    this.dS.set(dScores.subarray(0, this.lastC));
    this.dV.set(dValues.subarray(0, this.lastB));
    this.scoreNet.backward(this.dS.subarray(0, this.lastCp), this.lastCp);
    this.valueNet.backward(this.dV.subarray(0, this.lastBp), this.lastBp);
  }

  zeroGrad(): void {
    this.scoreNet.zeroGrad();
    this.valueNet.zeroGrad();
  }

  params(): readonly Tensor[] {
    return this.paramList;
  }

  grads(): readonly Tensor[] {
    return this.gradList;
  }
}

export interface WebTrainOptions {
  /** Builds training env `i` (e.g. task `i mod nTasks` for a multi-task agent). */
  readonly makeEnv: (i: number) => WebEnv;
  readonly log?: (globalStep: number, scalars: Record<string, number>) => void;
}

export interface WebTrainResult extends CandidateTrainResult {
  readonly agent: WebAgent;
}

export function trainWebAgent(argsIn: Partial<WebAgentArgs>, opts: WebTrainOptions): WebTrainResult {
  const args = WebAgentArgs.parse(argsIn);
  const rng = new Rng(deriveSeed(args.seed, 'web-ppo'));
  const agent = new WebAgent(args, rng);
  const res = trainCandidatePpo(args, agent, rng, opts);
  return { agent, ...res };
}

export interface WebEvalOptions {
  readonly makeEnv: (i: number) => WebEnv;
  readonly episodes: number;
  readonly seed: number;
  readonly greedy?: boolean;
  readonly numEnvs?: number;
}

/** Success over `episodes` seeded episodes, per task (`info.task` at reset). */
export function evaluateWebAgent(agent: WebAgent, opts: WebEvalOptions): CandidateEvalResult {
  return evaluateCandidatePolicy(agent, { ...opts, groupOf: (info) => (typeof info.task === 'string' ? info.task : 'all') });
}
