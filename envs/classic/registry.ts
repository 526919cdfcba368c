/**
 * The classic-control family's registrations (Gymnasium's classic_control ids under `classic/`).
 * Explicit list, no import-time side effects; envs/index.ts collects it into the default registry.
 */
import type { EnvRegistration } from '../../sim/registration.ts';
import { acrobotRegistration } from './acrobot.ts';
import { cartPoleRegistration } from './cartpole.ts';
import { mountainCarRegistration } from './mountain_car.ts';
import { mountainCarContinuousRegistration } from './mountain_car_continuous.ts';
import { pendulumRegistration } from './pendulum.ts';

export const classicRegistrations: EnvRegistration[] = [
  cartPoleRegistration,
  pendulumRegistration,
  mountainCarRegistration,
  mountainCarContinuousRegistration,
  acrobotRegistration,
];
