/**
 * ALFWorld-v0 — an ALFWorld-style household text game (Shridhar et al. 2021, TextWorld engine over
 * ALFRED scenes), procedurally generated from a seed: a room of numbered receptacles holding typed,
 * numbered objects, and one of the six ALFWorld task types as the goal ("put a clean apple in fridge.").
 * The agent types commands; the world answers in ALFWorld's words.
 *
 * ## Observation — `Text(1, 4096, charset = TEXTWORLD_CHARSET)`
 * At reset: `-= Welcome to TextWorld, ALFRED! =-\n\nYou are in the middle of a room. Looking quickly
 * around you, you see a cabinet 4, …, and a toaster 1.\n\nYour task is to: put a clean apple in fridge.`
 * After a step: the message of the command ("You arrive at countertop 1. On the countertop 1, you see
 * a apple 1, and a knife 1.", "You open the fridge 1. The fridge 1 is open. In it, you see nothing.",
 * "You pick up the apple 1 from the countertop 1.", …) or `Nothing happens.` for a command that is not in
 * the grammar or does not apply now — and then the state is unchanged.
 *
 * ## Action — `Text(1, 128, charset = COMMAND_CHARSET)`
 * | command                                   | effect                                                  |
 * |-------------------------------------------|---------------------------------------------------------|
 * | `look`, `inventory`                       | describe; no state change                               |
 * | `go to {recep}`                           | walk to a receptacle (see its contents if reachable)    |
 * | `open {recep}`, `close {recep}`           | doors of cabinets, drawers, fridge, microwave, safe     |
 * | `take {obj} from {recep}`                 | pick up (one object at a time; lamps cannot be taken)   |
 * | `move {obj} to {recep}`, `put {obj} in/on {recep}` | put the held object here (both forms accepted) |
 * | `examine {recep}` / `examine {obj}`       | describe (object states: clean/hot/cool/sliced, lamp)   |
 * | `use {lamp}`                              | switch a desklamp / floorlamp here on or off            |
 * | `heat/cool/clean {obj} with {recep}`      | with microwave / fridge / sinkbasin, holding the object |
 * | `slice {obj} with {knife}`                | holding a knife, object here                            |
 * Full preconditions: rules.ts. `info.admissible` lists the commands valid now, sorted and unique.
 *
 * ## Reward
 * 1 on the step the goal becomes true (`won`), else 0 (ALFWorld's binary success). Dense alternative:
 * `TextWorldSubgoalReward` (subgoal_reward.ts), applied with `RewardWrapper`.
 *
 * ## Termination
 * When `won` (the goal predicate holds): `terminated = true`.
 *
 * ## Truncation
 * 50 steps (ALFWorld's cap): the registration's `maxEpisodeSteps`, applied by `make` as TimeLimit — pass
 * `make(id, { maxEpisodeSteps: k })` for another cap.
 *
 * ## Info
 * `admissible: readonly string[]` (sorted, unique, frozen), `won: boolean`; at reset also `taskType`,
 * `goal` (the task sentence), `split`, `gameSeed`; with kwarg `expertPlan: true`, `expertPlan: string[]`
 * (a walkthrough from the current state, planner.ts) at reset and after every step.
 *
 * ## Parameters (kwargs) and reset options
 * kwargs: `split` ('train' | 'valid_seen' | 'valid_unseen', default 'train'), `taskTypes` (non-empty list
 * of task types, default all six), `expertPlan` (default false). Reset `options` may override `split`
 * and `taskTypes` for one episode and give `gameSeed` (an integer) to replay a given game. Without
 * `gameSeed`, each reset draws one from the env's RNG (so `reset({seed})` fixes the game and later
 * `reset()`s continue the stream).
 *
 * ## Reward context
 * `state()`: `TextWorldState` (location, inventory, every object's placement and state, receptacles and
 * whether they are open, the goal); `abstraction()`: `TEXTWORLD_ABSTRACTION`; `success(state)`: the goal
 * predicate (`successOf`). `render()`: a room diagram (render.ts).
 *
 * ## Version history
 * - v0: first version (six task types, three splits with SPLIT_SEED = 0x5eeda1f0).
 */
import { z } from 'zod';
import type { Env, EnvMetadata, EnvSpec, Frame, Info, RenderMode, RenderOptions, ResetOptions, ResetResult, StepResult } from '../../sim/env.ts';
import { assertSeed, Rng } from '../../sim/rng.ts';
import { Text } from '../../sim/spaces/text.ts';
import { parseParams } from './params.ts';
import { COMMAND_CHARSET, TEXTWORLD_CHARSET } from './catalog.ts';
import { TextWorldEngine } from './engine.ts';
import { type Game, generateGame } from './game.ts';
import { expertPlan } from './planner.ts';
import { renderWorld } from './render.ts';
import { SPLITS, type Split } from './splits.ts';
import { successOf, TEXTWORLD_ABSTRACTION, type TextWorldState } from './state.ts';
import { TASK_TYPES, type TaskType } from './tasks.ts';

export const TextWorldParams = z
  .object({
    split: z.enum(SPLITS).default('train').describe('which games: train | valid_seen | valid_unseen (splits.ts)'),
    taskTypes: z.array(z.enum(TASK_TYPES)).min(1).default([...TASK_TYPES]).describe('task types drawn uniformly at each reset'),
    expertPlan: z.boolean().default(false).describe('put the planner walkthrough in info.expertPlan'),
  })
  .strict();
export type TextWorldParams = z.output<typeof TextWorldParams>;

const ResetOptionsSchema = z
  .object({
    split: z.enum(SPLITS).optional(),
    taskTypes: z.array(z.enum(TASK_TYPES)).min(1).optional(),
    gameSeed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict();

export const OBS_MAX_LENGTH = 4096;
export const COMMAND_MAX_LENGTH = 128;

export class TextWorldEnv implements Env<string, string, TextWorldState> {
  readonly observationSpace = new Text({ maxLength: OBS_MAX_LENGTH, minLength: 1, charset: TEXTWORLD_CHARSET });
  readonly actionSpace = new Text({ maxLength: COMMAND_MAX_LENGTH, minLength: 1, charset: COMMAND_CHARSET });
  readonly metadata: EnvMetadata = { renderModes: ['rgb_array'], renderFps: 4, cameras: ['default'] };
  readonly renderMode: RenderMode | undefined;
  spec: EnvSpec | undefined = undefined;
  readonly params: TextWorldParams;
  private rng = new Rng(0);
  private eng: TextWorldEngine | undefined;
  private wonAlready = false;

  constructor(kwargs: Record<string, unknown> = {}) {
    const { renderMode, ...rest } = kwargs as Record<string, unknown> & { renderMode?: RenderMode };
    this.params = parseParams(TextWorldParams, rest, 'textworld');
    if (renderMode !== undefined && !this.metadata.renderModes.includes(renderMode)) {
      throw new RangeError(`textworld: renderMode '${String(renderMode)}' is not one of [${this.metadata.renderModes.join(', ')}]`);
    }
    this.renderMode = renderMode;
  }

  get npRandom(): Rng {
    return this.rng;
  }

  /** The running engine (after the first reset). */
  get engine(): TextWorldEngine {
    if (!this.eng) throw new Error('textworld: call reset() before using the engine');
    return this.eng;
  }

  get game(): Game {
    return this.engine.game;
  }

  reset(opts: ResetOptions = {}): ResetResult<string> {
    if (opts.seed !== undefined) {
      assertSeed(opts.seed, 'reset seed');
      this.rng = new Rng(opts.seed);
    }
    const o = parseParams(ResetOptionsSchema, opts.options ?? {}, 'textworld reset options');
    const split: Split = o.split ?? this.params.split;
    const taskTypes: readonly TaskType[] = o.taskTypes ?? this.params.taskTypes;
    const gameSeed = o.gameSeed ?? this.rng.int(0x1_0000_0000);
    this.eng = new TextWorldEngine(generateGame({ seed: gameSeed, split, taskTypes }));
    const obs = this.eng.reset();
    this.wonAlready = false;
    const g = this.eng.game;
    const info: Info = { admissible: this.eng.admissible(), won: false, taskType: g.goal.taskType, goal: g.goal.text, split, gameSeed };
    if (this.params.expertPlan) info.expertPlan = expertPlan(g, this.eng.ws).commands;
    return [obs, info];
  }

  step(action: string): StepResult<string> {
    const eng = this.engine;
    if (typeof action !== 'string') throw new TypeError(`textworld: the action must be a command string, got ${typeof action}`);
    const r = eng.step(action);
    const won = eng.won();
    const reward = won && !this.wonAlready ? 1 : 0;
    this.wonAlready ||= won;
    const info: Info = { admissible: eng.admissible(), won };
    if (this.params.expertPlan) info.expertPlan = expertPlan(eng.game, eng.ws).commands;
    return [r.text, reward, won, false, info];
  }

  /** The planner's walkthrough from the current state. */
  expertPlan(): string[] {
    return expertPlan(this.engine.game, this.engine.ws).commands;
  }

  render(opts?: RenderOptions): Frame {
    return renderWorld(this.engine.game, this.engine.ws, opts);
  }

  close(): void {}

  state(): TextWorldState {
    return this.engine.snapshot();
  }

  abstraction(): string {
    return TEXTWORLD_ABSTRACTION;
  }

  success(state: TextWorldState): boolean {
    return successOf(state);
  }
}
