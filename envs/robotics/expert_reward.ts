/**
 * The expert staged dense rewards as `RewardFunction`s of `(state, action, nextState)` — the hand-written
 * baseline that generated rewards (Text2Reward, VLM, …) are compared with. They evaluate the very code
 * the env's `reward: 'expert'` mode runs (task.reward over SceneBuffers), on `nextState`.
 */
import type { RewardFunction, RewardTerms } from '../../sim/reward.ts';
import { SceneBuffers, loadState } from './scene_buffers.ts';
import type { RoboticsState } from './state.ts';
import type { TaskDef } from './task.ts';

export class ExpertReward implements RewardFunction<RoboticsState, ArrayLike<number>> {
  readonly name: string;
  private readonly scratch: SceneBuffers;
  private readonly names: ('cube' | 'cubeA' | 'cubeB')[];

  constructor(readonly task: TaskDef) {
    this.name = `expert:${task.id}`;
    this.scratch = new SceneBuffers(1, task.objects.map((o) => o.half), task.drawer);
    this.names = task.objects.map((o) => o.name);
  }

  compute(_state: RoboticsState, _action: ArrayLike<number>, nextState: RoboticsState, terms: RewardTerms): number {
    loadState(this.scratch, 0, nextState, this.names);
    this.task.updateGoal?.(this.scratch, 0);
    return this.task.reward(this.scratch, 0, terms);
  }
}
