/** Game generation: deterministic per seed, and every game is well-formed, solvable in principle and not won at reset. */
import { describe, expect, it } from 'vitest';
import { OBS_MAX_LENGTH } from '../../../envs/textworld/textworld_env.ts';
import { IS_ON, RECEPTACLES, ROOMS, ROOM_TYPES, TEXTWORLD_CHARSET } from '../../../envs/textworld/catalog.ts';
import { generateGame } from '../../../envs/textworld/game.ts';
import { generateLayout } from '../../../envs/textworld/layout.ts';
import { isWon } from '../../../envs/textworld/rules.ts';
import { SPLITS } from '../../../envs/textworld/splits.ts';
import { TASK_TYPES, TASKS } from '../../../envs/textworld/tasks.ts';
import { initialWorldState } from '../../../envs/textworld/world_state.ts';
import { gamesOf } from './helpers.ts';

describe('textworld game generation', () => {
  it('the same (seed, split, task types) gives the same game; other seeds give other games', () => {
    for (const split of SPLITS) {
      for (const seed of [0, 1, 99, 123456789]) {
        expect(generateGame({ seed, split, taskTypes: TASK_TYPES })).toEqual(generateGame({ seed, split, taskTypes: TASK_TYPES }));
      }
    }
    const intros = new Set(gamesOf('train', 200).map((g) => `${g.intro}|${Array.from(g.initObjLoc).join(',')}`));
    expect(intros.size).toBeGreaterThan(190);
  });

  it('layouts are a pure function of (room, seed)', () => {
    for (const room of ROOM_TYPES) expect(generateLayout(room, 42)).toEqual(generateLayout(room, 42));
  });

  it('catalog: receptacle and object type names never collide, object receptacle lists name real receptacle types', () => {
    const recTypes = new Set(Object.keys(RECEPTACLES));
    for (const room of ROOM_TYPES) {
      for (const o of ROOMS[room].objects) {
        expect(recTypes.has(o.type), `${o.type} is also a receptacle type`).toBe(false);
        for (const r of o.recs) expect(recTypes.has(r), `${room}/${o.type}: unknown receptacle type ${r}`).toBe(true);
      }
      for (const [t] of ROOMS[room].receptacles) expect(recTypes.has(t)).toBe(true);
    }
  });

  it('every game: task type as asked, goal objects present, target present, nothing won or open or prepared at reset', () => {
    const charset = new Set(TEXTWORLD_CHARSET);
    for (const split of SPLITS) {
      for (const task of TASK_TYPES) {
        for (const g of gamesOf(split, 60, [task])) {
          const def = TASKS[task];
          expect(g.goal.taskType).toBe(task);
          expect(g.goalObjs.length).toBeGreaterThanOrEqual(def.count);
          expect(g.intro.endsWith(`Your task is to: ${g.goal.text}`)).toBe(true);
          expect(g.intro.length).toBeLessThanOrEqual(OBS_MAX_LENGTH);
          expect([...g.intro].every((c) => charset.has(c))).toBe(true);
          if (def.lamp) {
            expect(g.goalLamps.length).toBe(1);
          } else {
            expect(g.recIsTarget.some((x) => x === 1)).toBe(true);
            for (const o of g.goalObjs) expect(g.recIsTarget[g.initObjLoc[o]], `${g.objNames[o]} starts in the target`).toBe(0);
          }
          if (def.applianceType !== '') expect(g.appliances.length).toBeGreaterThan(0);
          expect(isWon(g, initialWorldState(g))).toBe(false);
          const ws = initialWorldState(g);
          expect(ws.recOpen.every((x) => x === 0)).toBe(true);
          expect(ws.objState.every((x) => (x & IS_ON) === 0)).toBe(true);
          expect(new Set(g.recNames).size).toBe(g.recNames.length);
          expect(new Set(g.objNames).size).toBe(g.objNames.length);
          for (let o = 0; o < g.objNames.length; o++) expect(g.initObjLoc[o]).toBeGreaterThanOrEqual(0);
        }
      }
    }
  });

  it('rejects an empty task-type list', () => {
    expect(() => generateGame({ seed: 0, split: 'train', taskTypes: [] })).toThrow(/taskTypes must not be empty/);
  });
});
