/**
 * TextWorldEngine: one game being played — parse a typed command, apply the rules, produce ALFWorld's
 * message, and list the admissible commands. The Gymnasium env (textworld_env.ts) is a thin shell on it.
 *
 * Speed (the hot path of every text agent): parsed commands are cached per game (agents mostly send
 * strings from the admissible list, so a step is one Map lookup); command strings are built once per
 * game and reused; the admissible list is rebuilt only when the state changed (`version`), by merging a
 * per-location sorted list of the static commands (`look`, `inventory`, `go to …`, `examine <here>`)
 * with the few location- and hand-dependent ones — no full sort per step.
 */
import { CLEANABLE, COOLABLE, HEATABLE, IS_CLEAN, IS_COOL, IS_HOT, IS_SLICED, LAMP, ROLE_FRIDGE, ROLE_MICROWAVE, ROLE_SINK, SHARP, SLICEABLE } from './catalog.ts';
import type { Game } from './game.ts';
import {
  CLEAN, CLOSE, COOL, type Command, commandText, EXAMINE_OBJ, EXAMINE_REC, GOTO, HEAT, INVENTORY, LOOK, OPEN, parseCommand, PUT, SLICE, TAKE, USE,
} from './parser.ts';
import { accessible, applyCommand, CHANGED, INVALID, isWon, NOTHING_HAPPENS, resultText } from './rules.ts';
import { snapshotState, type TextWorldState } from './state.ts';
import { copyWorldState, initialWorldState, type WorldState } from './world_state.ts';

/** Upper bound on cached parses per game (a typing agent could send unboundedly many strings). */
const PARSE_CACHE_LIMIT = 4096;

export interface EngineStep {
  readonly text: string;
  /** INVALID, CHANGED or OBSERVED (rules.ts). */
  readonly code: number;
}

export class TextWorldEngine {
  readonly game: Game;
  readonly ws: WorldState;
  /** Incremented on every state change (admissible cache key). */
  version = 0;
  private readonly parses = new Map<string, Command | null>();
  /** Canonical command strings by numeric key (verb, a, b). */
  private readonly texts = new Map<number, string>();
  /** Sorted static commands: [0] everywhere (and in the middle of the room), [loc + 1] at receptacle loc. */
  private readonly base: (readonly string[] | undefined)[];
  private admissibleCache: readonly string[] = [];
  private admissibleVersion = -1;
  private readonly dyn: string[] = [];

  constructor(game: Game) {
    this.game = game;
    this.ws = initialWorldState(game);
    this.base = new Array(game.recTypes.length + 1);
  }

  /** Back to the game's initial state; returns the intro observation. */
  reset(): string {
    copyWorldState(initialWorldState(this.game), this.ws);
    this.version++;
    return this.game.intro;
  }

  /** Parse (cached) a typed command. */
  parse(text: string): Command | null {
    let c = this.parses.get(text);
    if (c === undefined) {
      c = parseCommand(this.game, text);
      if (this.parses.size >= PARSE_CACHE_LIMIT) this.parses.clear();
      this.parses.set(text, c);
    }
    return c;
  }

  /** Execute one typed command. */
  step(text: string): EngineStep {
    const c = this.parse(text);
    if (c === null) return { text: NOTHING_HAPPENS, code: INVALID };
    const code = applyCommand(this.game, this.ws, c);
    if (code === INVALID) return { text: NOTHING_HAPPENS, code };
    if (code === CHANGED) this.version++;
    return { text: resultText(this.game, this.ws, c), code };
  }

  won(): boolean {
    return isWon(this.game, this.ws);
  }

  snapshot(): TextWorldState {
    return snapshotState(this.game, this.ws);
  }

  /** Canonical text of (verb, a, b), built once per game. */
  text(verb: number, a = -1, b = -1): string {
    const key = (verb * 1024 + (a + 1)) * 1024 + (b + 1);
    let s = this.texts.get(key);
    if (s === undefined) {
      s = commandText(this.game, { verb, a, b, form: 0 });
      this.texts.set(key, s);
    }
    return s;
  }

  /** Every `go to R` plus `look` and `inventory`, sorted (built once per game). */
  private allStatic(): readonly string[] {
    let b = this.base[0];
    if (b === undefined) {
      const out = [this.text(LOOK), this.text(INVENTORY)];
      for (let r = 0; r < this.game.recTypes.length; r++) out.push(this.text(GOTO, r));
      out.sort();
      b = Object.freeze(out);
      this.base[0] = b;
    }
    return b;
  }

  /** Sorted static commands at location `loc`: all of `allStatic()` but `go to <loc>`, plus `examine <loc>`. */
  private baseAt(loc: number): readonly string[] {
    if (loc < 0) return this.allStatic();
    let b = this.base[loc + 1];
    if (b === undefined) {
      const all = this.allStatic();
      const skip = this.text(GOTO, loc);
      const examine = this.text(EXAMINE_REC, loc);
      const out: string[] = [];
      let placed = false;
      for (const c of all) {
        if (c === skip) continue;
        if (!placed && examine < c) {
          out.push(examine);
          placed = true;
        }
        out.push(c);
      }
      if (!placed) out.push(examine);
      b = Object.freeze(out);
      this.base[loc + 1] = b;
    }
    return b;
  }

  /**
   * The admissible commands now: sorted, unique, each valid (it changes the state, or is look /
   * inventory / examine). Frozen; the same array is returned until the state changes.
   */
  admissible(): readonly string[] {
    if (this.admissibleVersion === this.version) return this.admissibleCache;
    const game = this.game;
    const ws = this.ws;
    const loc = ws.loc;
    const held = ws.held;
    const dyn = this.dyn;
    dyn.length = 0;
    if (loc >= 0) {
      if (game.recOpenable[loc] === 1) dyn.push(this.text(ws.recOpen[loc] === 1 ? CLOSE : OPEN, loc));
      if (accessible(game, ws, loc)) {
        const objLoc = ws.objLoc;
        const heldSharp = held >= 0 && (game.objProps[held] & SHARP) !== 0;
        for (let o = 0; o < objLoc.length; o++) {
          if (objLoc[o] !== loc) continue;
          const p = game.objProps[o];
          if ((p & LAMP) !== 0) dyn.push(this.text(USE, o));
          else if (held < 0) dyn.push(this.text(TAKE, o, loc));
          if (heldSharp && (p & SLICEABLE) !== 0 && (ws.objState[o] & IS_SLICED) === 0) dyn.push(this.text(SLICE, o, held));
        }
        if (held >= 0) dyn.push(this.text(PUT, held, loc));
      }
      if (held >= 0) {
        const role = game.recRole[loc];
        const p = game.objProps[held];
        const s = ws.objState[held];
        if (role === ROLE_MICROWAVE && (p & HEATABLE) !== 0 && (s & IS_HOT) === 0) dyn.push(this.text(HEAT, held, loc));
        else if (role === ROLE_FRIDGE && (p & COOLABLE) !== 0 && (s & IS_COOL) === 0) dyn.push(this.text(COOL, held, loc));
        else if (role === ROLE_SINK && (p & CLEANABLE) !== 0 && (s & IS_CLEAN) === 0) dyn.push(this.text(CLEAN, held, loc));
      }
    }
    if (held >= 0) dyn.push(this.text(EXAMINE_OBJ, held));
    dyn.sort();
    // Merge two sorted lists (no duplicates: static and dynamic commands have different verbs).
    const base = this.baseAt(loc);
    const out = new Array<string>(base.length + dyn.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < base.length && j < dyn.length) out[k++] = base[i] < dyn[j] ? base[i++] : dyn[j++];
    while (i < base.length) out[k++] = base[i++];
    while (j < dyn.length) out[k++] = dyn[j++];
    this.admissibleCache = Object.freeze(out);
    this.admissibleVersion = this.version;
    return this.admissibleCache;
  }
}
