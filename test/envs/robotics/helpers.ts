/** Shared helpers for the robotics tests. */
import { RoboticsEnv } from '../../../envs/robotics/env.ts';
import { ROBOTICS_TASKS } from '../../../envs/robotics/registry.ts';
import type { RoboticsParams } from '../../../envs/robotics/core.ts';
import type { TaskDef } from '../../../envs/robotics/task.ts';

export function taskByName(name: TaskDef['name']): TaskDef {
  const t = ROBOTICS_TASKS.find((x) => x.name === name);
  if (!t) throw new Error(`no task ${name}`);
  return t;
}

/** Run `fn` with a fresh env and always close it. */
export function withEnv<T>(task: TaskDef, params: Partial<RoboticsParams>, fn: (env: RoboticsEnv) => T): T {
  const env = new RoboticsEnv(task, params);
  try {
    return fn(env);
  } finally {
    env.close();
  }
}

/** Roll the scripted expert from a seeded reset; returns whether it succeeded and after how many steps. */
export function runExpert(env: RoboticsEnv, seed: number, options?: Record<string, unknown>): { success: boolean; steps: number } {
  env.reset({ seed, options });
  const task = env.task;
  for (let t = 1; t <= task.maxEpisodeSteps; t++) {
    const [, , term, , info] = env.step(Float32Array.from(task.expert(env.state())));
    if (term) return { success: info.success === true, steps: t };
  }
  return { success: false, steps: task.maxEpisodeSteps };
}
