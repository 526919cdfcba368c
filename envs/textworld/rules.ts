/**
 * The rules of the text world as pure functions over `(Game, WorldState)`: whether a parsed command
 * applies now and what it changes (`applyCommand`), the message it produces (`resultText`), and the goal
 * predicate (`isWon`). The engine, the planner and the tests share them.
 *
 * Preconditions (anything else is "Nothing happens." and changes nothing):
 * - `go to R`: R is not where the agent already is.
 * - `open/close R`: the agent is at R, R is openable and closed/open.
 * - `take O from R`: the agent is at R, R is open or not openable, O is in R, O is not a lamp, hands empty.
 * - `move O to R` / `put O in/on R`: the agent holds O, is at R, and R is open or not openable.
 * - `examine R`: the agent is at R. `examine O`: O is held or visible where the agent is.
 * - `use L`: L is a lamp visible where the agent is (toggles it on/off).
 * - `heat/cool/clean O with R`: the agent holds O, is at R, R is a microwave/fridge/sinkbasin, O is
 *   heatable/coolable/cleanable and not already hot/cool/clean. Heating clears cool and cooling clears hot.
 * - `slice O with K`: the agent holds the knife K, O is sliceable, not sliced and visible where the agent is.
 */
import { CLEANABLE, COOLABLE, HEATABLE, IS_CLEAN, IS_COOL, IS_HOT, IS_ON, IS_SLICED, LAMP, ROLE_FRIDGE, ROLE_MICROWAVE, ROLE_SINK, SHARP, SLICEABLE } from './catalog.ts';
import { listItems, type Game } from './game.ts';
import {
  CLEAN, CLOSE, COOL, type Command, EXAMINE_OBJ, EXAMINE_REC, GOTO, HEAT, INVENTORY, LOOK, OPEN, PUT, PUT_FORMS, SLICE, TAKE, USE,
} from './parser.ts';
import { TASKS } from './tasks.ts';
import { IN_HAND, type WorldState } from './world_state.ts';

/** `applyCommand` results. */
export const INVALID = 0;
/** The command changed the state. */
export const CHANGED = 1;
/** A valid command that only looks (look, inventory, examine): the state is unchanged. */
export const OBSERVED = 2;

export const NOTHING_HAPPENS = 'Nothing happens.';

export function accessible(game: Game, ws: WorldState, r: number): boolean {
  return game.recOpenable[r] === 0 || ws.recOpen[r] === 1;
}

/** Object `o` can be seen where the agent stands (in its receptacle, which is open or has no door). */
export function visible(game: Game, ws: WorldState, o: number): boolean {
  return ws.loc >= 0 && ws.objLoc[o] === ws.loc && accessible(game, ws, ws.loc);
}

/** Apply `c` to `ws` in place when its preconditions hold; returns INVALID, CHANGED or OBSERVED. */
export function applyCommand(game: Game, ws: WorldState, c: Command): number {
  const loc = ws.loc;
  switch (c.verb) {
    case LOOK:
    case INVENTORY:
      return OBSERVED;
    case GOTO:
      if (c.a === loc) return INVALID;
      ws.loc = c.a;
      ws.recVisited[c.a] = 1;
      return CHANGED;
    case OPEN:
      if (c.a !== loc || game.recOpenable[loc] === 0 || ws.recOpen[loc] === 1) return INVALID;
      ws.recOpen[loc] = 1;
      return CHANGED;
    case CLOSE:
      if (c.a !== loc || game.recOpenable[loc] === 0 || ws.recOpen[loc] === 0) return INVALID;
      ws.recOpen[loc] = 0;
      return CHANGED;
    case TAKE:
      if (c.b !== loc || ws.held >= 0 || ws.objLoc[c.a] !== loc || (game.objProps[c.a] & LAMP) !== 0 || !accessible(game, ws, loc)) return INVALID;
      ws.objLoc[c.a] = IN_HAND;
      ws.held = c.a;
      return CHANGED;
    case PUT:
      if (c.b !== loc || ws.held !== c.a || !accessible(game, ws, loc)) return INVALID;
      ws.objLoc[c.a] = loc;
      ws.held = -1;
      return CHANGED;
    case EXAMINE_REC:
      return c.a === loc ? OBSERVED : INVALID;
    case EXAMINE_OBJ:
      return ws.held === c.a || visible(game, ws, c.a) ? OBSERVED : INVALID;
    case USE:
      if ((game.objProps[c.a] & LAMP) === 0 || !visible(game, ws, c.a)) return INVALID;
      ws.objState[c.a] ^= IS_ON;
      return CHANGED;
    case HEAT:
      if (c.b !== loc || ws.held !== c.a || game.recRole[loc] !== ROLE_MICROWAVE || (game.objProps[c.a] & HEATABLE) === 0 || (ws.objState[c.a] & IS_HOT) !== 0) return INVALID;
      ws.objState[c.a] = (ws.objState[c.a] | IS_HOT) & ~IS_COOL;
      return CHANGED;
    case COOL:
      if (c.b !== loc || ws.held !== c.a || game.recRole[loc] !== ROLE_FRIDGE || (game.objProps[c.a] & COOLABLE) === 0 || (ws.objState[c.a] & IS_COOL) !== 0) return INVALID;
      ws.objState[c.a] = (ws.objState[c.a] | IS_COOL) & ~IS_HOT;
      return CHANGED;
    case CLEAN:
      if (c.b !== loc || ws.held !== c.a || game.recRole[loc] !== ROLE_SINK || (game.objProps[c.a] & CLEANABLE) === 0 || (ws.objState[c.a] & IS_CLEAN) !== 0) return INVALID;
      ws.objState[c.a] |= IS_CLEAN;
      return CHANGED;
    case SLICE:
      if (ws.held !== c.b || (game.objProps[c.b] & SHARP) === 0 || (game.objProps[c.a] & SLICEABLE) === 0 || (ws.objState[c.a] & IS_SLICED) !== 0 || !visible(game, ws, c.a)) return INVALID;
      ws.objState[c.a] |= IS_SLICED;
      return CHANGED;
    default:
      return INVALID;
  }
}

/** What the agent sees of receptacle r: "On the countertop 1, you see …" / "The cabinet 2 is closed." … */
export function describeReceptacle(game: Game, ws: WorldState, r: number): string {
  const name = game.recNames[r];
  if (game.recOpenable[r] === 1 && ws.recOpen[r] === 0) return `The ${name} is closed.`;
  const items: string[] = [];
  const objLoc = ws.objLoc;
  for (let o = 0; o < objLoc.length; o++) if (objLoc[o] === r) items.push(game.objNames[o]);
  return game.recOpenable[r] === 1 ? `The ${name} is open. In it, you see ${listItems(items)}.` : `On the ${name}, you see ${listItems(items)}.`;
}

function describeObject(game: Game, ws: WorldState, o: number): string {
  const name = game.objNames[o];
  const st = ws.objState[o];
  if ((game.objProps[o] & LAMP) !== 0) return `This is a ${name}. It is turned ${(st & IS_ON) !== 0 ? 'on' : 'off'}.`;
  const words: string[] = [];
  if ((st & IS_CLEAN) !== 0) words.push('clean');
  if ((st & IS_HOT) !== 0) words.push('hot');
  if ((st & IS_COOL) !== 0) words.push('cool');
  if ((st & IS_SLICED) !== 0) words.push('sliced');
  if (words.length === 0) return `There's nothing special about ${name}.`;
  return `This is a ${words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`} ${name}.`;
}

/** The message for a command that `applyCommand` accepted (computed on the state after it). */
export function resultText(game: Game, ws: WorldState, c: Command): string {
  const R = game.recNames;
  const O = game.objNames;
  switch (c.verb) {
    case LOOK:
      return ws.loc < 0
        ? 'You are in the middle of a room. Looking quickly around you, you see nothing.'
        : `You are facing the ${R[ws.loc]}. Next to it, you see nothing.`;
    case INVENTORY:
      return ws.held < 0 ? 'You are not carrying anything.' : `You are carrying: a ${O[ws.held]}.`;
    case GOTO:
      return `You arrive at ${R[c.a]}. ${describeReceptacle(game, ws, c.a)}`;
    case OPEN:
      return `You open the ${R[c.a]}. ${describeReceptacle(game, ws, c.a)}`;
    case CLOSE:
      return `You close the ${R[c.a]}.`;
    case TAKE:
      return `You pick up the ${O[c.a]} from the ${R[c.b]}.`;
    case PUT:
      return c.form === 0 ? `You move the ${O[c.a]} to the ${R[c.b]}.` : `You put the ${O[c.a]} ${PUT_FORMS[c.form]} the ${R[c.b]}.`;
    case EXAMINE_REC:
      return describeReceptacle(game, ws, c.a);
    case EXAMINE_OBJ:
      return describeObject(game, ws, c.a);
    case USE:
      return `You turn ${(ws.objState[c.a] & IS_ON) !== 0 ? 'on' : 'off'} the ${O[c.a]}.`;
    case HEAT:
      return `You heat the ${O[c.a]} using the ${R[c.b]}.`;
    case COOL:
      return `You cool the ${O[c.a]} using the ${R[c.b]}.`;
    case CLEAN:
      return `You clean the ${O[c.a]} using the ${R[c.b]}.`;
    case SLICE:
      return `You slice the ${O[c.a]} with the ${O[c.b]}.`;
    default:
      return NOTHING_HAPPENS;
  }
}

/** The goal predicate on the internal state (the same predicate as `successOf` on a `state()` snapshot). */
export function isWon(game: Game, ws: WorldState): boolean {
  const def = TASKS[game.goal.taskType];
  const goalObjs = game.goalObjs;
  if (def.lamp) {
    const h = ws.held;
    if (h < 0 || game.objTypes[h] !== game.goal.objectType) return false;
    for (let k = 0; k < game.goalLamps.length; k++) {
      const lamp = game.goalLamps[k];
      if (ws.objLoc[lamp] === ws.loc && (ws.objState[lamp] & IS_ON) !== 0) return true;
    }
    return false;
  }
  const need = def.needsState;
  if (def.count === 1) {
    for (let k = 0; k < goalObjs.length; k++) {
      const o = goalObjs[k];
      const r = ws.objLoc[o];
      if (r >= 0 && game.recIsTarget[r] === 1 && (ws.objState[o] & need) === need) return true;
    }
    return false;
  }
  for (let i = 0; i < goalObjs.length; i++) {
    const r = ws.objLoc[goalObjs[i]];
    if (r < 0 || game.recIsTarget[r] === 0) continue;
    for (let j = i + 1; j < goalObjs.length; j++) if (ws.objLoc[goalObjs[j]] === r) return true;
  }
  return false;
}
