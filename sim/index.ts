/**
 * Public entry of the simulation core. Families live in envs/; `envs/index.ts` builds the default
 * registry and exports `make(id)`, `makeVec(id, n)` and `listEnvs()` bound to it. The free functions
 * here take the registry explicitly (sim/ never imports a family).
 */
import type { Env } from './env.ts';
import type { MakeOptions, MakeVecOptions, Registry } from './registry.ts';
import type { VectorEnv } from './vector/vector_env.ts';

export * from './env.ts';
export * from './rng.ts';
export * from './spaces/index.ts';
export * from './wrappers/index.ts';
export * from './vector/vector_env.ts';
export { NativeVectorEnv, type NativeVectorEnvOptions } from './vector/native_vector_env.ts';
export { SyncVectorEnv, type SyncVectorEnvOptions } from './vector/sync_vector_env.ts';
export { BatchedCore, CoreEnv } from './batched.ts';
export { Registry, parseEnvId, type MakeOptions, type MakeVecOptions } from './registry.ts';
export type { EnvRegistration } from './registration.ts';
export type { RewardFunction, RewardTerms } from './reward.ts';
export { RunningMeanStd } from './running_mean_std.ts';
export { checkEnv, CheckEnvError, type CheckEnvOptions } from './check_env.ts';

export function make(registry: Registry, id: string, opts?: MakeOptions): Env {
  return registry.make(id, opts);
}

export function makeVec(registry: Registry, id: string, numEnvs: number, opts?: MakeVecOptions): VectorEnv {
  return registry.makeVec(id, numEnvs, opts);
}
