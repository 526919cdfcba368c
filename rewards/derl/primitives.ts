/**
 * DERL's atomic primitives, per env family. A primitive is a binary event over a transition
 * `(state, action, next)`; as a reward term it is worth `1 + 1e-6` when it fires and `1e-6` otherwise,
 * so that no formula built from primitives divides by an exact zero (DERL, REFERENCE.md).
 *
 * Every primitive is written as an expression of the restricted reward language (rewards/lang) that
 * evaluates to a truthy/falsy 0/1 indicator; `compileFormula` (formula.ts) binds it as
 * `const g_name = 1e-6 + indicator(<expr>);`. The reward language has no loops, so the text-world
 * primitives, which must scan the object list, are extra helpers (`tw_*`, implemented below in
 * TypeScript, arity 2: `(state, next)`) that the compiled code calls; the robotics primitives are plain
 * reward-language expressions over the state's fields.
 *
 * Layering: rewards/ never imports a concrete env, so the text-world helpers read the state through the
 * structural view `TextWorldView` (the fields of envs/textworld/state.ts `TextWorldState` they need) and
 * re-implement the family's gold predicate (`successOf`) on it; test/rewards/derl checks it against the
 * env's own `success()` on real states.
 *
 * ## Text world (`textworld/*`, state = `TextWorldState`)
 * | name            | fires when (on `next`, `state` = the state before the command)                          |
 * |-----------------|------------------------------------------------------------------------------------------|
 * | g_won           | the task's gold predicate holds in `next` (same rule as `successOf`)                      |
 * | g_goalHeld      | the agent holds an object of the goal's `objectType` in `next`                            |
 * | g_stateChange   | the goal needs clean/hot/cool (`pick_clean/heat/cool_then_place`) and some object of the goal type is clean/hot/cool in `next`; never fires for the other task types |
 * | g_cmdValid      | the command changed the world: location, inventory, an object's location or clean/hot/cool/sliced/on flags, or a receptacle's open flag differ between `state` and `next`. The state exposes no feedback text, so "Nothing happens" and the no-op commands `look`, `inventory`, `examine …` all count as not valid |
 * | g_newLocation   | `next.location` is a receptacle the agent had not visited this episode: its `visited` flag is false in `state` (the env keeps the flag per receptacle, so the reward stays a function of (s, a, s′)). It fires once per receptacle, on the first visit, so subgoal timing (episode_reward.ts) passes every firing through (`repeats`) |
 *
 * ## Robotics (`robotics/*`, state = `RoboticsState`)
 * The object primitives read `next.cube` (Push, PickPlace); tasks without `cube` (Reach, Stack's
 * `cubeA/cubeB`, DrawerOpen) never fire them.
 * | name             | fires when                                                                             |
 * |------------------|----------------------------------------------------------------------------------------|
 * | g_nearObject     | ‖next.robot.ee.p − next.cube.pose.p‖ < 0.02 m (TCP within 2 cm of the cube centre)      |
 * | g_grasped        | `next.cube.isGrasped`                                                                   |
 * | g_objectNearGoal | ‖next.cube.pose.p − next.goal‖ < 0.025 m (ManiSkill's goal threshold)                   |
 * | g_static         | `next.cube.isStatic`; without a cube, the TCP speed ‖next.robot.eeVelocity‖ ≤ 0.01 m/s  |
 * | g_success        | `next.success` (the task's gold predicate)                                              |
 *
 * The web family (target element acted on, field filled, success) is not here yet.
 */

/** Value of a primitive that fires / does not fire. */
export const FIRE = 1 + 1e-6;
export const NO_FIRE = 1e-6;

export interface Primitive {
  /** Formula token and the local name in compiled code, `g_<camelCase>`. */
  readonly name: string;
  /** One line: what it means. */
  readonly doc: string;
  /** Reward-language expression over `(state, action, next)` that is truthy exactly when it fires. */
  readonly expr: string;
  /**
   * The primitive fires at most once per distinct event by its own definition (g_newLocation: once per
   * receptacle, on its first visit), so subgoal timing (`FirstFireFormulaReward`) pays every firing
   * instead of only the episode's first. Absent = a state primitive, paid the first time it holds.
   */
  readonly repeats?: boolean;
}

export interface PrimitiveFamily {
  /** Env family, e.g. 'textworld'. */
  readonly family: string;
  readonly primitives: readonly Primitive[];
  /** Extra reward-language helpers the expressions call (name → arity), with their implementations. */
  readonly extraHelpers: Readonly<Record<string, number>>;
  readonly extraHelperFns: Readonly<Record<string, (...args: never[]) => number>>;
}

// ---------------------------------------------------------------------------------------------------
// Text world: a structural view of envs/textworld/state.ts (rewards/ does not import envs/).

interface TwObject {
  readonly name: string;
  readonly type: string;
  readonly location: string;
  readonly isLamp: boolean;
  readonly clean: boolean;
  readonly hot: boolean;
  readonly cool: boolean;
  readonly sliced: boolean;
  readonly on: boolean;
}

/** The fields of `TextWorldState` the text-world primitives read. */
export interface TextWorldView {
  readonly goal: { readonly taskType: string; readonly objectType: string; readonly targetType: string; readonly count: number };
  readonly location: string | null;
  readonly inventory: readonly string[];
  readonly receptacles: readonly { readonly name: string; readonly type: string; readonly open: boolean; readonly visited: boolean }[];
  readonly objects: readonly TwObject[];
}

const REQUIRED_FLAG: Readonly<Record<string, 'clean' | 'hot' | 'cool'>> = {
  pick_clean_then_place: 'clean',
  pick_heat_then_place: 'hot',
  pick_cool_then_place: 'cool',
};

function hasGoalProperty(s: TextWorldView, o: TwObject): boolean {
  const flag = REQUIRED_FLAG[s.goal.taskType];
  return flag === undefined ? true : o[flag];
}

/** The text world's gold predicate (same rule as envs/textworld/state.ts `successOf`). */
export function textWorldWon(s: TextWorldView): boolean {
  const g = s.goal;
  if (g.taskType === 'look_at_obj_in_light') {
    const holding = s.objects.some((o) => o.location === 'inventory' && o.type === g.objectType);
    return holding && s.location !== null && s.objects.some((o) => o.isLamp && o.type === g.targetType && o.on && o.location === s.location);
  }
  const targets = new Set<string>();
  for (const r of s.receptacles) if (r.type === g.targetType) targets.add(r.name);
  const perRec = new Map<string, number>();
  for (const o of s.objects) {
    if (o.type !== g.objectType || !targets.has(o.location) || !hasGoalProperty(s, o)) continue;
    const n = (perRec.get(o.location) ?? 0) + 1;
    if (n >= g.count) return true;
    perRec.set(o.location, n);
  }
  return false;
}

function twWon(_state: TextWorldView, next: TextWorldView): number {
  return textWorldWon(next) ? 1 : 0;
}

function twGoalHeld(_state: TextWorldView, next: TextWorldView): number {
  const t = next.goal.objectType;
  for (const o of next.objects) if (o.location === 'inventory' && o.type === t) return 1;
  return 0;
}

function twStateChange(_state: TextWorldView, next: TextWorldView): number {
  const flag = REQUIRED_FLAG[next.goal.taskType];
  if (flag === undefined) return 0;
  const t = next.goal.objectType;
  for (const o of next.objects) if (o.type === t && o[flag]) return 1;
  return 0;
}

function twCmdValid(state: TextWorldView, next: TextWorldView): number {
  if (state.location !== next.location) return 1;
  if (state.inventory.length !== next.inventory.length) return 1;
  for (let i = 0; i < next.inventory.length; i++) if (state.inventory[i] !== next.inventory[i]) return 1;
  if (state.objects.length !== next.objects.length) return 1;
  for (let i = 0; i < next.objects.length; i++) {
    const a = state.objects[i];
    const b = next.objects[i];
    if (a.location !== b.location || a.clean !== b.clean || a.hot !== b.hot || a.cool !== b.cool || a.sliced !== b.sliced || a.on !== b.on) return 1;
  }
  if (state.receptacles.length !== next.receptacles.length) return 1;
  for (let i = 0; i < next.receptacles.length; i++) if (state.receptacles[i].open !== next.receptacles[i].open) return 1;
  return 0;
}

function twNewLocation(state: TextWorldView, next: TextWorldView): number {
  if (next.location === null || next.location === state.location) return 0;
  for (const r of state.receptacles) if (r.name === next.location) return r.visited ? 0 : 1;
  return 0;
}

export const TEXTWORLD_PRIMITIVES: PrimitiveFamily = {
  family: 'textworld',
  primitives: [
    { name: 'g_won', doc: 'the task is won in next', expr: 'tw_won(state, next)' },
    { name: 'g_goalHeld', doc: 'an object of the goal type is held in next', expr: 'tw_goalHeld(state, next)' },
    { name: 'g_stateChange', doc: 'a goal-type object has the clean/hot/cool state the goal requires', expr: 'tw_stateChange(state, next)' },
    { name: 'g_cmdValid', doc: 'the command changed the world (location, inventory, object or receptacle state)', expr: 'tw_cmdValid(state, next)' },
    { name: 'g_newLocation', doc: 'the agent reached a receptacle it had not visited this episode', expr: 'tw_newLocation(state, next)', repeats: true },
  ],
  extraHelpers: { tw_won: 2, tw_goalHeld: 2, tw_stateChange: 2, tw_cmdValid: 2, tw_newLocation: 2 },
  extraHelperFns: {
    tw_won: twWon as (...args: never[]) => number,
    tw_goalHeld: twGoalHeld as (...args: never[]) => number,
    tw_stateChange: twStateChange as (...args: never[]) => number,
    tw_cmdValid: twCmdValid as (...args: never[]) => number,
    tw_newLocation: twNewLocation as (...args: never[]) => number,
  },
};

// ---------------------------------------------------------------------------------------------------
// Robotics: plain reward-language expressions (`a && b` short-circuits when the task has no cube).

export const ROBOTICS_PRIMITIVES: PrimitiveFamily = {
  family: 'robotics',
  primitives: [
    { name: 'g_nearObject', doc: 'TCP within 2 cm of the cube centre', expr: 'next.cube && distance(next.robot.ee.p, next.cube.pose.p) < 0.02' },
    { name: 'g_grasped', doc: 'the cube is grasped', expr: 'next.cube && next.cube.isGrasped' },
    { name: 'g_objectNearGoal', doc: 'the cube within 2.5 cm of the goal', expr: 'next.cube && distance(next.cube.pose.p, next.goal) < 0.025' },
    { name: 'g_static', doc: 'the cube is static (no cube: TCP speed ≤ 1 cm/s)', expr: 'next.cube ? next.cube.isStatic : norm(next.robot.eeVelocity) <= 0.01' },
    { name: 'g_success', doc: 'the task succeeded', expr: 'next.success' },
  ],
  extraHelpers: {},
  extraHelperFns: {},
};

export const PRIMITIVE_FAMILIES: Readonly<Record<string, PrimitiveFamily>> = {
  textworld: TEXTWORLD_PRIMITIVES,
  robotics: ROBOTICS_PRIMITIVES,
};

/** The primitive family for an env id ('textworld/ALFWorld-v0' → textworld); errors name the id. */
export function primitiveFamilyFor(envId: string): PrimitiveFamily {
  const family = envId.split('/')[0];
  const f = PRIMITIVE_FAMILIES[family];
  if (f === undefined) throw new Error(`DERL: no primitives for env '${envId}' (family '${family}'); families with primitives: ${Object.keys(PRIMITIVE_FAMILIES).join(', ')}`);
  return f;
}

/** `primitive.name → its value 1e-6 + fired` as reward-language statements (used by compileFormula). */
export function primitiveBindings(family: PrimitiveFamily, names: readonly string[]): string {
  const byName = new Map(family.primitives.map((p) => [p.name, p]));
  return names
    .map((n) => {
      const p = byName.get(n);
      if (p === undefined) throw new Error(`DERL: unknown primitive '${n}' for family '${family.family}'; known: ${[...byName.keys()].join(', ')}`);
      return `  const ${n} = ${NO_FIRE} + indicator(${p.expr});`;
    })
    .join('\n');
}
