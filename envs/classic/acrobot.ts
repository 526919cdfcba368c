/**
 * Acrobot-v1 — two links hanging from a fixed pivot, torque only at the elbow; swing the tip above a
 * line one link-length over the pivot (Sutton 1996; Sutton & Barto's book), as in Gymnasium's
 * `classic_control/acrobot.py`. θ1 is the first link's angle from hanging straight down, θ2 the second
 * link's angle relative to the first (both counter-clockwise positive when drawn).
 *
 * ## Observation — `Box(-high, high, (6,), float32)`, high = [1, 1, 1, 1, 4π, 9π]
 * | idx | name      | unit  | min   | max  |
 * |-----|-----------|-------|-------|------|
 * | 0   | cos θ1    | —     | -1    | 1    |
 * | 1   | sin θ1    | —     | -1    | 1    |
 * | 2   | cos θ2    | —     | -1    | 1    |
 * | 3   | sin θ2    | —     | -1    | 1    |
 * | 4   | θ1dot     | rad/s | -4π   | 4π   |  (−12.567, 12.567)
 * | 5   | θ2dot     | rad/s | -9π   | 9π   |  (−28.274, 28.274)
 *
 * ## Action — `Discrete(3)`: torque on the elbow joint
 * | value | torque [N·m] |
 * |-------|--------------|
 * | 0     | −1           |
 * | 1     | 0            |
 * | 2     | +1           |
 *
 * ## Dynamics
 * The "book" equations (Sutton & Barto / the Java implementation, not the NIPS'96 paper's), links of
 * 1 kg, 1 m, centre of mass at 0.5 m, moment of inertia 1, g = 9.8; one RK4 step of dt = 0.2 s in float64
 * (Gymnasium's `rk4` over t = [0, dt]); then θ1, θ2 wrapped to [−π, π] and θ1dot, θ2dot clipped to ±4π, ±9π.
 * Torque noise U(−torqueNoiseMax, torqueNoiseMax) is 0 by default (when > 0 it draws from the env's
 * generator, the one last passed to `resetAt`, as Gymnasium draws from `np_random`).
 *
 * ## Reward
 * −1 every step that does not reach the goal, 0 on the step that does.
 *
 * ## Starting state
 * θ1, θ2, θ1dot, θ2dot ~ U(−0.1, 0.1), rounded to float32 as Gymnasium does (`.astype(np.float32)`);
 * reset options `{low, high}` change the range.
 *
 * ## Termination
 * −cos θ1 − cos(θ1 + θ2) > 1 (the tip is more than one link-length above the pivot).
 *
 * ## Truncation
 * 500 steps (registration `maxEpisodeSteps`). Solved at −100.
 *
 * ## Reward context
 * `state()` is `AcrobotState`; `success(state)`: tip height −cos θ1 − cos(θ1 + θ2) > 1 (= termination).
 *
 * ## Version history
 * - v1 (Gymnasium): observation [cos θ1, sin θ1, cos θ2, sin θ2, θ1dot, θ2dot] instead of the angles.
 *   rewardforge: Gymnasium 1.x Acrobot-v1 with its class constants as validated params.
 * - v0 (Gym): observation [θ1, θ2, θ1dot, θ2dot].
 */
import { z } from 'zod';
import { BatchedCore, CoreEnv } from '../../sim/batched.ts';
import type { EnvMetadata, Frame, RenderOptions } from '../../sim/env.ts';
import type { EnvRegistration } from '../../sim/registration.ts';
import { frameSize } from '../../sim/render/frame_size.ts';
import { Raster } from '../../sim/render/raster.ts';
import { View } from '../../sim/render/view.ts';
import type { Rng } from '../../sim/rng.ts';
import { Box } from '../../sim/spaces/box.ts';
import { Discrete } from '../../sim/spaces/discrete.ts';
import { writeDiscreteAction } from './actions.ts';
import { envKwargs, parseParams } from './params.ts';
import { resetBounds } from './reset_bounds.ts';

const NAME = 'Acrobot-v1';
const PI = Math.PI;

export const AcrobotParamsSchema = z
  .object({
    /** Seconds per step (one RK4 step). */
    dt: z.number().positive().default(0.2),
    /** Link lengths [m]. */
    linkLength1: z.number().positive().default(1.0),
    linkLength2: z.number().positive().default(1.0),
    /** Link masses [kg]. */
    linkMass1: z.number().positive().default(1.0),
    linkMass2: z.number().positive().default(1.0),
    /** Centre-of-mass positions along each link [m]. */
    linkComPos1: z.number().nonnegative().default(0.5),
    linkComPos2: z.number().nonnegative().default(0.5),
    /** Moment of inertia of both links [kg·m²]. */
    linkMoi: z.number().positive().default(1.0),
    /** Angular velocity limits [rad/s]. */
    maxVel1: z.number().positive().default(4 * PI),
    maxVel2: z.number().positive().default(9 * PI),
    /** Gravitational acceleration [m/s²]. */
    gravity: z.number().nonnegative().default(9.8),
    /** Half-width of uniform noise added to the torque [N·m] (0 = deterministic, Gymnasium default). */
    torqueNoiseMax: z.number().nonnegative().default(0.0),
    /** 'book' (Gymnasium default) or 'nips' equations for θ2's acceleration. */
    bookOrNips: z.enum(['book', 'nips']).default('book'),
  })
  .strict();

export type AcrobotParams = z.output<typeof AcrobotParamsSchema>;

export function parseAcrobotParams(kwargs: unknown): AcrobotParams {
  return parseParams(AcrobotParamsSchema, kwargs, NAME);
}

/** Privileged state of one Acrobot (a snapshot; positions relative to the pivot, y up). */
export interface AcrobotState {
  /** First link's angle from hanging down [rad], in [−π, π]. */
  readonly theta1: number;
  /** Second link's angle relative to the first [rad], in [−π, π]. */
  readonly theta2: number;
  readonly theta1Dot: number;
  readonly theta2Dot: number;
  /** Elbow (end of link 1) [m]. */
  readonly elbowX: number;
  readonly elbowY: number;
  /** Tip (end of link 2) [m]. */
  readonly tipX: number;
  readonly tipY: number;
  /** Gymnasium's goal quantity −cos θ1 − cos(θ1 + θ2) (the tip height [m] for the default 1 m links). */
  readonly tipHeight: number;
}

/** Gymnasium's `wrap(x, m, M)`: shift by M − m until x ∈ [m, M]. */
function wrap(x: number, m: number, M: number): number {
  const diff = M - m;
  while (x > M) x = x - diff;
  while (x < m) x = x + diff;
  return x;
}

const HALF_PI = PI / 2.0;

/** Constant sub-products of `_dsdt`, each evaluated in Python's left-to-right order. */
interface AcrobotConstants {
  readonly m2: number;
  readonly I1: number;
  readonly I2: number;
  readonly m1lc1sq: number; // m1 * lc1**2
  readonly l1sqPlusLc2sq: number; // l1**2 + lc2**2
  readonly twoL1Lc2: number; // 2 * l1 * lc2
  readonly lc2sq: number; // lc2**2
  readonly l1lc2: number; // l1 * lc2
  readonly m2lc2g: number; // m2 * lc2 * g
  readonly negM2l1lc2: number; // -m2 * l1 * lc2
  readonly twoM2l1lc2: number; // 2 * m2 * l1 * lc2
  readonly gravityArm: number; // (m1 * lc1 + m2 * l1) * g
  readonly m2l1lc2: number; // m2 * l1 * lc2
  readonly m2lc2sqPlusI2: number; // m2 * lc2**2 + I2
  readonly nips: boolean;
}

function acrobotConstants(p: AcrobotParams): AcrobotConstants {
  const m1 = p.linkMass1;
  const m2 = p.linkMass2;
  const l1 = p.linkLength1;
  const lc1 = p.linkComPos1;
  const lc2 = p.linkComPos2;
  const g = p.gravity;
  return {
    m2,
    I1: p.linkMoi,
    I2: p.linkMoi,
    m1lc1sq: m1 * (lc1 * lc1),
    l1sqPlusLc2sq: l1 * l1 + lc2 * lc2,
    twoL1Lc2: 2 * l1 * lc2,
    lc2sq: lc2 * lc2,
    l1lc2: l1 * lc2,
    m2lc2g: m2 * lc2 * g,
    negM2l1lc2: -m2 * l1 * lc2,
    twoM2l1lc2: 2 * m2 * l1 * lc2,
    gravityArm: (m1 * lc1 + m2 * l1) * g,
    m2l1lc2: m2 * l1 * lc2,
    m2lc2sqPlusI2: m2 * (lc2 * lc2) + p.linkMoi,
    nips: p.bookOrNips === 'nips',
  };
}

export class AcrobotCore extends BatchedCore<AcrobotState> {
  readonly obsDim = 6;
  readonly actDim = 1;
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(3);
  readonly metadata: EnvMetadata = { renderModes: ['rgb_array'], renderFps: 15, cameras: ['default'] };
  readonly params: AcrobotParams;
  readonly theta1: Float64Array;
  readonly theta2: Float64Array;
  readonly theta1Dot: Float64Array;
  readonly theta2Dot: Float64Array;
  /** Generator of env i for torque noise (the one last passed to resetAt). */
  private readonly rngs: (Rng | undefined)[];
  /** Derivative scratch written by dsdt (no allocation in step). */
  private k0 = 0;
  private k1 = 0;
  private k2 = 0;
  private k3 = 0;
  /** Constant sub-products of the dynamics (see dsdt). */
  private readonly c: AcrobotConstants;

  constructor(numEnvs: number, params: Partial<AcrobotParams> = {}) {
    super(numEnvs);
    this.params = parseAcrobotParams(params);
    const p = this.params;
    const high = [1, 1, 1, 1, p.maxVel1, p.maxVel2];
    this.observationSpace = new Box({ low: high.map((h) => -h), high });
    this.theta1 = new Float64Array(numEnvs);
    this.theta2 = new Float64Array(numEnvs);
    this.theta1Dot = new Float64Array(numEnvs);
    this.theta2Dot = new Float64Array(numEnvs);
    this.rngs = new Array<Rng | undefined>(numEnvs).fill(undefined);
    this.c = acrobotConstants(p);
  }

  resetAt(i: number, rng: Rng, options: Record<string, unknown> | undefined, obs: Float32Array, off: number): void {
    let low = -0.1;
    let high = 0.1;
    if (options !== undefined) ({ low, high } = resetBounds(options, low, high, NAME));
    this.theta1[i] = Math.fround(rng.uniform(low, high));
    this.theta2[i] = Math.fround(rng.uniform(low, high));
    this.theta1Dot[i] = Math.fround(rng.uniform(low, high));
    this.theta2Dot[i] = Math.fround(rng.uniform(low, high));
    this.rngs[i] = rng;
    this.writeObs(i, obs, off);
  }

  private writeObs(i: number, obs: Float32Array, o: number): void {
    const t1 = this.theta1[i];
    const t2 = this.theta2[i];
    obs[o] = Math.cos(t1);
    obs[o + 1] = Math.sin(t1);
    obs[o + 2] = Math.cos(t2);
    obs[o + 3] = Math.sin(t2);
    obs[o + 4] = this.theta1Dot[i];
    obs[o + 5] = this.theta2Dot[i];
  }

  /**
   * Gymnasium's `_dsdt` (without the constant torque slot): writes [dθ1, dθ2, ddθ1, ddθ2] into k0..k3.
   * Constant sub-products are precomputed in the constructor in exactly the order Python evaluates them,
   * so every result is bit-identical to evaluating the published expression.
   */
  private dsdt(theta1: number, theta2: number, dtheta1: number, dtheta2: number, a: number): void {
    const c = this.c;
    const cos2 = Math.cos(theta2);
    const sin2 = Math.sin(theta2);
    // d1 = m1·lc1² + m2·(l1² + lc2² + 2·l1·lc2·cos θ2) + I1 + I2
    const d1 = c.m1lc1sq + c.m2 * (c.l1sqPlusLc2sq + c.twoL1Lc2 * cos2) + c.I1 + c.I2;
    // d2 = m2·(lc2² + l1·lc2·cos θ2) + I2
    const d2 = c.m2 * (c.lc2sq + c.l1lc2 * cos2) + c.I2;
    // φ2 = m2·lc2·g·cos(θ1 + θ2 − π/2)
    const phi2 = c.m2lc2g * Math.cos(theta1 + theta2 - HALF_PI);
    // φ1 = −m2·l1·lc2·θ2dot²·sin θ2 − 2·m2·l1·lc2·θ2dot·θ1dot·sin θ2 + (m1·lc1 + m2·l1)·g·cos(θ1 − π/2) + φ2
    const phi1 =
      c.negM2l1lc2 * (dtheta2 * dtheta2) * sin2 - c.twoM2l1lc2 * dtheta2 * dtheta1 * sin2 + c.gravityArm * Math.cos(theta1 - HALF_PI) + phi2;
    let ddtheta2: number;
    if (c.nips) {
      // (a + d2/d1·φ1 − φ2) / (m2·lc2² + I2 − d2²/d1)
      ddtheta2 = (a + (d2 / d1) * phi1 - phi2) / (c.m2lc2sqPlusI2 - (d2 * d2) / d1);
    } else {
      // (a + d2/d1·φ1 − m2·l1·lc2·θ1dot²·sin θ2 − φ2) / (m2·lc2² + I2 − d2²/d1)
      ddtheta2 = (a + (d2 / d1) * phi1 - c.m2l1lc2 * (dtheta1 * dtheta1) * sin2 - phi2) / (c.m2lc2sqPlusI2 - (d2 * d2) / d1);
    }
    this.k0 = dtheta1;
    this.k1 = dtheta2;
    this.k2 = -(d2 * ddtheta2 + phi1) / d1;
    this.k3 = ddtheta2;
  }

  step(actions: Float32Array, skip: Uint8Array, obs: Float32Array, reward: Float32Array, terminated: Uint8Array): void {
    const p = this.params;
    const dt = p.dt;
    const dt2 = dt / 2.0;
    const dt6 = dt / 6.0;
    const maxVel1 = p.maxVel1;
    const maxVel2 = p.maxVel2;
    const noise = p.torqueNoiseMax;
    const T1 = this.theta1;
    const T2 = this.theta2;
    const D1 = this.theta1Dot;
    const D2 = this.theta2Dot;
    const n = this.numEnvs;
    for (let i = 0; i < n; i++) {
      if (skip[i]) continue;
      // AVAIL_TORQUE = [-1, 0, +1]
      let torque = (actions[i] | 0) - 1;
      if (noise > 0) {
        const rng = this.rngs[i];
        if (rng === undefined) throw new Error(`${NAME}: env ${i} stepped before reset`);
        torque += rng.uniform(-noise, noise);
      }
      const y0 = T1[i];
      const y1 = T2[i];
      const y2 = D1[i];
      const y3 = D2[i];
      // RK4 over [0, dt] (Gymnasium's rk4 with t = [0, dt]).
      this.dsdt(y0, y1, y2, y3, torque);
      const k10 = this.k0, k11 = this.k1, k12 = this.k2, k13 = this.k3;
      this.dsdt(y0 + dt2 * k10, y1 + dt2 * k11, y2 + dt2 * k12, y3 + dt2 * k13, torque);
      const k20 = this.k0, k21 = this.k1, k22 = this.k2, k23 = this.k3;
      this.dsdt(y0 + dt2 * k20, y1 + dt2 * k21, y2 + dt2 * k22, y3 + dt2 * k23, torque);
      const k30 = this.k0, k31 = this.k1, k32 = this.k2, k33 = this.k3;
      this.dsdt(y0 + dt * k30, y1 + dt * k31, y2 + dt * k32, y3 + dt * k33, torque);
      const k40 = this.k0, k41 = this.k1, k42 = this.k2, k43 = this.k3;
      let t1 = y0 + dt6 * (k10 + 2 * k20 + 2 * k30 + k40);
      let t2 = y1 + dt6 * (k11 + 2 * k21 + 2 * k31 + k41);
      let d1 = y2 + dt6 * (k12 + 2 * k22 + 2 * k32 + k42);
      let d2 = y3 + dt6 * (k13 + 2 * k23 + 2 * k33 + k43);
      t1 = wrap(t1, -PI, PI);
      t2 = wrap(t2, -PI, PI);
      d1 = Math.min(Math.max(d1, -maxVel1), maxVel1);
      d2 = Math.min(Math.max(d2, -maxVel2), maxVel2);
      T1[i] = t1;
      T2[i] = t2;
      D1[i] = d1;
      D2[i] = d2;
      const c1 = Math.cos(t1);
      const o = i * 6;
      obs[o] = c1;
      obs[o + 1] = Math.sin(t1);
      obs[o + 2] = Math.cos(t2);
      obs[o + 3] = Math.sin(t2);
      obs[o + 4] = d1;
      obs[o + 5] = d2;
      const done = -c1 - Math.cos(t2 + t1) > 1.0;
      terminated[i] = done ? 1 : 0;
      reward[i] = done ? 0 : -1;
    }
  }

  stateAt(i: number): AcrobotState {
    const p = this.params;
    const t1 = this.theta1[i];
    const t2 = this.theta2[i];
    const elbowX = p.linkLength1 * Math.sin(t1);
    const elbowY = -p.linkLength1 * Math.cos(t1);
    return {
      theta1: t1,
      theta2: t2,
      theta1Dot: this.theta1Dot[i],
      theta2Dot: this.theta2Dot[i],
      elbowX,
      elbowY,
      tipX: elbowX + p.linkLength2 * Math.sin(t1 + t2),
      tipY: elbowY - p.linkLength2 * Math.cos(t1 + t2),
      tipHeight: -Math.cos(t1) - Math.cos(t2 + t1),
    };
  }

  /** Gymnasium's terminal test, computed from the angles: −cos θ1 − cos(θ1 + θ2) > 1. */
  success(state: AcrobotState): boolean {
    return -Math.cos(state.theta1) - Math.cos(state.theta2 + state.theta1) > 1.0;
  }

  override successAt(i: number): boolean {
    return -Math.cos(this.theta1[i]) - Math.cos(this.theta2[i] + this.theta1[i]) > 1.0;
  }

  abstraction(): string {
    const p = this.params;
    return `// ${NAME}: a two-link pendulum hanging from a pivot; torque only at the elbow (action 0 = -1, 1 = 0, 2 = +1 N·m).
// Swing the tip above the line one link-length over the pivot. Positions are relative to the pivot [m], y up.
interface AcrobotState {
  theta1: number;     // link 1 angle from hanging straight down [rad] in [-π, π]
  theta2: number;     // link 2 angle relative to link 1 [rad] in [-π, π]
  theta1Dot: number;  // [rad/s] in [-${p.maxVel1.toFixed(3)}, ${p.maxVel1.toFixed(3)}]
  theta2Dot: number;  // [rad/s] in [-${p.maxVel2.toFixed(3)}, ${p.maxVel2.toFixed(3)}]
  elbowX: number; elbowY: number;  // end of link 1 [m]
  tipX: number; tipY: number;      // end of link 2 [m]
  tipHeight: number;  // -cos(theta1) - cos(theta1 + theta2), in [-2, 2]; -2 = hanging down
}
// success(state) = tipHeight > 1 (the episode terminates there).
// One step lasts ${p.dt} s; the env's own reward is -1 per step, 0 on reaching the goal.`;
  }

  renderAt(i: number, opts?: RenderOptions): Frame {
    const { width, height } = frameSize(opts, { width: 250, height: 250 }, this.metadata.cameras, NAME);
    const raster = new Raster(width, height).clear(0xffffff);
    // Gymnasium's 500×500 drawing (y up), scaled to the frame.
    const v = new View(raster, 500, 500);
    const p = this.params;
    const s0 = this.theta1[i];
    const s1 = this.theta2[i];
    const bound = p.linkLength1 + p.linkLength2 + 0.2;
    const scale = 500 / (bound * 2);
    const offset = 250;
    const p1x = p.linkLength1 * Math.sin(s0) * scale;
    const p1y = -p.linkLength1 * Math.cos(s0) * scale;
    const joints = [
      [0, 0],
      [p1x, p1y],
    ];
    const thetas = [s0 - PI / 2, s0 + s1 - PI / 2];
    const lengths = [p.linkLength1 * scale, p.linkLength2 * scale];
    v.line(-2.2 * scale + offset, 1 * scale + offset, 2.2 * scale + offset, 1 * scale + offset, 1, 0x000000);
    for (let j = 0; j < 2; j++) {
      const x = joints[j][0] + offset;
      const y = joints[j][1] + offset;
      v.rotatedRect(0, lengths[j], -0.1 * scale, 0.1 * scale, thetas[j], x, y, 0x00cccc);
      v.circle(x, y, 0.1 * scale, 0xcccc00);
    }
    return raster.toFrame();
  }

  writeAction(action: unknown, out: Float32Array, off: number): void {
    writeDiscreteAction(action, this.actionSpace, out, off, NAME);
  }
}

export const acrobotRegistration: EnvRegistration = {
  id: 'classic/Acrobot-v1',
  entryPoint: ({ renderMode, ...kwargs }) => new CoreEnv(new AcrobotCore(1, parseAcrobotParams(envKwargs(kwargs))), { renderMode }),
  maxEpisodeSteps: 500,
  rewardThreshold: -100,
  batched: (n, kwargs) => new AcrobotCore(n, parseAcrobotParams(envKwargs(kwargs))),
  description: 'Swing a two-link underactuated pendulum up past a line (Gymnasium Acrobot-v1).',
};
