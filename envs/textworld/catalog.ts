/**
 * The household vocabulary of the text worlds (after ALFWorld / AI2-THOR): room types, receptacle types
 * (which open, which are appliances), object types with their properties (cleanable, heatable, coolable,
 * sliceable, knife, lamp) and the receptacle types each object may be found in — which is also the set
 * of receptacle types a goal may ask it to be put in.
 *
 * Everything here is static data; `layout.ts` draws rooms from it and `game.ts` draws games.
 */

export const ROOM_TYPES = ['kitchen', 'livingroom', 'bedroom', 'bathroom'] as const;
export type RoomType = (typeof ROOM_TYPES)[number];

// ---- object property bits (static, per object type) ----
export const CLEANABLE = 1;
export const HEATABLE = 2;
export const COOLABLE = 4;
export const SLICEABLE = 8;
/** Can slice things (knife, butterknife). */
export const SHARP = 16;
/** A lamp: cannot be picked up; `use` toggles it. */
export const LAMP = 32;

// ---- object state bits (dynamic) ----
export const IS_CLEAN = 1;
export const IS_HOT = 2;
export const IS_COOL = 4;
export const IS_SLICED = 8;
export const IS_ON = 16;

// ---- receptacle roles ----
export const ROLE_NONE = 0;
/** `cool X with fridge N`. */
export const ROLE_FRIDGE = 1;
/** `heat X with microwave N`. */
export const ROLE_MICROWAVE = 2;
/** `clean X with sinkbasin N`. */
export const ROLE_SINK = 3;

export interface ReceptacleType {
  readonly openable: boolean;
  readonly role: number;
}

/** Every receptacle type. Openable ones start closed and hide their contents until opened. */
export const RECEPTACLES: Readonly<Record<string, ReceptacleType>> = {
  armchair: { openable: false, role: ROLE_NONE },
  bathtubbasin: { openable: false, role: ROLE_NONE },
  bed: { openable: false, role: ROLE_NONE },
  cabinet: { openable: true, role: ROLE_NONE },
  coffeemachine: { openable: false, role: ROLE_NONE },
  coffeetable: { openable: false, role: ROLE_NONE },
  countertop: { openable: false, role: ROLE_NONE },
  desk: { openable: false, role: ROLE_NONE },
  diningtable: { openable: false, role: ROLE_NONE },
  drawer: { openable: true, role: ROLE_NONE },
  dresser: { openable: false, role: ROLE_NONE },
  fridge: { openable: true, role: ROLE_FRIDGE },
  garbagecan: { openable: false, role: ROLE_NONE },
  handtowelholder: { openable: false, role: ROLE_NONE },
  laundryhamper: { openable: false, role: ROLE_NONE },
  microwave: { openable: true, role: ROLE_MICROWAVE },
  ottoman: { openable: false, role: ROLE_NONE },
  safe: { openable: true, role: ROLE_NONE },
  shelf: { openable: false, role: ROLE_NONE },
  sidetable: { openable: false, role: ROLE_NONE },
  sinkbasin: { openable: false, role: ROLE_SINK },
  sofa: { openable: false, role: ROLE_NONE },
  stoveburner: { openable: false, role: ROLE_NONE },
  toaster: { openable: false, role: ROLE_NONE },
  toilet: { openable: false, role: ROLE_NONE },
  toiletpaperhanger: { openable: false, role: ROLE_NONE },
  towelholder: { openable: false, role: ROLE_NONE },
  tvstand: { openable: false, role: ROLE_NONE },
};

export interface ObjectType {
  readonly type: string;
  /** Property bits (CLEANABLE | HEATABLE | …). */
  readonly props: number;
  /** Receptacle types it can be found in (and put into by a goal). */
  readonly recs: readonly string[];
}

/** Receptacle-count ranges `[type, min, max]` of a room. */
export type ReceptacleRange = readonly [type: string, min: number, max: number];

export interface LampSpec {
  readonly type: 'desklamp' | 'floorlamp';
  /** Receptacle types the lamp may stand on / beside (it is listed among their contents). */
  readonly hosts: readonly string[];
}

export interface RoomSpec {
  readonly receptacles: readonly ReceptacleRange[];
  /** Lamp kinds the room may have (exactly one lamp when non-empty). */
  readonly lamps: readonly LampSpec[];
  readonly objects: readonly ObjectType[];
}

const C = CLEANABLE;
const H = HEATABLE;
const K = COOLABLE;
const S = SLICEABLE;

const o = (type: string, props: number, recs: readonly string[]): ObjectType => ({ type, props, recs });

const FOOD_RECS = ['countertop', 'diningtable', 'fridge', 'microwave', 'sinkbasin', 'garbagecan'];
const DISH_RECS = ['countertop', 'diningtable', 'cabinet', 'shelf', 'fridge', 'microwave', 'sinkbasin'];
const UTENSIL_RECS = ['countertop', 'diningtable', 'drawer', 'sinkbasin'];
const LIVING_SMALL = ['coffeetable', 'sidetable', 'diningtable', 'drawer', 'cabinet', 'shelf', 'tvstand', 'dresser', 'sofa', 'armchair', 'ottoman', 'safe'];
const LIVING_DECOR = ['coffeetable', 'sidetable', 'diningtable', 'shelf', 'tvstand', 'dresser', 'cabinet'];
const BED_SMALL = ['desk', 'sidetable', 'dresser', 'shelf', 'drawer', 'safe'];

export const ROOMS: Readonly<Record<RoomType, RoomSpec>> = {
  kitchen: {
    receptacles: [
      ['cabinet', 2, 9], ['drawer', 1, 6], ['countertop', 1, 3], ['shelf', 0, 3], ['fridge', 1, 1], ['microwave', 1, 1],
      ['sinkbasin', 1, 1], ['stoveburner', 2, 4], ['diningtable', 0, 2], ['garbagecan', 1, 1], ['coffeemachine', 1, 1], ['toaster', 0, 1],
    ],
    lamps: [],
    objects: [
      o('apple', C | H | K | S, [...FOOD_RECS, 'shelf']),
      o('bread', H | K | S, ['countertop', 'diningtable', 'fridge', 'microwave', 'cabinet', 'shelf']),
      o('lettuce', C | K | S, ['countertop', 'diningtable', 'fridge', 'sinkbasin', 'garbagecan']),
      o('potato', C | H | K | S, FOOD_RECS),
      o('tomato', C | H | K | S, FOOD_RECS),
      o('egg', C | H | K, FOOD_RECS),
      o('mug', C | H | K, [...DISH_RECS, 'coffeemachine']),
      o('cup', C | H | K, DISH_RECS),
      o('bowl', C | H | K, DISH_RECS),
      o('plate', C | H | K, DISH_RECS),
      o('pan', C | K, ['stoveburner', 'countertop', 'cabinet', 'diningtable', 'sinkbasin', 'fridge']),
      o('pot', C | K, ['stoveburner', 'countertop', 'cabinet', 'diningtable', 'sinkbasin', 'fridge', 'shelf']),
      o('kettle', C, ['stoveburner', 'countertop', 'cabinet', 'diningtable', 'shelf']),
      o('fork', C, UTENSIL_RECS),
      o('spoon', C, UTENSIL_RECS),
      o('spatula', C, UTENSIL_RECS),
      o('ladle', C, UTENSIL_RECS),
      o('knife', C | SHARP, UTENSIL_RECS),
      o('butterknife', C | SHARP, UTENSIL_RECS),
      o('dishsponge', C, ['countertop', 'sinkbasin', 'cabinet', 'drawer', 'shelf']),
      o('saltshaker', 0, ['countertop', 'diningtable', 'cabinet', 'shelf', 'drawer']),
      o('peppershaker', 0, ['countertop', 'diningtable', 'cabinet', 'shelf', 'drawer']),
      o('soapbottle', 0, ['countertop', 'diningtable', 'cabinet', 'shelf']),
      o('winebottle', K, ['countertop', 'diningtable', 'cabinet', 'fridge', 'shelf']),
      o('glassbottle', K, ['countertop', 'diningtable', 'cabinet', 'fridge', 'shelf', 'garbagecan']),
    ],
  },
  livingroom: {
    receptacles: [
      ['sofa', 1, 1], ['armchair', 0, 2], ['coffeetable', 1, 2], ['sidetable', 1, 3], ['diningtable', 0, 1], ['drawer', 1, 6],
      ['cabinet', 0, 4], ['shelf', 1, 6], ['tvstand', 0, 1], ['garbagecan', 1, 1], ['dresser', 0, 1], ['ottoman', 0, 1], ['safe', 0, 1],
    ],
    lamps: [
      { type: 'desklamp', hosts: ['sidetable', 'coffeetable', 'dresser'] },
      { type: 'floorlamp', hosts: ['sidetable', 'sofa', 'armchair'] },
    ],
    objects: [
      o('book', 0, ['coffeetable', 'sidetable', 'diningtable', 'shelf', 'tvstand', 'dresser', 'sofa', 'armchair', 'drawer', 'cabinet']),
      o('box', 0, ['coffeetable', 'sidetable', 'diningtable', 'shelf', 'tvstand', 'dresser', 'sofa', 'armchair', 'ottoman', 'cabinet']),
      o('creditcard', 0, LIVING_SMALL),
      o('keychain', 0, LIVING_SMALL),
      o('laptop', 0, ['sofa', 'armchair', 'coffeetable', 'sidetable', 'diningtable', 'tvstand', 'dresser', 'ottoman']),
      o('newspaper', 0, ['coffeetable', 'sidetable', 'diningtable', 'sofa', 'armchair', 'ottoman', 'garbagecan', 'drawer', 'shelf']),
      o('pillow', 0, ['sofa', 'armchair', 'ottoman']),
      o('remotecontrol', 0, LIVING_SMALL),
      o('statue', 0, LIVING_DECOR),
      o('vase', 0, LIVING_DECOR),
      o('watch', 0, LIVING_SMALL),
      o('cellphone', 0, LIVING_SMALL),
      o('pen', 0, [...LIVING_SMALL, 'garbagecan']),
      o('pencil', 0, [...LIVING_SMALL, 'garbagecan']),
      o('plate', C | H | K, ['coffeetable', 'diningtable', 'shelf', 'cabinet']),
      o('tissuebox', 0, ['coffeetable', 'sidetable', 'diningtable', 'shelf', 'tvstand', 'dresser', 'garbagecan']),
    ],
  },
  bedroom: {
    receptacles: [
      ['bed', 1, 1], ['desk', 0, 2], ['sidetable', 1, 2], ['dresser', 0, 1], ['drawer', 2, 8], ['shelf', 1, 6],
      ['garbagecan', 1, 1], ['laundryhamper', 0, 1], ['safe', 0, 1], ['armchair', 0, 1],
    ],
    lamps: [
      { type: 'desklamp', hosts: ['desk', 'sidetable', 'dresser'] },
      { type: 'floorlamp', hosts: ['sidetable', 'armchair'] },
    ],
    objects: [
      o('alarmclock', 0, ['desk', 'sidetable', 'dresser', 'shelf']),
      o('book', 0, ['desk', 'sidetable', 'dresser', 'shelf', 'bed', 'drawer', 'armchair']),
      o('cd', 0, [...BED_SMALL, 'garbagecan']),
      o('cellphone', 0, [...BED_SMALL, 'bed', 'armchair']),
      o('creditcard', 0, BED_SMALL),
      o('keychain', 0, BED_SMALL),
      o('laptop', 0, ['desk', 'sidetable', 'dresser', 'bed', 'armchair']),
      o('pen', 0, ['desk', 'sidetable', 'dresser', 'shelf', 'drawer', 'garbagecan']),
      o('pencil', 0, ['desk', 'sidetable', 'dresser', 'shelf', 'drawer', 'garbagecan']),
      o('pillow', 0, ['bed', 'armchair']),
      o('mug', C | H | K, ['desk', 'sidetable', 'dresser', 'shelf']),
      o('bowl', C | H | K, ['desk', 'sidetable', 'dresser', 'shelf']),
      o('basketball', 0, ['bed', 'armchair']),
      o('teddybear', 0, ['bed', 'armchair', 'shelf', 'dresser']),
      o('cloth', C, ['dresser', 'laundryhamper', 'drawer', 'shelf', 'bed', 'garbagecan']),
      o('watch', 0, BED_SMALL),
    ],
  },
  bathroom: {
    receptacles: [
      ['toilet', 1, 1], ['sinkbasin', 1, 2], ['bathtubbasin', 0, 1], ['countertop', 1, 1], ['cabinet', 1, 4], ['drawer', 0, 4],
      ['towelholder', 1, 1], ['handtowelholder', 0, 1], ['toiletpaperhanger', 1, 1], ['garbagecan', 1, 1], ['shelf', 0, 3], ['dresser', 0, 1],
    ],
    lamps: [],
    objects: [
      o('candle', 0, ['countertop', 'cabinet', 'shelf', 'toilet', 'drawer', 'dresser', 'bathtubbasin']),
      o('cloth', C, ['countertop', 'cabinet', 'drawer', 'shelf', 'toilet', 'bathtubbasin', 'sinkbasin', 'garbagecan', 'dresser']),
      o('dishsponge', C, ['countertop', 'cabinet', 'drawer', 'shelf', 'toilet', 'bathtubbasin', 'sinkbasin']),
      o('handtowel', 0, ['handtowelholder', 'countertop', 'cabinet']),
      o('soapbar', C, ['countertop', 'sinkbasin', 'bathtubbasin', 'toilet', 'cabinet', 'shelf', 'drawer', 'garbagecan']),
      o('soapbottle', 0, ['countertop', 'toilet', 'cabinet', 'shelf', 'drawer', 'garbagecan', 'dresser']),
      o('spraybottle', 0, ['countertop', 'toilet', 'cabinet', 'shelf', 'drawer', 'garbagecan']),
      o('toiletpaper', 0, ['countertop', 'toilet', 'toiletpaperhanger', 'cabinet', 'shelf', 'drawer', 'garbagecan']),
      o('towel', 0, ['towelholder', 'countertop', 'shelf']),
      o('plunger', 0, ['cabinet', 'shelf']),
      o('scrubbrush', 0, ['cabinet', 'shelf', 'countertop']),
      o('tissuebox', 0, ['countertop', 'toilet', 'cabinet', 'shelf', 'dresser']),
    ],
  },
};

/** Plural used by "put two {objs} in {recep}" goals. */
export function plural(type: string): string {
  if (type === 'knife' || type === 'butterknife') return `${type.slice(0, -2)}ves`;
  if (/(s|x|ch|sh|o)$/.test(type)) return `${type}es`;
  return `${type}s`;
}

/**
 * Characters observations and commands are made of (the `Text` spaces' charset): letters, digits, space,
 * newline and the punctuation of ALFWorld's messages.
 */
export const TEXTWORLD_CHARSET = ` \n!'(),-./:=?0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz`;
/** Characters a typed command may use (lower-case words, digits, spaces, '/'). */
export const COMMAND_CHARSET = ` /0123456789abcdefghijklmnopqrstuvwxyz`;
