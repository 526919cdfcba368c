export { canonicalize, epicDistance, pearson, starcDistance, type CoverageSample, type RewardOf } from './epic.ts';
