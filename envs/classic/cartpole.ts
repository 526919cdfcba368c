/**
 * CartPole-v1 — a pole hinged on a cart that moves along a frictionless track (Barto, Sutton & Anderson
 * 1983), as in Gymnasium's `classic_control/cartpole.py`. Push the cart left or right to keep the pole up.
 *
 * ## Observation — `Box(-high, high, (4,), float32)`, high = [4.8, inf, 0.4189, inf]
 * | idx | name     | unit  | min     | max    |
 * |-----|----------|-------|---------|--------|
 * | 0   | x        | m     | -4.8    | 4.8    |  cart position (0 = track centre, + = right)
 * | 1   | xDot     | m/s   | -inf    | inf    |  cart velocity
 * | 2   | theta    | rad   | -0.4189 | 0.4189 |  pole angle from vertical (+ = leaning right)
 * | 3   | thetaDot | rad/s | -inf    | inf    |  pole angular velocity
 * The observable range is twice the failure thresholds (±2.4 m, ±12°) so a failing observation is in it.
 *
 * ## Action — `Discrete(2)`
 * | value | meaning                                  |
 * |-------|------------------------------------------|
 * | 0     | push the cart left  (force −forceMag N)  |
 * | 1     | push the cart right (force +forceMag N)  |
 *
 * ## Dynamics
 * Florian (2007) equations with `tau` = 0.02 s and explicit Euler (positions advance with the old
 * velocities), in float64; observations are the state rounded to float32.
 *
 * ## Reward
 * +1 for every step, including the one that terminates (Gymnasium default, not `sutton_barto_reward`).
 * Stepping again after termination (undefined behaviour in Gymnasium, which warns) gives 0.
 *
 * ## Starting state
 * All four state variables ~ U(−0.05, 0.05) (reset options `{low, high}` change the range).
 *
 * ## Termination
 * |x| > 2.4 m or |theta| > 12° (0.2095 rad).
 *
 * ## Truncation
 * 500 steps (registration `maxEpisodeSteps`, applied by TimeLimit / vector envs). Solved at 475.
 *
 * ## Reward context
 * `state()` is `CartPoleState`; `success(state)` means *survival*: the pole is still inside ±12° and the
 * cart inside ±2.4 m (not failed). There is no goal to reach in CartPole, only a failure to avoid.
 *
 * ## Version history
 * - v1 (Gymnasium): time limit 500, reward threshold 475. rewardforge: Gymnasium 1.x CartPole-v1 with its
 *   physical constants exposed as validated params (`gravity`, `massCart`, `massPole`, `length`, `forceMag`,
 *   `tau`, `kinematicsIntegrator`, `thetaThresholdRadians`, `xThreshold`) for domain randomisation.
 * - v0 (Gymnasium): time limit 200, reward threshold 195.
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

const NAME = 'CartPole-v1';

export const CartPoleParamsSchema = z
  .object({
    /** Gravitational acceleration [m/s²]. */
    gravity: z.number().positive().default(9.8),
    /** Cart mass [kg]. */
    massCart: z.number().positive().default(1.0),
    /** Pole mass [kg]. */
    massPole: z.number().positive().default(0.1),
    /** HALF the pole's length [m] (Gymnasium's `length`). */
    length: z.number().positive().default(0.5),
    /** Magnitude of the push [N]. */
    forceMag: z.number().positive().default(10.0),
    /** Seconds between state updates. */
    tau: z.number().positive().default(0.02),
    /** 'euler' (Gymnasium default) or 'semi-implicit-euler'. */
    kinematicsIntegrator: z.enum(['euler', 'semi-implicit-euler']).default('euler'),
    /** Pole angle beyond which the episode fails [rad] (12°). */
    thetaThresholdRadians: z.number().positive().default((12 * 2 * Math.PI) / 360),
    /** Cart position beyond which the episode fails [m]. */
    xThreshold: z.number().positive().default(2.4),
  })
  .strict();

export type CartPoleParams = z.output<typeof CartPoleParamsSchema>;

export function parseCartPoleParams(kwargs: unknown): CartPoleParams {
  return parseParams(CartPoleParamsSchema, kwargs, NAME);
}

/** Privileged state of one CartPole (SI units; a snapshot). */
export interface CartPoleState {
  /** Cart position [m] (0 = track centre, + = right). */
  readonly x: number;
  /** Cart velocity [m/s]. */
  readonly xDot: number;
  /** Pole angle from vertical [rad] (0 = upright, + = leaning right). */
  readonly theta: number;
  /** Pole angular velocity [rad/s]. */
  readonly thetaDot: number;
  /** Pole tip position [m]: x along the track, y above the hinge (full pole length 2·length). */
  readonly poleTipX: number;
  readonly poleTipY: number;
  /** Failure thresholds (episode terminates beyond them). */
  readonly xThreshold: number;
  readonly thetaThreshold: number;
  /** Whether the cart or pole is beyond its threshold (the termination condition). */
  readonly failed: boolean;
}

export class CartPoleCore extends BatchedCore<CartPoleState> {
  readonly obsDim = 4;
  readonly actDim = 1;
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(2);
  readonly metadata: EnvMetadata = { renderModes: ['rgb_array'], renderFps: 50, cameras: ['default'] };
  readonly params: CartPoleParams;
  // ---- state, one slot per env (float64 like Gymnasium's numpy state) ----
  readonly x: Float64Array;
  readonly xDot: Float64Array;
  readonly theta: Float64Array;
  readonly thetaDot: Float64Array;
  /** 1 once env i has returned terminated = true (Gymnasium's `steps_beyond_terminated is not None`). */
  readonly terminatedBefore: Uint8Array;

  constructor(numEnvs: number, params: Partial<CartPoleParams> = {}) {
    super(numEnvs);
    this.params = parseCartPoleParams(params);
    const p = this.params;
    const high = [p.xThreshold * 2, Infinity, p.thetaThresholdRadians * 2, Infinity];
    this.observationSpace = new Box({ low: high.map((h) => -h), high });
    this.x = new Float64Array(numEnvs);
    this.xDot = new Float64Array(numEnvs);
    this.theta = new Float64Array(numEnvs);
    this.thetaDot = new Float64Array(numEnvs);
    this.terminatedBefore = new Uint8Array(numEnvs);
  }

  resetAt(i: number, rng: Rng, options: Record<string, unknown> | undefined, obs: Float32Array, off: number): void {
    let low = -0.05;
    let high = 0.05;
    if (options !== undefined) ({ low, high } = resetBounds(options, low, high, NAME));
    this.x[i] = rng.uniform(low, high);
    this.xDot[i] = rng.uniform(low, high);
    this.theta[i] = rng.uniform(low, high);
    this.thetaDot[i] = rng.uniform(low, high);
    this.terminatedBefore[i] = 0;
    obs[off] = this.x[i];
    obs[off + 1] = this.xDot[i];
    obs[off + 2] = this.theta[i];
    obs[off + 3] = this.thetaDot[i];
  }

  step(actions: Float32Array, skip: Uint8Array, obs: Float32Array, reward: Float32Array, terminated: Uint8Array): void {
    const p = this.params;
    const gravity = p.gravity;
    const massPole = p.massPole;
    const totalMass = p.massPole + p.massCart;
    const length = p.length;
    const poleMassLength = p.massPole * p.length;
    const forceMag = p.forceMag;
    const tau = p.tau;
    const euler = p.kinematicsIntegrator === 'euler';
    const xThr = p.xThreshold;
    const thThr = p.thetaThresholdRadians;
    const X = this.x;
    const XD = this.xDot;
    const TH = this.theta;
    const THD = this.thetaDot;
    const before = this.terminatedBefore;
    const n = this.numEnvs;
    for (let i = 0; i < n; i++) {
      if (skip[i]) continue;
      let x = X[i];
      let xDot = XD[i];
      let theta = TH[i];
      let thetaDot = THD[i];
      const force = (actions[i] | 0) === 1 ? forceMag : -forceMag;
      const cosTheta = Math.cos(theta);
      const sinTheta = Math.sin(theta);
      const temp = (force + poleMassLength * (thetaDot * thetaDot) * sinTheta) / totalMass;
      const thetaAcc = (gravity * sinTheta - cosTheta * temp) / (length * (4.0 / 3.0 - (massPole * (cosTheta * cosTheta)) / totalMass));
      const xAcc = temp - (poleMassLength * thetaAcc * cosTheta) / totalMass;
      if (euler) {
        x = x + tau * xDot;
        xDot = xDot + tau * xAcc;
        theta = theta + tau * thetaDot;
        thetaDot = thetaDot + tau * thetaAcc;
      } else {
        xDot = xDot + tau * xAcc;
        x = x + tau * xDot;
        thetaDot = thetaDot + tau * thetaAcc;
        theta = theta + tau * thetaDot;
      }
      X[i] = x;
      XD[i] = xDot;
      TH[i] = theta;
      THD[i] = thetaDot;
      const o = i * 4;
      obs[o] = x;
      obs[o + 1] = xDot;
      obs[o + 2] = theta;
      obs[o + 3] = thetaDot;
      const done = x < -xThr || x > xThr || theta < -thThr || theta > thThr;
      terminated[i] = done ? 1 : 0;
      // +1 every step including the terminating one; 0 for steps after termination (Gymnasium).
      reward[i] = done && before[i] ? 0 : 1;
      if (done) before[i] = 1;
    }
  }

  stateAt(i: number): CartPoleState {
    const p = this.params;
    const x = this.x[i];
    const theta = this.theta[i];
    const poleLen = 2 * p.length;
    return {
      x,
      xDot: this.xDot[i],
      theta,
      thetaDot: this.thetaDot[i],
      poleTipX: x + poleLen * Math.sin(theta),
      poleTipY: poleLen * Math.cos(theta),
      xThreshold: p.xThreshold,
      thetaThreshold: p.thetaThresholdRadians,
      failed: !this.alive(x, theta),
    };
  }

  private alive(x: number, theta: number): boolean {
    const p = this.params;
    return x >= -p.xThreshold && x <= p.xThreshold && theta >= -p.thetaThresholdRadians && theta <= p.thetaThresholdRadians;
  }

  /** Survival: cart within ±xThreshold and pole within ±thetaThreshold (computed from x and theta). */
  success(state: CartPoleState): boolean {
    return this.alive(state.x, state.theta);
  }

  override successAt(i: number): boolean {
    return this.alive(this.x[i], this.theta[i]);
  }

  abstraction(): string {
    const p = this.params;
    const thr = p.thetaThresholdRadians;
    return `// ${NAME}: keep a pole (hinged on a cart) upright by pushing the cart left (action 0) or right (action 1).
interface CartPoleState {
  x: number;          // cart position [m]; 0 = track centre, + = right; fails beyond ±${p.xThreshold}
  xDot: number;       // cart velocity [m/s]
  theta: number;      // pole angle from vertical [rad]; 0 = upright, + = leaning right; fails beyond ±${thr.toFixed(4)}
  thetaDot: number;   // pole angular velocity [rad/s]
  poleTipX: number;   // pole tip position along the track [m]
  poleTipY: number;   // pole tip height above the hinge [m] (${(2 * p.length).toFixed(2)} when upright)
  xThreshold: number;     // ${p.xThreshold} m
  thetaThreshold: number; // ${thr.toFixed(4)} rad (12°)
  failed: boolean;    // |x| > xThreshold || |theta| > thetaThreshold (the episode terminates)
}
// success(state) = !failed: in CartPole success means survival (pole still up, cart on the track).
// One step lasts ${p.tau} s; the env's own reward is +1 per step survived.`;
  }

  renderAt(i: number, opts?: RenderOptions): Frame {
    const { width, height } = frameSize(opts, { width: 300, height: 200 }, this.metadata.cameras, NAME);
    const raster = new Raster(width, height).clear(0xffffff);
    // Gymnasium's 600×400 pygame drawing (y up), scaled to the frame.
    const v = new View(raster, 600, 400);
    const p = this.params;
    const scale = 600 / (p.xThreshold * 2);
    const poleWidth = 10;
    const poleLen = scale * (2 * p.length);
    const cartWidth = 50;
    const cartHeight = 30;
    const axleOffset = cartHeight / 4;
    const cartX = this.x[i] * scale + 300;
    const cartY = 100;
    v.polygon(
      [cartX - cartWidth / 2, cartY - cartHeight / 2, cartX - cartWidth / 2, cartY + cartHeight / 2,
        cartX + cartWidth / 2, cartY + cartHeight / 2, cartX + cartWidth / 2, cartY - cartHeight / 2],
      0x000000,
    );
    v.rotatedRect(-poleWidth / 2, poleWidth / 2, -poleWidth / 2, poleLen - poleWidth / 2, -this.theta[i], cartX, cartY + axleOffset, 0xca9865);
    v.circle(cartX, cartY + axleOffset, poleWidth / 2, 0x8184cb);
    v.line(0, cartY, 600, cartY, 1, 0x000000);
    return raster.toFrame();
  }

  writeAction(action: unknown, out: Float32Array, off: number): void {
    writeDiscreteAction(action, this.actionSpace, out, off, NAME);
  }
}

export const cartPoleRegistration: EnvRegistration = {
  id: 'classic/CartPole-v1',
  entryPoint: ({ renderMode, ...kwargs }) => new CoreEnv(new CartPoleCore(1, parseCartPoleParams(envKwargs(kwargs))), { renderMode }),
  maxEpisodeSteps: 500,
  rewardThreshold: 475,
  batched: (n, kwargs) => new CartPoleCore(n, parseCartPoleParams(envKwargs(kwargs))),
  description: 'Balance a pole on a cart by pushing it left or right (Gymnasium CartPole-v1).',
};
