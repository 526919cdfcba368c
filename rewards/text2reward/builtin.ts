/**
 * The built-in offline reward generator: a deterministic, rule-based synthesizer — not a language model.
 * It reads the goal sentence against the env's state (a sample `state()`): it finds the intended
 * relation (reach, push, pick-and-place, lift, stack, open, put-in), the entities the sentence names
 * among the state's objects (with synonyms, colours and ordinals such as "the first cube"), and numeric
 * targets ("by 0.2 meter", "15 cm"), then emits staged reward code in the restricted reward language, in
 * Text2Reward's shape: reach → grasp → move to target → static / release, a small action penalty, and a
 * success reward above every non-success value. Staged values are mapped into [−1, 0) (stage / max − 1)
 * because the robotics tasks end the episode on success: a positive per-step reward would teach the
 * agent to hover near the goal instead of finishing. Its output goes through the same checker and pre-flight as
 * a model's. Runs record `generator: "builtin"`.
 */

export class BuiltinGenerationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuiltinGenerationError';
  }
}

export type Intent = 'reach' | 'push' | 'pick-place' | 'lift' | 'stack' | 'open' | 'close';

export interface Plan {
  readonly intent: Intent;
  /** State key of the object acted on (e.g. 'cube', 'cubeA'), if any. */
  readonly object: string | undefined;
  /** State key of a second object (stack onto it), if any. */
  readonly support: string | undefined;
  /** A length in metres from the sentence ("by 0.2 m"), if any. */
  readonly distance: number | undefined;
  /** Words that decided the intent and the entities (for provenance). */
  readonly evidence: readonly string[];
}

const INTENT_WORDS: readonly [Intent, RegExp][] = [
  ['stack', /\b(stack|stacks|stacking|on top of|onto|atop|pile)\b/],
  ['open', /\b(open|opens|opening|pull out|pull open|slide open)\b/],
  ['close', /\b(close|shut|push in|push closed)\b/],
  ['lift', /\b(lift|raise|elevate|hold up|pick up .* (?:by|to a height of) \d)/],
  ['pick-place', /\b(pick|grab|grasp|take|carry|bring|place|put|transport|deliver|relocate|in the air|hover)\b/],
  ['push', /\b(push|slide|shove|nudge|drag|move|get|shift)\b/],
  ['reach', /\b(reach|touch|go to|move to|point|approach|position the (?:gripper|hand|end[- ]effector))\b/],
];

const ORDINAL_A = /\b(first|cube a|block a|object a|red)\b/;
const ORDINAL_B = /\b(second|other|cube b|block b|object b|blue|green)\b/;

/** Parse "by 0.2 meter", "0.15 m", "15 cm", "150 mm" → metres. */
export function parseDistance(text: string): number | undefined {
  const m = /(\d+(?:\.\d+)?)\s*(m|meters?|metres?|cm|centimet(?:er|re)s?|mm|millimet(?:er|re)s?)\b/.exec(text);
  if (!m) return undefined;
  const v = Number(m[1]);
  const unit = m[2];
  if (unit.startsWith('c')) return v / 100;
  if (unit.startsWith('mm') || unit.startsWith('mil')) return v / 1000;
  return v;
}

function objectKeys(state: Record<string, unknown>): string[] {
  return Object.keys(state).filter((k) => {
    const v = state[k] as Record<string, unknown> | undefined;
    return !!v && typeof v === 'object' && !Array.isArray(v) && typeof v.pose === 'object';
  });
}

/** Read the goal sentence against the state's fields. */
export function planFromInstruction(instruction: string, sampleState: unknown): Plan {
  if (!sampleState || typeof sampleState !== 'object') throw new BuiltinGenerationError('the built-in generator needs a sample state object');
  const s = sampleState as Record<string, unknown>;
  const text = ` ${instruction.toLowerCase().replace(/[^a-z0-9.\s-]/g, ' ').replace(/\s+/g, ' ')} `;
  const evidence: string[] = [];
  const robot = s.robot as { ee?: { p?: unknown } } | undefined;
  if (!robot?.ee?.p) {
    throw new BuiltinGenerationError('the built-in generator writes rewards for manipulation tasks: the state has no robot.ee.p (end-effector position); configure REWARDFORGE_LLM_URL for other envs');
  }
  const objects = objectKeys(s);
  const hasDrawer = typeof s.drawer === 'object' && s.drawer !== null;
  let intent: Intent | undefined;
  for (const [name, re] of INTENT_WORDS) {
    // "onto the target" is a stacking word only where there is something to stack on.
    if (name === 'stack' && objects.length < 2) continue;
    const m = re.exec(text);
    if (m) {
      intent = name;
      evidence.push(`intent '${name}' from "${m[0].trim()}"`);
      break;
    }
  }
  // The scene decides where the sentence is vague.
  if (intent === 'open' || intent === 'close') {
    if (!hasDrawer) throw new BuiltinGenerationError(`the sentence asks to ${intent} something, but the state has no drawer`);
  } else if (hasDrawer && /\bdrawer\b/.test(text)) {
    intent = 'open';
    evidence.push("intent 'open' from \"drawer\"");
  }
  if (intent === 'lift' && /\b(goal|target)\b/.test(text) && parseDistance(text) === undefined) {
    intent = 'pick-place';
    evidence.push('lift towards a goal: → pick-place');
  }
  if (intent === undefined) {
    throw new BuiltinGenerationError(`no relation found in "${instruction}": say what to do, e.g. reach, push, pick and place, lift, stack or open`);
  }
  if ((intent === 'push' || intent === 'pick-place' || intent === 'lift') && objects.length === 0) {
    intent = 'reach';
    evidence.push('no object in the state: → reach');
  }
  if (intent === 'reach' && objects.length > 0 && /\b(cube|block|object|box)\b/.test(text) && !/\b(goal|target|point)\b/.test(text)) {
    evidence.push('reach the object');
  }

  let object: string | undefined;
  let support: string | undefined;
  if (objects.length === 1) object = objects[0];
  else if (objects.length >= 2) {
    const a = objects.find((k) => /a$/i.test(k)) ?? objects[0];
    const b = objects.find((k) => /b$/i.test(k)) ?? objects[1];
    // "place A on B" = A moves; "place the cube on the blue one": the first named object moves.
    const mA = ORDINAL_A.exec(text);
    const mB = ORDINAL_B.exec(text);
    if (mA && mB) {
      object = mA.index <= mB.index ? a : b;
      support = object === a ? b : a;
    } else if (mB && !mA) {
      // only the second named: it is the support when the sentence says "on/onto <B>"
      support = /\b(on|onto|on top of|atop)\b[^.]*\b(second|other|cube b|block b|object b|blue|green)\b/.test(text) ? b : undefined;
      object = support ? a : b;
      if (!support) support = a;
    } else {
      object = a;
      support = b;
    }
    evidence.push(`object '${object}', support '${support}'`);
  }
  const distance = parseDistance(text);
  if (distance !== undefined) evidence.push(`distance ${distance} m`);
  return { intent, object, support, distance, evidence };
}

/** Success pays the most; every staged value is mapped into [-1, 0) (stage / maxStage - 1). */
const SUCCESS = `  if (next.success) {
    return 1;
  }`;

const HEADER = (instruction: string, plan: Plan) =>
  `// Generated by rewardforge's built-in rule-based generator (not a language model).\n// Task: ${instruction.replace(/\n/g, ' ')}\n// Plan: ${plan.evidence.join('; ')}\n`;

/** Emit staged reward code for a plan. */
export function emitReward(instruction: string, plan: Plan, sampleState: unknown): string {
  const s = sampleState as Record<string, unknown>;
  const hasGoal = Array.isArray(s.goal);
  const action = '  const effort = 0.01 * squaredNorm(action);\n  terms.effort = -effort;\n';
  const ee = 'next.robot.ee.p';
  const head = HEADER(instruction, plan);
  switch (plan.intent) {
    case 'reach': {
      const target = plan.object && !hasGoal ? `next.${plan.object}.pose.p` : hasGoal ? 'next.goal' : `next.${plan.object}.pose.p`;
      return `${head}function reward(state, action, next, terms) {
  const d = distance(${ee}, ${target});
  const reach = closeness(d, 5);
  terms.reach = reach;
${action}${SUCCESS}
  // every non-success value is negative, so reaching the goal (which may end the episode) always pays
  return reach - 1 - effort;
}`;
    }
    case 'push': {
      const o = `next.${plan.object}`;
      const target = hasGoal ? 'next.goal' : `[${o}.pose.p[0], ${o}.pose.p[1] + ${plan.distance ?? 0.2}, ${o}.pose.p[2]]`;
      return `${head}function reward(state, action, next, terms) {
  // stage 1: bring the gripper to the object
  const dReach = distance(${ee}, ${o}.pose.p);
  const reach = closeness(dReach, 5);
  terms.reach = reach;
  // stage 2: move the object to the target in the table plane
  const dGoal = xyDistance(${o}.pose.p, ${target});
  const place = closeness(dGoal, 5);
  terms.place = place;
${action}${SUCCESS}
  let r = reach;
  if (dReach < 0.05) {
    r = 1 + 2 * place;
  }
  return r / 3 - 1 - effort;
}`;
    }
    case 'lift':
    case 'pick-place': {
      const o = `next.${plan.object}`;
      const lift = plan.distance ?? 0.1;
      const target = plan.intent === 'pick-place' && hasGoal ? 'next.goal' : `[${o}.pose.p[0], ${o}.pose.p[1], ${o}.halfSize + ${lift}]`;
      const success = plan.intent === 'lift' ? `${o}.pose.p[2] >= ${o}.halfSize + ${lift} - 0.01 && ${o}.isGrasped` : 'next.success';
      return `${head}function reward(state, action, next, terms) {
  // stage 1: reach the object with an open gripper
  const dReach = distance(${ee}, ${o}.pose.p);
  const reach = closeness(dReach, 5);
  terms.reach = reach;
  // stage 2: grasp it
  const grasped = indicator(${o}.isGrasped);
  terms.grasped = grasped;
  // stage 3: carry it to the target
  const dGoal = distance(${o}.pose.p, ${target});
  const place = closeness(dGoal, 5);
  terms.place = place;
${action}  if (${success}) {
    return 1;
  }
  let r = reach;
  if (grasped > 0) {
    r = 2 + 3 * place;
  }
  return r / 5 - 1 - effort;
}`;
    }
    case 'stack': {
      const a = `next.${plan.object}`;
      const b = `next.${plan.support}`;
      return `${head}function reward(state, action, next, terms) {
  // the spot on top of the support object
  const top = [${b}.pose.p[0], ${b}.pose.p[1], ${b}.pose.p[2] + ${b}.halfSize + ${a}.halfSize];
  const dReach = distance(${ee}, ${a}.pose.p);
  const reach = closeness(dReach, 5);
  terms.reach = reach;
  const grasped = indicator(${a}.isGrasped);
  terms.grasped = grasped;
  const dTop = distance(${a}.pose.p, top);
  const place = closeness(dTop, 5);
  terms.place = place;
${action}${SUCCESS}
  let r = reach;
  if (grasped > 0) {
    r = 2 + 3 * place;
  }
  if (dTop < 0.01) {
    // on top: open the gripper and let it rest
    r = 6 + next.robot.gripperOpenness + indicator(${a}.isStatic);
  }
  return r / 8 - 1 - effort;
}`;
    }
    case 'open':
    case 'close': {
      const goalFrac = plan.intent === 'open' ? '1' : '0';
      return `${head}function reward(state, action, next, terms) {
  // stage 1: bring the gripper to the handle
  const dHandle = distance(${ee}, next.drawer.handle.p);
  const reach = closeness(dHandle, 5);
  terms.reach = reach;
  // stage 2: move the drawer joint towards ${plan.intent === 'open' ? 'fully open' : 'closed'}
  const opening = clamp(next.drawer.qpos / next.drawer.travel, 0, 1);
  const progress = 1 - Math.abs(${goalFrac} - opening);
  terms.progress = progress;
${action}${SUCCESS}
  let r = reach;
  if (dHandle < 0.05) {
    r = 1 + 3 * progress;
  }
  return r / 4 - 1 - effort;
}`;
    }
  }
}

export interface BuiltinResult {
  readonly code: string;
  readonly plan: Plan;
  readonly generator: 'builtin';
}

export function generateBuiltin(instruction: string, sampleState: unknown): BuiltinResult {
  if (typeof instruction !== 'string' || instruction.trim().length === 0) throw new BuiltinGenerationError('the goal sentence is empty');
  const plan = planFromInstruction(instruction, sampleState);
  return { code: emitReward(instruction, plan, sampleState), plan, generator: 'builtin' };
}
