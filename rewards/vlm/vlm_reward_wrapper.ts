/**
 * VlmRewardWrapper: replaces an env's reward by the VLM-RM reward of the frame(s) rendered after each
 * step. With several cameras every step renders each of them and the reward is the mean of the per-view
 * rewards (vlmrm.ts). The env's own reward goes to `info.rewardTerms.env`, the VLM reward to
 * `info.rewardTerms.vlm`.
 *
 * One step = one embedder batch of `cameras.length` frames (the env contract is per-step and synchronous);
 * offline scoring of whole rollout windows in larger batches is `VlmReward.scoreWindow`.
 */
import type { Env, Frame, StepResult } from '../../sim/env.ts';
import { Wrapper } from '../../sim/wrappers/wrapper.ts';
import type { VlmReward } from './vlm_reward.ts';

export interface VlmRewardWrapperOptions {
  /** Camera names (default: the env's first camera). Each must be in `env.metadata.cameras`. */
  readonly cameras?: readonly string[];
  /** Render size passed to `render` (default: the env's own default size). */
  readonly width?: number;
  readonly height?: number;
}

export class VlmRewardWrapper<Obs, Act, State> extends Wrapper<Obs, Act, State> {
  readonly cameras: readonly string[];
  private readonly frames: Frame[];
  private readonly out = new Float32Array(1);

  constructor(env: Env<Obs, Act, State>, readonly reward: VlmReward, private readonly opts: VlmRewardWrapperOptions = {}) {
    super(env);
    const known = env.metadata.cameras;
    this.cameras = opts.cameras && opts.cameras.length > 0 ? [...opts.cameras] : [known[0]];
    for (const c of this.cameras) {
      if (!known.includes(c)) throw new RangeError(`VlmRewardWrapper: camera '${c}' is not one of this env's cameras [${known.join(', ')}]`);
    }
    this.frames = new Array<Frame>(this.cameras.length);
  }

  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    for (let v = 0; v < this.cameras.length; v++) {
      this.frames[v] = this.env.render({ camera: this.cameras[v], width: this.opts.width, height: this.opts.height });
    }
    const value = this.reward.scoreWindow(this.frames, this.cameras.length, this.out)[0];
    const prev = (r[4] as { rewardTerms?: Record<string, number> }).rewardTerms;
    r[4] = { ...r[4], rewardTerms: { ...(prev ?? {}), env: r[1], vlm: value } };
    r[1] = value;
    return r;
  }
}
