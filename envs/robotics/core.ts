/**
 * RoboticsCore: the batched functional core of one robotics task over N envs. By default each env lives
 * in its own Rapier world (see world.ts for the physics recipe), so a sub-env of a vector env steps
 * bit-identically to a scalar env with the same seed, and resets rebuild the world (REFERENCE.md:
 * teleporting bodies back breaks bit-identity; a fresh world costs ~0.15 ms). With `envsPerWorld` > 1,
 * envs are packed into shared worlds at fixed offsets (one `world.step()` for all of them); a reset then
 * removes and re-adds that env's bodies. Poses are read once per step into `SceneBuffers` with reused
 * target objects; observations, success and the expert reward are computed from those buffers.
 *
 * Step, per env not skipped: clip the action to [−1, 1]; move the hand target by a[0:3]·0.01 m, clamped
 * to the workspace; set both finger motors to closure (a[3] + 1)/2 · 0.048 m; `world.step()` once
 * (dt = 0.0125 s); read pads, objects, drawer; reward, success, terminated = success ∧ terminateOnSuccess.
 *
 * Snapshots (`snapshot()`/`restore()`) hold the buffers plus each world's `takeSnapshot()` bytes and the
 * body handles; a restored core steps bit-identically to the original.
 */
import { z } from 'zod';
import { BatchedCore } from '../../sim/batched.ts';
import type { EnvMetadata, Frame, RenderOptions } from '../../sim/env.ts';
import type { RewardTerms } from '../../sim/reward.ts';
import { frameSize } from '../../sim/render/frame_size.ts';
import { Renderer3D, type Primitive } from '../../sim/render/renderer3d.ts';
import type { Rng } from '../../sim/rng.ts';
import { Box } from '../../sim/spaces/box.ts';
import { parseParams } from './params.ts';
import { buildAbstraction } from './abstraction.ts';
import { ACTION_SCALE, DRAWER, DT, FINGER_MOTOR, FINGER_TRAVEL, HAND_INIT, PAD, WORKSPACE } from './geometry.ts';
import { isGraspedAt, isStaticAt } from './predicates.ts';
import { RAPIER } from './rapier.ts';
import { SceneBuffers, buildState, loadState, type ObjectNames, type StatePredicates } from './scene_buffers.ts';
import { CAMERAS, type CameraName, cameraFor, scenePrimitives } from './scene_render.ts';
import type { RoboticsState } from './state.ts';
import type { ResetOverrides, TaskDef } from './task.ts';
import { type SceneHandles, addScene, configureWorld, handleCount, handleList, handlesFromList, newWorld, removeScene } from './world.ts';

export const RoboticsParamsSchema = z
  .object({
    /** 'expert' = the task's staged dense reward (default, like Meta-World's dense rewards); 'sparse' = 1 on success else 0. */
    reward: z.enum(['expert', 'sparse']).default('expert'),
    /** End the episode (terminated) when the success predicate holds (Meta-World never does; set false for that). */
    terminateOnSuccess: z.boolean().default(true),
    /** Rapier solver iterations per step. */
    solverIterations: z.number().int().min(1).max(64).default(4),
    /** Rapier contact natural frequency [Hz] (stiffness of contacts). */
    contactNaturalFrequency: z.number().positive().max(10000).default(300),
    /**
     * Envs sharing one Rapier world in a vector core (each at a fixed offset, 2 m apart in x, 1.5 m in y,
     * 8 per row). 1 (default) = a world per env: a sub-env then steps bit-identically to a scalar env.
     * More is ~2× faster per env step (the per-world fixed cost is shared) but sub-env trajectories then
     * differ from a scalar env's in the last bits (positions carry the offset); still deterministic.
     */
    envsPerWorld: z.number().int().min(1).max(256).default(1),
  })
  .strict();
export type RoboticsParams = z.output<typeof RoboticsParamsSchema>;

const Vec3Schema = z.tuple([z.number(), z.number(), z.number()]);
const XYSchema = z.tuple([z.number(), z.number()]);
const ResetOverridesSchema = z
  .object({
    goal: Vec3Schema.optional(),
    objects: z.object({ cube: XYSchema.optional(), cubeA: XYSchema.optional(), cubeB: XYSchema.optional() }).strict().optional(),
    drawerX: z.number().optional(),
    hand: Vec3Schema.optional(),
  })
  .strict();

/**
 * Safety net for cores dropped without `close()` (e.g. a vector env whose close() does not reach its
 * core): once the core is unreachable, free the worlds it still held. The held value (the world list)
 * does not reference the core.
 */
const leaked = new FinalizationRegistry<(RAPIER.World | undefined)[]>((worlds) => {
  for (const w of worlds) w?.free();
  worlds.fill(undefined);
});

/** Reusable target objects for Rapier's pose getters (they write into the object they are given). */
const V = { x: 0, y: 0, z: 0 };
const Q = { x: 0, y: 0, z: 0, w: 1 };

export class RoboticsCore extends BatchedCore<RoboticsState> {
  readonly obsDim: number;
  readonly actDim = 4;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly metadata: EnvMetadata = { renderModes: ['rgb_array'], renderFps: Math.round(1 / DT), cameras: CAMERAS };
  readonly params: RoboticsParams;
  readonly b: SceneBuffers;
  /** Rapier body/joint handles per env (restored worlds keep them). */
  readonly handles: Float64Array;
  private readonly scenes: (SceneHandles | undefined)[];
  /** Rapier worlds; env i lives in world ⌊i / envsPerWorld⌋ at offset (offset[2i], offset[2i+1], 0). */
  private readonly worlds: (RAPIER.World | undefined)[];
  private readonly offset: Float64Array;
  private readonly perWorld: number;
  private readonly objectNames: ObjectNames;
  private readonly pred: StatePredicates;
  private readonly hc: number;
  private renderer: Renderer3D | undefined;
  /** Size-1 buffers that `success(state)` loads a snapshot into. */
  private scratch: SceneBuffers | undefined;
  private readonly prims: Primitive[] = [];
  private readonly target = { x: 0, y: 0, z: 0 };
  private closed = false;

  constructor(
    readonly task: TaskDef,
    numEnvs: number,
    params: Partial<RoboticsParams> = {},
  ) {
    super(numEnvs);
    this.params = parseParams(RoboticsParamsSchema, params, task.id);
    this.obsDim = task.obsNames.length;
    this.observationSpace = new Box({ low: -Infinity, high: Infinity, shape: [this.obsDim] });
    this.actionSpace = new Box({ low: -1, high: 1, shape: [4] });
    this.b = new SceneBuffers(numEnvs, task.objects.map((o) => o.half), task.drawer);
    this.objectNames = task.objects.map((o) => o.name);
    this.hc = handleCount(task);
    this.handles = new Float64Array(numEnvs * this.hc);
    this.scenes = new Array(numEnvs).fill(undefined);
    this.perWorld = Math.min(this.params.envsPerWorld, numEnvs);
    this.worlds = new Array(Math.ceil(numEnvs / this.perWorld)).fill(undefined);
    this.offset = new Float64Array(2 * numEnvs);
    if (this.perWorld > 1) {
      for (let i = 0; i < numEnvs; i++) {
        const j = i % this.perWorld;
        this.offset[2 * i] = 2 * (j % 8);
        this.offset[2 * i + 1] = 1.5 * Math.floor(j / 8);
      }
    }
    leaked.register(this, this.worlds, this);
    this.pred = {
      isGrasped: isGraspedAt,
      isStatic: (b, i, k) => isStaticAt(b, i, k),
      success: (b, i) => task.success(b, i),
    };
  }

  private physics() {
    return { dt: DT, solverIterations: this.params.solverIterations, contactNaturalFrequency: this.params.contactNaturalFrequency };
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`${this.task.id}: the env is closed`);
  }

  resetAt(i: number, rng: Rng, options: Record<string, unknown> | undefined, obs: Float32Array, off: number): void {
    this.checkOpen();
    let over: ResetOverrides | undefined;
    if (options !== undefined && Object.keys(options).length > 0) {
      const r = ResetOverridesSchema.safeParse(options);
      if (!r.success) {
        const issue = r.error.issues[0];
        throw new RangeError(`${this.task.id}: reset option '${issue.path.join('.')}' is invalid (${issue.message}); allowed: goal, objects.{cube,cubeA,cubeB}, drawerX, hand`);
      }
      over = r.data as ResetOverrides;
    }
    const b = this.b;
    const h0 = over?.hand ?? HAND_INIT;
    for (let k = 0; k < 3; k++) {
      b.tcp[3 * i + k] = Math.min(WORKSPACE.high[k], Math.max(WORKSPACE.low[k], h0[k]));
      b.tcpVel[3 * i + k] = 0;
    }
    b.closure.fill(0, 2 * i, 2 * i + 2);
    b.closureVel.fill(0, 2 * i, 2 * i + 2);
    b.closureCmd[i] = 0;
    b.action.fill(0, 4 * i, 4 * i + 4);
    b.drawer.fill(0, 2 * i, 2 * i + 2);
    this.task.spawn(rng, b, i, over);
    const w = Math.floor(i / this.perWorld);
    const old = this.scenes[i];
    if (this.perWorld === 1) {
      // A fresh world: the episode is then independent of everything before it.
      this.worlds[w]?.free();
      this.worlds[w] = newWorld(this.physics());
    } else if (old) {
      removeScene(old);
    }
    this.worlds[w] ??= newWorld(this.physics());
    const scene = addScene(this.worlds[w]!, this.task, b, i, this.offset[2 * i], this.offset[2 * i + 1]);
    this.scenes[i] = scene;
    handleList(scene, this.handles, i * this.hc);
    this.readScene(i, scene, false);
    this.task.updateGoal?.(b, i);
    this.task.writeObs(b, i, obs, off);
  }

  /** Read pads, objects and drawer of env i into the buffers (velocities of the pads by differences). */
  private readScene(i: number, s: SceneHandles, differentiate: boolean): void {
    const b = this.b;
    const ox = this.offset[2 * i];
    const oy = this.offset[2 * i + 1];
    const tx = b.tcp[3 * i] + ox;
    for (let p = 0; p < 2; p++) {
      s.pads[p].translation(V);
      const c = p === 0 ? V.x - (tx - PAD.openOffset) : tx + PAD.openOffset - V.x;
      const k = 2 * i + p;
      b.closureVel[k] = differentiate ? (c - b.closure[k]) / DT : 0;
      b.closure[k] = c;
    }
    const objs = s.objects;
    for (let k = 0; k < objs.length; k++) {
      const body = objs[k];
      const o = b.objOff(i, k);
      const obj = b.obj;
      body.translation(V);
      obj[o] = V.x - ox;
      obj[o + 1] = V.y - oy;
      obj[o + 2] = V.z;
      body.rotation(Q);
      const sg = Q.w < 0 ? -1 : 1;
      obj[o + 3] = sg * Q.w;
      obj[o + 4] = sg * Q.x;
      obj[o + 5] = sg * Q.y;
      obj[o + 6] = sg * Q.z;
      body.linvel(V);
      obj[o + 7] = V.x;
      obj[o + 8] = V.y;
      obj[o + 9] = V.z;
      body.angvel(V);
      obj[o + 10] = V.x;
      obj[o + 11] = V.y;
      obj[o + 12] = V.z;
    }
    if (s.drawer) {
      s.drawer.translation(V);
      const y0 = b.drawerBase[3 * i + 1] + DRAWER.box.offset[1];
      b.drawer[2 * i] = y0 - (V.y - oy);
      const H = DRAWER.handle.offset;
      b.handle[3 * i] = V.x - ox + H[0];
      b.handle[3 * i + 1] = V.y - oy + H[1];
      b.handle[3 * i + 2] = V.z + H[2];
      s.drawer.linvel(V);
      b.drawer[2 * i + 1] = -V.y;
    }
  }

  step(actions: Float32Array, skip: Uint8Array, obs: Float32Array, reward: Float32Array, terminated: Uint8Array): void {
    this.checkOpen();
    const E = this.perWorld;
    for (let w = 0; w < this.worlds.length; w++) {
      const first = w * E;
      const end = Math.min(first + E, this.numEnvs);
      let any = false;
      for (let i = first; i < end; i++) {
        if (skip[i]) continue;
        this.applyAction(i, actions);
        any = true;
      }
      if (!any) continue;
      // PHYSICS: one step for every env in this world (envs skipped this step are reset afterwards).
      this.worlds[w]!.step();
      for (let i = first; i < end; i++) if (!skip[i]) this.output(i, obs, reward, terminated);
    }
  }

  /** Clip env i's action, move its hand target (clamped to the workspace), set its finger motors. */
  private applyAction(i: number, actions: Float32Array): void {
    const s = this.scenes[i];
    if (s === undefined) throw new Error(`${this.task.id}: env ${i} stepped before reset`);
    const b = this.b;
    const lo = WORKSPACE.low, hi = WORKSPACE.high;
    for (let k = 0; k < 4; k++) {
      let a = actions[4 * i + k];
      a = a > 1 ? 1 : a < -1 ? -1 : a === a ? a : 0;
      b.action[4 * i + k] = a;
    }
    for (let k = 0; k < 3; k++) {
      const old = b.tcp[3 * i + k];
      let x = old + b.action[4 * i + k] * ACTION_SCALE;
      x = x < lo[k] ? lo[k] : x > hi[k] ? hi[k] : x;
      b.tcp[3 * i + k] = x;
      b.tcpVel[3 * i + k] = (x - old) / DT;
    }
    const tgt = this.target;
    tgt.x = b.tcp[3 * i] + this.offset[2 * i];
    tgt.y = b.tcp[3 * i + 1] + this.offset[2 * i + 1];
    tgt.z = b.tcp[3 * i + 2];
    s.hand.setNextKinematicTranslation(tgt);
    const cmd = ((b.action[4 * i + 3] + 1) / 2) * FINGER_TRAVEL;
    b.closureCmd[i] = cmd;
    s.padJoints[0].configureMotorPosition(cmd, FINGER_MOTOR.stiffness, FINGER_MOTOR.damping);
    s.padJoints[1].configureMotorPosition(cmd, FINGER_MOTOR.stiffness, FINGER_MOTOR.damping);
  }

  /** Read env i after the physics step; write its observation, reward and termination flag. */
  private output(i: number, obs: Float32Array, reward: Float32Array, terminated: Uint8Array): void {
    const b = this.b;
    const task = this.task;
    this.readScene(i, this.scenes[i]!, true);
    task.updateGoal?.(b, i);
    task.writeObs(b, i, obs, i * this.obsDim);
    const ok = task.success(b, i);
    reward[i] = this.params.reward === 'sparse' ? (ok ? 1 : 0) : task.reward(b, i, undefined);
    terminated[i] = ok && this.params.terminateOnSuccess ? 1 : 0;
  }

  /** Expert reward components of env i's current scene. */
  rewardTermsAt(i: number): RewardTerms {
    const terms: RewardTerms = {};
    terms.expert = this.task.reward(this.b, i, terms);
    return terms;
  }

  override successAt(i: number): boolean {
    return this.task.success(this.b, i);
  }

  stateAt(i: number): RoboticsState {
    return buildState(this.b, i, this.task.name, DT, this.objectNames, this.pred);
  }

  success(state: RoboticsState): boolean {
    const scratch = (this.scratch ??= new SceneBuffers(1, this.b.objHalf, this.b.hasDrawer));
    loadState(scratch, 0, state, this.objectNames);
    this.task.updateGoal?.(scratch, 0);
    return this.task.success(scratch, 0);
  }

  abstraction(): string {
    return buildAbstraction(this.task);
  }

  renderAt(i: number, opts?: RenderOptions): Frame {
    const { width, height } = frameSize(opts, { width: 128, height: 128 }, this.metadata.cameras, this.task.id);
    const camera = (opts?.camera ?? CAMERAS[0]) as CameraName;
    this.renderer ??= new Renderer3D();
    scenePrimitives(this.task, this.b, i, this.prims);
    return this.renderer.render(this.prims, cameraFor(camera, this.b, i), width, height);
  }

  writeAction(action: unknown, out: Float32Array, off: number): void {
    const a = action as ArrayLike<number>;
    if (a === null || typeof a !== 'object' || a.length !== 4) {
      throw new TypeError(`${this.task.id}: action must be 4 numbers [dx, dy, dz, grip] in [-1, 1], got ${String(action)}`);
    }
    for (let k = 0; k < 4; k++) {
      const v = a[k];
      if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${this.task.id}: action[${k}] must be a number, got ${String(v)}`);
      out[off + k] = v;
    }
  }

  /** Buffers, handles and each world's serialised bytes (~15 KB per env). */
  override snapshot(): Record<string, number[]> {
    this.checkOpen();
    const out: Record<string, number[]> = { handles: Array.from(this.handles), present: this.scenes.map((x) => (x ? 1 : 0)) };
    for (const [k, v] of Object.entries(this.b.arrays())) out[`b.${k}`] = Array.from(v);
    this.worlds.forEach((w, k) => {
      out[`world.${k}`] = w ? Array.from(w.takeSnapshot()) : [];
    });
    return out;
  }

  override restore(snap: Record<string, number[]>): void {
    this.checkOpen();
    const need = (k: string, len?: number): number[] => {
      const v = snap[k];
      if (!Array.isArray(v) || (len !== undefined && v.length !== len)) throw new Error(`${this.task.id}: core snapshot is missing '${k}' or has the wrong length`);
      return v;
    };
    this.handles.set(need('handles', this.handles.length));
    const present = need('present', this.numEnvs);
    for (const [k, v] of Object.entries(this.b.arrays())) v.set(need(`b.${k}`, v.length));
    for (let w = 0; w < this.worlds.length; w++) {
      const bytes = need(`world.${w}`);
      this.worlds[w]?.free();
      this.worlds[w] = bytes.length === 0 ? undefined : RAPIER.World.restoreSnapshot(Uint8Array.from(bytes));
      if (this.worlds[w]) configureWorld(this.worlds[w]!, this.physics());
    }
    for (let i = 0; i < this.numEnvs; i++) {
      const world = this.worlds[Math.floor(i / this.perWorld)];
      this.scenes[i] = present[i] && world ? handlesFromList(world, this.task, this.handles, i * this.hc) : undefined;
    }
  }

  /** Free every Rapier world (idempotent). */
  override close(): void {
    if (this.closed) return;
    leaked.unregister(this);
    for (const w of this.worlds) w?.free();
    this.worlds.fill(undefined);
    this.scenes.fill(undefined);
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

