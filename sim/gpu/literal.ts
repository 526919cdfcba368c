/** Kernel-source helpers without gpu.js itself (so env families can build kernel snippets cheaply). */

/**
 * A number as a float literal every gpu.js backend translates as a float (`1` → `1.0`), without
 * exponent notation (GLSL ES 1.0 lacks it). Non-finite values are rejected: a kernel constant must be a
 * number.
 */
export function flt(x: number, field = 'kernel constant'): string {
  if (!Number.isFinite(x)) throw new RangeError(`${field} must be finite to go into a kernel, got ${x}`);
  const v = Math.fround(x);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return v < 0 ? `(${v}.0)` : `${v}.0`;
  let s = String(v);
  if (s.includes('e')) s = v.toFixed(20).replace(/0+$/, '');
  if (!s.includes('.')) s += '.0';
  return v < 0 ? `(${s})` : s;
}
