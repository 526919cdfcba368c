/**
 * Seeded random numbers for everything in sim/ and envs/ (never the unseeded global generator).
 *
 * Built on seedrandom's `alea` generator, whose state is four numbers: it can be saved with
 * `getState()` and restored with `setState()` (checkpoints, check_env's "same RNG state" test).
 * Sub-seeds come from `deriveSeed(seed, ...path)`, a hash of the parent seed and a path of keys, so
 * sub-env i of run s never shares a stream with sub-env i-1 of run s+1 (Gymnasium's seed+i does).
 */
import seedrandom from 'seedrandom';

export type RngState = { readonly c: number; readonly s0: number; readonly s1: number; readonly s2: number };

/** 32-bit avalanche mix (murmur3 finaliser). */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Derive an unsigned 32-bit sub-seed from a parent seed and a path of keys by hashing
 * (e.g. `deriveSeed(runSeed, 'env', i)`). Deterministic across processes and platforms.
 */
export function deriveSeed(seed: number, ...path: ReadonlyArray<number | string>): number {
  if (!Number.isFinite(seed)) throw new TypeError(`deriveSeed: seed must be a finite number, got ${seed}`);
  // Mix the low and high 32 bits of the seed so seeds beyond 2^32 stay distinct.
  let h = fmix32((seed >>> 0) ^ 0x9e3779b9);
  h = fmix32(h ^ Math.floor(seed / 0x100000000));
  for (const key of path) {
    const text = typeof key === 'number' ? `#${key}` : `$${key}`;
    for (let i = 0; i < text.length; i++) h = fmix32(Math.imul(h ^ text.charCodeAt(i), 0x01000193) + i);
    h = fmix32(h ^ 0x27d4eb2d);
  }
  return h;
}

export function assertSeed(seed: unknown, field = 'seed'): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER) {
    throw new TypeError(`${field} must be a non-negative integer, got ${String(seed)}`);
  }
}

export class Rng {
  // Alea state (Baagøe's generator, as seedrandom's `alea`). seedrandom derives the initial state from
  // the seed; the recurrence is stepped here on plain fields so that the call site stays monomorphic
  // across thousands of generators (one per sub-env), which a per-generator closure is not. The stream
  // is identical to seedrandom's (test/sim/rng.test.ts checks it).
  private c = 0;
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  /** The integer seed this generator was last built from (undefined when restored from a state). */
  seed: number | undefined;

  constructor(seed: number | RngState) {
    if (typeof seed === 'number') {
      assertSeed(seed);
      this.seed = seed;
      this.load(seedrandom.alea(`rf:${seed}`, { state: true }).state());
    } else {
      this.seed = undefined;
      this.load(seed);
    }
  }

  private load(st: RngState): void {
    for (const k of ['c', 's0', 's1', 's2'] as const) {
      if (typeof st[k] !== 'number' || !Number.isFinite(st[k])) throw new TypeError(`RNG state field ${k} must be a finite number, got ${String(st[k])}`);
    }
    this.c = st.c;
    this.s0 = st.s0;
    this.s1 = st.s1;
    this.s2 = st.s2;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  random(): number {
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    this.s2 = t - this.c;
    return this.s2;
  }

  /** Uniform in [0, 1) with 53 bits of resolution. */
  double(): number {
    return this.random() + ((this.random() * 0x200000) | 0) * 1.1102230246251565e-16; // 2^-53
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** Integer uniform in [0, n). */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** Integer uniform in [low, high] inclusive. */
  integers(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low + 1));
  }

  /** Standard normal by Box–Muller (two uniforms per draw, no cached spare so state stays 4 numbers). */
  normal(mean = 0, std = 1): number {
    let u = this.random();
    while (u === 0) u = this.random();
    const v = this.random();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Exponential with rate 1. */
  exponential(): number {
    let u = this.random();
    while (u === 0) u = this.random();
    return -Math.log(u);
  }

  /** Index drawn from unnormalised non-negative weights `p` (length n). */
  categorical(p: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < p.length; i++) total += p[i];
    let u = this.random() * total;
    for (let i = 0; i < p.length; i++) {
      u -= p[i];
      if (u < 0) return i;
    }
    for (let i = p.length - 1; i >= 0; i--) if (p[i] > 0) return i;
    return p.length - 1;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  getState(): RngState {
    return { c: this.c, s0: this.s0, s1: this.s1, s2: this.s2 };
  }

  /** Continue from a saved state; `seed` becomes undefined, as the stream no longer follows from it. */
  setState(state: RngState): void {
    this.load(state);
    this.seed = undefined;
  }

  /** Write the state into `bank[4i .. 4i+4)` (struct-of-arrays storage of many generators). */
  storeTo(bank: Float64Array, i: number): void {
    const o = 4 * i;
    bank[o] = this.c;
    bank[o + 1] = this.s0;
    bank[o + 2] = this.s1;
    bank[o + 3] = this.s2;
  }

  /** Continue from the state in `bank[4i .. 4i+4)`. */
  loadFrom(bank: Float64Array, i: number): void {
    const o = 4 * i;
    this.c = bank[o];
    this.s0 = bank[o + 1];
    this.s1 = bank[o + 2];
    this.s2 = bank[o + 3];
    this.seed = undefined;
  }

  clone(): Rng {
    const r = new Rng(this.getState());
    r.seed = this.seed;
    return r;
  }
}

/** Equal generator states (used by checkEnv and tests). */
export function sameRngState(a: RngState, b: RngState): boolean {
  return a.c === b.c && a.s0 === b.s0 && a.s1 === b.s1 && a.s2 === b.s2;
}
