/**
 * `npm run bench -- --suite webnav --json` — the web family, in one run:
 *
 * 1. backend speed: env steps per second of the same tasks, the same seeded episodes and the same expert
 *    actions on the fast DOM (happy-dom) and in Chromium (playwright-core + Debian chromium), resets
 *    included (every episode starts with a reset), and their ratio;
 * 2. experts: success over 100 seeded episodes per task on the fast DOM;
 * 3. the learning web agent (agents/web): one multi-task PPO agent trained on every task at once (env i
 *    runs task i mod #tasks), then evaluated greedily on 50 seeded episodes per task (seeds unseen in
 *    training), plus the number of tasks at ≥ 80 % success, a random-candidate baseline on the same
 *    episodes, and the trained agent evaluated in Chromium on a few tasks (transfer from the fast DOM).
 */
import { evaluateWebAgent, trainWebAgent, type WebEnv } from '../agents/web/web_agent.ts';
import { TASK_NAMES } from '../envs/webnav/tasks/index.ts';
import { WebNavEnv } from '../envs/webnav/web_env.ts';

export interface WebnavBenchOptions {
  readonly quick?: boolean;
  readonly log?: (msg: string) => void;
}

const SPEED_TASKS = ['click-button', 'click-checkboxes', 'enter-text', 'login-user', 'search-engine', 'email-inbox'];

/** Steps/s of expert episodes on one backend: episodes run until `steps` env steps have been taken. */
function expertSpeed(task: string, backend: 'fast' | 'chromium', steps: number): { steps: number; episodes: number; seconds: number; stepsPerSecond: number } {
  const env = new WebNavEnv({ task, backend });
  // Warm-up episode (browser start, JIT) outside the clock.
  env.reset({ seed: 1_000_000 });
  env.step(env.expertAction());
  let n = 0;
  let episodes = 0;
  const t0 = performance.now();
  while (n < steps) {
    env.reset({ seed: episodes++ });
    for (;;) {
      const [, , te, tr] = env.step(env.expertAction());
      n++;
      if (te || tr) break;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  env.close();
  return { steps: n, episodes, seconds, stepsPerSecond: n / seconds };
}

export function benchWebnav(opts: WebnavBenchOptions = {}): Record<string, unknown> {
  const log = opts.log ?? (() => {});
  const quick = opts.quick ?? false;

  // 1. backend speed
  const speed: Record<string, unknown> = {};
  const fastSteps = quick ? 200 : 3000;
  const chromeSteps = quick ? 20 : 150;
  let ratioMin = Infinity;
  for (const task of SPEED_TASKS) {
    const fast = expertSpeed(task, 'fast', fastSteps);
    const chromium = expertSpeed(task, 'chromium', chromeSteps);
    const ratio = fast.stepsPerSecond / chromium.stepsPerSecond;
    ratioMin = Math.min(ratioMin, ratio);
    speed[task] = { fast, chromium, ratio };
    log(`webnav speed ${task}: fast ${fast.stepsPerSecond.toFixed(0)} steps/s, chromium ${chromium.stepsPerSecond.toFixed(1)} steps/s, ratio ${ratio.toFixed(0)}×`);
  }

  // 2. experts
  const experts: Record<string, { episodes: number; successRate: number; meanSteps: number }> = {};
  const expertEpisodes = quick ? 10 : 100;
  for (const task of TASK_NAMES) {
    const env = new WebNavEnv({ task });
    let wins = 0;
    let steps = 0;
    for (let seed = 0; seed < expertEpisodes; seed++) {
      env.reset({ seed });
      for (;;) {
        const [, , te, tr] = env.step(env.expertAction());
        steps++;
        if (te || tr) break;
      }
      wins += env.success(env.state()) ? 1 : 0;
    }
    env.close();
    experts[task] = { episodes: expertEpisodes, successRate: wins / expertEpisodes, meanSteps: steps / expertEpisodes };
  }
  log(`webnav experts: min success ${Math.min(...Object.values(experts).map((e) => e.successRate)).toFixed(2)} over ${TASK_NAMES.length} tasks`);

  // 3. the learning agent
  const totalTimesteps = quick ? 2304 : 40_000;
  const makeEnv = (i: number): WebEnv => new WebNavEnv({ task: TASK_NAMES[i % TASK_NAMES.length] }) as unknown as WebEnv;
  const res = trainWebAgent({ totalTimesteps, numEnvs: 2 * TASK_NAMES.length, seed: 1 }, { makeEnv });
  log(`webnav agent: trained ${res.globalStep} steps in ${res.seconds.toFixed(0)} s (recent training success ${res.recentSuccess.toFixed(2)})`);
  const perTask: Record<string, number> = {};
  const evalEpisodes = quick ? 5 : 50;
  for (const task of TASK_NAMES) {
    const ev = evaluateWebAgent(res.agent, { makeEnv: () => new WebNavEnv({ task }) as unknown as WebEnv, episodes: evalEpisodes, seed: 777, numEnvs: 10, greedy: true });
    perTask[task] = ev.successRate;
    log(`webnav agent ${task}: ${(ev.successRate * 100).toFixed(0)} %`);
  }
  const atLeast80 = Object.values(perTask).filter((s) => s >= 0.8).length;
  // Baseline: the same candidates chosen uniformly at random (an untrained agent's scores are ~0, and
  // sampling from their softmax is uniform up to 1e-2).
  const untrained = trainWebAgent({ totalTimesteps: 1, numEnvs: 1, numSteps: 1, numMinibatches: 1, updateEpochs: 1, seed: 2 }, { makeEnv: () => new WebNavEnv({ task: 'click-test' }) as unknown as WebEnv }).agent;
  const randomPerTask: Record<string, number> = {};
  for (const task of TASK_NAMES) {
    randomPerTask[task] = evaluateWebAgent(untrained, { makeEnv: () => new WebNavEnv({ task }) as unknown as WebEnv, episodes: evalEpisodes, seed: 777, numEnvs: 10, greedy: false }).successRate;
  }
  // Transfer: the agent trained on the fast DOM, evaluated in Chromium on the same kind of held-out pages.
  const chromiumTasks = quick ? ['click-button'] : ['click-button', 'login-user', 'search-engine', 'email-inbox'];
  const chromiumPerTask: Record<string, number> = {};
  for (const task of chromiumTasks) {
    chromiumPerTask[task] = evaluateWebAgent(res.agent, { makeEnv: () => new WebNavEnv({ task, backend: 'chromium' }) as unknown as WebEnv, episodes: quick ? 3 : 10, seed: 778, numEnvs: 1, greedy: true }).successRate;
    log(`webnav agent in chromium ${task}: ${(chromiumPerTask[task] * 100).toFixed(0)} %`);
  }
  return {
    backendSpeed: { tasks: speed, minRatio: ratioMin, note: 'expert episodes, resets included; fast = happy-dom, chromium = playwright-core + Debian chromium' },
    experts,
    agent: {
      algorithm: 'candidate-set PPO over (action, element) pairs (agents/web/web_agent.ts), one multi-task agent',
      totalTimesteps: res.globalStep,
      trainSeconds: res.seconds,
      evalEpisodesPerTask: evalEpisodes,
      evaluation: 'greedy, eval seeds derived from 777 (training resets draw from env RNGs seeded by 1)',
      successPerTask: perTask,
      tasksAtLeast80: atLeast80,
      randomCandidateBaseline: randomPerTask,
      chromiumTransfer: { episodesPerTask: quick ? 3 : 10, successPerTask: chromiumPerTask },
    },
  };
}
