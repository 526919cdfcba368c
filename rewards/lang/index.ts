export { checkReward, formatLangError, RewardLangError, LIMITS, type CheckOptions, type CheckedProgram, type LangError, type Rule } from './checker.ts';
export { compileReward, GuardedReward, type CompiledReward, type CompileOptions, type GuardOptions, type RawRewardFn } from './compile.ts';
export { HELPERS, HELPER_ARITY, HELPER_DOCS, MATH_CONSTANTS, MATH_FUNCTIONS } from './helpers.ts';
export { preflight, PreflightError, sampleTransitions, type PreflightReport, type Transition } from './preflight.ts';
