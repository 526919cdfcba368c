/**
 * Pendulum-v1 — swing a frictionless pendulum up and hold it upright with a bounded torque, as in
 * Gymnasium's `classic_control/pendulum.py`. θ is measured from upright, counter-clockwise positive.
 *
 * ## Observation — `Box([-1, -1, -8], [1, 1, 8], (3,), float32)`
 * | idx | name     | unit  | min | max |
 * |-----|----------|-------|-----|-----|
 * | 0   | cos θ    | —     | -1  | 1   |  x = cos θ (1 = upright)
 * | 1   | sin θ    | —     | -1  | 1   |  y = sin θ
 * | 2   | θdot     | rad/s | -8  | 8   |  angular velocity (clipped to ±maxSpeed)
 *
 * ## Action — `Box(-2, 2, (1,), float32)`
 * | idx | name   | unit | min | max |
 * |-----|--------|------|-----|-----|
 * | 0   | torque | N·m  | -2  | 2   |  applied at the free end; clipped to ±maxTorque inside step
 *
 * ## Dynamics (dt = 0.05 s, g = 10, m = 1, l = 1; semi-implicit Euler in float64)
 * θdot' = clip(θdot + (3g/(2l)·sin θ + 3/(m l²)·u)·dt, ±8);  θ' = θ + θdot'·dt.
 *
 * ## Reward
 * −(θn² + 0.1·θdot² + 0.001·u²), θn = θ normalised to [−π, π), u the clipped torque, all taken BEFORE
 * the update (Gymnasium). Range [−16.2736044, 0].
 *
 * ## Starting state
 * θ ~ U(−π, π), θdot ~ U(−1, 1) (reset options `xInit`/`yInit`, or Gymnasium's `x_init`/`y_init`, set the
 * symmetric half-widths).
 *
 * ## Termination
 * Never (terminated is always false).
 *
 * ## Truncation
 * 200 steps (registration `maxEpisodeSteps`). Roughly solved above −200 mean return.
 *
 * ## Reward context
 * `state()` is `PendulumState`; `success(state)`: upright and nearly still, |θn| < 0.1 rad and
 * |θdot| < 1 rad/s.
 *
 * ## Version history
 * - v1 (Gymnasium): simplified maths, obs [cos θ, sin θ, θdot], reset options. rewardforge: Gymnasium 1.x
 *   Pendulum-v1, with `maxSpeed`, `maxTorque`, `dt`, `g`, `m`, `l` as validated params.
 * - v0 (Gym): initial release.
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
import { writeBoxAction } from './actions.ts';
import { envKwargs, parseParams } from './params.ts';
import { resetNumber } from './reset_bounds.ts';

const NAME = 'Pendulum-v1';
const TWO_PI = 2 * Math.PI;

export const PendulumParamsSchema = z
  .object({
    /** Angular velocity limit [rad/s]. */
    maxSpeed: z.number().positive().default(8),
    /** Torque limit [N·m]; also the action space bound. */
    maxTorque: z.number().positive().default(2.0),
    /** Seconds per step. */
    dt: z.number().positive().default(0.05),
    /** Gravitational acceleration [m/s²] (Gymnasium's only kwarg, `g`). */
    g: z.number().nonnegative().default(10.0),
    /** Mass [kg]. */
    m: z.number().positive().default(1.0),
    /** Length [m]. */
    l: z.number().positive().default(1.0),
  })
  .strict();

export type PendulumParams = z.output<typeof PendulumParamsSchema>;

export function parsePendulumParams(kwargs: unknown): PendulumParams {
  return parseParams(PendulumParamsSchema, kwargs, NAME);
}

/** Gymnasium's `angle_normalize`: ((x + π) mod 2π) − π with a floored modulo, into [−π, π). */
export function angleNormalize(x: number): number {
  let r = (x + Math.PI) % TWO_PI;
  if (r < 0) r += TWO_PI;
  return r - Math.PI;
}

/** Privileged state of one Pendulum (a snapshot). */
export interface PendulumState {
  /** Angle from upright [rad], normalised to [−π, π); counter-clockwise positive. */
  readonly theta: number;
  /** Angular velocity [rad/s], within ±maxSpeed. */
  readonly thetaDot: number;
  readonly cosTheta: number;
  readonly sinTheta: number;
  /** Clipped torque applied on the last step [N·m] (0 right after reset). */
  readonly lastTorque: number;
  /** Free end relative to the pivot [m] (y up): (−l·sin θ, l·cos θ). */
  readonly tipX: number;
  readonly tipY: number;
}

export class PendulumCore extends BatchedCore<PendulumState> {
  readonly obsDim = 3;
  readonly actDim = 1;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly metadata: EnvMetadata = { renderModes: ['rgb_array'], renderFps: 30, cameras: ['default'] };
  readonly params: PendulumParams;
  /** θ [rad], unnormalised as in Gymnasium's state. */
  readonly theta: Float64Array;
  readonly thetaDot: Float64Array;
  /** Last clipped torque (NaN after reset, Gymnasium's `last_u = None`); for rendering and state(). */
  readonly lastU: Float64Array;

  constructor(numEnvs: number, params: Partial<PendulumParams> = {}) {
    super(numEnvs);
    this.params = parsePendulumParams(params);
    const p = this.params;
    this.observationSpace = new Box({ low: [-1, -1, -p.maxSpeed], high: [1, 1, p.maxSpeed] });
    this.actionSpace = new Box({ low: -p.maxTorque, high: p.maxTorque, shape: [1] });
    this.theta = new Float64Array(numEnvs);
    this.thetaDot = new Float64Array(numEnvs);
    this.lastU = new Float64Array(numEnvs).fill(Number.NaN);
  }

  resetAt(i: number, rng: Rng, options: Record<string, unknown> | undefined, obs: Float32Array, off: number): void {
    const x = resetNumber(options, 'xInit', resetNumber(options, 'x_init', Math.PI, NAME), NAME);
    const y = resetNumber(options, 'yInit', resetNumber(options, 'y_init', 1.0, NAME), NAME);
    const th = rng.uniform(-x, x);
    const thd = rng.uniform(-y, y);
    this.theta[i] = th;
    this.thetaDot[i] = thd;
    this.lastU[i] = Number.NaN;
    obs[off] = Math.cos(th);
    obs[off + 1] = Math.sin(th);
    obs[off + 2] = thd;
  }

  step(actions: Float32Array, skip: Uint8Array, obs: Float32Array, reward: Float32Array, terminated: Uint8Array): void {
    const p = this.params;
    const maxSpeed = p.maxSpeed;
    const maxTorque = p.maxTorque;
    const dt = p.dt;
    const gravityTerm = (3 * p.g) / (2 * p.l);
    const torqueTerm = 3.0 / (p.m * (p.l * p.l));
    const TH = this.theta;
    const THD = this.thetaDot;
    const LU = this.lastU;
    const n = this.numEnvs;
    for (let i = 0; i < n; i++) {
      if (skip[i]) continue;
      const th = TH[i];
      const thdot = THD[i];
      let u = actions[i];
      if (u > maxTorque) u = maxTorque;
      else if (u < -maxTorque) u = -maxTorque;
      LU[i] = u;
      // angle_normalize inline; fmod is the identity on [0, 2π), so the (slow) `%` runs only off it.
      let thn = th + Math.PI;
      if (thn < 0 || thn >= TWO_PI) {
        thn %= TWO_PI;
        if (thn < 0) thn += TWO_PI;
      }
      thn -= Math.PI;
      const costs = thn * thn + 0.1 * (thdot * thdot) + 0.001 * (u * u);
      let newThdot = thdot + (gravityTerm * Math.sin(th) + torqueTerm * u) * dt;
      if (newThdot > maxSpeed) newThdot = maxSpeed;
      else if (newThdot < -maxSpeed) newThdot = -maxSpeed;
      const newTh = th + newThdot * dt;
      TH[i] = newTh;
      THD[i] = newThdot;
      const o = i * 3;
      obs[o] = Math.cos(newTh);
      obs[o + 1] = Math.sin(newTh);
      obs[o + 2] = newThdot;
      reward[i] = -costs;
      terminated[i] = 0;
    }
  }

  stateAt(i: number): PendulumState {
    const th = this.theta[i];
    const l = this.params.l;
    const u = this.lastU[i];
    return {
      theta: angleNormalize(th),
      thetaDot: this.thetaDot[i],
      cosTheta: Math.cos(th),
      sinTheta: Math.sin(th),
      lastTorque: Number.isNaN(u) ? 0 : u,
      tipX: -l * Math.sin(th),
      tipY: l * Math.cos(th),
    };
  }

  private upright(theta: number, thetaDot: number): boolean {
    return Math.abs(angleNormalize(theta)) < 0.1 && Math.abs(thetaDot) < 1;
  }

  /** Upright and nearly still: |θ normalised| < 0.1 rad and |θdot| < 1 rad/s. */
  success(state: PendulumState): boolean {
    return this.upright(state.theta, state.thetaDot);
  }

  override successAt(i: number): boolean {
    return this.upright(this.theta[i], this.thetaDot[i]);
  }

  abstraction(): string {
    const p = this.params;
    return `// ${NAME}: swing a pendulum up and balance it upright with a torque in [-${p.maxTorque}, ${p.maxTorque}] N·m.
interface PendulumState {
  theta: number;      // angle from upright [rad] in [-π, π); counter-clockwise positive; 0 = upright, ±π = hanging down
  thetaDot: number;   // angular velocity [rad/s] in [-${p.maxSpeed}, ${p.maxSpeed}]
  cosTheta: number;   // cos(theta) (1 = upright)
  sinTheta: number;   // sin(theta)
  lastTorque: number; // clipped torque applied on the last step [N·m] (0 right after reset)
  tipX: number;       // free end relative to the pivot [m] = -${p.l}·sin(theta)
  tipY: number;       // free end height above the pivot [m] = ${p.l}·cos(theta)
}
// success(state) = Math.abs(theta) < 0.1 && Math.abs(thetaDot) < 1 (upright and nearly still).
// One step lasts ${p.dt} s; the env's own reward is -(theta² + 0.1·thetaDot² + 0.001·torque²).`;
  }

  renderAt(i: number, opts?: RenderOptions): Frame {
    const { width, height } = frameSize(opts, { width: 250, height: 250 }, this.metadata.cameras, NAME);
    const raster = new Raster(width, height).clear(0xffffff);
    // Gymnasium's 500×500 drawing (y up), scaled to the frame.
    const v = new View(raster, 500, 500);
    const scale = 500 / (2.2 * 2);
    const offset = 250;
    const rodLength = 1 * scale;
    const rodWidth = 0.2 * scale;
    const angle = this.theta[i] + Math.PI / 2;
    v.rotatedRect(0, rodLength, -rodWidth / 2, rodWidth / 2, angle, offset, offset, 0xcc4d4d);
    v.circle(offset, offset, rodWidth / 2, 0xcc4d4d);
    v.circle(offset + rodLength * Math.cos(angle), offset + rodLength * Math.sin(angle), rodWidth / 2, 0xcc4d4d);
    const u = this.lastU[i];
    if (!Number.isNaN(u) && u !== 0) {
      // Torque arrow (Gymnasium blits an image): an arc around the axle, size ∝ |u|, turning with u's sign.
      const r = (scale * Math.abs(u)) / 4;
      const dir = u > 0 ? 1 : -1;
      const a0 = -Math.PI / 2 - dir * (Math.PI / 2);
      const sweep = dir * 1.5 * Math.PI;
      const pts: number[] = [];
      for (let k = 0; k <= 24; k++) {
        const a = a0 + (sweep * k) / 24;
        pts.push(offset + r * Math.cos(a), offset + r * Math.sin(a));
      }
      v.polyline(pts, Math.max(2, r / 8), 0x303030);
      const aEnd = a0 + sweep;
      const ex = offset + r * Math.cos(aEnd);
      const ey = offset + r * Math.sin(aEnd);
      const tx = -Math.sin(aEnd) * dir;
      const ty = Math.cos(aEnd) * dir;
      const h = Math.max(6, r / 3);
      v.polygon([ex + tx * h, ey + ty * h, ex - ty * h * 0.6, ey + tx * h * 0.6, ex + ty * h * 0.6, ey - tx * h * 0.6], 0x303030);
    }
    v.circle(offset, offset, 0.05 * scale, 0x000000);
    return raster.toFrame();
  }

  writeAction(action: unknown, out: Float32Array, off: number): void {
    writeBoxAction(action, this.actionSpace, out, off, NAME);
  }
}

export const pendulumRegistration: EnvRegistration = {
  id: 'classic/Pendulum-v1',
  entryPoint: ({ renderMode, ...kwargs }) => new CoreEnv(new PendulumCore(1, parsePendulumParams(envKwargs(kwargs))), { renderMode }),
  maxEpisodeSteps: 200,
  batched: (n, kwargs) => new PendulumCore(n, parsePendulumParams(envKwargs(kwargs))),
  description: 'Swing up and balance an inverted pendulum with bounded torque (Gymnasium Pendulum-v1).',
};
