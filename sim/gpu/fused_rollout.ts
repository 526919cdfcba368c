/**
 * Fused rollouts: K steps of N envs with the policy's forward pass inside, in one gpu.js pipeline
 * (`gpu.createPipeline`), writing the trajectory buffers PPO needs.
 *
 * Per step the pipeline records: MLP layer kernels (actor and critic side by side, one cell per
 * (env, unit)), a heads kernel (logits or means, and the value), a sampling kernel (counter-based draws,
 * sim/gpu/counter_rng.ts) and the env-step kernel (step, time limit, same-step autoreset, reset draws).
 * gpu.js compiles the unrolled plan once; on webasm it runs fused over one shared WebAssembly memory
 * (threaded across cores), on webgpu as one command encoder with one submit and one readback. Nothing
 * returns to JavaScript between steps — that is the whole point: a kernel call per step costs 2–15 µs of
 * overhead, which at classic-control sizes is more than the step itself.
 *
 * Semantics, matching the js backend under PPO (`NativeVectorEnv`, autoreset 'same-step'):
 * - `obs[t]` is the observation the action at t was chosen from; after a terminated or truncated step
 *   the next observation is the reset one, and `finalObs[t]` holds the observation the episode reached;
 * - an episode is truncated when it reaches `maxEpisodeSteps` without terminating;
 * - draws are keyed (seed, env index, counter): action draws by the env's step counter, reset draws by
 *   its episode counter — so a rollout is reproducible for a seed whatever K and the split into calls.
 * Observation normalisation inside the kernels uses statistics frozen for the whole rollout (PPO updates
 * them from the collected batch afterwards); the js backend updates them every step.
 */
import type { BatchedCore } from '../batched.ts';
import { CounterDraws, STREAM_ACTION, STREAM_RESET, envKeys } from './counter_rng.ts';
import { type RowLayout, type WeightLayout, envStepSource, firstLayerSource, headsSource, hiddenLayerSource, rowLayout, sampleSource, weightLayout } from './kernels.ts';
import type { GpuRuntime } from './runtime.ts';
import type { KernelEnvSpec } from './spec.ts';

export interface FusedRolloutOptions {
  readonly numEnvs: number;
  /** Steps per env per `collect` (K). */
  readonly numSteps: number;
  /** Hidden sizes of the actor and critic (equal, tanh), or null for a uniform-random policy (env-only runs). */
  readonly hidden: readonly number[] | null;
  readonly seed: number;
  /** Time limit (Infinity for none). */
  readonly maxEpisodeSteps: number;
  readonly kwargs?: Record<string, unknown>;
}

/** One rollout, time-major ([t][env]…), with raw (unnormalised) observations. */
export interface Trajectory {
  readonly obs: Float32Array;
  readonly actions: Float32Array;
  readonly logp: Float32Array;
  readonly values: Float32Array;
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** The observation an episode ended with, at its last step (terminated or truncated); other rows are stale. */
  readonly finalObs: Float32Array;
  /** The observation each env continues from (after the last step). */
  readonly nextObs: Float32Array;
}

/** What a collect reads from an MLP (agents/nn `Mlp` has this shape): sizes and per-layer W [out × in], b. */
export interface MlpWeights {
  readonly sizes: readonly number[];
  readonly layers: ReadonlyArray<{ readonly weight: { readonly data: Float32Array }; readonly bias: { readonly data: Float32Array } }>;
}

/** Policy weights for a collect: the live networks of the learner. */
export interface PolicyWeights {
  readonly actor: MlpWeights;
  readonly critic: MlpWeights;
  /** log σ per action dim (Box actions). */
  readonly logStd?: Float32Array;
}

/** Frozen observation normalisation: (o − mean) / std, clipped to ±clip. */
export interface ObsNorm {
  readonly mean: ArrayLike<number>;
  readonly var: ArrayLike<number>;
  readonly clip: number;
}

type Pipeline = ((...args: unknown[]) => Promise<unknown>) & { executorKind: string; fallbackReason: string | null; destroy(): Promise<void> };
type Kernel = (...args: unknown[]) => unknown;

export interface FusedRolloutState {
  readonly rows: number[];
  readonly counter: number;
}

export class FusedRollout {
  readonly row: RowLayout;
  readonly wl: WeightLayout;
  readonly numEnvs: number;
  readonly numSteps: number;
  /** Steps taken per env so far (the action-draw counter base). */
  counter = 0;
  private rows: Float32Array;
  private readonly wb: Float32Array;
  private readonly norm: Float32Array;
  private readonly keysAct: Float32Array;
  private readonly keysReset: Float32Array;
  private readonly ctr = new Float32Array(2);
  private readonly pipeline: Pipeline;
  private readonly js: BatchedCore;
  private readonly out: Trajectory;
  private readonly nOut: number;
  private readonly tmpState: Float32Array;

  constructor(
    readonly spec: KernelEnvSpec,
    readonly runtime: GpuRuntime,
    readonly opts: FusedRolloutOptions,
  ) {
    const { numEnvs: N, numSteps: K } = opts;
    if (!Number.isInteger(N) || N < 1) throw new RangeError(`fused rollout numEnvs must be a positive integer, got ${N}`);
    if (!Number.isInteger(K) || K < 1 || K > 4000) throw new RangeError(`fused rollout numSteps must be an integer in [1, 4000], got ${K}`);
    if (opts.hidden !== null && (opts.hidden.length < 1 || opts.hidden.some((h) => !Number.isInteger(h) || h < 1))) {
      throw new RangeError(`fused rollout hidden sizes must be positive integers (at least one layer), got [${opts.hidden.join(', ')}]`);
    }
    this.numEnvs = N;
    this.numSteps = K;
    const kwargs = opts.kwargs ?? {};
    this.js = spec.makeJsCore(1, kwargs);
    const sn = spec.snippets(kwargs);
    this.row = rowLayout(spec);
    this.nOut = spec.nActions > 0 ? spec.nActions : spec.actDim;
    this.wl = weightLayout(spec.obsDim, opts.hidden ?? [1], this.nOut);
    this.wb = new Float32Array(this.wl.size);
    this.norm = new Float32Array(2 * spec.obsDim + 1);
    this.keysAct = envKeys(opts.seed, STREAM_ACTION, N);
    this.keysReset = envKeys(opts.seed, STREAM_RESET, N);
    this.rows = new Float32Array(N * this.row.width);
    this.tmpState = new Float32Array(spec.stateDim);
    const O = spec.obsDim;
    const A = spec.actDim;
    this.out = {
      obs: new Float32Array(K * N * O), actions: new Float32Array(K * N * A), logp: new Float32Array(K * N), values: new Float32Array(K * N),
      rewards: new Float32Array(K * N), terminated: new Uint8Array(K * N), truncated: new Uint8Array(K * N), finalObs: new Float32Array(K * N * O),
      nextObs: new Float32Array(N * O),
    };

    const gpu = runtime.gpu;
    const mk = (src: string, cells: number): Kernel => gpu.createKernel(src, { output: [N * cells], tactic: 'precision' }) as unknown as Kernel;
    const random = opts.hidden === null;
    const sample = mk(sampleSource(spec, random, random ? null : this.wl), A + 1);
    const envStep = mk(envStepSource(spec, sn, this.row, opts.maxEpisodeSteps, random), this.row.width);
    let build: (...a: unknown[]) => unknown;
    if (random) {
      build = function (ROWS0: unknown, WB: unknown, _NORM: unknown, KA: unknown, KR: unknown, CTR: unknown) {
        let rows = ROWS0;
        const outs: unknown[] = [];
        for (let k = 0; k < K; k++) {
          const smp = sample(WB, WB, KA, CTR, k);
          rows = envStep(rows, smp, WB, KR);
          outs.push(rows);
        }
        return outs;
      };
    } else {
      const first = mk(firstLayerSource(spec, sn, this.row, this.wl), 2 * this.wl.layers[0].actorOut);
      const hidden = this.wl.layers.slice(1, -1).map((L, l) => mk(hiddenLayerSource(this.wl, l + 1), 2 * L.actorOut));
      const heads = mk(headsSource(this.wl), this.nOut + 1);
      build = function (ROWS0: unknown, WB: unknown, NORM: unknown, KA: unknown, KR: unknown, CTR: unknown) {
        let rows = ROWS0;
        const outs: unknown[] = [];
        for (let k = 0; k < K; k++) {
          let x = first(rows, WB, NORM);
          for (const h of hidden) x = h(x, WB);
          const hd = heads(x, WB);
          const smp = sample(hd, WB, KA, CTR, k);
          rows = envStep(rows, smp, hd, KR);
          outs.push(rows);
        }
        return outs;
      };
    }
    this.pipeline = gpu.createPipeline(build as never) as unknown as Pipeline;
    this.reset();
  }

  /** Start every env's first episode (episode counter 0) and zero the step counter. */
  reset(): void {
    const { width, obs, len, epi } = this.row;
    const O = this.spec.obsDim;
    const tmpObs = new Float32Array(O);
    this.rows.fill(0);
    for (let i = 0; i < this.numEnvs; i++) {
      this.js.resetAt(0, new CounterDraws(this.keysReset, i, 0) as never, undefined, tmpObs, 0);
      const b = i * width;
      this.spec.read(this.js, 0, this.rows, b);
      for (let k = 0; k < O; k++) this.rows[b + obs + k] = tmpObs[k];
      this.rows[b + len] = 0;
      this.rows[b + epi] = 0;
    }
    this.counter = 0;
  }

  /** How the pipeline ran ('fused-threaded', 'fused-sync', 'fused-encoder' or 'generic'), after the first collect. */
  get executorKind(): string {
    return this.pipeline.executorKind;
  }

  get fallbackReason(): string | null {
    return this.pipeline.fallbackReason;
  }

  /**
   * Run K steps. `weights` and `norm` are read now (packed into one buffer); the returned trajectory's
   * arrays are reused by the next collect.
   */
  async collect(weights?: PolicyWeights, norm?: ObsNorm): Promise<Trajectory> {
    if (this.opts.hidden !== null) {
      if (!weights) throw new Error('FusedRollout.collect: this rollout has a policy network; pass its weights');
      this.packWeights(weights);
    }
    const O = this.spec.obsDim;
    for (let k = 0; k < O; k++) {
      this.norm[k] = norm ? norm.mean[k] : 0;
      this.norm[O + k] = norm ? 1 / Math.sqrt(norm.var[k] + 1e-8) : 1;
    }
    this.norm[2 * O] = norm ? norm.clip : 1e30;
    if (this.counter + this.numSteps > 4091 * 4091) throw new RangeError(`fused rollout step counter ${this.counter} would pass the counter-RNG range (${4091 * 4091} steps per env)`);
    this.ctr[0] = this.counter % 4091;
    this.ctr[1] = Math.floor(this.counter / 4091);
    const rows0 = this.rows;
    const outs = (await this.pipeline(rows0, this.wb, this.norm, this.keysAct, this.keysReset, this.ctr)) as ArrayLike<number>[];
    this.unpack(rows0, outs);
    this.counter += this.numSteps;
    return this.out;
  }

  private packWeights(w: PolicyWeights): void {
    const wb = this.wb;
    const wl = this.wl;
    const hidden = this.opts.hidden!;
    const expectA = [this.spec.obsDim, ...hidden, this.nOut].join(',');
    const expectC = [this.spec.obsDim, ...hidden, 1].join(',');
    if (w.actor.sizes.join(',') !== expectA || w.critic.sizes.join(',') !== expectC) {
      throw new Error(`fused rollout expects actor [${expectA}] and critic [${expectC}], got [${w.actor.sizes.join(',')}] and [${w.critic.sizes.join(',')}]`);
    }
    wl.layers.forEach((L, l) => {
      wb.set(w.actor.layers[l].weight.data, L.aw);
      wb.set(w.actor.layers[l].bias.data, L.ab);
      wb.set(w.critic.layers[l].weight.data, L.cw);
      wb.set(w.critic.layers[l].bias.data, L.cb);
    });
    if (this.spec.nActions === 0) {
      if (!w.logStd || w.logStd.length !== this.nOut) throw new Error(`fused rollout needs logStd of length ${this.nOut} for a Box action`);
      wb.set(w.logStd, wl.logStd);
    }
  }

  private unpack(rows0: Float32Array, outs: ArrayLike<number>[]): void {
    const N = this.numEnvs;
    const K = this.numSteps;
    const O = this.spec.obsDim;
    const A = this.spec.actDim;
    const { width: W, obs: rObs, finalObs: rFin, act: rAct, logp: rLogp, value: rVal, reward: rRew, terminated: rTerm, truncated: rTrunc } = this.row;
    const { obs, finalObs, actions, logp, values, rewards, terminated, truncated, nextObs } = this.out;
    if (outs.length !== K) throw new Error(`fused rollout pipeline returned ${outs.length} steps, expected ${K}`);
    let prev = rows0;
    for (let k = 0; k < K; k++) {
      const cur = outs[k] as Float32Array;
      if (cur.length !== N * W) throw new Error(`fused rollout step ${k} returned ${cur.length} cells, expected ${N * W}`);
      for (let i = 0, b = 0, ti = k * N; i < N; i++, b += W, ti++) {
        const to = ti * O;
        for (let d = 0; d < O; d++) obs[to + d] = prev[b + rObs + d];
        for (let d = 0; d < A; d++) actions[ti * A + d] = cur[b + rAct + d];
        logp[ti] = cur[b + rLogp];
        values[ti] = cur[b + rVal];
        rewards[ti] = cur[b + rRew];
        const te = cur[b + rTerm] > 0.5 ? 1 : 0;
        const tr = cur[b + rTrunc] > 0.5 ? 1 : 0;
        terminated[ti] = te;
        truncated[ti] = tr;
        // Only an episode's last step has a final observation (the rows are left as they were elsewhere).
        if (te | tr) for (let d = 0; d < O; d++) finalObs[to + d] = cur[b + rFin + d];
      }
      prev = cur;
    }
    // The last row block is the next rollout's start (a copy: the pipeline may reuse its buffers).
    this.rows.set(prev);
    for (let i = 0; i < N; i++) for (let d = 0; d < O; d++) nextObs[i * O + d] = prev[i * W + rObs + d];
  }

  /** Env rows and counter, for checkpoints. */
  getState(): FusedRolloutState {
    return { rows: Array.from(this.rows), counter: this.counter };
  }

  setState(s: FusedRolloutState): void {
    if (!Array.isArray(s.rows) || s.rows.length !== this.rows.length) throw new Error(`fused rollout state has ${s.rows?.length} row cells, expected ${this.rows.length}`);
    if (!Number.isInteger(s.counter) || s.counter < 0) throw new Error(`fused rollout state counter must be a non-negative integer, got ${s.counter}`);
    this.rows = Float32Array.from(s.rows);
    this.counter = s.counter;
  }

  /** The observation every env continues from ([N × obsDim], a fresh copy). */
  observations(): Float32Array {
    const O = this.spec.obsDim;
    const out = new Float32Array(this.numEnvs * O);
    for (let i = 0; i < this.numEnvs; i++) for (let d = 0; d < O; d++) out[i * O + d] = this.rows[i * this.row.width + this.row.obs + d];
    return out;
  }

  /** The env's success predicate on the observation an episode ended with (`finalObs` row at `off`). */
  episodeSuccess(finalObs: Float32Array, off: number): boolean {
    this.spec.stateFromObs(finalObs, off, this.tmpState, 0);
    this.spec.write(this.js, 0, this.tmpState, 0);
    return this.js.successAt(0);
  }

  /** The current env rows (state, clock, counters, observation), read-only view for tests. */
  get currentRows(): Float32Array {
    return this.rows;
  }

  async destroy(): Promise<void> {
    await this.pipeline.destroy();
    this.js.close();
  }
}
