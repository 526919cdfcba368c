/**
 * The three splits — `train`, `valid_seen`, `valid_unseen` — defined on the CONTENT of a game, so they
 * are disjoint by construction (no bookkeeping of which seeds were used):
 *
 * 1. **Layouts.** A layout's class is a hash of its signature (its whole content): `unseen` when
 *    `hash(signature) mod 5 = 0`. `train` and `valid_seen` draw from a pool of 20 seen-class layouts per
 *    room type, `valid_unseen` from a pool of 6 unseen-class layouts per room type. Since the class is a
 *    function of the content, no `valid_unseen` room can ever be produced for `train`.
 * 2. **Object/receptacle combinations.** About 15 % of the (object type, receptacle-or-lamp type) pairs
 *    are *held out*, again by hash. `train` and `valid_seen` games never place an object in a held-out
 *    receptacle type nor ask for a held-out pair in the goal; every `valid_unseen` goal IS a held-out pair
 *    ("put a tomato in cabinet" where no training game ever had a tomato in a cabinet), and its initial
 *    placements may use held-out pairs.
 * 3. **Task instances.** `valid_seen` uses the training rooms and vocabulary but only goals whose key
 *    hash(layout signature, task type, object type, target type) mod 10 = 0; `train` only the others. So a
 *    `valid_seen` game is a task never posed in that room in training (ALFWorld's seen split: same rooms,
 *    new tasks and placements).
 *
 * The pools and the per-(split, task type) goal option lists are built once, lazily, from fixed seeds.
 */
import { deriveSeed } from '../../sim/rng.ts';
import { type ObjectType, ROOM_TYPES, ROOMS, type RoomType } from './catalog.ts';
import { generateLayout, type Layout, receptacleCount } from './layout.ts';
import { TASKS, type TaskType } from './tasks.ts';

export const SPLITS = ['train', 'valid_seen', 'valid_unseen'] as const;
export type Split = (typeof SPLITS)[number];

export function isSplit(x: unknown): x is Split {
  return typeof x === 'string' && (SPLITS as readonly string[]).includes(x);
}

/** Root seed of everything split-related (changing it is a new version of the family). */
export const SPLIT_SEED = 0x5eed_a1f0;
export const SEEN_LAYOUTS_PER_ROOM = 20;
export const UNSEEN_LAYOUTS_PER_ROOM = 6;
/** Percentage of (object, receptacle) pairs held out for valid_unseen. */
export const HELD_OUT_PERCENT = 15;

/** Layout class: true when the layout may only appear in valid_unseen. */
export function isUnseenLayout(signature: string): boolean {
  return deriveSeed(SPLIT_SEED, 'layout-class', signature) % 5 === 0;
}

/** (object type, receptacle or lamp type) pairs that only valid_unseen games may contain. */
export function isHeldOutPair(objectType: string, targetType: string): boolean {
  return deriveSeed(SPLIT_SEED, 'pair', objectType, targetType) % 100 < HELD_OUT_PERCENT;
}

/** Goal-key class: true for the task instances reserved for valid_seen. */
export function isValidSeenGoal(layoutSignature: string, task: TaskType, objectType: string, targetType: string): boolean {
  return deriveSeed(SPLIT_SEED, 'goal', layoutSignature, task, objectType, targetType) % 10 === 0;
}

export interface LayoutPools {
  /** Seen-class layouts (train and valid_seen), per room type. */
  readonly seen: readonly Layout[];
  /** Unseen-class layouts (valid_unseen), per room type. */
  readonly unseen: readonly Layout[];
}

let pools: LayoutPools | undefined;

/** The layout pools (built on first use; deterministic). */
export function layoutPools(): LayoutPools {
  if (pools) return pools;
  const seen: Layout[] = [];
  const unseen: Layout[] = [];
  for (const room of ROOM_TYPES) {
    const sigs = new Set<string>();
    let nSeen = 0;
    let nUnseen = 0;
    for (let k = 0; nSeen < SEEN_LAYOUTS_PER_ROOM || nUnseen < UNSEEN_LAYOUTS_PER_ROOM; k++) {
      if (k > 100_000) throw new Error(`could not draw enough distinct ${room} layouts (catalog too small)`);
      const layout = generateLayout(room, deriveSeed(SPLIT_SEED, 'layout', room, k));
      if (sigs.has(layout.signature)) continue;
      sigs.add(layout.signature);
      if (isUnseenLayout(layout.signature)) {
        if (nUnseen < UNSEEN_LAYOUTS_PER_ROOM) {
          unseen.push(layout);
          nUnseen++;
        }
      } else if (nSeen < SEEN_LAYOUTS_PER_ROOM) {
        seen.push(layout);
        nSeen++;
      }
    }
  }
  pools = { seen, unseen };
  return pools;
}

export function layoutsFor(split: Split): readonly Layout[] {
  const p = layoutPools();
  return split === 'valid_unseen' ? p.unseen : p.seen;
}

const objectSpecs = new Map<RoomType, Map<string, ObjectType>>();

/** The catalog entry of an object type in a room. */
export function objectSpec(room: RoomType, type: string): ObjectType {
  let m = objectSpecs.get(room);
  if (!m) {
    m = new Map(ROOMS[room].objects.map((x) => [x.type, x]));
    objectSpecs.set(room, m);
  }
  const spec = m.get(type);
  if (!spec) throw new Error(`object type '${type}' does not occur in a ${room}`);
  return spec;
}

/**
 * Receptacle types an object of `spec` may START in, in this layout and split: its catalog receptacles
 * that the room has, minus `exclude`, minus held-out pairs unless the split is valid_unseen.
 */
export function placementTypes(layout: Layout, spec: ObjectType, split: Split, exclude: string): string[] {
  const out: string[] = [];
  for (const r of spec.recs) {
    if (r === exclude || receptacleCount(layout, r) === 0) continue;
    if (split !== 'valid_unseen' && isHeldOutPair(spec.type, r)) continue;
    out.push(r);
  }
  return out;
}

export interface GoalOption {
  readonly layout: Layout;
  readonly objectType: string;
  /** Receptacle type (or lamp type for look_at_obj_in_light). */
  readonly targetType: string;
}

const optionCache = new Map<string, readonly (readonly GoalOption[])[]>();

/**
 * Every goal a game of this split and task type may have, grouped by layout (layouts without any are
 * left out). The generator picks a layout group uniformly, then an option in it.
 */
export function goalOptions(split: Split, task: TaskType): readonly (readonly GoalOption[])[] {
  const key = `${split}/${task}`;
  const hit = optionCache.get(key);
  if (hit) return hit;
  const def = TASKS[task];
  const groups: GoalOption[][] = [];
  for (const layout of layoutsFor(split)) {
    const group: GoalOption[] = [];
    const room = ROOMS[layout.roomType];
    if (def.lamp && !layout.lamp) continue;
    if (def.applianceType !== '' && receptacleCount(layout, def.applianceType) === 0) continue;
    for (const spec of room.objects) {
      if ((spec.props & def.needsProp) !== def.needsProp) continue;
      const targets = def.lamp ? [layout.lamp!.type] : spec.recs.filter((r) => receptacleCount(layout, r) > 0 && r !== def.applianceType);
      for (const target of targets) {
        const heldOut = isHeldOutPair(spec.type, target);
        if (split === 'valid_unseen' ? !heldOut : heldOut) continue;
        if (split !== 'valid_unseen') {
          const reserved = isValidSeenGoal(layout.signature, task, spec.type, target);
          if (split === 'valid_seen' ? !reserved : reserved) continue;
        }
        // The goal objects must have somewhere to start that is not already the target.
        if (placementTypes(layout, spec, split, def.lamp ? '' : target).length === 0) continue;
        group.push({ layout, objectType: spec.type, targetType: target });
      }
    }
    if (group.length > 0) groups.push(group);
  }
  if (groups.length === 0) throw new Error(`no ${task} goal is possible in split '${split}' (catalog/split error)`);
  optionCache.set(key, groups);
  return groups;
}
