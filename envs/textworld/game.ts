/**
 * A game: one room (a layout from the split's pool), numbered receptacles, typed and numbered objects
 * placed in them, and a goal — everything that stays fixed during an episode (gymnax "params"). The
 * dynamic part (where the agent is, what it holds, what moved, what is open/clean/hot/…) is a
 * `WorldState` (world_state.ts). A game is a pure function of `(seed, split, task types)`.
 *
 * Indexing: receptacles are sorted by (type, number) and objects by (type, number); both are numbered
 * per type from 1 ("cabinet 3", "apple 2"). Lamps are objects with the LAMP property, standing on a
 * receptacle. Objects of the goal type never start in a receptacle of the goal's target type, openable
 * receptacles start closed, every object starts neither clean, hot, cool nor sliced, and lamps start off,
 * so no game is won at reset.
 */
import { deriveSeed, Rng } from '../../sim/rng.ts';
import { LAMP, RECEPTACLES, type RoomType, ROOMS, SHARP } from './catalog.ts';
import type { Layout } from './layout.ts';
import { goalOptions, objectSpec, placementTypes, type Split } from './splits.ts';
import { goalText, TASKS, type TaskType } from './tasks.ts';

export interface Goal {
  readonly taskType: TaskType;
  readonly objectType: string;
  /** Receptacle type, or lamp type for look_at_obj_in_light. */
  readonly targetType: string;
  /** Objects that must end in one target receptacle (2 for pick_two_obj_and_place). */
  readonly count: 1 | 2;
  /** The sentence after "Your task is to: ". */
  readonly text: string;
}

export interface Game {
  readonly seed: number;
  readonly split: Split;
  readonly roomType: RoomType;
  readonly layout: Layout;
  readonly goal: Goal;
  // receptacles
  readonly recTypes: readonly string[];
  readonly recNames: readonly string[];
  readonly recOpenable: Uint8Array;
  readonly recRole: Uint8Array;
  /** 1 where the receptacle is of the goal's target type (all 0 for lamp goals). */
  readonly recIsTarget: Uint8Array;
  // objects
  readonly objTypes: readonly string[];
  readonly objNames: readonly string[];
  readonly objProps: Uint8Array;
  /** Receptacle index each object starts in. */
  readonly initObjLoc: Int16Array;
  /** Objects of the goal type. */
  readonly goalObjs: Int16Array;
  /** Lamps of the goal's lamp type (look_at_obj_in_light), else empty. */
  readonly goalLamps: Int16Array;
  /** Receptacles with the task's appliance role (sinkbasin/microwave/fridge), else empty. */
  readonly appliances: Int16Array;
  /** Name → index. */
  readonly recIndex: ReadonlyMap<string, number>;
  readonly objIndex: ReadonlyMap<string, number>;
  /** The observation at reset (welcome line, room description, task). */
  readonly intro: string;
}

export interface GenerateOptions {
  readonly seed: number;
  readonly split: Split;
  /** Task types to draw from (uniformly). */
  readonly taskTypes: readonly TaskType[];
}

interface Placed {
  type: string;
  props: number;
  rec: number;
}

/** "a x 3, a x 2, a y 1, and a z 1" / "a x 1" / "nothing". */
export function listItems(items: readonly string[]): string {
  if (items.length === 0) return 'nothing';
  if (items.length === 1) return `a ${items[0]}`;
  let s = '';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) s += i === items.length - 1 ? ', and ' : ', ';
    s += `a ${items[i]}`;
  }
  return s;
}

export function generateGame(opts: GenerateOptions): Game {
  const { seed, split, taskTypes } = opts;
  if (taskTypes.length === 0) throw new RangeError('generateGame: taskTypes must not be empty');
  const rng = new Rng(deriveSeed(seed, 'textworld-game', split));
  const taskType = taskTypes[rng.int(taskTypes.length)];
  const def = TASKS[taskType];
  const groups = goalOptions(split, taskType);
  const group = groups[rng.int(groups.length)];
  const option = group[rng.int(group.length)];
  const layout = option.layout;
  const room = layout.roomType;

  // ---- receptacles ----
  const recTypes: string[] = [];
  const recNames: string[] = [];
  const firstOfType = new Map<string, number>();
  for (const [type, count] of layout.receptacles) {
    firstOfType.set(type, recTypes.length);
    for (let n = 1; n <= count; n++) {
      recTypes.push(type);
      recNames.push(`${type} ${n}`);
    }
  }
  const nRec = recTypes.length;
  const countOf = (type: string): number => {
    for (const [t, n] of layout.receptacles) if (t === type) return n;
    return 0;
  };
  const pickRec = (types: readonly string[]): number => {
    const type = types[rng.int(types.length)];
    return (firstOfType.get(type) as number) + rng.int(countOf(type));
  };

  // ---- objects ----
  const placed: Placed[] = [];
  const goalSpec = objectSpec(room, option.objectType);
  const goalPlaces = placementTypes(layout, goalSpec, split, def.lamp ? '' : option.targetType);
  const nGoal = def.count === 2 ? 2 + rng.int(3) : 1 + rng.int(3);
  for (let k = 0; k < nGoal; k++) placed.push({ type: goalSpec.type, props: goalSpec.props, rec: pickRec(goalPlaces) });
  const others = ROOMS[room].objects.filter((s) => s.type !== goalSpec.type && placementTypes(layout, s, split, '').length > 0);
  rng.shuffle(others);
  const nTypes = Math.min(others.length, 6 + rng.int(7));
  // Kitchens usually have a knife around (slicing is part of the grammar even if no goal needs it).
  if (room === 'kitchen' && rng.random() < 0.75) {
    const k = others.findIndex((s) => (s.props & SHARP) !== 0);
    if (k >= nTypes) {
      const t = others[k];
      others[k] = others[nTypes - 1];
      others[nTypes - 1] = t;
    }
  }
  for (let i = 0; i < nTypes; i++) {
    const spec = others[i];
    const places = placementTypes(layout, spec, split, '');
    const n = 1 + (rng.random() < 0.35 ? 1 : 0) + (rng.random() < 0.1 ? 1 : 0);
    for (let k = 0; k < n; k++) placed.push({ type: spec.type, props: spec.props, rec: pickRec(places) });
  }
  if (layout.lamp) {
    const host = (firstOfType.get(layout.lamp.hostType) as number) + layout.lamp.hostNumber - 1;
    placed.push({ type: layout.lamp.type, props: LAMP, rec: host });
  }
  // Stable sort by type keeps the draw order within a type: that order gives the numbers.
  placed.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  const nObj = placed.length;
  const objTypes: string[] = new Array(nObj);
  const objNames: string[] = new Array(nObj);
  const objProps = new Uint8Array(nObj);
  const initObjLoc = new Int16Array(nObj);
  let num = 0;
  for (let i = 0; i < nObj; i++) {
    const p = placed[i];
    num = i > 0 && placed[i - 1].type === p.type ? num + 1 : 1;
    objTypes[i] = p.type;
    objNames[i] = `${p.type} ${num}`;
    objProps[i] = p.props;
    initObjLoc[i] = p.rec;
  }

  // ---- goal helpers ----
  const recOpenable = new Uint8Array(nRec);
  const recRole = new Uint8Array(nRec);
  const recIsTarget = new Uint8Array(nRec);
  const appliances: number[] = [];
  for (let r = 0; r < nRec; r++) {
    const rt = RECEPTACLES[recTypes[r]];
    recOpenable[r] = rt.openable ? 1 : 0;
    recRole[r] = rt.role;
    if (!def.lamp && recTypes[r] === option.targetType) recIsTarget[r] = 1;
    if (def.applianceRole !== 0 && rt.role === def.applianceRole) appliances.push(r);
  }
  const goalObjs: number[] = [];
  const goalLamps: number[] = [];
  for (let i = 0; i < nObj; i++) {
    if (objTypes[i] === goalSpec.type) goalObjs.push(i);
    if (def.lamp && objTypes[i] === option.targetType) goalLamps.push(i);
  }
  const template = rng.int(def.templates.length);
  const goal: Goal = { taskType, objectType: goalSpec.type, targetType: option.targetType, count: def.count, text: goalText(taskType, template, goalSpec.type, option.targetType) };

  // ALFWorld lists receptacles by type, highest number first.
  const seenList: string[] = [];
  for (const [type, count] of layout.receptacles) for (let n = count; n >= 1; n--) seenList.push(`${type} ${n}`);
  const intro = `-= Welcome to TextWorld, ALFRED! =-\n\nYou are in the middle of a room. Looking quickly around you, you see ${listItems(seenList)}.\n\nYour task is to: ${goal.text}`;

  return {
    seed,
    split,
    roomType: room,
    layout,
    goal,
    recTypes,
    recNames,
    recOpenable,
    recRole,
    recIsTarget,
    objTypes,
    objNames,
    objProps,
    initObjLoc,
    goalObjs: Int16Array.from(goalObjs),
    goalLamps: Int16Array.from(goalLamps),
    appliances: Int16Array.from(appliances),
    recIndex: new Map(recNames.map((n, i) => [n, i])),
    objIndex: new Map(objNames.map((n, i) => [n, i])),
    intro,
  };
}
