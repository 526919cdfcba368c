/**
 * The engine: grammar (both `move X to Y` and `put X in/on Y`), "Nothing happens." leaves the state
 * untouched, and the admissible list is exactly the set of valid commands (sorted, unique, cached
 * correctly) — each admissible command parses and either changes the state or is look/inventory/examine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextWorldEngine } from '../../../envs/textworld/engine.ts';
import { expertPlan } from '../../../envs/textworld/planner.ts';
import {
  CLEAN, CLOSE, COOL, type Command, commandText, EXAMINE_OBJ, EXAMINE_REC, GOTO, HEAT, INVENTORY, LOOK, OPEN, parseCommand, PUT, SLICE, TAKE, USE,
} from '../../../envs/textworld/parser.ts';
import { applyCommand, CHANGED, INVALID, NOTHING_HAPPENS, OBSERVED } from '../../../envs/textworld/rules.ts';
import { cloneWorldState, copyWorldState } from '../../../envs/textworld/world_state.ts';
import { Rng } from '../../../sim/rng.ts';
import { engineFor, randomWalk } from './helpers.ts';

const OBSERVING = new Set([LOOK, INVENTORY, EXAMINE_REC, EXAMINE_OBJ]);

/** Every canonical command over the game's entities that could matter in the current state. */
function candidateCommands(e: TextWorldEngine): Command[] {
  const g = e.game;
  const ws = e.ws;
  const nR = g.recNames.length;
  const nO = g.objNames.length;
  const out: Command[] = [];
  const c = (verb: number, a = -1, b = -1): void => void out.push({ verb, a, b, form: 0 });
  const recs = [ws.loc, (ws.loc + 1) % nR].filter((r) => r >= 0);
  for (let r = 0; r < nR; r++) {
    c(GOTO, r);
    c(OPEN, r);
    c(CLOSE, r);
  }
  for (let o = 0; o < nO; o++) {
    c(USE, o);
    for (const r of recs) for (const v of [TAKE, PUT, HEAT, COOL, CLEAN]) c(v, o, r);
    if (ws.held >= 0) c(SLICE, o, ws.held);
    c(SLICE, o, (o + 1) % nO);
  }
  return out;
}

describe('textworld engine', () => {
  it('accepts both put forms, case and spacing variants, and aliases', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const ref = engineFor(seed, 'train', ['pick_and_place']);
      const plan = expertPlan(ref.game, ref.ws).commands;
      for (const form of ['put {o} in {r}', 'put {o} on {r}', 'put {o} in/on {r}', 'MOVE  {o}   to {r}.']) {
        const e = engineFor(seed, 'train', ['pick_and_place']);
        for (const cmd of plan) {
          const m = /^move (\S+ \d+) to (\S+ \d+)$/.exec(cmd);
          const typed = m ? form.replace('{o}', m[1]).replace('{r}', m[2]) : cmd;
          expect(e.step(typed).text, typed).not.toBe(NOTHING_HAPPENS);
        }
        expect(e.won(), `${form} on seed ${seed}`).toBe(true);
      }
    }
    const e = engineFor(0);
    for (const [typed, verb] of [['look', LOOK], ['L', LOOK], ['i', INVENTORY], ['inv', INVENTORY], ['  Inventory  ', INVENTORY]] as const) {
      expect(parseCommand(e.game, typed)?.verb).toBe(verb);
    }
    const r = e.game.recNames[0];
    expect(parseCommand(e.game, `Go  To ${r.toUpperCase()}!`)).toEqual({ verb: GOTO, a: 0, b: -1, form: 0 });
    for (const bad of ['', 'go', 'go to', `go to ${r} now`, 'take', 'take apple 99 from cabinet 1', 'jump', 'put a in b', `go to ${r.split(' ')[0]} 999`]) {
      expect(parseCommand(e.game, bad), bad).toBeNull();
    }
  });

  it('messages follow ALFWorld (arrival, open, take, move, inventory, look)', () => {
    const e = engineFor(11, 'train', ['pick_and_place']);
    const g = e.game;
    expect(e.step('look').text).toBe('You are in the middle of a room. Looking quickly around you, you see nothing.');
    expect(e.step('inventory').text).toBe('You are not carrying anything.');
    const closed = g.recNames.findIndex((_, r) => g.recOpenable[r] === 1);
    const name = g.recNames[closed];
    expect(e.step(`go to ${name}`).text).toBe(`You arrive at ${name}. The ${name} is closed.`);
    expect(e.step(`open ${name}`).text).toMatch(new RegExp(`^You open the ${name}\\. The ${name} is open\\. In it, you see (nothing|a .+)\\.$`));
    expect(e.step(`close ${name}`).text).toBe(`You close the ${name}.`);
    expect(e.step('look').text).toBe(`You are facing the ${name}. Next to it, you see nothing.`);
  });

  it('property: every admissible command parses and changes the state, or is look/inventory/examine (state unchanged)', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.integer({ min: 0, max: 40 }), (seed, steps) => {
        const e = engineFor(seed);
        randomWalk(e, steps, new Rng(seed));
        const adm = e.admissible();
        expect(adm.length).toBeLessThan(128);
        expect([...adm].sort()).toEqual(adm);
        expect(new Set(adm).size).toBe(adm.length);
        const before = e.snapshot();
        for (const text of adm) {
          const c = parseCommand(e.game, text);
          expect(c, text).not.toBeNull();
          const ws = cloneWorldState(e.ws);
          const code = applyCommand(e.game, ws, c!);
          if (OBSERVING.has(c!.verb)) {
            expect(code, text).toBe(OBSERVED);
            expect(ws).toEqual(e.ws);
          } else {
            expect(code, text).toBe(CHANGED);
            expect(ws, text).not.toEqual(e.ws);
          }
        }
        expect(e.snapshot()).toEqual(before);
      }),
      { numRuns: 60, seed: 1 },
    );
  });

  it('property: the admissible list is complete (every state-changing canonical command is in it) and the cache is fresh', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.integer({ min: 0, max: 40 }), (seed, steps) => {
        const e = engineFor(seed);
        randomWalk(e, steps, new Rng(seed + 1));
        const adm = new Set(e.admissible());
        for (const c of candidateCommands(e)) {
          const ws = cloneWorldState(e.ws);
          const changed = applyCommand(e.game, ws, c) === CHANGED;
          expect(adm.has(commandText(e.game, c)), `${commandText(e.game, c)} (valid: ${changed})`).toBe(changed);
        }
        // A fresh engine put into the same state lists the same commands (no stale cache).
        const fresh = new TextWorldEngine(e.game);
        copyWorldState(e.ws, fresh.ws);
        fresh.version++;
        expect(fresh.admissible()).toEqual(e.admissible());
      }),
      { numRuns: 40, seed: 2 },
    );
  });

  it('property: invalid commands say "Nothing happens." and leave state() untouched', () => {
    const command = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('open', 'close', 'take', 'move', 'put', 'heat', 'cool', 'clean', 'slice', 'use', 'go to', 'examine').chain((v) =>
        fc.tuple(fc.constant(v), fc.nat(60), fc.nat(60), fc.constantFrom('from', 'to', 'in', 'on', 'with')).map(([verb, a, b, w]) => ({ verb, a, b, w })),
      ),
    );
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.integer({ min: 0, max: 30 }), fc.array(command, { minLength: 1, maxLength: 8 }), (seed, steps, cmds) => {
        const e = engineFor(seed);
        randomWalk(e, steps, new Rng(seed + 2));
        const g = e.game;
        for (const spec of cmds) {
          let text: string;
          if (typeof spec === 'string') text = spec;
          else {
            const o = g.objNames[spec.a % g.objNames.length];
            const r = g.recNames[spec.b % g.recNames.length];
            text = spec.verb === 'go to' || spec.verb === 'open' || spec.verb === 'close' ? `${spec.verb} ${r}` : `${spec.verb} ${o} ${spec.w} ${r}`;
          }
          const before = e.snapshot();
          const version = e.version;
          const valid = e.admissible().includes(text);
          const out = e.step(text);
          if (out.code === INVALID) {
            expect(out.text).toBe(NOTHING_HAPPENS);
            expect(e.snapshot()).toEqual(before);
            expect(e.version).toBe(version);
            expect(valid).toBe(false);
          } else {
            expect(out.text).not.toBe(NOTHING_HAPPENS);
          }
        }
      }),
      { numRuns: 60, seed: 3 },
    );
  });

  it('specific rules: one object in hand, closed receptacles hide and refuse, appliances need the right object', () => {
    // Find a kitchen heat game and walk the expert up to holding the object.
    const e = engineFor(5, 'train', ['pick_heat_then_place']);
    const g = e.game;
    const plan = expertPlan(g, e.ws).commands;
    const takeAt = plan.findIndex((c) => c.startsWith('take '));
    for (const c of plan.slice(0, takeAt + 1)) expect(e.step(c).code).toBe(CHANGED);
    const held = e.ws.held;
    expect(held).toBeGreaterThanOrEqual(0);
    const here = g.recNames[e.ws.loc];
    const other = g.objNames.find((n, o) => o !== held && e.ws.objLoc[o] === e.ws.loc);
    if (other) expect(e.step(`take ${other} from ${here}`).text).toBe(NOTHING_HAPPENS); // hands full
    const fridge = g.recNames[g.recTypes.indexOf('fridge')];
    expect(e.step(`heat ${g.objNames[held]} with ${fridge}`).text).toBe(NOTHING_HAPPENS); // not at a microwave
    expect(e.step(`go to ${fridge}`).code).toBe(CHANGED);
    expect(e.step(`move ${g.objNames[held]} to ${fridge}`).text).toBe(NOTHING_HAPPENS); // closed
    expect(e.step(`open ${fridge}`).code).toBe(CHANGED);
    expect(e.step(`open ${fridge}`).text).toBe(NOTHING_HAPPENS); // already open
    expect(e.step(`go to ${fridge}`).text).toBe(NOTHING_HAPPENS); // already there
    expect(e.step(`move ${g.objNames[held]} to ${fridge}`).code).toBe(CHANGED);
    expect(e.step(`examine ${g.objNames[held]}`).code).toBe(OBSERVED); // visible in the open fridge
  });
});
