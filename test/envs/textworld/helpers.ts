// Shared helpers for the text-world tests: random walks over admissible commands, all-games sweeps.
import { TextWorldEngine } from '../../../envs/textworld/engine.ts';
import { type Game, generateGame } from '../../../envs/textworld/game.ts';
import type { Split } from '../../../envs/textworld/splits.ts';
import { TASK_TYPES, type TaskType } from '../../../envs/textworld/tasks.ts';
import { Rng } from '../../../sim/rng.ts';

export function engineFor(seed: number, split: Split = 'train', taskTypes: readonly TaskType[] = TASK_TYPES): TextWorldEngine {
  const e = new TextWorldEngine(generateGame({ seed, split, taskTypes }));
  e.reset();
  return e;
}

/** Take `steps` uniformly random admissible commands (stops early once the goal holds). Returns them. */
export function randomWalk(e: TextWorldEngine, steps: number, rng: Rng): string[] {
  const taken: string[] = [];
  for (let t = 0; t < steps && !e.won(); t++) {
    const adm = e.admissible();
    const c = adm[rng.int(adm.length)];
    e.step(c);
    taken.push(c);
  }
  return taken;
}

export function gamesOf(split: Split, n: number, taskTypes: readonly TaskType[] = TASK_TYPES, first = 0): Game[] {
  return Array.from({ length: n }, (_, k) => generateGame({ seed: first + k, split, taskTypes }));
}
