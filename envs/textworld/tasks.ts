/**
 * The six ALFWorld task types, what each needs from a room, and their goal templates.
 *
 * | task type                 | goal (one of the templates)                      | success                                             |
 * |---------------------------|--------------------------------------------------|-----------------------------------------------------|
 * | pick_and_place            | put a {obj} in {recep}                           | some {obj} is in some {recep}                       |
 * | look_at_obj_in_light      | look at {obj} under the {lamp}                   | holding a {obj} where a {lamp} is, and it is on     |
 * | pick_clean_then_place     | put a clean {obj} in {recep}                     | some clean {obj} is in some {recep}                 |
 * | pick_heat_then_place      | put a hot {obj} in {recep}                       | some hot {obj} is in some {recep}                   |
 * | pick_cool_then_place      | put a cool {obj} in {recep}                      | some cool {obj} is in some {recep}                  |
 * | pick_two_obj_and_place    | put two {objs} in {recep}                        | two {obj} are in the same {recep}                   |
 *
 * Appliances: clean with a sinkbasin, heat with a microwave, cool with a fridge; goals never ask to put
 * the object into the appliance that prepares it (no "put a hot apple in microwave").
 */
import { CLEANABLE, COOLABLE, HEATABLE, IS_CLEAN, IS_COOL, IS_HOT, ROLE_FRIDGE, ROLE_MICROWAVE, ROLE_NONE, ROLE_SINK, plural } from './catalog.ts';

export const TASK_TYPES = [
  'pick_and_place',
  'look_at_obj_in_light',
  'pick_clean_then_place',
  'pick_heat_then_place',
  'pick_cool_then_place',
  'pick_two_obj_and_place',
] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export interface TaskDef {
  /** Object property bit the goal object needs (0 = none). */
  readonly needsProp: number;
  /** Object state bit the placed object must have (0 = none). */
  readonly needsState: number;
  /** Receptacle role that prepares the object (ROLE_NONE = none). */
  readonly applianceRole: number;
  /** Appliance receptacle type (for "heat X with microwave N"), or '' when none. */
  readonly applianceType: string;
  /** The verb of the preparation command. */
  readonly verb: '' | 'clean' | 'heat' | 'cool';
  /** How many objects must end in the target (2 for pick_two). */
  readonly count: 1 | 2;
  /** Goal is "hold it under a lamp" rather than "put it in a receptacle". */
  readonly lamp: boolean;
  /** Registered env name (`textworld/<name>-v0`). */
  readonly envName: string;
  /** Goal templates; `{obj}`, `{objs}` (plural), `{recep}`, `{lamp}` are filled in. */
  readonly templates: readonly string[];
}

export const TASKS: Readonly<Record<TaskType, TaskDef>> = {
  pick_and_place: {
    needsProp: 0, needsState: 0, applianceRole: ROLE_NONE, applianceType: '', verb: '', count: 1, lamp: false, envName: 'PickAndPlace',
    templates: ['put a {obj} in {recep}.', 'put some {obj} on {recep}.', 'find a {obj} and put it in {recep}.'],
  },
  look_at_obj_in_light: {
    needsProp: 0, needsState: 0, applianceRole: ROLE_NONE, applianceType: '', verb: '', count: 1, lamp: true, envName: 'LookAtObjInLight',
    templates: ['look at {obj} under the {lamp}.', 'examine the {obj} with the {lamp}.'],
  },
  pick_clean_then_place: {
    needsProp: CLEANABLE, needsState: IS_CLEAN, applianceRole: ROLE_SINK, applianceType: 'sinkbasin', verb: 'clean', count: 1, lamp: false, envName: 'PickCleanThenPlace',
    templates: ['put a clean {obj} in {recep}.', 'clean some {obj} and put it in {recep}.'],
  },
  pick_heat_then_place: {
    needsProp: HEATABLE, needsState: IS_HOT, applianceRole: ROLE_MICROWAVE, applianceType: 'microwave', verb: 'heat', count: 1, lamp: false, envName: 'PickHeatThenPlace',
    templates: ['put a hot {obj} in {recep}.', 'heat some {obj} and put it in {recep}.'],
  },
  pick_cool_then_place: {
    needsProp: COOLABLE, needsState: IS_COOL, applianceRole: ROLE_FRIDGE, applianceType: 'fridge', verb: 'cool', count: 1, lamp: false, envName: 'PickCoolThenPlace',
    templates: ['put a cool {obj} in {recep}.', 'cool some {obj} and put it in {recep}.'],
  },
  pick_two_obj_and_place: {
    needsProp: 0, needsState: 0, applianceRole: ROLE_NONE, applianceType: '', verb: '', count: 2, lamp: false, envName: 'PickTwoObjAndPlace',
    templates: ['put two {objs} in {recep}.', 'find two {objs} and put them in {recep}.'],
  },
};

export function isTaskType(x: unknown): x is TaskType {
  return typeof x === 'string' && (TASK_TYPES as readonly string[]).includes(x);
}

/** The goal sentence for a task (template index chosen by the generator). */
export function goalText(task: TaskType, template: number, objectType: string, targetType: string): string {
  const t = TASKS[task].templates[template];
  return t
    .replace('{objs}', plural(objectType))
    .replace('{obj}', objectType)
    .replace('{recep}', targetType)
    .replace('{lamp}', targetType);
}
