/**
 * PPO rollouts on BullMQ workers (`train:env --workers redis://…`): a `RolloutSource` (sim/rollout_source.ts)
 * that PPO drives exactly like the gpu backend's fused rollout.
 *
 * The N envs are split into shards; per PPO iteration the learner
 *   1. publishes its weights as version v = iteration (sim/distributed/weight_version.ts),
 *   2. adds one rollout job per shard (`rollout.<run>.v<v>.s<shard>`) carrying the shard's vector-env
 *      snapshot, the frozen observation statistics and a seed derived from (run seed, v, shard),
 *   3. waits for every shard's trajectory, rejects any whose version is not v, and merges them
 *      time-major into one batch, keeping each shard's new snapshot for the next iteration.
 * Workers hold no run state: a job killed mid-way is rerun elsewhere from the same snapshot with the same
 * seed and gives the same trajectory, so results do not depend on which worker ran what.
 *
 * Semantics match the gpu backend's, not the js backend's: observation statistics are frozen for the
 * whole rollout, and action draws come from per-shard streams, so a distributed run is reproducible for a
 * seed (with any number of workers) but is not the same sample path as a local `--backend js` run.
 */
import { randomUUID } from 'node:crypto';
import type { ObsNorm, PolicyWeights, Trajectory } from '../sim/gpu/fused_rollout.ts';
import { b64ToF32, b64ToU8, f32ToB64 } from '../sim/distributed/codec.ts';
import type { JobClient, JobSpec } from '../sim/distributed/job_client.ts';
import { RolloutResult, type RewardPayload, type RolloutJobData } from '../sim/distributed/jobs.ts';
import { jobId } from '../sim/distributed/queues.ts';
import { acceptRollout, publishWeights, weightsKey } from '../sim/distributed/weight_version.ts';
import { deriveSeed } from '../sim/rng.ts';
import type { RolloutSource } from '../sim/rollout_source.ts';
import { initialShardState, mlpPayload } from './distributed_jobs.ts';

export interface RemoteRolloutOptions {
  readonly envId: string;
  readonly envArgs: Record<string, unknown>;
  readonly reward: RewardPayload;
  readonly numEnvs: number;
  readonly numSteps: number;
  readonly shards: number;
  readonly seed: number;
  /** Run id (default: a fresh one per learner process). */
  readonly runId?: string;
}

interface RemoteRolloutState {
  readonly version: number;
  readonly shardStates: Array<Record<string, unknown>>;
}

export interface RemoteRolloutStats {
  jobs: number;
  resubmitted: number;
  staleRejected: number;
  workers: Record<string, number>;
  /** Seconds spent collecting on workers vs waiting in total (the gap is the queue and transfer). */
  workerSeconds: number;
  waitSeconds: number;
}

/** Split n envs into `shards` contiguous runs as evenly as possible. */
export function shardSizes(n: number, shards: number): number[] {
  const s = Math.min(n, shards);
  return Array.from({ length: s }, (_, k) => Math.floor(n / s) + (k < n % s ? 1 : 0));
}

export class RemoteRollout implements RolloutSource {
  readonly runId: string;
  readonly numEnvs: number;
  readonly numSteps: number;
  private readonly sizes: number[];
  private readonly offsets: number[];
  private version = 0;
  private shardStates: Array<Record<string, unknown>>;
  private obs0: Float32Array;
  private success: Uint8Array = new Uint8Array(0);
  private obsDim = 0;
  private lastWeights: Parameters<typeof publishWeights>[1] | undefined;
  readonly stats: RemoteRolloutStats = { jobs: 0, resubmitted: 0, staleRejected: 0, workers: {}, workerSeconds: 0, waitSeconds: 0 };

  constructor(private readonly client: JobClient, private readonly o: RemoteRolloutOptions) {
    this.runId = o.runId ?? `ppo-${o.seed}-${randomUUID().slice(0, 8)}`;
    this.numEnvs = o.numEnvs;
    this.numSteps = o.numSteps;
    this.sizes = shardSizes(o.numEnvs, o.shards);
    this.offsets = this.sizes.map((_, k) => this.sizes.slice(0, k).reduce((a, b) => a + b, 0));
    // First snapshots are made here (reset with seeds derived per shard), so the first observations are
    // known before any job runs and every job carries a snapshot.
    const first = this.sizes.map((n, s) => initialShardState(o.envId, n, o.envArgs, deriveSeed(o.seed, 'shard', s)));
    this.shardStates = first.map((f) => f.state);
    this.obsDim = first[0].obs.length / this.sizes[0];
    this.obs0 = new Float32Array(o.numEnvs * this.obsDim);
    first.forEach((f, s) => this.obs0.set(f.obs, this.offsets[s] * this.obsDim));
  }

  observations(): Float32Array {
    return this.obs0.slice();
  }

  episodeSuccess(_finalObs: Float32Array, off: number): boolean {
    return this.success[off / this.obsDim] === 1;
  }

  async collect(weights: PolicyWeights, obsNorm: ObsNorm | undefined): Promise<Trajectory> {
    const t0 = performance.now();
    const v = ++this.version;
    this.lastWeights = {
      runId: this.runId,
      version: v,
      actor: mlpPayload(weights.actor),
      critic: mlpPayload(weights.critic),
      logStd: weights.logStd ? f32ToB64(weights.logStd) : null,
    };
    await publishWeights(this.client.redis, this.lastWeights);
    const norm = obsNorm ? { mean: Array.from(obsNorm.mean), var: Array.from(obsNorm.var), clip: obsNorm.clip } : null;
    const specs: JobSpec[] = this.sizes.map((n, s) => {
      const data: RolloutJobData = {
        runId: this.runId, version: v, shard: s, envId: this.o.envId, envArgs: this.o.envArgs, reward: this.o.reward,
        numEnvs: n, numSteps: this.numSteps, seed: deriveSeed(this.o.seed, 'rollout', v, s), envState: this.shardStates[s], resetSeed: deriveSeed(this.o.seed, 'shard', s), obsNorm: norm,
      };
      return { queue: 'rollout', name: 'rollout', id: jobId('rollout', this.runId, `v${v}`, `s${s}`), data };
    });
    const before = this.client.resubmitted;
    const outcomes = await this.client.run(specs, {
      runId: this.runId,
      parse: (x) => RolloutResult.parse(x),
      onFailure: 'stop',
      // A Redis restart loses the published weights with the queues: publish them again first.
      beforeResubmit: () => publishWeights(this.client.redis, this.lastWeights!),
      // …and when the jobs survived but the weights did not (the restart fell between publish and add).
      onSweep: async () => {
        if (!(await this.client.redis.exists(weightsKey(this.runId, v)))) await publishWeights(this.client.redis, this.lastWeights!);
      },
    });
    this.stats.resubmitted += this.client.resubmitted - before;
    const results = outcomes.map((o) => {
      if (!o.ok) throw new Error(`rollout ${o.id} failed: ${o.error}`);
      return o.value;
    });
    const traj = this.merge(v, results);
    this.stats.jobs += results.length;
    this.stats.waitSeconds += (performance.now() - t0) / 1000;
    return traj;
  }

  /** Check versions and merge shard trajectories ([t][env] within each) into one [t][env] batch. */
  merge(version: number, results: RolloutResult[]): Trajectory {
    for (const r of results) {
      try {
        acceptRollout(version, r);
      } catch (e) {
        this.stats.staleRejected++;
        throw e;
      }
    }
    const N = this.numEnvs;
    const T = this.numSteps;
    const O = results[0].obsDim;
    const A = results[0].actDim;
    const B = N * T;
    const out = {
      obs: new Float32Array(B * O), actions: new Float32Array(B * A), logp: new Float32Array(B), values: new Float32Array(B), rewards: new Float32Array(B),
      terminated: new Uint8Array(B), truncated: new Uint8Array(B), finalObs: new Float32Array(B * O), nextObs: new Float32Array(N * O),
    };
    const success = new Uint8Array(B);
    for (const r of results) {
      const s = r.shard;
      const n = this.sizes[s];
      const off = this.offsets[s];
      if (r.numEnvs !== n || r.numSteps !== T) throw new Error(`rollout shard ${s} returned ${r.numEnvs}×${r.numSteps}, expected ${n}×${T}`);
      const src = {
        obs: b64ToF32(r.obs), actions: b64ToF32(r.actions), logp: b64ToF32(r.logp), values: b64ToF32(r.values), rewards: b64ToF32(r.rewards),
        terminated: b64ToU8(r.terminated), truncated: b64ToU8(r.truncated), finalObs: b64ToF32(r.finalObs), success: b64ToU8(r.success),
      };
      for (let t = 0; t < T; t++) {
        const from = t * n;
        const to = t * N + off;
        out.obs.set(src.obs.subarray(from * O, (from + n) * O), to * O);
        out.finalObs.set(src.finalObs.subarray(from * O, (from + n) * O), to * O);
        out.actions.set(src.actions.subarray(from * A, (from + n) * A), to * A);
        out.logp.set(src.logp.subarray(from, from + n), to);
        out.values.set(src.values.subarray(from, from + n), to);
        out.rewards.set(src.rewards.subarray(from, from + n), to);
        out.terminated.set(src.terminated.subarray(from, from + n), to);
        out.truncated.set(src.truncated.subarray(from, from + n), to);
        success.set(src.success.subarray(from, from + n), to);
      }
      out.nextObs.set(b64ToF32(r.nextObs), off * O);
      this.shardStates[s] = r.envState;
      this.stats.workers[r.worker] = (this.stats.workers[r.worker] ?? 0) + 1;
      this.stats.workerSeconds += r.seconds;
    }
    this.success = success;
    this.obsDim = O;
    return out;
  }

  getState(): RemoteRolloutState {
    return { version: this.version, shardStates: this.shardStates };
  }

  setState(s: object): void {
    const st = s as RemoteRolloutState;
    if (!Array.isArray(st.shardStates) || st.shardStates.length !== this.sizes.length) {
      throw new Error(`checkpoint has ${st.shardStates?.length ?? 'no'} rollout shard states, this run has ${this.sizes.length} shards (keep --rollout-shards as it was)`);
    }
    this.version = st.version;
    this.shardStates = st.shardStates;
  }

  async destroy(): Promise<void> {}
}
