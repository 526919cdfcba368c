/**
 * Free-function forms of flattening, as Gymnasium's `gymnasium.spaces.utils`: `flatDim(space)`,
 * `flatten(space, x)`, `unflatten(space, flat)`, and `flattenSpace(space)`, the Box that flattened values
 * live in (bounds per slot: Discrete → [start, start + n - 1], MultiBinary → [0, 1], Text → [-1, charset
 * size - 1], Dict/Tuple → their children's bounds concatenated).
 */
import { Box } from './box.ts';
import { Dict } from './dict.ts';
import { Discrete } from './discrete.ts';
import { MultiBinary } from './multi_binary.ts';
import { MultiDiscrete } from './multi_discrete.ts';
import type { Space } from './space.ts';
import { Text } from './text.ts';
import { Tuple } from './tuple.ts';

export function flatDim(space: Space<unknown>): number {
  return space.flatDim;
}

/** `x` as a new `Float32Array` of `flatDim(space)` slots. */
export function flatten<T>(space: Space<T>, x: T): Float32Array {
  return space.flatten(x);
}

export function unflatten<T>(space: Space<T>, flat: ArrayLike<number>): T {
  if (flat.length !== space.flatDim) {
    throw new RangeError(`unflatten: flat has length ${flat.length}, expected ${space.flatDim} for ${space.toString()}`);
  }
  return space.unflatten(flat);
}

/** The Box of shape [flatDim] that `flatten(space, x)` lies in for every x in `space`. */
export function flattenSpace(space: Space<unknown>): Box {
  const low = new Float32Array(space.flatDim);
  const high = new Float32Array(space.flatDim);
  writeBounds(space, low, high, 0);
  return new Box({ low, high, shape: [space.flatDim] });
}

function writeBounds(space: Space<unknown>, low: Float32Array, high: Float32Array, offset: number): void {
  if (space instanceof Box) {
    low.set(space.low, offset);
    high.set(space.high, offset);
  } else if (space instanceof Discrete) {
    low[offset] = space.start;
    high[offset] = space.start + space.n - 1;
  } else if (space instanceof MultiDiscrete) {
    for (let i = 0; i < space.flatDim; i++) {
      low[offset + i] = space.start[i];
      high[offset + i] = space.start[i] + space.nvec[i] - 1;
    }
  } else if (space instanceof MultiBinary) {
    high.fill(1, offset, offset + space.flatDim);
  } else if (space instanceof Text) {
    low.fill(-1, offset, offset + space.flatDim);
    high.fill(space.characters.length - 1, offset, offset + space.flatDim);
  } else if (space instanceof Dict || space instanceof Tuple) {
    const children: Space<unknown>[] = space instanceof Dict ? space.keys.map((k) => space.get(k)) : [...space.spaces];
    let o = offset;
    for (const c of children) {
      writeBounds(c, low, high, o);
      o += c.flatDim;
    }
  } else {
    throw new TypeError(`flattenSpace: no flat bounds for ${space.toString()} (${space.constructor.name})`);
  }
}
