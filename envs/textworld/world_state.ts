/**
 * The dynamic part of a text-world episode (gymnax "EnvState"), in typed arrays: where the agent is,
 * what it holds, where every object is, object state bits (IS_CLEAN | IS_HOT | IS_COOL | IS_SLICED |
 * IS_ON) and which receptacles are open. The static part is the `Game`.
 */
import type { Game } from './game.ts';

/** `objLoc` value of the object in the agent's hands. */
export const IN_HAND = -1;
/** `loc` value before the first `go to` (the middle of the room). */
export const MIDDLE = -1;

export interface WorldState {
  /** Receptacle index the agent stands at, or MIDDLE. */
  loc: number;
  /** Object index held, or -1 (the agent holds at most one object). */
  held: number;
  /** Receptacle index of each object, or IN_HAND. */
  readonly objLoc: Int16Array;
  readonly objState: Uint8Array;
  /** 1 = open (meaningful for openable receptacles only). */
  readonly recOpen: Uint8Array;
  /** 1 = the agent has stood at this receptacle during the episode. */
  readonly recVisited: Uint8Array;
}

export function initialWorldState(game: Game): WorldState {
  return {
    loc: MIDDLE,
    held: -1,
    objLoc: game.initObjLoc.slice(),
    objState: new Uint8Array(game.objTypes.length),
    recOpen: new Uint8Array(game.recTypes.length),
    recVisited: new Uint8Array(game.recTypes.length),
  };
}

/** Copy `src` into `dst` (same game). */
export function copyWorldState(src: WorldState, dst: WorldState): WorldState {
  dst.loc = src.loc;
  dst.held = src.held;
  dst.objLoc.set(src.objLoc);
  dst.objState.set(src.objState);
  dst.recOpen.set(src.recOpen);
  dst.recVisited.set(src.recVisited);
  return dst;
}

export function cloneWorldState(src: WorldState): WorldState {
  return { loc: src.loc, held: src.held, objLoc: src.objLoc.slice(), objState: src.objState.slice(), recOpen: src.recOpen.slice(), recVisited: src.recVisited.slice() };
}
