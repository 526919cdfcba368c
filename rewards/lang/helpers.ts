/**
 * The helper library reward code may call, and the `Math` subset it may use. Helpers take numbers or
 * numeric vectors (arrays / typed arrays, e.g. positions [x, y, z]); all return a number and allocate
 * nothing, except `sub` and `add`, which return a new 3-vector. Arity -1 = variadic.
 */
export type Vec = ArrayLike<number>;

export function distance(a: Vec, b: Vec): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

/** Distance in the horizontal (x, y) plane. */
export function xyDistance(a: Vec, b: Vec): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

export function norm(v: Vec): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

export function dot(a: Vec, b: Vec): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

/** Sum of squares of a vector (e.g. an action-magnitude penalty). */
export function squaredNorm(v: Vec): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return s;
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

export function tanh(x: number): number {
  return Math.tanh(x);
}

/** 1 − tanh(scale·d): 1 at d = 0, → 0 far away (Text2Reward's staple shaping term). */
export function closeness(d: number, scale: number): number {
  return 1 - Math.tanh(scale * d);
}

/** 1 when b is truthy, else 0. */
export function indicator(b: unknown): number {
  return b ? 1 : 0;
}

/** a − b for 3-vectors (a new array). */
export function sub(a: Vec, b: Vec): number[] {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

/** a + b for 3-vectors (a new array). */
export function add(a: Vec, b: Vec): number[] {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

export const HELPERS = { distance, xyDistance, norm, dot, squaredNorm, clamp, tanh, closeness, indicator, sub, add } as const;

export const HELPER_ARITY: Readonly<Record<string, number>> = {
  distance: 2, xyDistance: 2, norm: 1, dot: 2, squaredNorm: 1, clamp: 3, tanh: 1, closeness: 2, indicator: 1, sub: 2, add: 2,
};

export const MATH_FUNCTIONS: Readonly<Record<string, number>> = {
  abs: 1, sqrt: 1, cbrt: 1, exp: 1, expm1: 1, log: 1, log1p: 1, log2: 1, log10: 1, tanh: 1, sinh: 1, cosh: 1,
  sin: 1, cos: 1, tan: 1, asin: 1, acos: 1, atan: 1, atan2: 2, pow: 2, floor: 1, ceil: 1, round: 1, trunc: 1,
  sign: 1, hypot: -1, min: -1, max: -1,
};

export const MATH_CONSTANTS: Readonly<Record<string, number>> = { PI: Math.PI, E: Math.E, SQRT2: Math.SQRT2, LN2: Math.LN2, LN10: Math.LN10 };

/** The frozen `Math` reward code sees: only the whitelisted functions and constants. */
export const SAFE_MATH: Readonly<Record<string, unknown>> = Object.freeze(
  Object.assign(
    Object.create(null),
    Object.fromEntries(Object.keys(MATH_FUNCTIONS).map((k) => [k, (Math as unknown as Record<string, unknown>)[k]])),
    MATH_CONSTANTS,
  ),
);

/** One-line descriptions for prompts. */
export const HELPER_DOCS: readonly string[] = [
  'distance(a, b): Euclidean distance between two vectors',
  'xyDistance(a, b): distance in the horizontal x-y plane',
  'norm(v): length of a vector',
  'dot(a, b): dot product',
  'squaredNorm(v): sum of squares (e.g. of the action)',
  'clamp(x, lo, hi)',
  'tanh(x)',
  'closeness(d, scale): 1 - tanh(scale * d), in (0, 1], 1 when d = 0',
  'indicator(b): 1 if b is true, else 0',
  'sub(a, b), add(a, b): 3-vector difference and sum',
  `Math.${Object.keys(MATH_FUNCTIONS).join(', Math.')}; Math.PI, Math.E`,
];
