/**
 * VLM-RM rewards for a vector env, embedded in **one batch per vector step** (N envs × V cameras frames
 * per embedder call) instead of one call per env: what makes an HTTP embedder usable in training.
 *
 * Two parts, because a vector env with `same-step` autoreset (PPO's) resets a finished env inside its
 * `step`, before a wrapper outside could render the terminal frame:
 * - `VlmFrameTap` (per-env wrapper, innermost after TimeLimit): after each `step` it renders the V cameras
 *   into its slot of a shared `VlmFrameBatch` (so the terminal frame is captured before any reset) and
 *   returns a provisional reward of 0 with the env's own reward in `info.rewardTerms.env`;
 * - `VlmVectorReward` (wraps the vector env built from tapped envs): after the inner `step` it scores all
 *   captured frames in one `VlmReward.scoreWindow` call and writes each env's reward into the reward
 *   buffer. Envs that only reset this step (next-step autoreset) keep reward 0.
 *
 * The rewards equal the per-env `VlmRewardWrapper`'s up to float32 rounding (the MLP embedder sums a
 * batch in another order than a single frame; tested). Episode statistics of the vector env count the
 * env's own reward (`rewardTerms.env`).
 */
import type { Env, Frame, StepResult } from '../../sim/env.ts';
import type { VecBuffers, VecStepResult, VectorEnv } from '../../sim/vector/vector_env.ts';
import { VectorEnvWrapper } from '../../sim/vector/vector_wrapper.ts';
import { Wrapper } from '../../sim/wrappers/wrapper.ts';
import type { VlmReward } from './vlm_reward.ts';

/** Frames captured by the taps during one vector step: slot i = env i's V views. */
export class VlmFrameBatch {
  readonly frames: (Frame[] | undefined)[];
  private next = 0;

  constructor(readonly numEnvs: number, readonly cameras: readonly string[], readonly size: { width?: number; height?: number } = {}) {
    this.frames = new Array(numEnvs).fill(undefined);
  }

  /** The next free slot, for the i-th tap created (taps are created in env order). */
  claim(): number {
    if (this.next >= this.numEnvs) throw new Error(`VlmFrameBatch: more than ${this.numEnvs} taps claimed slots`);
    return this.next++;
  }

  clear(): void {
    this.frames.fill(undefined);
  }
}

export class VlmFrameTap<Obs, Act, State> extends Wrapper<Obs, Act, State> {
  private readonly slot: number;

  constructor(env: Env<Obs, Act, State>, private readonly batch: VlmFrameBatch) {
    super(env);
    const known = env.metadata.cameras;
    for (const c of batch.cameras) {
      if (!known.includes(c)) throw new RangeError(`VlmFrameTap: camera '${c}' is not one of this env's cameras [${known.join(', ')}]`);
    }
    this.slot = batch.claim();
  }

  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    const { width, height } = this.batch.size;
    this.batch.frames[this.slot] = this.batch.cameras.map((camera) => this.env.render({ camera, width, height }));
    const prev = (r[4] as { rewardTerms?: Record<string, number> }).rewardTerms;
    r[4] = { ...r[4], rewardTerms: { ...(prev ?? {}), env: r[1] } };
    r[1] = 0;
    return r;
  }
}

export class VlmVectorReward extends VectorEnvWrapper {
  /** Embedder calls made (one per vector step with at least one stepped env). */
  batches = 0;
  private readonly window: Frame[] = [];
  private readonly owners: number[] = [];
  private scores = new Float32Array(0);

  constructor(env: VectorEnv, readonly reward: VlmReward, readonly batch: VlmFrameBatch) {
    super(env);
    if (batch.numEnvs !== env.numEnvs) throw new Error(`VlmVectorReward: the frame batch has ${batch.numEnvs} slots for ${env.numEnvs} envs`);
  }

  override step(actions: Float32Array, out?: VecBuffers): VecStepResult {
    this.batch.clear();
    const r = this.env.step(actions, out);
    const views = this.batch.cameras.length;
    this.window.length = 0;
    this.owners.length = 0;
    for (let i = 0; i < this.batch.numEnvs; i++) {
      const f = this.batch.frames[i];
      if (f === undefined) continue;
      for (const frame of f) this.window.push(frame);
      this.owners.push(i);
    }
    if (this.owners.length > 0) {
      if (this.scores.length < this.owners.length) this.scores = new Float32Array(this.batch.numEnvs);
      this.reward.scoreWindow(this.window, views, this.scores);
      for (let k = 0; k < this.owners.length; k++) r[1][this.owners[k]] = this.scores[k];
      this.batches++;
    }
    return r;
  }

}
