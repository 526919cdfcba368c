/**
 * Counter-based random numbers that a gpu.js kernel and plain JavaScript compute bit-for-bit alike.
 *
 * A kernel thread cannot carry a sequential generator (alea) from call to call, so draws inside kernels
 * are a pure function of a key: (seed, stream, env index, counter, draw index) → u ∈ [0, 1). The same
 * key always gives the same number, on every backend and whatever the batch size or the split of the
 * rollout into calls — that is what makes GPU rollouts reproducible per seed and env index.
 *
 * Why this hash and not PCG or Philox: every gpu.js backend computes in float32 (WebGPU and WebAssembly
 * natively, the GL backends in highp floats), and 32-bit integer products do not survive a float32
 * variable. So the hash keeps two 12-bit lanes and uses only operations that are exact on integers below
 * 2^24 in float32: additions, products of two numbers below P = 4091, and a reduction mod P whose
 * quotient is corrected by ±1 (WGSL's float division may be 2.5 ulp off). One round is
 *
 *     a ← (a + b + k)³ mod P,   b ← (b + a + 1231)³ mod P
 *
 * Cubing is a permutation of Z_P because gcd(3, P − 1) = 1 (P = 4091 is prime and ≡ 2 mod 3), so a
 * round loses no state; the cube is the non-linearity that an affine hash lacks. The two lanes give
 * 24 bits of state: u = (a·P + b) / P², at a resolution of 6·10⁻⁸. This is a hash for simulation noise
 * (reset states, action sampling), not a cryptographic or statistically certified generator; the tests
 * check uniformity and the absence of correlation between neighbouring envs and counters.
 *
 * Keys are absorbed in 12-bit chunks (each < P). The seed and env index are absorbed on the CPU once
 * (`envKeys`), so a kernel only absorbs what changes inside it (counter, draw index).
 */

/** The modulus: prime, ≡ 2 (mod 3), and P² < 2^24 so that every intermediate is exact in float32. */
export const RNG_P = 4091;
const P = RNG_P;
const P2 = P * P;
/** Lane-b round constant. */
const C_B = 1231;

/** Streams keep the reset draws and the action draws of one (env, counter) apart. */
export const STREAM_RESET = 1;
export const STREAM_ACTION = 2;

/** x mod P for an integer 0 ≤ x < 2^24 (also valid for small negatives), exact in float32 as in float64. */
export function pmod(x: number): number {
  const q = Math.floor(x / P);
  let r = x - q * P;
  if (r < 0) r += P;
  if (r >= P) r -= P;
  return r;
}

function cube(x: number): number {
  const h = pmod(x);
  return pmod(pmod(h * h) * h);
}

/** Mutable two-lane state; `absorb` is one round. */
export class CounterHash {
  a = 17;
  b = 2903;

  absorb(k: number): this {
    this.a = cube(this.a + this.b + k);
    this.b = cube(this.b + this.a + C_B);
    return this;
  }

  /** Absorb a non-negative integer below P³ (≈ 6.8·10¹⁰) as three chunks. */
  absorbInt(n: number): this {
    if (!Number.isInteger(n) || n < 0 || n >= P2 * P) throw new RangeError(`counter key must be an integer in [0, ${P2 * P}), got ${n}`);
    const c2 = Math.floor(n / P2);
    const rest = n - c2 * P2;
    const c1 = Math.floor(rest / P);
    return this.absorb(rest - c1 * P).absorb(c1).absorb(c2);
  }

  /** Two finishing rounds, then u ∈ [0, 1) rounded to float32 as a kernel returns it. */
  uniform(): number {
    this.absorb(0).absorb(0);
    return Math.fround((this.a * P + this.b) / P2);
  }
}

/**
 * The per-env lane state after absorbing (seed, stream, env): two numbers per env, in [0, P). Kernels
 * take this array and continue from it, so the seed never needs float32-unsafe arithmetic on the GPU.
 */
export function envKeys(seed: number, stream: number, numEnvs: number, out = new Float32Array(numEnvs * 2)): Float32Array {
  if (!Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER) throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
  const h = new CounterHash();
  // A seed up to 2^53 in four 14-bit pieces, each absorbed as chunks below P.
  let s = seed;
  const pieces: number[] = [];
  for (let i = 0; i < 4; i++) {
    pieces.push(s % 16384);
    s = Math.floor(s / 16384);
  }
  for (const p of pieces) h.absorbInt(p);
  h.absorb(stream);
  const a0 = h.a;
  const b0 = h.b;
  for (let i = 0; i < numEnvs; i++) {
    h.a = a0;
    h.b = b0;
    h.absorbInt(i);
    out[2 * i] = h.a;
    out[2 * i + 1] = h.b;
  }
  return out;
}

/**
 * u for (env key, counter chunks c0 and c1, draw index d), as the kernel function `rfUniform` computes.
 * A counter is split into c0 = n mod P and c1 = ⌊n / P⌋ (so counters below P² ≈ 1.67·10⁷).
 */
export function counterUniform(keys: Float32Array, env: number, counter: number, draw: number): number {
  if (!Number.isInteger(counter) || counter < 0 || counter >= P2) throw new RangeError(`counter must be an integer in [0, ${P2}), got ${counter}`);
  const h = new CounterHash();
  h.a = keys[2 * env];
  h.b = keys[2 * env + 1];
  const c1 = Math.floor(counter / P);
  return h.absorb(counter - c1 * P).absorb(c1).absorb(draw).uniform();
}

/**
 * The same functions in the gpu.js kernel dialect, registered with `gpu.addFunction` (typed, because
 * gpu.js cannot infer the types of helper arguments). Every literal is written as a float so that the
 * GL and WGSL translations keep float arithmetic.
 */
export const RNG_KERNEL_FUNCTIONS: ReadonlyArray<{ source: string; argumentTypes: Record<string, string>; returnType: string }> = [
  {
    source: `function rfPmod(x) { const q = Math.floor(x / ${P}.0); let r = x - q * ${P}.0; if (r < 0.0) { r = r + ${P}.0; } if (r >= ${P}.0) { r = r - ${P}.0; } return r; }`,
    argumentTypes: { x: 'Number' },
    returnType: 'Number',
  },
  {
    source: `function rfCube(x) { const h = rfPmod(x); return rfPmod(rfPmod(h * h) * h); }`,
    argumentTypes: { x: 'Number' },
    returnType: 'Number',
  },
  {
    // Absorb c0, c1, d into lanes (a, b), two finishing rounds, return the 24-bit integer a·P + b.
    // Unrolled: kernels have no mutable pair type shared across backends.
    source: `function rfHash(a0, b0, c0, c1, d) {
  let a = rfCube(a0 + b0 + c0);
  let b = rfCube(b0 + a + ${C_B}.0);
  a = rfCube(a + b + c1);
  b = rfCube(b + a + ${C_B}.0);
  a = rfCube(a + b + d);
  b = rfCube(b + a + ${C_B}.0);
  a = rfCube(a + b);
  b = rfCube(b + a + ${C_B}.0);
  a = rfCube(a + b);
  b = rfCube(b + a + ${C_B}.0);
  return a * ${P}.0 + b;
}`,
    argumentTypes: { a0: 'Number', b0: 'Number', c0: 'Number', c1: 'Number', d: 'Number' },
    returnType: 'Number',
  },
  {
    source: `function rfUniform(a0, b0, c0, c1, d) { return rfHash(a0, b0, c0, c1, d) / ${P2}.0; }`,
    argumentTypes: { a0: 'Number', b0: 'Number', c0: 'Number', c1: 'Number', d: 'Number' },
    returnType: 'Number',
  },
  {
    // A standard normal from the hash integer n (u = n / P²) by Φ⁻¹: Wichura (1988), AS241 PPND7,
    // rational approximations accurate to about 1e-7 that need only log and sqrt (WGSL's cos may be 2^-11
    // off, so Box–Muller would not hold 1e-5). The tails are taken from the exact integers n and P² − n,
    // so a u near 1 keeps its precision; n = 0 is read as n = 1/2.
    source: `function rfNormal(n) {
  const q = (2.0 * n - ${P2}.0) / ${2 * P2}.0;
  if (Math.abs(q) <= 0.425) {
    const s = 0.180625 - q * q;
    return q * (((59.10937472 * s + 159.29113202) * s + 50.434271938) * s + 3.3871327179) / (((67.1875636 * s + 78.757757664) * s + 17.895169469) * s + 1.0);
  }
  let t = Math.max(n, 0.5) / ${P2}.0;
  if (q > 0.0) { t = (${P2}.0 - n) / ${P2}.0; }
  let r = Math.sqrt(-Math.log(t));
  let z = 0.0;
  if (r <= 5.0) {
    r = r - 1.6;
    z = (((0.17023821103 * r + 1.3067284816) * r + 2.75681539) * r + 1.4234372777) / ((0.1202113297 * r + 0.7370016425) * r + 1.0);
  } else {
    r = r - 5.0;
    z = (((0.017337203997 * r + 0.42868294337) * r + 3.081226386) * r + 6.657905115) / ((0.012258202635 * r + 0.24197894225) * r + 1.0);
  }
  if (q < 0.0) { z = -z; }
  return z;
}`,
    argumentTypes: { n: 'Number' },
    returnType: 'Number',
  },
];

/** The standard normal the kernel function `rfNormal` makes of hash integer n (AS241 PPND7). */
export function normalFromHash(n: number): number {
  const q = (2 * n - P2) / (2 * P2);
  if (Math.abs(q) <= 0.425) {
    const s = 0.180625 - q * q;
    return (q * (((59.10937472 * s + 159.29113202) * s + 50.434271938) * s + 3.3871327179)) / (((67.1875636 * s + 78.757757664) * s + 17.895169469) * s + 1.0);
  }
  const t = q > 0 ? (P2 - n) / P2 : Math.max(n, 0.5) / P2;
  let r = Math.sqrt(-Math.log(t));
  let z: number;
  if (r <= 5) {
    r -= 1.6;
    z = (((0.17023821103 * r + 1.3067284816) * r + 2.75681539) * r + 1.4234372777) / ((0.1202113297 * r + 0.7370016425) * r + 1.0);
  } else {
    r -= 5;
    z = (((0.017337203997 * r + 0.42868294337) * r + 3.081226386) * r + 6.657905115) / ((0.012258202635 * r + 0.24197894225) * r + 1.0);
  }
  return q < 0 ? -z : z;
}

/** The hash integer n ∈ [0, P²) behind `counterUniform` (u = n / P²). */
export function counterHashInt(keys: Float32Array, env: number, counter: number, draw: number): number {
  if (!Number.isInteger(counter) || counter < 0 || counter >= P2) throw new RangeError(`counter must be an integer in [0, ${P2}), got ${counter}`);
  const h = new CounterHash();
  h.a = keys[2 * env];
  h.b = keys[2 * env + 1];
  const c1 = Math.floor(counter / P);
  h.absorb(counter - c1 * P).absorb(c1).absorb(draw).absorb(0).absorb(0);
  return h.a * P + h.b;
}

/**
 * An `Rng`-shaped reader of counter draws for one (env, counter), so the JS cores' `resetAt` can draw
 * the very reset states that a kernel draws (draw index = order of the `uniform` calls).
 */
export class CounterDraws {
  private draw = 0;
  constructor(
    private readonly keys: Float32Array,
    private readonly env: number,
    private readonly counter: number,
  ) {}

  random(): number {
    return counterUniform(this.keys, this.env, this.counter, this.draw++);
  }

  uniform(low: number, high: number): number {
    return Math.fround(low + (high - low) * this.random());
  }
}
