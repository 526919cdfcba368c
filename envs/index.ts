/**
 * The default registry: every family's ids. Built explicitly from each family's registry file (no
 * import-time registration side effects).
 */
import type { Env } from '../sim/env.ts';
import { type MakeOptions, type MakeVecOptions, Registry } from '../sim/registry.ts';
import type { VectorEnv } from '../sim/vector/vector_env.ts';
import { classicRegistrations } from './classic/registry.ts';
import { roboticsRegistrations } from './robotics/registry.ts';
import { textworldRegistrations } from './textworld/registry.ts';
import { webnavRegistrations } from './webnav/registry.ts';

export function buildDefaultRegistry(): Registry {
  return new Registry([...classicRegistrations, ...textworldRegistrations, ...roboticsRegistrations, ...webnavRegistrations]);
}

export const defaultRegistry: Registry = buildDefaultRegistry();

/** Every registered env id, sorted. */
export function listEnvs(): string[] {
  return defaultRegistry.list();
}

export function make(id: string, opts?: MakeOptions): Env {
  return defaultRegistry.make(id, opts);
}

export function makeVec(id: string, numEnvs: number, opts?: MakeVecOptions): VectorEnv {
  return defaultRegistry.makeVec(id, numEnvs, opts);
}
