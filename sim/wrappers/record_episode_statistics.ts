/**
 * RecordEpisodeStatistics: on the step that ends an episode, `info.episode = {r, l, t}` — return,
 * length and seconds since the episode began (Gymnasium semantics).
 */
import type { Env, ResetOptions, ResetResult, StepResult } from '../env.ts';
import { Wrapper } from './wrapper.ts';

export interface EpisodeStats {
  readonly r: number;
  readonly l: number;
  readonly t: number;
}

export class RecordEpisodeStatistics<Obs, Act, State> extends Wrapper<Obs, Act, State> {
  private episodeReturn = 0;
  private episodeLength = 0;
  private startTime = 0;
  /** The last `bufferLength` finished episodes. */
  readonly returnQueue: number[] = [];
  readonly lengthQueue: number[] = [];

  constructor(env: Env<Obs, Act, State>, readonly bufferLength = 100) {
    super(env);
  }

  override reset(opts?: ResetOptions): ResetResult<Obs> {
    this.episodeReturn = 0;
    this.episodeLength = 0;
    this.startTime = performance.now();
    return this.env.reset(opts);
  }

  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    this.episodeReturn += r[1];
    this.episodeLength++;
    if (r[2] || r[3]) {
      const t = Math.round((performance.now() - this.startTime) / 1e3 * 1e6) / 1e6;
      r[4] = { ...r[4], episode: { r: this.episodeReturn, l: this.episodeLength, t } satisfies EpisodeStats };
      this.returnQueue.push(this.episodeReturn);
      this.lengthQueue.push(this.episodeLength);
      if (this.returnQueue.length > this.bufferLength) {
        this.returnQueue.shift();
        this.lengthQueue.shift();
      }
    }
    return r;
  }
}
