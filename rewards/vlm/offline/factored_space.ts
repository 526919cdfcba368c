/**
 * A joint embedding space **factored by scene kind and fact family**, with hard gates, for the offline dual
 * encoder (dual_encoder.ts). Why: a prompt about something a frame does not show must not score that frame
 * differently from frame to frame (the VLM bench's control prompts). In a dense space it always does a
 * little — a false caption's cosine is near 0, not at 0, and along one episode any small leak moves
 * monotonically, which Spearman counts in full (BENCHMARKS.md "VLM zero-shot rewards"). Here it is
 * exactly 0 by construction.
 *
 * Layout of an embedding (width S + 1 + F·k):
 *
 *   [ scene coordinates (one per scene kind, S) | pad | fact block 1 (k) | … | fact block F (k) ]
 *
 * Each network (image and text) outputs F·k block values and S + F gate logits. The gates:
 * - scene: exactly one scene coordinate is on — the scene kind the frame shows / the caption is about
 *   (argmax of the S scene logits);
 * - fact f: an image's block f is on when fact f applies to the frame — its scene kind (`factScenes`) is
 *   the frame's and its logit is > 0 (a cube fact needs a cube); a caption's block f is on when the
 *   caption mentions fact f (logit > 0).
 * Gated-off coordinates are exactly 0. During training the gates come from the privileged labels (the
 * scene's fact keys, the caption's fact keys) and the logits learn them with a binary cross-entropy.
 *
 * Image embeddings: scene coordinate = 1, every open block scaled to unit length, and pad = √(F − open
 * blocks), so every image embedding has the same norm √(1 + F). Its cosine with a fact-free caption ("a
 * robot arm over a table": only a scene coordinate) is then the same for every frame of a scene kind,
 * whichever blocks are open, so VLM-RM's baseline term x·b carries no signal either.
 * Text embeddings: pad 0, open blocks as the network gives them (a caption weighs its facts), and the
 * scene coordinate is 1 only for a caption that mentions no fact. (With it on for every caption, the
 * constant it adds to every same-scene cosine swamped the blocks in training: cube captions grew blocks of
 * norm 10 and the image's cube block settled on one direction; BENCHMARKS.md.)
 *
 * Consequences, exact up to float rounding: a caption about another scene kind (or about facts that do
 * not apply) has cosine 0 with every frame; a caption about one fact ranks frames by that fact's block
 * alone. What is *not* guaranteed: a fact's block may still move with things other than its fact (the
 * arm's pose leaking into "the gripper is closed") — that is learnt, not structural.
 */
import type { SceneFacts } from './captions.ts';

export interface FactoredSpace {
  /** Scene kinds (the captions' `scene` fact), one coordinate each. */
  readonly scenes: readonly string[];
  /** Fact keys (captions.ts), one block each. */
  readonly facts: readonly string[];
  /** Width k of each fact block. */
  readonly block: number;
  /** The scene kind each fact belongs to (same order as `facts`): an image's block opens only in its scene. */
  readonly factScenes: readonly string[];
  /**
   * A block may stand for a group of fact keys (same order as `facts`): its gate label is on when any of
   * them is present. Absent: block i is fact key `facts[i]` alone. v4 (SCENE_SPACE in dual_encoder.ts) has
   * one block per scene kind, opened by every fact of that scene — within a scene the space is dense.
   */
  readonly members?: readonly (readonly string[])[];
  /**
   * All blocks read the same k network outputs (a network emits one k-wide vector and the gates route it
   * to a block). Training then contrasts those shared rows directly (train.ts), and the blocks only take
   * effect at inference: v4 is v2's dense space with a hard routing by scene kind.
   */
  readonly shared?: boolean;
}

/** Width of an embedding in `space`. */
export const factoredDim = (s: FactoredSpace): number => s.scenes.length + 1 + s.facts.length * s.block;

/** Width of the network output that feeds `space`: F·k block values (k when shared), then S scene and F fact logits. */
export const factoredNetWidth = (s: FactoredSpace): number => (s.shared ? 1 : s.facts.length) * s.block + s.scenes.length + s.facts.length;

/** Gate labels of `facts` (a scene's or a caption's) into `out[off .. off + S + F)`: scene one-hot, then fact present. */
export function gateLabels(space: FactoredSpace, facts: SceneFacts, out: Uint8Array, off: number): void {
  const S = space.scenes.length;
  if (facts.scene !== undefined && !space.scenes.includes(facts.scene)) throw new Error(`factored space: scene ${JSON.stringify(facts.scene)} is not one of ${JSON.stringify(space.scenes)}`);
  space.scenes.forEach((s, i) => (out[off + i] = facts.scene === s ? 1 : 0));
  space.facts.forEach((f, i) => (out[off + S + i] = (space.members?.[i] ?? [f]).some((m) => facts[m] !== undefined) ? 1 : 0));
}

/**
 * The gated projection from a network's output rows onto the factored space, with its backward pass.
 * `unit` = image side (open blocks scaled to unit length), `raw` = text side (open blocks as they are).
 */
export class FactoredHead {
  readonly dim: number;
  readonly netWidth: number;
  /** Mean binary cross-entropy of the gate logits in the last labelled forward. */
  gateLoss = 0;
  private raw = new Float32Array(0);
  private gates = new Uint8Array(0);
  private norms = new Float32Array(0);
  private out = new Float32Array(0);
  private dRaw = new Float32Array(0);
  private labels: Uint8Array | undefined;
  private lastN = -1;
  /** Scene index of each fact. */
  private readonly factScene: Int32Array;

  constructor(readonly space: FactoredSpace, readonly mode: 'unit' | 'raw') {
    if (space.scenes.length < 1 || space.facts.length < 1 || !(Number.isInteger(space.block) && space.block >= 1)) throw new RangeError(`factored space: needs ≥ 1 scene, ≥ 1 fact and an integer block ≥ 1, got ${JSON.stringify(space)}`);
    if (space.factScenes?.length !== space.facts.length) throw new RangeError(`factored space: factScenes must name a scene for each of the ${space.facts.length} facts, got ${JSON.stringify(space.factScenes)}`);
    if (space.members !== undefined && (space.members.length !== space.facts.length || space.members.some((m) => m.length === 0))) throw new RangeError(`factored space: members must list ≥ 1 fact key for each of the ${space.facts.length} blocks, got ${JSON.stringify(space.members)}`);
    this.factScene = Int32Array.from(space.factScenes, (sc, f) => {
      const i = space.scenes.indexOf(sc);
      if (i < 0) throw new RangeError(`factored space: factScenes[${f}] = ${JSON.stringify(sc)} is not one of the scenes ${JSON.stringify(space.scenes)}`);
      return i;
    });
    this.dim = factoredDim(space);
    this.netWidth = factoredNetWidth(space);
  }

  /**
   * Embeddings [n × dim] from network rows `net` [n × netWidth]. With `labels` [n × (S + F)] (training) the
   * gates are the labels and `gateLoss` is computed; without, the gates come from the logits.
   */
  forward(net: Float32Array, n: number, labels?: Uint8Array): Float32Array {
    const { scenes, facts, block: k } = this.space;
    const S = scenes.length, F = facts.length, W = this.netWidth, D = this.dim, G = S + F, L0 = W - G;
    const src = (f: number) => (this.space.shared ? 0 : f * k);
    if (net.length < n * W) throw new RangeError(`FactoredHead: network output has ${net.length} values, needs n*${W}`);
    if (labels !== undefined && labels.length < n * G) throw new RangeError(`FactoredHead: labels have ${labels.length} values, needs n*${G}`);
    if (this.raw.length < n * W) {
      this.raw = new Float32Array(n * W);
      this.gates = new Uint8Array(n * G);
      this.norms = new Float32Array(n * F);
      this.out = new Float32Array(n * D);
    }
    this.raw.set(net.subarray(0, n * W));
    const gates = this.gates, out = this.out.subarray(0, n * D);
    out.fill(0);
    let bce = 0;
    for (let i = 0; i < n; i++) {
      const r = i * W, g = i * G;
      if (labels !== undefined) {
        for (let q = 0; q < G; q++) {
          gates[g + q] = labels[g + q];
          const z = net[r + L0 + q];
          // BCE with logits, stable: max(z, 0) − z·y + log(1 + e^−|z|).
          bce += Math.max(z, 0) - z * labels[g + q] + Math.log1p(Math.exp(-Math.abs(z)));
        }
      } else {
        let best = 0;
        for (let s = 1; s < S; s++) if (net[r + L0 + s] > net[r + L0 + best]) best = s;
        for (let s = 0; s < S; s++) gates[g + s] = s === best ? 1 : 0;
        for (let f = 0; f < F; f++) gates[g + S + f] = net[r + L0 + S + f] > 0 && (this.mode === 'raw' || this.factScene[f] === best) ? 1 : 0;
      }
      // A caption's scene coordinate is on only when it mentions no fact ("a robot arm over a table"); an
      // image's is always on.
      let mentions = 0;
      if (this.mode === 'raw') for (let f = 0; f < F; f++) mentions |= gates[g + S + f];
      for (let s = 0; s < S; s++) out[i * D + s] = mentions ? 0 : gates[g + s];
      let open = 0;
      for (let f = 0; f < F; f++) {
        if (gates[g + S + f] === 0) continue;
        open++;
        let nr = 1;
        if (this.mode === 'unit') {
          let ss = 0;
          for (let c = 0; c < k; c++) ss += net[r + src(f) + c] ** 2;
          nr = Math.sqrt(ss) + 1e-8;
        }
        this.norms[i * F + f] = nr;
        for (let c = 0; c < k; c++) out[i * D + S + 1 + f * k + c] = net[r + src(f) + c] / nr;
      }
      if (this.mode === 'unit') out[i * D + S] = Math.sqrt(F - open);
    }
    this.labels = labels;
    this.gateLoss = labels !== undefined && n > 0 ? bce / (n * G) : 0;
    this.lastN = n;
    return out;
  }

  /**
   * dL/d(network rows) [n × netWidth] of the last forward (same n) from dL/d(embeddings) [n × dim], plus
   * `gateWeight` × the gradient of `gateLoss` when that forward was labelled.
   */
  backward(dEmb: Float32Array, n: number, gateWeight = 1): Float32Array {
    if (n !== this.lastN) throw new Error(`FactoredHead.backward: batch ${n} does not match the last forward (${this.lastN})`);
    const { scenes, facts, block: k } = this.space;
    const S = scenes.length, F = facts.length, W = this.netWidth, D = this.dim, G = S + F;
    const src = (f: number) => (this.space.shared ? 0 : f * k);
    if (this.dRaw.length < n * W) this.dRaw = new Float32Array(n * W);
    const d = this.dRaw.subarray(0, n * W), out = this.out, gates = this.gates;
    d.fill(0);
    for (let i = 0; i < n; i++) {
      const r = i * W, e = i * D, g = i * G;
      for (let f = 0; f < F; f++) {
        if (gates[g + S + f] === 0) continue;
        const o = e + S + 1 + f * k;
        if (this.mode === 'raw') {
          for (let c = 0; c < k; c++) d[r + src(f) + c] += dEmb[o + c];
        } else {
          // u = v/‖v‖: du/dv = (I − u uᵀ)/‖v‖.
          let dot = 0;
          for (let c = 0; c < k; c++) dot += dEmb[o + c] * out[o + c];
          const nr = this.norms[i * F + f];
          for (let c = 0; c < k; c++) d[r + src(f) + c] += (dEmb[o + c] - out[o + c] * dot) / nr;
        }
      }
    }
    this.gateGrads(d, n, gateWeight);
    return d;
  }

  /** Into the gate-logit columns of `d` [n × netWidth]: `gateWeight` × d(gateLoss), when the last forward was labelled. */
  private gateGrads(d: Float32Array, n: number, gateWeight: number): void {
    const labels = this.labels, W = this.netWidth, G = this.space.scenes.length + this.space.facts.length, L0 = W - G;
    if (labels === undefined || gateWeight === 0) return;
    for (let i = 0; i < n; i++) for (let q = 0; q < G; q++) d[i * W + L0 + q] = (gateWeight * (1 / (1 + Math.exp(-this.raw[i * W + L0 + q])) - labels[i * G + q])) / (n * G);
  }

  /** Shared spaces: the shared k-wide rows of the last forward, copied into `out` [n × k]. */
  sharedRows(n: number, out: Float32Array): Float32Array {
    const k = this.space.block, W = this.netWidth;
    if (!this.space.shared) throw new Error('FactoredHead.sharedRows: the space is not shared');
    if (n !== this.lastN) throw new Error(`FactoredHead.sharedRows: batch ${n} does not match the last forward (${this.lastN})`);
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[i * k + c] = this.raw[i * W + c];
    return out;
  }

  /**
   * Shared spaces: dL/d(network rows) from dL/d(shared rows) [n × k] (training contrasts those rows), plus
   * `gateWeight` × the gradient of `gateLoss` when the last forward was labelled.
   */
  backwardShared(dRows: Float32Array, n: number, gateWeight = 1): Float32Array {
    if (!this.space.shared) throw new Error('FactoredHead.backwardShared: the space is not shared');
    if (n !== this.lastN) throw new Error(`FactoredHead.backwardShared: batch ${n} does not match the last forward (${this.lastN})`);
    const k = this.space.block, W = this.netWidth;
    if (this.dRaw.length < n * W) this.dRaw = new Float32Array(n * W);
    const d = this.dRaw.subarray(0, n * W);
    d.fill(0);
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) d[i * W + c] = dRows[i * k + c];
    this.gateGrads(d, n, gateWeight);
    return d;
  }
}
