/**
 * MountainCar-v0 — an under-powered car in a valley must rock back and forth to build momentum and reach
 * the flag on the right hill (Moore 1990), as in Gymnasium's `classic_control/mountain_car.py`.
 * The track height is h(x) = 0.45·sin(3x) + 0.55.
 *
 * ## Observation — `Box([-1.2, -0.07], [0.6, 0.07], (2,), float32)`
 * | idx | name     | unit (abstract) | min   | max  |
 * |-----|----------|-----------------|-------|------|
 * | 0   | position | m               | -1.2  | 0.6  |  along the x axis
 * | 1   | velocity | m/step          | -0.07 | 0.07 |
 *
 * ## Action — `Discrete(3)`
 * | value | meaning                 |
 * |-------|-------------------------|
 * | 0     | accelerate to the left  |
 * | 1     | don't accelerate        |
 * | 2     | accelerate to the right |
 *
 * ## Dynamics (float64)
 * v' = clip(v + ((a − 1)·force − cos(3x)·gravity), ±0.07); x' = clip(x + v', [−1.2, 0.6]);
 * hitting the left wall with v' < 0 sets v' = 0 (inelastic). force = 0.001, gravity = 0.0025.
 *
 * ## Reward
 * −1 every step.
 *
 * ## Starting state
 * position ~ U(−0.6, −0.4), velocity = 0 (reset options `{low, high}` change the position range).
 *
 * ## Termination
 * position ≥ 0.5 (goalPosition) and velocity ≥ goalVelocity (0 by default).
 *
 * ## Truncation
 * 200 steps (registration `maxEpisodeSteps`). Solved at −110.
 *
 * ## Reward context
 * `state()` is `MountainCarState`; `success(state)` is the goal condition, position ≥ goalPosition (and
 * velocity ≥ goalVelocity, which holds whenever the car arrives from the left with the default 0).
 *
 * ## Version history
 * - v0 (Gymnasium): initial release. rewardforge: Gymnasium 1.x MountainCar-v0 with `goalVelocity`
 *   (Gymnasium's kwarg) and the other constants as validated params.
 */
import { z } from 'zod';
import { BatchedCore, CoreEnv } from '../../sim/batched.ts';
import type { EnvMetadata, Frame, RenderOptions } from '../../sim/env.ts';
import type { EnvRegistration } from '../../sim/registration.ts';
import { frameSize } from '../../sim/render/frame_size.ts';
import type { Rng } from '../../sim/rng.ts';
import { Box } from '../../sim/spaces/box.ts';
import { Discrete } from '../../sim/spaces/discrete.ts';
import { writeDiscreteAction } from './actions.ts';
import { drawMountainCar } from './mountain_car_render.ts';
import { envKwargs, parseParams } from './params.ts';
import { resetBounds } from './reset_bounds.ts';

const NAME = 'MountainCar-v0';

export const MountainCarParamsSchema = z
  .object({
    minPosition: z.number().default(-1.2),
    maxPosition: z.number().default(0.6),
    /** Speed limit [m/step]. */
    maxSpeed: z.number().positive().default(0.07),
    /** Flag position [m]. */
    goalPosition: z.number().default(0.5),
    /** Velocity the car must have at the flag [m/step] (Gymnasium kwarg `goal_velocity`). */
    goalVelocity: z.number().default(0),
    /** Engine acceleration per unit action [m/step²]. */
    force: z.number().nonnegative().default(0.001),
    /** Gravity coefficient [m/step²]. */
    gravity: z.number().nonnegative().default(0.0025),
  })
  .strict()
  .refine((p) => p.minPosition < p.goalPosition && p.goalPosition <= p.maxPosition, {
    message: 'need minPosition < goalPosition <= maxPosition',
    path: ['goalPosition'],
  });

export type MountainCarParams = z.output<typeof MountainCarParamsSchema>;

export function parseMountainCarParams(kwargs: unknown): MountainCarParams {
  return parseParams(MountainCarParamsSchema, kwargs, NAME);
}

/** Track height at position x: 0.45·sin(3x) + 0.55 (Gymnasium's `_height`). */
export function mountainHeight(x: number): number {
  return Math.sin(3 * x) * 0.45 + 0.55;
}

/** Privileged state of one MountainCar (a snapshot). */
export interface MountainCarState {
  /** Position along the x axis [m], in [minPosition, maxPosition]. */
  readonly position: number;
  /** Velocity [m/step], in ±maxSpeed. */
  readonly velocity: number;
  /** Track height at the car [m] = 0.45·sin(3·position) + 0.55. */
  readonly height: number;
  readonly goalPosition: number;
  readonly goalVelocity: number;
}

export class MountainCarCore extends BatchedCore<MountainCarState> {
  readonly obsDim = 2;
  readonly actDim = 1;
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(3);
  readonly metadata: EnvMetadata = { renderModes: ['rgb_array'], renderFps: 30, cameras: ['default'] };
  readonly params: MountainCarParams;
  readonly position: Float64Array;
  readonly velocity: Float64Array;

  constructor(numEnvs: number, params: Partial<MountainCarParams> = {}) {
    super(numEnvs);
    this.params = parseMountainCarParams(params);
    const p = this.params;
    this.observationSpace = new Box({ low: [p.minPosition, -p.maxSpeed], high: [p.maxPosition, p.maxSpeed] });
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
    const force = p.force;
    const negGravity = -p.gravity;
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
      let position = POS[i];
      let velocity = VEL[i];
      velocity += ((actions[i] | 0) - 1) * force + Math.cos(3 * position) * negGravity;
      if (velocity > maxSpeed) velocity = maxSpeed;
      else if (velocity < -maxSpeed) velocity = -maxSpeed;
      position += velocity;
      if (position > maxPos) position = maxPos;
      else if (position < minPos) position = minPos;
      if (position === minPos && velocity < 0) velocity = 0;
      POS[i] = position;
      VEL[i] = velocity;
      obs[i * 2] = position;
      obs[i * 2 + 1] = velocity;
      terminated[i] = position >= goalPos && velocity >= goalVel ? 1 : 0;
      reward[i] = -1;
    }
  }

  stateAt(i: number): MountainCarState {
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
  success(state: MountainCarState): boolean {
    return state.position >= this.params.goalPosition && state.velocity >= this.params.goalVelocity;
  }

  override successAt(i: number): boolean {
    return this.position[i] >= this.params.goalPosition && this.velocity[i] >= this.params.goalVelocity;
  }

  abstraction(): string {
    const p = this.params;
    return `// ${NAME}: drive an under-powered car out of a valley to the flag on the right hill; it must rock back and forth.
// Actions: 0 = accelerate left, 1 = coast, 2 = accelerate right.
interface MountainCarState {
  position: number;      // x position [m] in [${p.minPosition}, ${p.maxPosition}]; the valley bottom is near -0.52
  velocity: number;      // [m/step] in [-${p.maxSpeed}, ${p.maxSpeed}]; + = moving right
  height: number;        // track height at the car [m] = 0.45·sin(3·position) + 0.55
  goalPosition: number;  // ${p.goalPosition}: the flag
  goalVelocity: number;  // ${p.goalVelocity}: minimum velocity at the flag
}
// success(state) = position >= goalPosition && velocity >= goalVelocity (the episode terminates there).
// The env's own reward is -1 per step.`;
  }

  renderAt(i: number, opts?: RenderOptions): Frame {
    const { width, height } = frameSize(opts, { width: 300, height: 200 }, this.metadata.cameras, NAME);
    const p = this.params;
    return drawMountainCar(width, height, this.position[i], p.minPosition, p.maxPosition, p.goalPosition);
  }

  writeAction(action: unknown, out: Float32Array, off: number): void {
    writeDiscreteAction(action, this.actionSpace, out, off, NAME);
  }
}

export const mountainCarRegistration: EnvRegistration = {
  id: 'classic/MountainCar-v0',
  entryPoint: ({ renderMode, ...kwargs }) =>
    new CoreEnv(new MountainCarCore(1, parseMountainCarParams(envKwargs(kwargs))), { renderMode }),
  maxEpisodeSteps: 200,
  rewardThreshold: -110,
  batched: (n, kwargs) => new MountainCarCore(n, parseMountainCarParams(envKwargs(kwargs))),
  description: 'Rock an under-powered car out of a valley to the flag (Gymnasium MountainCar-v0).',
};
