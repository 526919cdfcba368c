/**
 * The web-navigation family (`webnav/`): MiniWoB-style tasks (web_env.ts, tasks/).
 *
 * | id                                 | backend                                   |
 * |------------------------------------|-------------------------------------------|
 * | `webnav/<task>-v0`                 | fast DOM (happy-dom), for training        |
 * | `webnav/<task>-chromium-v0`        | Chromium (playwright-core + Debian chromium) |
 *
 * for each task of tasks/index.ts (click-test, click-button, …, email-inbox). Every id: TimeLimit = the
 * task's step clock T; kwargs `reward` ('miniwob' default | 'binary' | 'raw'), `screenshot` (Chromium),
 * `maxSteps`. Reward threshold 0.5 (a solved episode in fewer than T/2 steps).
 */
import type { EnvRegistration } from '../../sim/registration.ts';
import { TASKS, TASK_NAMES } from './tasks/index.ts';
import { WebNavEnv } from './web_env.ts';

export const webnavRegistrations: EnvRegistration[] = TASK_NAMES.flatMap((name): EnvRegistration[] => [
  {
    id: `webnav/${name}-v0`,
    entryPoint: (kwargs) => new WebNavEnv({ task: name, backend: 'fast', ...kwargs }),
    maxEpisodeSteps: TASKS[name].maxSteps,
    rewardThreshold: 0.5,
    description: `MiniWoB-style ${name} on the fast DOM: ${TASKS[name].description}`,
  },
  {
    id: `webnav/${name}-chromium-v0`,
    entryPoint: (kwargs) => new WebNavEnv({ task: name, backend: 'chromium', ...kwargs }),
    maxEpisodeSteps: TASKS[name].maxSteps,
    rewardThreshold: 0.5,
    description: `MiniWoB-style ${name} in Chromium: ${TASKS[name].description}`,
  },
]);
