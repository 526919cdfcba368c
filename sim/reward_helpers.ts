/**
 * The helper library that reward code may call (the restricted reward language binds exactly these,
 * rewards/lang) and that env families list in their `abstraction()`. It lives in sim/ so both envs and
 * rewards can name it. Helpers take numbers or numeric vectors (arrays / typed arrays, e.g. positions
 * [x, y, z]); all return a number and allocate nothing, except `sub` and `add`, which return a new
 * 3-vector. Arity -1 = variadic.
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


/** Signatures with units-free descriptions, one line each, for abstractions and prompts. */
export const HELPER_SIGNATURES: readonly string[] = [
  'distance(a: Vec3, b: Vec3): number // Euclidean distance',
  'xyDistance(a: Vec3, b: Vec3): number // distance in the horizontal x-y plane',
  'norm(v: Vec3): number // length of a vector',
  'dot(a: Vec3, b: Vec3): number',
  'squaredNorm(v: number[]): number // sum of squares, e.g. of the action',
  'clamp(x: number, lo: number, hi: number): number',
  'tanh(x: number): number',
  'closeness(d: number, scale: number): number // 1 - tanh(scale * d), 1 when d = 0',
  'indicator(b: boolean): number // 1 if b, else 0',
  'sub(a: Vec3, b: Vec3): Vec3 // a - b',
  'add(a: Vec3, b: Vec3): Vec3 // a + b',
];
