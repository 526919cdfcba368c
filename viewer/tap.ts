/**
 * The training side of the viewer: what a run streams, taken from the vector env without changing it.
 *
 * `ViewerVectorEnv` wraps the training vector env. After each `step` it publishes, for the one env index
 * the viewers watch, what that family shows: robotics body poses (binary SoA frame, layout from
 * `sceneLayout`), text-world transcript lines (location, inventory, reward terms), classic-control state
 * numbers. It publishes nothing when no viewer is subscribed (one flag read per step), and it honours
 * pause and slow-down from the page by blocking this thread (the server runs in its own worker thread,
 * so it keeps serving while training waits).
 */
import type { VecBuffers, VecResetOptions, VecStepResult, VectorEnv } from '../sim/vector/vector_env.ts';
import { VectorEnvWrapper } from '../sim/vector/vector_wrapper.ts';

/** One body of a robotics scene, in the order its 7 floats (x y z, qw qx qy qz) appear in a pose frame. */
export interface SceneBody {
  readonly name: string;
  readonly kind: 'sphere' | 'box' | 'marker';
  /** Radius (sphere, marker) or half extents (box) [m]. */
  readonly size: readonly number[];
  readonly color: number;
}

interface PoseLike {
  p: readonly number[];
  q: readonly number[];
}
type Obj = { pose: PoseLike; halfSize: number };
interface RoboticsLike {
  robot: { ee: PoseLike; leftFinger: PoseLike; rightFinger: PoseLike };
  goal: readonly number[];
  cube?: Obj;
  cubeA?: Obj;
  cubeB?: Obj;
  drawer?: { handle: PoseLike };
}

/** The bodies a robotics state has (TCP, fingers, cubes, drawer handle, goal marker). */
export function sceneLayout(state: unknown): SceneBody[] {
  const s = state as RoboticsLike;
  const out: SceneBody[] = [
    { name: 'tcp', kind: 'sphere', size: [0.012], color: 0x333a48 },
    { name: 'leftFinger', kind: 'box', size: [0.006, 0.012, 0.02], color: 0x5a6478 },
    { name: 'rightFinger', kind: 'box', size: [0.006, 0.012, 0.02], color: 0x5a6478 },
  ];
  if (s.cube) out.push({ name: 'cube', kind: 'box', size: [s.cube.halfSize, s.cube.halfSize, s.cube.halfSize], color: 0xd0453a });
  if (s.cubeA) out.push({ name: 'cubeA', kind: 'box', size: [s.cubeA.halfSize, s.cubeA.halfSize, s.cubeA.halfSize], color: 0xd0453a });
  if (s.cubeB) out.push({ name: 'cubeB', kind: 'box', size: [s.cubeB.halfSize, s.cubeB.halfSize, s.cubeB.halfSize], color: 0x3a7bd0 });
  if (s.drawer) out.push({ name: 'handle', kind: 'box', size: [0.05, 0.01, 0.01], color: 0x8a6d3b });
  out.push({ name: 'goal', kind: 'marker', size: [0.02], color: 0x2fb36b });
  return out;
}

/** Write a robotics state's poses into `out` (7 floats per body, `sceneLayout` order); returns floats written. */
export function writePoses(state: unknown, out: Float32Array): number {
  const s = state as RoboticsLike;
  let o = 0;
  const put = (p: readonly number[], q: readonly number[] = [1, 0, 0, 0]): void => {
    out[o++] = p[0];
    out[o++] = p[1];
    out[o++] = p[2];
    out[o++] = q[0];
    out[o++] = q[1];
    out[o++] = q[2];
    out[o++] = q[3];
  };
  put(s.robot.ee.p, s.robot.ee.q);
  put(s.robot.leftFinger.p, s.robot.leftFinger.q);
  put(s.robot.rightFinger.p, s.robot.rightFinger.q);
  for (const c of [s.cube, s.cubeA, s.cubeB]) if (c) put(c.pose.p, c.pose.q);
  if (s.drawer) put(s.drawer.handle.p, s.drawer.handle.q);
  put(s.goal);
  return o;
}

/** What the tap publishes to (viewer/host.ts's remote run channel implements it). */
export interface RunSink {
  /** Whether any viewer is subscribed, and which env index it watches. */
  watched(): number;
  poses(envIndex: number, step: number, data: Float32Array): void;
  transcript(envIndex: number, entry: { obs?: string; command?: string; reward?: number; terms?: Record<string, number> }): void;
  episodeEnd(envIndex: number, stats: Record<string, number | boolean>): void;
  /** Block while paused; sleep the slow-down delay. */
  throttle(): void;
  /** The slow-down a viewer asked for, in ms per step (0: full speed). */
  slowMs(): number;
}

export type Family = 'robotics' | 'textworld' | 'classic' | 'web' | string;

export class ViewerVectorEnv extends VectorEnvWrapper {
  private readonly poseBuf = new Float32Array(7 * 8);
  private rowBuf: Float32Array | undefined;
  private lastPublish = -Infinity;
  private stepCount = 0;
  private returns: Float64Array;

  constructor(
    env: VectorEnv,
    readonly family: Family,
    readonly sink: RunSink,
    /** Least time between published steps (default 1000/60 ms; 0 publishes every step). */
    readonly minIntervalMs = 1000 / 60,
  ) {
    super(env);
    this.returns = new Float64Array(env.numEnvs);
  }

  override reset(opts?: VecResetOptions): ReturnType<VectorEnv['reset']> {
    this.returns.fill(0);
    return this.env.reset(opts);
  }

  override step(actions: Float32Array, out?: VecBuffers): VecStepResult {
    this.sink.throttle();
    const r = this.env.step(actions, out);
    this.stepCount++;
    const [, reward, term, trunc, infos] = r;
    for (let i = 0; i < reward.length; i++) this.returns[i] += reward[i];
    const k = this.sink.watched();
    if (k >= 0 && k < this.env.numEnvs) {
      // A page shows at most ~60 frames a second: when training runs faster, publish a sample of the
      // steps (at most one per frame interval), unless a viewer slowed training down to see every step.
      const now = performance.now();
      if (now - this.lastPublish >= this.minIntervalMs || this.sink.slowMs() > 0) {
        this.lastPublish = now;
        try {
          this.publish(k, r[0], actions, reward[k], infos as unknown as Record<string, unknown>);
        } catch {
          // the viewer must never break training
        }
      }
      if (term[k] || trunc[k]) this.sink.episodeEnd(k, { return: this.returns[k], terminated: term[k] === 1, truncated: trunc[k] === 1 });
    }
    for (let i = 0; i < reward.length; i++) if (term[i] || trunc[i]) this.returns[i] = 0;
    return r;
  }

  private publish(k: number, obs: Float32Array, actions: Float32Array, reward: number, infos: Record<string, unknown>): void {
    if (this.family === 'robotics') {
      const n = writePoses(this.env.stateAt(k), this.poseBuf);
      this.sink.poses(k, this.stepCount, this.poseBuf.subarray(0, n));
    } else if (this.family === 'textworld') {
      const s = this.env.stateAt(k) as { location: string | null; inventory: readonly string[]; goal?: unknown };
      const terms = (infos.rewardTerms as Record<string, number>[] | undefined)?.[k];
      this.sink.transcript(k, { command: `action ${actions[k * this.env.actDim]}`, obs: `at ${s.location ?? 'the middle of the room'}; holding ${s.inventory.length ? s.inventory.join(', ') : 'nothing'}`, reward, terms });
    } else {
      // classic control: the observation and the action, as numbers
      const d = this.env.actDim;
      const o = this.env.obsDim;
      const row = (this.rowBuf ??= new Float32Array(o + d));
      row.set(obs.subarray(k * o, (k + 1) * o));
      row.set(actions.subarray(k * d, (k + 1) * d), o);
      this.sink.poses(k, this.stepCount, row);
    }
  }

}
