/**
 * The text-world family (`textworld/`): ALFWorld-style household games (textworld_env.ts).
 *
 * | id                                   | task types          | actions                          |
 * |--------------------------------------|---------------------|----------------------------------|
 * | `textworld/ALFWorld-v0`              | all six, uniformly  | typed commands (`Text`)          |
 * | `textworld/ALFWorldChoice-v0`        | all six, uniformly  | `Discrete(128)` over `info.admissible`, mask in `info.actionMask` (admissible_choice.ts) |
 * | `textworld/PickAndPlace-v0`          | pick_and_place      | typed commands                   |
 * | `textworld/LookAtObjInLight-v0`      | look_at_obj_in_light| typed commands                   |
 * | `textworld/PickCleanThenPlace-v0`    | pick_clean_then_place | typed commands                 |
 * | `textworld/PickHeatThenPlace-v0`     | pick_heat_then_place  | typed commands                 |
 * | `textworld/PickCoolThenPlace-v0`     | pick_cool_then_place  | typed commands                 |
 * | `textworld/PickTwoObjAndPlace-v0`    | pick_two_obj_and_place| typed commands                 |
 *
 * Every id: 50-step TimeLimit (`make(id, { maxEpisodeSteps })` to change), kwargs `split`
 * ('train' | 'valid_seen' | 'valid_unseen', default 'train'), `taskTypes` (overrides the id's), and
 * `expertPlan` (walkthrough in `info.expertPlan`); reset options `split`, `taskTypes`, `gameSeed`. E.g.
 * `make('textworld/ALFWorld-v0', { kwargs: { split: 'valid_unseen' } })`. The splits are defined in
 * splits.ts; the dense subgoal reward in subgoal_reward.ts.
 */
import type { EnvRegistration } from '../../sim/registration.ts';
import { AdmissibleChoice } from './admissible_choice.ts';
import { TextWorldEnv } from './textworld_env.ts';
import { TASK_TYPES, TASKS } from './tasks.ts';

/** ALFWorld's step cap. */
export const TEXTWORLD_MAX_STEPS = 50;

export const textworldRegistrations: EnvRegistration[] = [
  {
    id: 'textworld/ALFWorld-v0',
    entryPoint: (kwargs) => new TextWorldEnv(kwargs),
    maxEpisodeSteps: TEXTWORLD_MAX_STEPS,
    rewardThreshold: 1,
    description: 'ALFWorld-style household text game, all six task types, typed commands',
  },
  {
    id: 'textworld/ALFWorldChoice-v0',
    entryPoint: (kwargs) => new AdmissibleChoice(new TextWorldEnv(kwargs)),
    maxEpisodeSteps: TEXTWORLD_MAX_STEPS,
    rewardThreshold: 1,
    description: 'ALFWorld-style text game, Discrete choice over the admissible commands (mask in info.actionMask)',
  },
  ...TASK_TYPES.map(
    (task): EnvRegistration => ({
      id: `textworld/${TASKS[task].envName}-v0`,
      entryPoint: (kwargs) => new TextWorldEnv({ taskTypes: [task], ...kwargs }),
      maxEpisodeSteps: TEXTWORLD_MAX_STEPS,
      rewardThreshold: 1,
      description: `ALFWorld-style household text game, ${task} only`,
    }),
  ),
];
