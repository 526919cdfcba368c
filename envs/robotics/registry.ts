/**
 * The robotics family's registrations (`robotics/<Task>-v0`), each with a native batched core (one Rapier
 * world per env). Keyword arguments: `reward` ('expert' | 'sparse', default 'expert'),
 * `terminateOnSuccess` (default true), `solverIterations` (4), `contactNaturalFrequency` (300 Hz).
 */
import type { EnvRegistration } from '../../sim/registration.ts';
import { RoboticsCore } from './core.ts';
import { RoboticsEnv } from './env.ts';
import type { TaskDef } from './task.ts';
import { drawerOpenTask } from './tasks/drawer_open.ts';
import { pickPlaceTask } from './tasks/pick_place.ts';
import { pushTask } from './tasks/push.ts';
import { reachTask } from './tasks/reach.ts';
import { stackTask } from './tasks/stack.ts';

export const ROBOTICS_TASKS: readonly TaskDef[] = [reachTask, pushTask, pickPlaceTask, stackTask, drawerOpenTask];

function withoutRenderMode(kwargs: Record<string, unknown>): Record<string, unknown> {
  const { renderMode: _renderMode, ...rest } = kwargs;
  return rest;
}

export function roboticsRegistration(task: TaskDef): EnvRegistration {
  return {
    id: task.id,
    entryPoint: ({ renderMode, ...kwargs }) => new RoboticsEnv(task, kwargs, { renderMode }),
    maxEpisodeSteps: task.maxEpisodeSteps,
    batched: (n, kwargs) => new RoboticsCore(task, n, withoutRenderMode(kwargs)),
    description: task.description,
  };
}

export const roboticsRegistrations: EnvRegistration[] = ROBOTICS_TASKS.map(roboticsRegistration);
