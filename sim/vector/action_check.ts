/**
 * Validation of a flat batched action buffer against the single action space, run once per vector step
 * (an O(N) loop, cheap next to the step itself). Errors name the env index, the value and the space.
 */
import { Box } from '../spaces/box.ts';
import { Discrete } from '../spaces/discrete.ts';
import type { Space } from '../spaces/space.ts';

export type ActionChecker = (actions: Float32Array, numEnvs: number) => void;

export function makeActionChecker(space: Space<unknown>, actDim: number): ActionChecker {
  if (space instanceof Discrete) {
    const lo = space.start;
    const hi = space.start + space.n - 1;
    return (a, n) => {
      if (a.length < n) throw new RangeError(`actions has length ${a.length}, expected ${n} (numEnvs × 1)`);
      for (let i = 0; i < n; i++) {
        const v = a[i];
        if (!(v >= lo && v <= hi) || v !== Math.trunc(v)) throw new RangeError(`actions[${i}] = ${v} is not in ${space.toString()} (env ${i})`);
      }
    };
  }
  if (space instanceof Box) {
    return (a, n) => {
      if (a.length < n * actDim) throw new RangeError(`actions has length ${a.length}, expected ${n * actDim} (numEnvs × ${actDim})`);
      for (let k = 0; k < n * actDim; k++) {
        if (!Number.isFinite(a[k])) throw new RangeError(`actions[${k}] = ${a[k]} is not finite (env ${Math.floor(k / actDim)}, ${space.toString()})`);
      }
    };
  }
  return (a, n) => {
    if (a.length < n * actDim) throw new RangeError(`actions has length ${a.length}, expected ${n * actDim} (numEnvs × ${actDim})`);
    for (let i = 0; i < n; i++) {
      const v = space.unflatten(a, i * actDim);
      if (!space.contains(v)) throw new RangeError(`action of env ${i} is not in ${space.toString()}`);
    }
  };
}
