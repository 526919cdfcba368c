/**
 * What reward code may call: the helper library (sim/reward_helpers.ts, shared with the env families'
 * abstractions) and the whitelisted `Math` subset.
 */
import { HELPERS, HELPER_ARITY } from '../../sim/reward_helpers.ts';

export { HELPERS, HELPER_ARITY };

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
