/**
 * The splits are disjoint in the documented sense (splits.ts): valid_unseen rooms never occur in train,
 * held-out (object, receptacle) pairs never occur in train or valid_seen games (placement or goal) and
 * every valid_unseen goal is one, and valid_seen goals are task instances train never poses.
 */
import { describe, expect, it } from 'vitest';
import type { Game } from '../../../envs/textworld/game.ts';
import {
  goalOptions, isHeldOutPair, isUnseenLayout, isValidSeenGoal, layoutPools, SEEN_LAYOUTS_PER_ROOM, SPLITS, UNSEEN_LAYOUTS_PER_ROOM,
} from '../../../envs/textworld/splits.ts';
import { TASK_TYPES } from '../../../envs/textworld/tasks.ts';
import { gamesOf } from './helpers.ts';

const goalKey = (g: Game) => `${g.layout.signature}#${g.goal.taskType}#${g.goal.objectType}#${g.goal.targetType}`;

describe('textworld splits', () => {
  const train = gamesOf('train', 1500);
  const seen = gamesOf('valid_seen', 400);
  const unseen = gamesOf('valid_unseen', 400);

  it('layout pools: the right sizes, distinct, classified by their content hash', () => {
    const { seen: s, unseen: u } = layoutPools();
    expect(s.length).toBe(4 * SEEN_LAYOUTS_PER_ROOM);
    expect(u.length).toBe(4 * UNSEEN_LAYOUTS_PER_ROOM);
    const ss = new Set(s.map((l) => l.signature));
    const us = new Set(u.map((l) => l.signature));
    expect(ss.size).toBe(s.length);
    expect(us.size).toBe(u.length);
    for (const sig of ss) expect(isUnseenLayout(sig)).toBe(false);
    for (const sig of us) expect(isUnseenLayout(sig)).toBe(true);
  });

  it('valid_unseen rooms never appear in train or valid_seen games', () => {
    const trainSigs = new Set([...train, ...seen].map((g) => g.layout.signature));
    for (const g of unseen) expect(trainSigs.has(g.layout.signature), g.layout.signature).toBe(false);
    for (const g of [...train, ...seen]) expect(isUnseenLayout(g.layout.signature)).toBe(false);
    // and the unseen games do use several rooms of every type
    expect(new Set(unseen.map((g) => g.layout.signature)).size).toBeGreaterThan(12);
  });

  it('held-out object/receptacle pairs: never in train or valid_seen (placements and goals), always the valid_unseen goal', () => {
    for (const g of [...train, ...seen]) {
      expect(isHeldOutPair(g.goal.objectType, g.goal.targetType)).toBe(false);
      for (let o = 0; o < g.objTypes.length; o++) {
        if (g.goalLamps.includes(o) || g.objTypes[o].endsWith('lamp')) continue; // lamps are part of the room
        expect(isHeldOutPair(g.objTypes[o], g.recTypes[g.initObjLoc[o]]), `${g.split}: ${g.objNames[o]} in ${g.recNames[g.initObjLoc[o]]}`).toBe(false);
      }
    }
    for (const g of unseen) expect(isHeldOutPair(g.goal.objectType, g.goal.targetType)).toBe(true);
    const trainPairs = new Set(train.map((g) => `${g.goal.objectType}>${g.goal.targetType}`));
    for (const g of unseen) expect(trainPairs.has(`${g.goal.objectType}>${g.goal.targetType}`)).toBe(false);
  });

  it('valid_seen goals are task instances train never poses (same rooms)', () => {
    const trainKeys = new Set(train.map(goalKey));
    for (const g of seen) {
      expect(trainKeys.has(goalKey(g))).toBe(false);
      expect(isValidSeenGoal(g.layout.signature, g.goal.taskType, g.goal.objectType, g.goal.targetType)).toBe(true);
    }
    for (const g of train) expect(isValidSeenGoal(g.layout.signature, g.goal.taskType, g.goal.objectType, g.goal.targetType)).toBe(false);
    const seenRooms = new Set(layoutPools().seen.map((l) => l.signature));
    for (const g of seen) expect(seenRooms.has(g.layout.signature)).toBe(true);
  });

  it('every split offers goals of every task type', () => {
    for (const split of SPLITS) for (const task of TASK_TYPES) expect(goalOptions(split, task).length).toBeGreaterThan(0);
  });
});
