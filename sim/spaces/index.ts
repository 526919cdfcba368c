/**
 * Spaces: the sets observations and actions live in (Gymnasium `gymnasium.spaces`), plus batching and
 * flattening helpers.
 */
export { Space, shapeSize, type SampleOptions, type SpaceSpec, type SpaceValue } from './space.ts';
export { Box, type BoxOptions } from './box.ts';
export { Discrete } from './discrete.ts';
export { MultiDiscrete, type MultiDiscreteOptions, type NestedNumbers } from './multi_discrete.ts';
export { MultiBinary } from './multi_binary.ts';
export { Dict, type DictSpaces } from './dict.ts';
export { Tuple, type TupleSpaces } from './tuple.ts';
export { Text, ALPHANUMERIC, type TextOptions } from './text.ts';
export { batchSpace, concatenate, iterateBatch } from './batch.ts';
export { flatDim, flatten, unflatten, flattenSpace } from './flatten.ts';
