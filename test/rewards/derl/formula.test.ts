/**
 * DERL formula language: tokenizer and parser (precedence, clear errors), the validity rules as
 * properties (balanced, ≥ 1 primitive, finite on every fire/no-fire assignment; invalid → −1), and
 * compilation through rewards/lang evaluating exactly like the direct evaluation of the tree.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkFormula, compileFormula, evaluateFormula, FormulaError, type FormulaNode, formulaToJs, INVALID_SCORE, parseFormula, tokenize, validityScore,
} from '../../../rewards/derl/formula.ts';
import { FIRE, NO_FIRE, type PrimitiveFamily } from '../../../rewards/derl/primitives.ts';

/** A test family whose primitives read booleans `next.a`, `next.b`, `next.c` (pure reward language). */
const ABC: PrimitiveFamily = {
  family: 'abc',
  primitives: [
    { name: 'g_a', doc: 'a', expr: 'next.a' },
    { name: 'g_b', doc: 'b', expr: 'next.b' },
    { name: 'g_c', doc: 'c', expr: 'next.c' },
  ],
  extraHelpers: {},
  extraHelperFns: {},
};
const NAMES = ['g_a', 'g_b', 'g_c'];

/** Formulas without division over the ABC primitives, as trees (always finite, ≥ 1 primitive forced below). */
const treeArb = fc.letrec<{ node: FormulaNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...NAMES).map((name): FormulaNode => ({ type: 'prim', name })),
    fc.constantFrom(0.5, 1, 2, 3, 10).map((value): FormulaNode => ({ type: 'num', value })),
    fc.record({ type: fc.constant('bin' as const), op: fc.constantFrom('+' as const, '-' as const, '*' as const), left: tie('node'), right: tie('node') }),
  ),
})).node;
const withPrim = treeArb.map((t): FormulaNode => ({ type: 'bin', op: '+', left: t, right: { type: 'prim', name: 'g_b' } }));

describe('tokenize / parseFormula', () => {
  it('splits operators, parentheses, numbers and primitive names', () => {
    expect(tokenize('(g_a+2.5)*g_b / 10').map((t) => t.text)).toEqual(['(', 'g_a', '+', '2.5', ')', '*', 'g_b', '/', '10']);
  });

  it('uses the usual precedence and left associativity', () => {
    const v = { g_a: FIRE, g_b: NO_FIRE };
    expect(evaluateFormula(parseFormula('1 + 2 * g_a', NAMES), v)).toBe(1 + 2 * FIRE);
    expect(evaluateFormula(parseFormula('8 / 4 / 2 - g_a - g_b', NAMES), v)).toBe(8 / 4 / 2 - FIRE - NO_FIRE);
    expect(evaluateFormula(parseFormula('(1 + 2) * g_a', NAMES), v)).toBe(3 * FIRE);
  });

  it('errors name the column and what was expected', () => {
    expect(() => parseFormula('g_a + $', NAMES)).toThrow(/column 7: unexpected character '\$'/);
    expect(() => parseFormula('g_a + g_z', NAMES)).toThrow(/unknown primitive 'g_z'; primitives: g_a, g_b, g_c/);
    expect(() => parseFormula('(g_a + 1', NAMES)).toThrow(/unbalanced parentheses: expected \) to close the \( at column 1/);
    expect(() => parseFormula('g_a)', NAMES)).toThrow(/unbalanced parentheses: '\)' without a matching '\('/);
    expect(() => parseFormula('-g_a', NAMES)).toThrow(/no unary operators/);
    expect(() => parseFormula('g_a +', NAMES)).toThrow(FormulaError);
    expect(() => parseFormula('', NAMES)).toThrow(/empty/);
  });
});

describe('checkFormula (DERL validity)', () => {
  it('balanced formulas with a primitive and no division are valid, and print back to the same value', () => {
    fc.assert(
      fc.property(withPrim, fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), (tree, fire) => {
        const text = formulaToJs(tree);
        const v = checkFormula(text, NAMES);
        expect(v.valid).toBe(true);
        const values = { g_a: fire[0] ? FIRE : NO_FIRE, g_b: fire[1] ? FIRE : NO_FIRE, g_c: fire[2] ? FIRE : NO_FIRE };
        expect(evaluateFormula(parseFormula(text, NAMES), values)).toBe(evaluateFormula(tree, values));
      }),
      { numRuns: 200 },
    );
  });

  it('dropping one parenthesis makes it invalid (unbalanced) with meta-reward −1', () => {
    fc.assert(
      fc.property(withPrim, fc.nat(), (tree, k) => {
        const text = formulaToJs(tree);
        const parens = [...text].flatMap((c, i) => (c === '(' || c === ')' ? [i] : []));
        const i = parens[k % parens.length];
        const broken = text.slice(0, i) + text.slice(i + 1);
        const v = checkFormula(broken, NAMES);
        expect(v.valid).toBe(false);
        expect(validityScore(v)).toBe(INVALID_SCORE);
        expect(INVALID_SCORE).toBe(-1);
      }),
      { numRuns: 200 },
    );
  });

  it('a formula without a primitive is invalid', () => {
    const v = checkFormula('(1 + 2) * 3', NAMES);
    expect(v).toEqual({ valid: false, reason: expect.stringMatching(/uses no primitive/) });
  });

  it('division by zero and overflow are invalid; dividing by a primitive (≥ 1e-6) is valid', () => {
    expect(checkFormula('g_a / (g_a - g_a)', NAMES).valid).toBe(false);
    expect(checkFormula('g_a / 0', NAMES).valid).toBe(false);
    expect(checkFormula('1e308 * 10 * g_a', NAMES).valid).toBe(false);
    expect(checkFormula('(g_a - g_b) / (g_a - g_b)', NAMES)).toMatchObject({ valid: false, reason: expect.stringMatching(/NaN/) });
    expect(checkFormula('1 / g_a + 1 / (g_b * g_c)', NAMES).valid).toBe(true);
  });

  it('every fire/no-fire assignment is checked (only the all-fire case divides by zero)', () => {
    // g_a + g_b − 2·(1+1e−6) is 0 only when both fire.
    const v = checkFormula('g_c / (g_a + g_b - 2.000002)', NAMES);
    expect(v).toMatchObject({ valid: false, reason: expect.stringMatching(/only g_a, g_b fire/) });
  });
});

describe('compileFormula (through rewards/lang)', () => {
  it('compiled code returns exactly the direct evaluation on sample states and records the terms', () => {
    fc.assert(
      fc.property(withPrim, fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), (tree, fire) => {
        const text = formulaToJs(tree);
        const { compiled, source } = compileFormula(text, ABC);
        expect(source).toMatch(/^function reward\(state, action, next, terms\) \{/);
        const next = { a: fire[0], b: fire[1], c: fire[2] };
        const terms: Record<string, number> = {};
        const got = compiled.fn({ a: false, b: false, c: false }, null, next, terms);
        const values = { g_a: fire[0] ? FIRE : NO_FIRE, g_b: fire[1] ? FIRE : NO_FIRE, g_c: fire[2] ? FIRE : NO_FIRE };
        expect(got).toBe(evaluateFormula(tree, values));
        expect(terms.g_b).toBe(values.g_b);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses an invalid formula with the reason', () => {
    expect(() => compileFormula('3 * 2', ABC)).toThrow(/cannot compile an invalid formula: .*uses no primitive/);
  });
});
