/**
 * Captions from privileged state, for training the offline dual encoder.
 *
 * A scene is first reduced to discrete **facts** (`SceneFacts`: key → value, e.g. `gripperGoal: 'touching'`,
 * `poleTilt: 'upright'`), computed from positions, distances, openness and angles. A caption is a set of
 * facts rendered through templates and synonyms ("the robot hand is touching the blue ball"); a caption
 * is *true* of a scene when every one of its facts holds there (`captionTrue`), which gives the
 * multi-positive targets of the contrastive loss (other scenes in a batch that also satisfy a caption are
 * not treated as negatives) and lets partial ("nested") captions with one fact be positives for many
 * scenes while longer ones are specific.
 *
 * Scene inputs are plain structural types, not env states: rewards/ never imports a concrete env; the
 * composition root (cli/vlm_data.ts) maps robotics and CartPole states onto them.
 */
import type { Rng } from '../../../sim/rng.ts';

/** A table-top arm scene: positions in metres (world frame, z up, table top z = 0). */
export interface ArmScene {
  readonly kind: 'arm';
  readonly gripper: readonly [number, number, number];
  /** The goal marker (a small blue sphere). */
  readonly goal: readonly [number, number, number];
  /** The red cube's centre, when the scene has one. */
  readonly cube?: readonly [number, number, number];
  /** 1 = open, 0 = closed. */
  readonly gripperOpenness: number;
}

/** A cart-pole scene: cart position [m] and pole angle [rad] (positive = tip to the right). */
export interface CartPoleScene {
  readonly kind: 'cartpole';
  readonly x: number;
  readonly theta: number;
}

export type Scene = ArmScene | CartPoleScene;

/** Discrete facts of a scene (absent key = the fact does not apply, e.g. no cube). */
export type SceneFacts = Readonly<Record<string, string>>;

const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

type DistanceBin = 'touching' | 'near' | 'mid' | 'far';

/**
 * Distance bins [m] as intervals (lo, hi]: touching ≤ 0.05 (the Reach/Push success radius), then near,
 * mid, far. The one table behind both the discrete facts (distanceBin) and the graded targets
 * (captionWeight).
 */
const BIN_INTERVAL: Readonly<Record<DistanceBin, readonly [number, number]>> = {
  touching: [0, 0.05],
  near: [0.05, 0.12],
  mid: [0.12, 0.25],
  far: [0.25, Infinity],
};

export function distanceBin(d: number): DistanceBin {
  return d <= BIN_INTERVAL.touching[1] ? 'touching' : d <= BIN_INTERVAL.near[1] ? 'near' : d <= BIN_INTERVAL.mid[1] ? 'mid' : 'far';
}

export function sceneFacts(s: Scene): SceneFacts {
  if (s.kind === 'cartpole') {
    const t = s.theta;
    const a = Math.abs(t);
    const side = t > 0 ? 'right' : 'left';
    return {
      scene: 'cartpole',
      poleTilt: a <= 0.04 ? 'upright' : a <= 0.12 ? `slight-${side}` : `fall-${side}`,
      cartPos: s.x < -0.6 ? 'left' : s.x > 0.6 ? 'right' : 'centre',
    };
  }
  const f: Record<string, string> = { scene: 'arm' };
  f.gripperGoal = distanceBin(dist(s.gripper, s.goal));
  const dx = s.gripper[0] - s.goal[0];
  f.gripperGoalSide = dx < -0.06 ? 'left' : dx > 0.06 ? 'right' : 'aligned';
  const dz = s.gripper[2] - s.goal[2];
  f.gripperGoalHeight = dz > 0.06 ? 'above' : dz < -0.06 ? 'below' : 'level';
  f.gripperHeight = s.gripper[2] > 0.15 ? 'high' : 'low';
  f.gripperOpen = s.gripperOpenness > 0.5 ? 'open' : 'closed';
  if (s.cube) {
    f.cubeGoal = distanceBin(dist(s.cube, s.goal));
    f.gripperCube = distanceBin(dist(s.gripper, s.cube));
  }
  return f;
}

/** Distance facts (graded in caption targets, see captionWeight). */
export const DISTANCE_FACTS: ReadonlySet<string> = new Set(['gripperGoal', 'cubeGoal', 'gripperCube']);

/** The continuous distances [m] behind a scene's distance facts (same keys). */
export type SceneMetrics = Readonly<Record<string, number>>;

export function sceneMetrics(s: Scene): SceneMetrics {
  if (s.kind === 'cartpole') return {};
  const m: Record<string, number> = { gripperGoal: dist(s.gripper, s.goal) };
  if (s.cube) {
    m.cubeGoal = dist(s.cube, s.goal);
    m.gripperCube = dist(s.gripper, s.cube);
  }
  return m;
}

/**
 * How true `caption` is of a scene, in [0, 1]. Without metrics (or σ = 0) it is `captionTrue` as 0/1.
 * With them, each distance fact of the caption contributes exp(−gap/σ), where gap is how far [m] the scene's
 * distance lies outside that fact's bin (0 inside it), and every other fact must hold exactly; the weight is
 * the product. "The cube is on the goal" is then fully true at 4 cm, 0.37 true at 10 cm (σ = 0.05) and
 * nearly false at 30 cm: graded targets that teach the embedding to order scenes by distance, not only to
 * tell bins apart.
 */
export function captionWeight(caption: SceneFacts, scene: SceneFacts, metrics: SceneMetrics | undefined, sigma: number): number {
  let w = 1;
  for (const k in caption) {
    const d = metrics?.[k];
    if (sigma > 0 && d !== undefined && DISTANCE_FACTS.has(k)) {
      const [lo, hi] = BIN_INTERVAL[caption[k] as DistanceBin];
      const gap = d < lo ? lo - d : d > hi ? d - hi : 0;
      w *= Math.exp(-gap / sigma);
    } else if (scene[k] !== caption[k]) return 0;
  }
  return w;
}

/** A caption: its facts and its text. */
export interface Caption {
  readonly facts: SceneFacts;
  readonly text: string;
}

/** Whether every fact of `caption` holds in `scene`. */
export function captionTrue(caption: SceneFacts, scene: SceneFacts): boolean {
  for (const k in caption) if (scene[k] !== caption[k]) return false;
  return true;
}

// ---------------------------------------------------------------- vocabulary and templates
// Synonyms and templates seen in training. The bench's "reworded" prompts are checked (test and bench)
// never to appear verbatim among generated captions.
const GRIPPER = ['the gripper', 'the robot hand', 'the hand', 'the end effector', 'the robot gripper'];
const GOAL = ['the blue ball', 'the blue goal', 'the blue target', 'the blue sphere', 'the blue marker'];
const CUBE = ['the red cube', 'the red block', 'the red box'];

const REL: Record<string, string[]> = {
  touching: ['is touching', 'is at', 'is on', 'has reached', 'is right at'],
  near: ['is close to', 'is near', 'is next to'],
  mid: ['is a little away from', 'is some distance from', 'is not far from'],
  far: ['is far from', 'is far away from', 'is distant from'],
};
const SIDE: Record<string, string[]> = { left: ['is left of', 'is to the left of'], right: ['is right of', 'is to the right of'], aligned: ['is lined up with', 'is aligned with'] };
const HEIGHT: Record<string, string[]> = { above: ['is above', 'is higher than'], below: ['is below', 'is lower than'], level: ['is level with', 'is at the same height as'] };

/** Neutral descriptions of each scene kind (true of every scene of that kind). */
export const SCENE_TEXT: Readonly<Record<string, readonly string[]>> = {
  arm: ['a robot arm over a table', 'a robot gripper above a table', 'a robot and a table', 'a table with a robot arm'],
  cartpole: ['a cart with a pole', 'a pole on a cart on a track', 'a cart on a track', 'a cart and a pole'],
};

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)];

function factPhrase(key: string, value: string, rng: Rng): string {
  const G = pick(rng, GRIPPER);
  switch (key) {
    case 'gripperGoal':
      return `${G} ${pick(rng, REL[value])} ${pick(rng, GOAL)}`;
    case 'cubeGoal':
      return value === 'touching' && rng.random() < 0.5
        ? `${pick(rng, CUBE)} is ${pick(rng, ['on', 'at', 'over'])} ${pick(rng, GOAL)}`
        : `${pick(rng, CUBE)} ${pick(rng, REL[value])} ${pick(rng, GOAL)}`;
    case 'gripperCube':
      return `${G} ${pick(rng, REL[value])} ${pick(rng, CUBE)}`;
    case 'gripperGoalSide':
      return `${G} ${pick(rng, SIDE[value])} ${pick(rng, GOAL)}`;
    case 'gripperGoalHeight':
      return `${G} ${pick(rng, HEIGHT[value])} ${pick(rng, GOAL)}`;
    case 'gripperHeight':
      return value === 'high' ? `${G} is ${pick(rng, ['high', 'high up', 'raised', 'high above the table'])}` : `${G} is ${pick(rng, ['low', 'down', 'near the table', 'low over the table'])}`;
    case 'gripperOpen':
      return `${G} is ${value === 'open' ? pick(rng, ['open', 'opened']) : pick(rng, ['closed', 'shut'])}`;
    case 'poleTilt': {
      const pole = pick(rng, ['the pole', 'the stick', 'the pole on the cart']);
      if (value === 'upright') return `${pole} is ${pick(rng, ['upright', 'vertical', 'balanced', 'standing straight up', 'straight'])}`;
      const side = value.endsWith('left') ? 'left' : 'right';
      if (value.startsWith('slight')) return `${pole} ${pick(rng, ['is slightly tilted', 'leans slightly', 'is tipping a little'])} to the ${side}`;
      return `${pole} ${pick(rng, ['is falling', 'is tilted far', 'is falling over', 'leans far'])} to the ${side}`;
    }
    case 'cartPos': {
      const cart = pick(rng, ['the cart', 'the trolley']);
      return value === 'centre' ? `${cart} is ${pick(rng, ['in the centre', 'in the middle'])}` : `${cart} is ${pick(rng, ['on the', 'at the', 'to the'])} ${value}`;
    }
    default:
      throw new Error(`captions: no template for fact ${key}=${value}`);
  }
}

/** Facts a caption may mention (not `scene`, which every caption implies through its vocabulary). */
function mentionable(f: SceneFacts): string[] {
  return Object.keys(f).filter((k) => k !== 'scene');
}

/**
 * A random caption of a scene with facts `f`: 1–3 of its facts (fewer more often; the task-relevant
 * distance facts more often than the rest), each through a random template, joined by "and" or commas.
 */
export function randomCaption(f: SceneFacts, rng: Rng): Caption {
  // Sometimes only the scene itself ("a robot arm over a table"): the neutral baseline prompts of VLM-RM.
  if (rng.random() < 0.08) return { facts: { scene: f.scene }, text: pick(rng, SCENE_TEXT[f.scene] ?? ['a scene']) };
  const keys = mentionable(f);
  const weight = (k: string) => (k === 'gripperGoal' || k === 'cubeGoal' || k === 'gripperCube' || k === 'poleTilt' ? 3 : 1);
  const n = 1 + (rng.random() < 0.45 ? 0 : rng.random() < 0.6 ? 1 : 2);
  const chosen: string[] = [];
  const pool = [...keys];
  while (chosen.length < Math.min(n, keys.length)) {
    let total = 0;
    for (const k of pool) total += weight(k);
    let u = rng.random() * total;
    let idx = 0;
    for (; idx < pool.length - 1; idx++) {
      u -= weight(pool[idx]);
      if (u < 0) break;
    }
    chosen.push(pool[idx]);
    pool.splice(idx, 1);
  }
  const facts: Record<string, string> = { scene: f.scene };
  for (const k of chosen) facts[k] = f[k];
  return { facts, text: joinPhrases(chosen.map((k) => factPhrase(k, f[k], rng)), rng) };
}

/** The same caption with one fact changed to another value that the key takes (a hard negative). */
export function perturbedCaption(c: Caption, rng: Rng): Caption | undefined {
  const keys = mentionable(c.facts);
  if (keys.length === 0) return undefined;
  const k = pick(rng, keys);
  const values = VALUES[k].filter((v) => v !== c.facts[k]);
  const facts: Record<string, string> = { ...c.facts, [k]: pick(rng, values) };
  const ks = mentionable(facts);
  return { facts, text: joinPhrases(ks.map((key) => factPhrase(key, facts[key], rng)), rng) };
}

const VALUES: Record<string, string[]> = {
  gripperGoal: ['touching', 'near', 'mid', 'far'],
  cubeGoal: ['touching', 'near', 'mid', 'far'],
  gripperCube: ['touching', 'near', 'mid', 'far'],
  gripperGoalSide: ['left', 'right', 'aligned'],
  gripperGoalHeight: ['above', 'below', 'level'],
  gripperHeight: ['high', 'low'],
  gripperOpen: ['open', 'closed'],
  poleTilt: ['upright', 'slight-left', 'slight-right', 'fall-left', 'fall-right'],
  cartPos: ['left', 'centre', 'right'],
};

function joinPhrases(ps: string[], rng: Rng): string {
  if (ps.length === 1) return ps[0];
  const sep = pick(rng, [' and ', ', ', '. ']);
  return ps.join(sep);
}

/** Drop each word with probability p (never all of them): training-time text augmentation. */
export function wordDropout(text: string, p: number, rng: Rng): string {
  const words = text.split(/\s+/);
  const kept = words.filter(() => rng.random() >= p);
  return kept.length > 0 ? kept.join(' ') : words[rng.int(words.length)];
}
