import { RoboticsCore } from '../envs/robotics/core.ts';
import { ROBOTICS_TASKS } from '../envs/robotics/registry.ts';
import { Rng } from '../sim/rng.ts';
const only = process.argv[2];
const N = Number(process.argv[3] ?? 1);
for (const task of ROBOTICS_TASKS) {
  if (only && task.name !== only) continue;
  const core = new RoboticsCore(task, N);
  const rng = new Rng(0);
  const obs = new Float32Array(N * core.obsDim); const rew = new Float32Array(N); const term = new Uint8Array(N); const skip = new Uint8Array(N);
  for (let i = 0; i < N; i++) core.resetAt(i, rng, undefined, obs, i * core.obsDim);
  const act = new Float32Array(4 * N);
  const elapsed = new Int32Array(N);
  const run = (steps: number) => {
    for (let t = 0; t < steps; t++) {
      for (let k = 0; k < act.length; k++) act[k] = rng.uniform(-1, 1);
      core.step(act, skip, obs, rew, term);
      for (let i = 0; i < N; i++) if (term[i] || ++elapsed[i] >= task.maxEpisodeSteps) { elapsed[i] = 0; core.resetAt(i, rng, undefined, obs, i * core.obsDim); }
    }
  };
  run(Math.ceil(30000 / N));
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const T = Math.ceil(60000 / N); run(T);
  const c = process.cpuUsage(c0); const cpu = (c.user + c.system) / 1e6;
  console.log(task.name, 'N', N, 'steps/cpu-s', Math.round((T * N) / cpu), 'wall', Math.round((T * N) / ((performance.now() - t0) / 1000)));
  const t1 = performance.now(); let f = 0;
  while (performance.now() - t1 < 1000) { core.renderAt(0, { camera: 'front', width: 84, height: 84 }); f++; }
  console.log('  render 84 fps', f);
  core.close();
}
