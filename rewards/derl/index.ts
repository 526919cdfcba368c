/** DERL meta-rewards: primitives, the formula language, the formula-writing meta-policy and the outer loop. */
export { FIRE, NO_FIRE, PRIMITIVE_FAMILIES, primitiveBindings, primitiveFamilyFor, ROBOTICS_PRIMITIVES, TEXTWORLD_PRIMITIVES, textWorldWon, type Primitive, type PrimitiveFamily, type TextWorldView } from './primitives.ts';
export {
  checkFormula, compileFormula, evaluateFormula, FormulaError, formulaSource, formulaToJs, INVALID_SCORE, parseFormula, primitivesIn, THROW_SCORE, tokenize, validityScore,
  type CompiledFormula, type FormulaNode, type Token, type Validity,
} from './formula.ts';
export { FormulaPolicy, groupRelativeAdvantages, MetaOptimizerArgs, metaStep, type FormulaSample, type MetaStepStats } from './meta_optimizer.ts';
export { runDerl, type DerlCandidate, type DerlIterationLog, type DerlOptions, type DerlResult, type Evaluate, type EvaluateContext } from './bilevel.ts';
