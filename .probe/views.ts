import { RoboticsEnv } from '../envs/robotics/env.ts';
import { ROBOTICS_TASKS } from '../envs/robotics/registry.ts';
import { writePng } from './png.ts';
const name = process.argv[2] ?? 'PickPlace';
const stepsAt = (process.argv[3] ?? '0,20,40').split(',').map(Number);
const task = ROBOTICS_TASKS.find((t) => t.name === name)!;
const env = new RoboticsEnv(task, { terminateOnSuccess: false });
env.reset({ seed: 1 });
const rows: any[] = [];
for (let t = 0; t <= Math.max(...stepsAt); t++) {
  if (stepsAt.includes(t)) {
    writePng(`.probe/${name}_${t}.png`, env.renderViews(['front', 'side', 'top', 'wrist'], { width: 192, height: 192 }));
    console.log(t, JSON.stringify(env.state(), (k, v) => typeof v === 'number' ? Math.round(v * 1000) / 1000 : v).slice(0, 900));
  }
  env.step(Float32Array.from(task.expert(env.state())));
}
