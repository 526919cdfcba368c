/**
 * Checked conversion of one env's action, as its space holds it, into the flat float32 action layout
 * (`BatchedCore.writeAction`). Errors name the env, the value and the space. The batched `step` itself
 * never validates (hot path); vector envs check whole buffers in sim/vector/action_check.ts.
 */
import type { Box } from '../../sim/spaces/box.ts';
import type { Discrete } from '../../sim/spaces/discrete.ts';

function show(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (ArrayBuffer.isView(v) || Array.isArray(v)) {
    const a = Array.from(v as ArrayLike<unknown>).slice(0, 8).map((x) => String(x));
    return `[${a.join(', ')}${(v as ArrayLike<unknown>).length > 8 ? ', ...' : ''}]`;
  }
  return v === null ? 'null' : typeof v;
}

/** A Discrete action must be an integer in the space (Gymnasium asserts `action_space.contains`). */
export function writeDiscreteAction(action: unknown, space: Discrete, out: Float32Array, off: number, envName: string): void {
  if (!space.contains(action)) throw new RangeError(`${envName}: action ${show(action)} is not in ${space.toString()}`);
  out[off] = action as number;
}

/**
 * A Box action must have the space's size and hold numbers (NaN and ±Infinity are rejected, as the vector
 * env's buffer check does); values outside the bounds are kept here and clipped by the env's step exactly
 * where Gymnasium clips them. A bare number is accepted for a one-element Box.
 */
export function writeBoxAction(action: unknown, space: Box, out: Float32Array, off: number, envName: string): void {
  const n = space.flatDim;
  if (typeof action === 'number' && n === 1) {
    if (!Number.isFinite(action)) throw new RangeError(`${envName}: action ${show(action)} is not a finite number (${space.toString()})`);
    out[off] = action;
    return;
  }
  const isArray = action instanceof Float32Array || action instanceof Float64Array || Array.isArray(action);
  if (!isArray) throw new TypeError(`${envName}: action ${show(action)} is not an array of ${n} numbers (${space.toString()})`);
  const a = action as ArrayLike<unknown>;
  if (a.length !== n) {
    throw new RangeError(`${envName}: action ${show(action)} has length ${a.length}, expected ${n} (${space.toString()})`);
  }
  for (let k = 0; k < n; k++) {
    const v = a[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${envName}: action ${show(action)} has element [${k}] = ${show(v)}, not a finite number (${space.toString()})`);
    }
    out[off + k] = v;
  }
}
