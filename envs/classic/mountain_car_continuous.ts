/**
 * MountainCarContinuous-v0 — MountainCar with a continuous engine force, as in Gymnasium's
 * `classic_control/continuous_mountain_car.py`. The track height is h(x) = 0.45·sin(3x) + 0.55.
 *
 * ## Observation — `Box([-1.2, -0.07], [0.6, 0.07], (2,), float32)`
 * | idx | name     | unit (abstract) | min   | max  |
 * |-----|----------|-----------------|-------|------|
 * | 0   | position | m               | -1.2  | 0.6  |
 * | 1   | velocity | m/step          | -0.07 | 0.07 |
 *
 * ## Action — `Box(-1, 1, (1,), float32)`
 * | idx | name  | min | max |
 * |-----|-------|-----|-----|
 * | 0   | force | -1  | 1   |  engine force, clipped to [−1, 1] inside step; + = push right
 *
 * ## Dynamics
 * v' = clip(v + (f·power − 0.0025·cos(3x)), ±0.07); x' = clip(x + v', [−1.2, 0.6]); hitting the left
 * wall with v' < 0 sets v' = 0. power = 0.0015, f = clip(action, −1, 1). As in Gymnasium the state is
 * stored as float32 after every step (the arithmetic itself is float64: NumPy 1.x promotion; NumPy 2
 * would round some intermediates to float32, a difference below one float32 ulp per step).
 *
 * ## Reward
 * −0.1·a² every step, + 100 on the step that reaches the goal. Gymnasium squares the RAW action, not the
 * clipped force, so an out-of-range action is penalised by its full size; we keep that.
 *
 * ## Starting state
 * position ~ U(−0.6, −0.4), velocity = 0 (reset options `{low, high}` change the position range).
 *
 * ## Termination
 * position ≥ 0.45 (goalPosition) and velocity ≥ goalVelocity (0 by default).
 *
 * ## Truncation
 * 999 steps (registration `maxEpisodeSteps`). Solved at 90.
 *
 * ## Reward context
 * `state()` is `MountainCarContinuousState`; `success(state)` is the goal condition, position ≥ 0.45 (and
 * velocity ≥ goalVelocity, which holds whenever the car arrives from the left with the default 0).
 *
 * ## Version history
 * - v0 (Gymnasium): initial release (goal at 0.45, after Arnaud de Broissia's version). rewardforge:
 *   Gymnasium 1.x MountainCarContinuous-v0 with `goalVelocity` and the other constants as validated params.
 */
import { z } from 'zod';
import { BatchedCore, CoreEnv } from '../../sim/batched.ts';
import type { EnvMetadata, Frame, RenderOptions } from '../../sim/env.ts';
import type { EnvRegistration } from '../../sim/registration.ts';
import { frameSize } from '../../sim/render/frame_size.ts';
import type { Rng } from '../../sim/rng.ts';
import { Box } from '../../sim/spaces/box.ts';
import { writeBoxAction } from './actions.ts';
import { mountainHeight } from './mountain_car.ts';
import { drawMountainCar } from './mountain_car_render.ts';
import { envKwargs, parseParams } from './params.ts';
import { resetBounds } from './reset_bounds.ts';

const NAME = 'MountainCarContinuous-v0';

export const MountainCarContinuousParamsSchema = z
  .object({
    minAction: z.number().default(-1.0),
    maxAction: z.number().default(1.0),
    minPosition: z.number().default(-1.2),
    maxPosition: z.number().default(0.6),
    /** Speed limit [m/step]. */
    maxSpeed: z.number().positive().default(0.07),
    /** Flag position [m]. */
    goalPosition: z.number().default(0.45),
    /** Velocity the car must have at the flag [m/step] (Gymnasium kwarg `goal_velocity`). */
    goalVelocity: z.number().default(0),
    /** Engine acceleration per unit force [m/step²]. */
    power: z.number().nonnegative().default(0.0015),
    /** Gravity coefficient [m/step²] (a literal 0.0025 in Gymnasium). */
    gravity: z.number().nonnegative().default(0.0025),
  })
  .strict()
  .refine((p) => p.minAction < p.maxAction, { message: 'need minAction < maxAction', path: ['maxAction'] })
  .refine((p) => p.minPosition < p.goalPosition && p.goalPosition <= p.maxPosition, {
    message: 'need minPosition < goalPosition <= maxPosition',
    path: ['goalPosition'],
  });

export type MountainCarContinuousParams = z.output<typeof MountainCarContinuousParamsSchema>;

export function parseMountainCarContinuousParams(kwargs: unknown): MountainCarContinuousParams {
  return parseParams(MountainCarContinuousParamsSchema, kwargs, NAME);
}

/** Privileged state of one MountainCarContinuous (a snapshot). */
export interface MountainCarContinuousState {
  /** Position along the x axis [m], in [minPosition, maxPosition]. */
  readonly position: number;
  /** Velocity [m/step], in ±maxSpeed. */
  readonly velocity: number;
  /** Track height at the car [m] = 0.45·sin(3·position) + 0.55. */
  readonly height: number;
  readonly goalPosition: number;
  readonly goalVelocity: number;
}

export class MountainCarContinuousCore extends BatchedCore<MountainCarContinuousState> {
  readonly obsDim = 2;
  readonly actDim = 1;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly metadata: EnvMetadata = { renderModes: ['rgb_array'], renderFps: 30, cameras: ['default'] };
  readonly params: MountainCarContinuousParams;
  /** Float64 slots; after the first step they hold float32-rounded values, as Gymnasium's state does. */
  readonly position: Float64Array;
  readonly velocity: Float64Array;

  constructor(numEnvs: number, params: Partial<MountainCarContinuousParams> = {}) {
    super(numEnvs);
    this.params = parseMountainCarContinuousParams(params);
    const p = this.params;
    this.observationSpace = new Box({ low: [p.minPosition, -p.maxSpeed], high: [p.maxPosition, p.maxSpeed] });
    this.actionSpace = new Box({ low: p.minAction, high: p.maxAction, shape: [1] });
    this.position = new Float64Array(numEnvs);
    this.velocity = new Float64Array(numEnvs);
  }

  resetAt(i: number, rng: Rng, options: Record<string, unknown> | undefined, obs: Float32Array, off: number): void {
    let low = -0.6;
    let high = -0.4;
    if (options !== undefined) ({ low, high } = resetBounds(options, low, high, NAME));
    this.position[i] = rng.uniform(low, high);
    this.velocity[i] = 0;
    obs[off] = this.position[i];
    obs[off + 1] = 0;
  }

  step(actions: Float32Array, skip: Uint8Array, obs: Float32Array, reward: Float32Array, terminated: Uint8Array): void {
    const p = this.params;
    const minAction = p.minAction;
    const maxAction = p.maxAction;
    const power = p.power;
    const gravity = p.gravity;
    const maxSpeed = p.maxSpeed;
    const minPos = p.minPosition;
    const maxPos = p.maxPosition;
    const goalPos = p.goalPosition;
    const goalVel = p.goalVelocity;
    const POS = this.position;
    const VEL = this.velocity;
    const n = this.numEnvs;
    for (let i = 0; i < n; i++) {
      if (skip[i]) continue;
      const a = actions[i];
      let position = POS[i];
      let velocity = VEL[i];
      const force = Math.min(Math.max(a, minAction), maxAction);
      velocity += force * power - gravity * Math.cos(3 * position);
      if (velocity > maxSpeed) velocity = maxSpeed;
      if (velocity < -maxSpeed) velocity = -maxSpeed;
      position += velocity;
      if (position > maxPos) position = maxPos;
      if (position < minPos) position = minPos;
      if (position === minPos && velocity < 0) velocity = 0;
      const done = position >= goalPos && velocity >= goalVel;
      // Gymnasium stores the new state as float32.
      position = Math.fround(position);
      velocity = Math.fround(velocity);
      POS[i] = position;
      VEL[i] = velocity;
      obs[i * 2] = position;
      obs[i * 2 + 1] = velocity;
      terminated[i] = done ? 1 : 0;
      reward[i] = (done ? 100.0 : 0) - a * a * 0.1;
    }
  }

  stateAt(i: number): MountainCarContinuousState {
    const p = this.params;
    const position = this.position[i];
    return {
      position,
      velocity: this.velocity[i],
      height: mountainHeight(position),
      goalPosition: p.goalPosition,
      goalVelocity: p.goalVelocity,
    };
  }

  /** The goal condition (= termination): position ≥ goalPosition and velocity ≥ goalVelocity. */
  success(state: MountainCarContinuousState): boolean {
    return state.position >= this.params.goalPosition && state.velocity >= this.params.goalVelocity;
  }

  override successAt(i: number): boolean {
    return this.position[i] >= this.params.goalPosition && this.velocity[i] >= this.params.goalVelocity;
  }

  abstraction(): string {
    const p = this.params;
    return `// ${NAME}: drive an under-powered car out of a valley to the flag on the right hill with a force in [${p.minAction}, ${p.maxAction}].
interface MountainCarContinuousState {
  position: number;      // x position [m] in [${p.minPosition}, ${p.maxPosition}]; the valley bottom is near -0.52
  velocity: number;      // [m/step] in [-${p.maxSpeed}, ${p.maxSpeed}]; + = moving right
  height: number;        // track height at the car [m] = 0.45·sin(3·position) + 0.55
  goalPosition: number;  // ${p.goalPosition}: the flag
  goalVelocity: number;  // ${p.goalVelocity}: minimum velocity at the flag
}
// success(state) = position >= goalPosition && velocity >= goalVelocity (the episode terminates there).
// The env's own reward is -0.1·force² per step plus 100 on reaching the flag.`;
  }

  renderAt(i: number, opts?: RenderOptions): Frame {
    const { width, height } = frameSize(opts, { width: 300, height: 200 }, this.metadata.cameras, NAME);
    const p = this.params;
    return drawMountainCar(width, height, this.position[i], p.minPosition, p.maxPosition, p.goalPosition);
  }

  writeAction(action: unknown, out: Float32Array, off: number): void {
    writeBoxAction(action, this.actionSpace, out, off, NAME);
  }
}

export const mountainCarContinuousRegistration: EnvRegistration = {
  id: 'classic/MountainCarContinuous-v0',
  entryPoint: ({ renderMode, ...kwargs }) =>
    new CoreEnv(new MountainCarContinuousCore(1, parseMountainCarContinuousParams(envKwargs(kwargs))), { renderMode }),
  maxEpisodeSteps: 999,
  rewardThreshold: 90,
  batched: (n, kwargs) => new MountainCarContinuousCore(n, parseMountainCarContinuousParams(envKwargs(kwargs))),
  description: 'MountainCar with a continuous engine force and an energy penalty (Gymnasium MountainCarContinuous-v0).',
};
