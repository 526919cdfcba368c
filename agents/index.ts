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
  /** Synchronous on the js backend; a Promise when the run uses the gpu backend's fused rollouts. */
  readonly train: (args: never, ctx: TrainContext) => GreedyPolicy | Promise<GreedyPolicy>;
  /** Action-space kinds the agent supports. */
  readonly actions: readonly ('discrete' | 'continuous')[];
}

export const AGENTS: Record<AgentName, AgentDef> = {
  ppo: { name: 'ppo', schema: PpoArgs, presets: PPO_PRESETS, train: trainPpo as AgentDef['train'], actions: ['discrete', 'continuous'] },
  dqn: { name: 'dqn', schema: DqnArgs, presets: DQN_PRESETS, train: trainDqn as AgentDef['train'], actions: ['discrete'] },
};

/** Train on the js backend, synchronously (callers that never pass a fused rollout: the benches). */
export function trainSync(agent: AgentDef, args: never, ctx: TrainContext): GreedyPolicy {
  if (ctx.fusedRollout) throw new Error(`trainSync: ${agent.name} with a gpu fused rollout runs asynchronously; await agent.train instead`);
  const p = agent.train(args, ctx);
  if (p instanceof Promise) throw new Error(`trainSync: ${agent.name} returned a Promise on the js backend`);
  return p;
}
