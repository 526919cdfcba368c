/**
 * The learners `train:env` can run, each with its zod `Args` schema (every field described), per-env
 * presets and a `train(args, ctx)` entry. Explicit table, no registration side effects.
 */
import type { z } from 'zod';
import type { GreedyPolicy, TrainContext } from './context.ts';
import { DQN_PRESETS, DqnArgs, trainDqn } from './dqn.ts';
import { PPO_PRESETS, PpoArgs, trainPpo } from './ppo.ts';

export const AGENT_NAMES = ['ppo', 'dqn'] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

export interface AgentDef {
  readonly name: AgentName;
  readonly schema: z.ZodObject;
  readonly presets: Record<string, Record<string, unknown>>;
  readonly train: (args: never, ctx: TrainContext) => GreedyPolicy;
  /** Action-space kinds the agent supports. */
  readonly actions: readonly ('discrete' | 'continuous')[];
}

export const AGENTS: Record<AgentName, AgentDef> = {
  ppo: { name: 'ppo', schema: PpoArgs, presets: PPO_PRESETS, train: trainPpo as AgentDef['train'], actions: ['discrete', 'continuous'] },
  dqn: { name: 'dqn', schema: DqnArgs, presets: DQN_PRESETS, train: trainDqn as AgentDef['train'], actions: ['discrete'] },
};
