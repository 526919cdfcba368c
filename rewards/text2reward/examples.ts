/**
 * Few-shot examples (Text2Reward: k = 1, the most similar expert reward of *another* task, rewritten in
 * the abstraction's terms). These are the robotics family's expert staged rewards written out in the
 * restricted reward language; a test checks that each passes the checker and the pre-flight on its own
 * task. Selection is by word overlap between goal sentences, never the task being generated.
 */
export interface RewardExample {
  readonly task: string;
  readonly instruction: string;
  readonly code: string;
}

export const ROBOTICS_EXAMPLES: readonly RewardExample[] = [
  {
    task: 'robotics/Reach-v0',
    instruction: 'move the gripper to the goal point',
    code: `function reward(state, action, next, terms) {
  // reach: shaped distance from the tool-centre point to the goal
  const d = distance(next.robot.ee.p, next.goal);
  const reach = closeness(d, 10);
  terms.reach = reach;
  if (next.success) {
    return 1;
  }
  return reach - 1;
}`,
  },
  {
    task: 'robotics/Push-v0',
    instruction: 'move the cube to the goal position on the table',
    code: `function reward(state, action, next, terms) {
  // stage 1: gripper to the cube; stage 2: cube to the goal
  const dReach = distance(next.robot.ee.p, next.cube.pose.p);
  const reach = closeness(dReach, 10);
  const closed = 1 - next.robot.gripperOpenness;
  const dGoal = distance(next.cube.pose.p, next.goal);
  const place = closeness(dGoal, 5);
  terms.reach = reach;
  terms.closed = closed;
  terms.place = place;
  if (next.success) {
    return 1;
  }
  return (reach + 0.5 * closed + 2 * place) / 3.5 - 1;
}`,
  },
  {
    task: 'robotics/PickPlace-v0',
    instruction: 'pick up the cube and bring it to the goal position in the air',
    code: `function reward(state, action, next, terms) {
  const dReach = distance(next.robot.ee.p, next.cube.pose.p);
  const reach = closeness(dReach, 10);
  terms.reach = reach;
  let r = reach;
  if (next.cube.isGrasped) {
    // carry: only counts while the cube is held
    const place = closeness(distance(next.cube.pose.p, next.goal), 5);
    terms.place = place;
    r = 2 + 2 * place;
  }
  if (next.success) {
    return 1;
  }
  return r / 4 - 1;
}`,
  },
  {
    task: 'robotics/Stack-v0',
    instruction: 'pick up cube A and place it on top of cube B then release it',
    code: `function reward(state, action, next, terms) {
  const top = [next.cubeB.pose.p[0], next.cubeB.pose.p[1], next.cubeB.pose.p[2] + next.cubeB.halfSize + next.cubeA.halfSize];
  const reach = closeness(distance(next.robot.ee.p, next.cubeA.pose.p), 10);
  const place = closeness(distance(next.cubeA.pose.p, top), 5);
  terms.reach = reach;
  terms.place = place;
  let r = reach;
  if (next.cubeA.isGrasped) {
    r = 2 + 2 * place;
  }
  if (distance(next.cubeA.pose.p, top) < 0.01) {
    // in place: open the gripper and let it settle
    r = 5 + next.robot.gripperOpenness + indicator(next.cubeA.isStatic);
  }
  if (next.success) {
    return 1;
  }
  return r / 7 - 1;
}`,
  },
  {
    task: 'robotics/DrawerOpen-v0',
    instruction: 'open the drawer by pulling its handle towards the robot',
    code: `function reward(state, action, next, terms) {
  const reach = closeness(distance(next.robot.ee.p, next.drawer.handle.p), 10);
  const opened = clamp(next.drawer.qpos / next.drawer.travel, 0, 1);
  terms.reach = reach;
  terms.opened = opened;
  if (next.success) {
    return 1;
  }
  return (reach + 3 * opened) / 4 - 1;
}`,
  },
];

function words(s: string): Set<string> {
  return new Set(s.toLowerCase().split(/[^a-z]+/).filter((w) => w.length > 2 && !['the', 'and', 'its', 'then', 'position'].includes(w)));
}

/** The example whose instruction shares the most words with `instruction` (Jaccard), excluding `task`. */
export function selectExample(instruction: string, task: string, library: readonly RewardExample[] = ROBOTICS_EXAMPLES): RewardExample | undefined {
  const q = words(instruction);
  let best: RewardExample | undefined;
  let bestScore = -1;
  for (const ex of library) {
    if (ex.task === task) continue;
    const w = words(ex.instruction);
    let inter = 0;
    for (const x of q) if (w.has(x)) inter++;
    const score = inter / (q.size + w.size - inter || 1);
    if (score > bestScore) {
      best = ex;
      bestScore = score;
    }
  }
  return best;
}
