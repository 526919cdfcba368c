/**
 * The reward context of the text worlds: `TextWorldState` (the privileged state as plain data, what
 * `env.state()` returns), `successOf(state)` (the gold predicate on it) and the TypeScript-like
 * description `TEXTWORLD_ABSTRACTION` that reward generators read.
 */
import { CLEANABLE, COOLABLE, HEATABLE, IS_CLEAN, IS_COOL, IS_HOT, IS_ON, IS_SLICED, LAMP, SHARP, SLICEABLE } from './catalog.ts';
import type { Game } from './game.ts';
import type { Split } from './splits.ts';
import type { TaskType } from './tasks.ts';
import type { WorldState } from './world_state.ts';

export interface TextWorldObject {
  /** "apple 2". */
  readonly name: string;
  readonly type: string;
  /** Receptacle name, or 'inventory' when the agent holds it. */
  readonly location: string;
  readonly cleanable: boolean;
  readonly heatable: boolean;
  readonly coolable: boolean;
  readonly sliceable: boolean;
  /** A knife (can slice). */
  readonly sharp: boolean;
  /** A lamp (cannot be taken; `use` toggles `on`). */
  readonly isLamp: boolean;
  readonly clean: boolean;
  readonly hot: boolean;
  readonly cool: boolean;
  readonly sliced: boolean;
  /** Lamps only: switched on. */
  readonly on: boolean;
}

export interface TextWorldReceptacle {
  /** "cabinet 3". */
  readonly name: string;
  readonly type: string;
  readonly openable: boolean;
  /** Contents reachable: true for receptacles without a door, else whether the door is open. */
  readonly open: boolean;
  /** The agent has stood at it during this episode (the current location included). */
  readonly visited: boolean;
}

export interface TextWorldGoal {
  readonly taskType: TaskType;
  readonly text: string;
  readonly objectType: string;
  /** Receptacle type, or lamp type for look_at_obj_in_light. */
  readonly targetType: string;
  readonly count: 1 | 2;
}

export interface TextWorldState {
  readonly split: Split;
  readonly room: string;
  readonly goal: TextWorldGoal;
  /** Receptacle the agent is at, or null in the middle of the room (before the first `go to`). */
  readonly location: string | null;
  /** Names of held objects (at most one). */
  readonly inventory: readonly string[];
  readonly receptacles: readonly TextWorldReceptacle[];
  readonly objects: readonly TextWorldObject[];
}

/** A fresh plain-object snapshot of `ws`. */
export function snapshotState(game: Game, ws: WorldState): TextWorldState {
  const receptacles: TextWorldReceptacle[] = new Array(game.recTypes.length);
  for (let r = 0; r < receptacles.length; r++) {
    const openable = game.recOpenable[r] === 1;
    receptacles[r] = { name: game.recNames[r], type: game.recTypes[r], openable, open: !openable || ws.recOpen[r] === 1, visited: ws.recVisited[r] === 1 };
  }
  const objects: TextWorldObject[] = new Array(game.objTypes.length);
  for (let o = 0; o < objects.length; o++) {
    const p = game.objProps[o];
    const s = ws.objState[o];
    const at = ws.objLoc[o];
    objects[o] = {
      name: game.objNames[o],
      type: game.objTypes[o],
      location: at < 0 ? 'inventory' : game.recNames[at],
      cleanable: (p & CLEANABLE) !== 0,
      heatable: (p & HEATABLE) !== 0,
      coolable: (p & COOLABLE) !== 0,
      sliceable: (p & SLICEABLE) !== 0,
      sharp: (p & SHARP) !== 0,
      isLamp: (p & LAMP) !== 0,
      clean: (s & IS_CLEAN) !== 0,
      hot: (s & IS_HOT) !== 0,
      cool: (s & IS_COOL) !== 0,
      sliced: (s & IS_SLICED) !== 0,
      on: (s & IS_ON) !== 0,
    };
  }
  const g = game.goal;
  return {
    split: game.split,
    room: game.roomType,
    goal: { taskType: g.taskType, text: g.text, objectType: g.objectType, targetType: g.targetType, count: g.count },
    location: ws.loc < 0 ? null : game.recNames[ws.loc],
    inventory: ws.held < 0 ? [] : [game.objNames[ws.held]],
    receptacles,
    objects,
  };
}

/** Whether an object satisfies the goal's state requirement (clean / hot / cool). */
export function hasGoalProperty(state: TextWorldState, obj: TextWorldObject): boolean {
  switch (state.goal.taskType) {
    case 'pick_clean_then_place':
      return obj.clean;
    case 'pick_heat_then_place':
      return obj.hot;
    case 'pick_cool_then_place':
      return obj.cool;
    default:
      return true;
  }
}

/** The gold success predicate on a snapshot (same as the engine's `isWon`). */
export function successOf(state: TextWorldState): boolean {
  const g = state.goal;
  if (g.taskType === 'look_at_obj_in_light') {
    const holding = state.objects.some((o) => o.location === 'inventory' && o.type === g.objectType);
    return holding && state.location !== null && state.objects.some((o) => o.isLamp && o.type === g.targetType && o.on && o.location === state.location);
  }
  const targetNames = new Set(state.receptacles.filter((r) => r.type === g.targetType).map((r) => r.name));
  const perRec = new Map<string, number>();
  for (const o of state.objects) {
    if (o.type !== g.objectType || !targetNames.has(o.location) || !hasGoalProperty(state, o)) continue;
    const n = (perRec.get(o.location) ?? 0) + 1;
    if (n >= g.count) return true;
    perRec.set(o.location, n);
  }
  return false;
}

export const TEXTWORLD_ABSTRACTION = `// ALFWorld-style household text game. The agent stands at one receptacle at a time, holds at most one object.
type TaskType = 'pick_and_place' | 'look_at_obj_in_light' | 'pick_clean_then_place' | 'pick_heat_then_place'
  | 'pick_cool_then_place' | 'pick_two_obj_and_place';
interface TextWorldState {
  split: 'train' | 'valid_seen' | 'valid_unseen';
  room: 'kitchen' | 'livingroom' | 'bedroom' | 'bathroom';
  goal: { taskType: TaskType; text: string; objectType: string; targetType: string /* receptacle or lamp type */; count: 1 | 2 };
  location: string | null;            // receptacle the agent is at ("countertop 1"), null = middle of the room
  inventory: string[];                // held object names, [] or ["apple 1"]
  receptacles: { name: string; type: string; openable: boolean; open: boolean /* contents reachable */;
                 visited: boolean /* the agent has stood here this episode */ }[];
  objects: { name: string; type: string; location: string /* receptacle name | 'inventory' */;
             cleanable: boolean; heatable: boolean; coolable: boolean; sliceable: boolean; sharp: boolean; isLamp: boolean;
             clean: boolean; hot: boolean; cool: boolean; sliced: boolean; on: boolean }[];
}
// Success: pick_and_place — some goal.objectType object is in a receptacle of goal.targetType;
// clean/heat/cool — the same with that object clean/hot/cool; pick_two — two such objects in ONE receptacle;
// look_at_obj_in_light — holding a goal.objectType object at the location of a goal.targetType lamp that is on.
// Appliances: clean with a sinkbasin, heat with a microwave, cool with a fridge (agent at it, holding the object).
// Reward (gold): 1 on the step the goal becomes true (episode terminates), else 0. 50 steps per episode.`;
