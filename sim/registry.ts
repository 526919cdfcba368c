/**
 * Env registry (Gymnasium `gymnasium.envs.registration`): ids `family/Name-vN`, an unversioned id
 * resolves to the latest version, and `make` wraps OrderEnforcing → TimeLimit → extra wrappers.
 * An unknown id is an error that lists the closest registered ids.
 */
import type { Env, RenderMode } from './env.ts';
import type { EnvRegistration } from './registration.ts';
import { NativeVectorEnv } from './vector/native_vector_env.ts';
import { SyncVectorEnv } from './vector/sync_vector_env.ts';
import type { AutoresetMode, VectorEnv } from './vector/vector_env.ts';
import { OrderEnforcing } from './wrappers/order_enforcing.ts';
import { RewardWrapper } from './wrappers/reward_wrapper.ts';
import type { RewardFunction } from './reward.ts';
import { TimeLimit } from './wrappers/time_limit.ts';

// Gymnasium's id grammar: names may hold letters, digits, '_', ':', '.' and '-' (e.g. `webnav/click-button-v0`).
const ID_RE = /^(?:([\w:-]+)\/)?([\w:.-]+?)(?:-v(\d+))?$/;

export interface ParsedId {
  readonly family: string | undefined;
  readonly name: string;
  readonly version: number | undefined;
}

export function parseEnvId(id: string): ParsedId {
  const m = ID_RE.exec(id);
  if (!m) throw new Error(`malformed env id '${id}': expected 'family/Name-vN' (e.g. 'classic/CartPole-v1')`);
  return { family: m[1], name: m[2], version: m[3] === undefined ? undefined : Number(m[3]) };
}

export interface MakeOptions {
  readonly renderMode?: RenderMode;
  /** Overrides the registration's TimeLimit; `null` disables it. */
  readonly maxEpisodeSteps?: number | null;
  /** Skip OrderEnforcing (reset-before-step check). Default false. */
  readonly disableOrderEnforcing?: boolean;
  /** Extra wrappers applied after TimeLimit, innermost first. */
  readonly wrappers?: ReadonlyArray<(env: Env) => Env>;
  /** Keyword arguments passed to the entry point, overriding the registration's. */
  readonly kwargs?: Record<string, unknown>;
}

export interface MakeVecOptions extends MakeOptions {
  readonly autoresetMode?: AutoresetMode;
  /**
   * 'native' = the family's batched SoA core (error if it has none); 'sync' = the generic vector env over
   * `make(id)` instances; 'auto' (default) = native when the family has a core and no per-env wrappers
   * were asked for.
   */
  readonly vectorization?: 'auto' | 'native' | 'sync';
  readonly validateActions?: boolean;
  /** A reward from the privileged states replacing (or adding to) the env's own; see NativeVectorEnv. */
  readonly reward?: RewardFunction;
  readonly rewardMode?: 'replace' | 'add';
}

/** Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = t;
    }
  }
  return prev[b.length];
}

export class Registry {
  private readonly specs = new Map<string, EnvRegistration>();

  constructor(registrations: Iterable<EnvRegistration> = []) {
    for (const r of registrations) this.register(r);
  }

  register(reg: EnvRegistration): void {
    const p = parseEnvId(reg.id);
    if (p.family === undefined || p.version === undefined) {
      throw new Error(`env id '${reg.id}' must have the form 'family/Name-vN'`);
    }
    if (this.specs.has(reg.id)) throw new Error(`env id '${reg.id}' is already registered`);
    if (reg.maxEpisodeSteps !== undefined && (!Number.isInteger(reg.maxEpisodeSteps) || reg.maxEpisodeSteps <= 0)) {
      throw new RangeError(`env '${reg.id}': maxEpisodeSteps must be a positive integer, got ${reg.maxEpisodeSteps}`);
    }
    this.specs.set(reg.id, reg);
  }

  /** Every registered id, sorted. */
  list(): string[] {
    return [...this.specs.keys()].sort();
  }

  /**
   * Resolve an id: exact match; an unversioned id → its latest version; a missing family prefix is
   * accepted when the name is unique across families ('CartPole-v1' → 'classic/CartPole-v1').
   */
  resolve(id: string): EnvRegistration {
    const exact = this.specs.get(id);
    if (exact) return exact;
    const p = parseEnvId(id);
    const candidates = [...this.specs.values()].filter((r) => {
      const q = parseEnvId(r.id);
      return q.name === p.name && (p.family === undefined || q.family === p.family) && (p.version === undefined || q.version === p.version);
    });
    const families = new Set(candidates.map((r) => parseEnvId(r.id).family));
    if (candidates.length > 0 && families.size === 1) {
      return candidates.reduce((best, r) => ((parseEnvId(r.id).version ?? 0) > (parseEnvId(best.id).version ?? 0) ? r : best));
    }
    if (families.size > 1) {
      throw new Error(`env id '${id}' is ambiguous; use one of: ${candidates.map((r) => r.id).join(', ')}`);
    }
    const close = this.list()
      .map((k) => ({ k, d: Math.min(editDistance(id.toLowerCase(), k.toLowerCase()), editDistance(id.toLowerCase(), k.split('/')[1].toLowerCase())) }))
      .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
      .slice(0, 3)
      .map((x) => x.k);
    throw new Error(`unknown env id '${id}'. Closest registered ids: ${close.join(', ')}. See listEnvs() for all.`);
  }

  make(id: string, opts: MakeOptions = {}): Env {
    const reg = this.resolve(id);
    const kwargs = { ...(reg.kwargs ?? {}), ...(opts.kwargs ?? {}) };
    let env: Env = reg.entryPoint({ ...kwargs, renderMode: opts.renderMode });
    const maxSteps = opts.maxEpisodeSteps === null ? undefined : (opts.maxEpisodeSteps ?? reg.maxEpisodeSteps);
    if (!opts.disableOrderEnforcing) env = new OrderEnforcing(env);
    if (maxSteps !== undefined) env = new TimeLimit(env, maxSteps);
    for (const w of opts.wrappers ?? []) env = w(env);
    const spec = { id: reg.id, maxEpisodeSteps: maxSteps, kwargs };
    for (let e: Env | undefined = env; e !== undefined; e = (e as unknown as { env?: Env }).env) e.spec = spec;
    return env;
  }

  makeVec(id: string, numEnvs: number, opts: MakeVecOptions = {}): VectorEnv {
    if (!Number.isInteger(numEnvs) || numEnvs <= 0) throw new RangeError(`numEnvs must be a positive integer, got ${numEnvs}`);
    const reg = this.resolve(id);
    const mode = opts.vectorization ?? 'auto';
    if (!['auto', 'native', 'sync'].includes(mode)) throw new RangeError(`vectorization must be 'auto', 'native' or 'sync', got '${mode}'`);
    const useNative = mode === 'native' || (mode === 'auto' && reg.batched !== undefined && !opts.wrappers?.length && !opts.renderMode);
    if (useNative) {
      if (!reg.batched) throw new Error(`env '${reg.id}' has no native batched core; use vectorization 'sync'`);
      const kwargs = { ...(reg.kwargs ?? {}), ...(opts.kwargs ?? {}) };
      const maxSteps = opts.maxEpisodeSteps === null ? undefined : (opts.maxEpisodeSteps ?? reg.maxEpisodeSteps);
      return new NativeVectorEnv(reg.batched(numEnvs, kwargs), {
        autoresetMode: opts.autoresetMode,
        maxEpisodeSteps: maxSteps,
        validateActions: opts.validateActions,
        reward: opts.reward,
        rewardMode: opts.rewardMode,
      });
    }
    const reward = opts.reward;
    const perEnv = reward ? { ...opts, wrappers: [...(opts.wrappers ?? []), (e: Env) => new RewardWrapper(e, reward, { mode: opts.rewardMode })] } : opts;
    const fns = Array.from({ length: numEnvs }, () => () => this.make(id, perEnv));
    return new SyncVectorEnv(fns, { autoresetMode: opts.autoresetMode, validateActions: opts.validateActions });
  }
}
