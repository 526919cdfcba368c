/**
 * The command grammar (ALFWorld's, plus the older `put` form):
 *
 * | command                              | verb        | arguments                       |
 * |--------------------------------------|-------------|---------------------------------|
 * | `look` (`l`)                         | LOOK        |                                 |
 * | `inventory` (`inv`, `i`)             | INVENTORY   |                                 |
 * | `go to {recep}`                      | GOTO        | a = receptacle                  |
 * | `open {recep}` / `close {recep}`     | OPEN/CLOSE  | a = receptacle                  |
 * | `take {obj} from {recep}`            | TAKE        | a = object, b = receptacle      |
 * | `move {obj} to {recep}`              | PUT         | a = object, b = receptacle      |
 * | `put {obj} in|on|in/on {recep}`      | PUT         | (form records which words)      |
 * | `examine {recep}` / `examine {obj}`  | EXAMINE_*   | a = receptacle / object         |
 * | `use {lamp}`                         | USE         | a = object                      |
 * | `heat|cool|clean {obj} with {recep}` | HEAT/COOL/CLEAN | a = object, b = receptacle  |
 * | `slice {obj} with {knife}`           | SLICE       | a = object, b = knife object    |
 *
 * Entities are named `{type} {number}` ("cabinet 3"). Input is matched case-insensitively with runs of
 * whitespace collapsed and a trailing '.' or '!' ignored. Parsing says nothing about whether a command
 * makes sense now; that is the engine's job ("Nothing happens.").
 */
import type { Game } from './game.ts';

export const LOOK = 1;
export const INVENTORY = 2;
export const GOTO = 3;
export const OPEN = 4;
export const CLOSE = 5;
export const TAKE = 6;
export const PUT = 7;
export const EXAMINE_REC = 8;
export const EXAMINE_OBJ = 9;
export const USE = 10;
export const HEAT = 11;
export const COOL = 12;
export const CLEAN = 13;
export const SLICE = 14;

/** `put` forms: 0 = `move X to Y`, 1 = `put X in Y`, 2 = `put X on Y`, 3 = `put X in/on Y`. */
export const PUT_FORMS = ['to', 'in', 'on', 'in/on'] as const;

export interface Command {
  readonly verb: number;
  readonly a: number;
  readonly b: number;
  readonly form: number;
}

const cmd = (verb: number, a = -1, b = -1, form = 0): Command => ({ verb, a, b, form });

export function normalizeCommand(text: string): string {
  let s = text.trim().toLowerCase();
  if (s.endsWith('.') || s.endsWith('!')) s = s.slice(0, -1).trimEnd();
  return s.includes('  ') || /[\t\n\r]/.test(s) ? s.split(/\s+/).join(' ') : s;
}

/** Parse a command against a game's entity names; null when it is not in the grammar. */
export function parseCommand(game: Game, text: string): Command | null {
  const s = normalizeCommand(text);
  if (s === 'look' || s === 'l') return cmd(LOOK);
  if (s === 'inventory' || s === 'inv' || s === 'i') return cmd(INVENTORY);
  const t = s.split(' ');
  const rec = (i: number): number => game.recIndex.get(`${t[i]} ${t[i + 1]}`) ?? -1;
  const obj = (i: number): number => game.objIndex.get(`${t[i]} ${t[i + 1]}`) ?? -1;
  const ok = (c: Command): Command | null => (c.a < 0 || (c.b < 0 && needsB(c.verb)) ? null : c);
  switch (t.length) {
    case 3: {
      if (t[0] === 'open') return ok(cmd(OPEN, rec(1)));
      if (t[0] === 'close') return ok(cmd(CLOSE, rec(1)));
      if (t[0] === 'use') return ok(cmd(USE, obj(1)));
      if (t[0] === 'examine') {
        const r = rec(1);
        return r >= 0 ? cmd(EXAMINE_REC, r) : ok(cmd(EXAMINE_OBJ, obj(1)));
      }
      return null;
    }
    case 4:
      return t[0] === 'go' && t[1] === 'to' ? ok(cmd(GOTO, rec(2))) : null;
    case 6: {
      const v = t[0];
      const w = t[3];
      if (v === 'take' && w === 'from') return ok(cmd(TAKE, obj(1), rec(4)));
      if (v === 'move' && w === 'to') return ok(cmd(PUT, obj(1), rec(4), 0));
      if (v === 'put') {
        const form = w === 'in' ? 1 : w === 'on' ? 2 : w === 'in/on' ? 3 : -1;
        return form < 0 ? null : ok(cmd(PUT, obj(1), rec(4), form));
      }
      if (w !== 'with') return null;
      if (v === 'heat') return ok(cmd(HEAT, obj(1), rec(4)));
      if (v === 'cool') return ok(cmd(COOL, obj(1), rec(4)));
      if (v === 'clean') return ok(cmd(CLEAN, obj(1), rec(4)));
      if (v === 'slice') return ok(cmd(SLICE, obj(1), obj(4)));
      return null;
    }
    default:
      return null;
  }
}

function needsB(verb: number): boolean {
  return verb === TAKE || verb === PUT || verb === HEAT || verb === COOL || verb === CLEAN || verb === SLICE;
}

/** The canonical text of a command (what `admissible` lists and the planner emits). */
export function commandText(game: Game, c: Command): string {
  const R = game.recNames;
  const O = game.objNames;
  switch (c.verb) {
    case LOOK:
      return 'look';
    case INVENTORY:
      return 'inventory';
    case GOTO:
      return `go to ${R[c.a]}`;
    case OPEN:
      return `open ${R[c.a]}`;
    case CLOSE:
      return `close ${R[c.a]}`;
    case TAKE:
      return `take ${O[c.a]} from ${R[c.b]}`;
    case PUT:
      return c.form === 0 ? `move ${O[c.a]} to ${R[c.b]}` : `put ${O[c.a]} ${PUT_FORMS[c.form]} ${R[c.b]}`;
    case EXAMINE_REC:
      return `examine ${R[c.a]}`;
    case EXAMINE_OBJ:
      return `examine ${O[c.a]}`;
    case USE:
      return `use ${O[c.a]}`;
    case HEAT:
      return `heat ${O[c.a]} with ${R[c.b]}`;
    case COOL:
      return `cool ${O[c.a]} with ${R[c.b]}`;
    case CLEAN:
      return `clean ${O[c.a]} with ${R[c.b]}`;
    case SLICE:
      return `slice ${O[c.a]} with ${O[c.b]}`;
    default:
      throw new RangeError(`commandText: unknown verb ${c.verb}`);
  }
}
