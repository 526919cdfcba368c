import { RoboticsEnv } from '../envs/robotics/env.ts';
import { ROBOTICS_TASKS } from '../envs/robotics/registry.ts';
const only = process.argv[2];
const N = Number(process.argv[3] ?? 20);
for (const task of ROBOTICS_TASKS) {
  if (only && task.name !== only) continue;
  const env = new RoboticsEnv(task);
  let ok = 0; let steps = 0; const fails: number[] = [];
  const t0 = performance.now();
  for (let seed = 0; seed < N; seed++) {
    env.reset({ seed });
    let t = 0; let succ = false;
    for (; t < task.maxEpisodeSteps; t++) {
      const a = task.expert(env.state());
      const [, , term, , info] = env.step(Float32Array.from(a));
      if (info.success) succ = true;
      if (term) break;
    }
    if (succ) { ok++; steps += t + 1; } else fails.push(seed);
  }
  console.log(task.name, `${ok}/${N}`, 'mean steps', (steps / Math.max(ok, 1)).toFixed(1), 'fails', fails.slice(0, 10).join(','), `${(performance.now() - t0).toFixed(0)} ms`);
  env.close();
}
