/**
 * DERL's formula language: arithmetic over primitives (REFERENCE.md, DERL).
 *
 * Tokens: `+ - * / ( )`, non-negative decimal numbers (`2`, `0.5`, `10`), and primitive names
 * (`g_won`, …; identifiers `[A-Za-z_][A-Za-z0-9_]*` that must name a primitive of the family).
 * Whitespace is ignored. Grammar (binary operators only, no unary minus, usual precedence, left
 * associative):
 *
 *   expr   := term (('+' | '-') term)*
 *   term   := factor (('*' | '/') factor)*
 *   factor := number | primitive | '(' expr ')'
 *
 * Validity (DERL): the parentheses balance (and the formula parses), at least one primitive appears,
 * and it evaluates to a finite number. Finiteness is checked by evaluating on every assignment of
 * fire / no-fire (1+1e-6 / 1e-6) to the primitives it uses (2^k cases for k distinct primitives, k ≤ 10),
 * which covers every value the formula can take on any env state, so e.g. `g_won / (g_won - g_won)` is
 * invalid. Meta-rewards: an invalid formula scores −1 (`INVALID_SCORE`); a valid one whose training
 * throws scores 0 (`THROW_SCORE`, applied by bilevel.ts).
 *
 * `compileFormula` turns a valid formula into reward-language source
 *
 *   function reward(state, action, next, terms) {
 *     const g_won = 0.000001 + indicator(tw_won(state, next));
 *     …
 *     terms.g_won = g_won;
 *     return (g_won + g_goalHeld) * 2;
 *   }
 *
 * and compiles it with rewards/lang `compileReward`, so a formula runs under the same checker and guard
 * as every other generated reward.
 */
import { type CompiledReward, compileReward } from '../lang/compile.ts';
import { FIRE, NO_FIRE, type PrimitiveFamily, primitiveBindings } from './primitives.ts';

export const INVALID_SCORE = -1;
export const THROW_SCORE = 0;

export type Token =
  | { readonly kind: 'op'; readonly text: '+' | '-' | '*' | '/'; readonly pos: number }
  | { readonly kind: 'lparen' | 'rparen'; readonly text: '(' | ')'; readonly pos: number }
  | { readonly kind: 'number'; readonly text: string; readonly value: number; readonly pos: number }
  | { readonly kind: 'prim'; readonly text: string; readonly pos: number };

export type FormulaNode =
  | { readonly type: 'num'; readonly value: number }
  | { readonly type: 'prim'; readonly name: string }
  | { readonly type: 'bin'; readonly op: '+' | '-' | '*' | '/'; readonly left: FormulaNode; readonly right: FormulaNode };

export class FormulaError extends Error {
  constructor(readonly formula: string, readonly pos: number, message: string) {
    super(`formula '${formula}', column ${pos + 1}: ${message}`);
    this.name = 'FormulaError';
  }
}

const NUMBER_RE = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Split `formula` into tokens; identifiers must be in `primitives` (when given). */
export function tokenize(formula: string, primitives?: readonly string[]): Token[] {
  if (typeof formula !== 'string') throw new FormulaError(String(formula), 0, `a formula must be a string, got ${typeof formula}`);
  const known = primitives === undefined ? undefined : new Set(primitives);
  const out: Token[] = [];
  let i = 0;
  while (i < formula.length) {
    const c = formula[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '+' || c === '-' || c === '*' || c === '/') {
      out.push({ kind: 'op', text: c, pos: i });
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      out.push({ kind: c === '(' ? 'lparen' : 'rparen', text: c, pos: i });
      i++;
      continue;
    }
    const rest = formula.slice(i);
    const num = NUMBER_RE.exec(rest);
    if (num !== null) {
      out.push({ kind: 'number', text: num[0], value: Number(num[0]), pos: i });
      i += num[0].length;
      continue;
    }
    const id = IDENT_RE.exec(rest);
    if (id !== null) {
      if (known !== undefined && !known.has(id[0])) {
        throw new FormulaError(formula, i, `unknown primitive '${id[0]}'; primitives: ${[...known].join(', ')}`);
      }
      out.push({ kind: 'prim', text: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    throw new FormulaError(formula, i, `unexpected character '${c}'; allowed: + - * / ( ), numbers and primitive names`);
  }
  return out;
}

/** Parse `formula` (grammar above); throws FormulaError naming the column and what was expected. */
export function parseFormula(formula: string, primitives?: readonly string[]): FormulaNode {
  const toks = tokenize(formula, primitives);
  let k = 0;
  const endPos = formula.length;
  const where = (): number => (k < toks.length ? toks[k].pos : endPos);
  const describe = (): string => (k < toks.length ? `'${toks[k].text}'` : 'the end of the formula');

  const factor = (): FormulaNode => {
    const t = toks[k];
    if (t === undefined) throw new FormulaError(formula, endPos, 'expected a number, a primitive or ( but the formula ended');
    if (t.kind === 'number') {
      k++;
      return { type: 'num', value: t.value };
    }
    if (t.kind === 'prim') {
      k++;
      return { type: 'prim', name: t.text };
    }
    if (t.kind === 'lparen') {
      k++;
      const e = expr();
      if (k >= toks.length || toks[k].kind !== 'rparen') throw new FormulaError(formula, where(), `unbalanced parentheses: expected ) to close the ( at column ${t.pos + 1}, found ${describe()}`);
      k++;
      return e;
    }
    throw new FormulaError(formula, t.pos, `expected a number, a primitive or ( but found '${t.text}' (no unary operators)`);
  };
  const term = (): FormulaNode => {
    let left = factor();
    while (k < toks.length && toks[k].kind === 'op' && (toks[k].text === '*' || toks[k].text === '/')) {
      const op = toks[k++].text as '*' | '/';
      left = { type: 'bin', op, left, right: factor() };
    }
    return left;
  };
  const expr = (): FormulaNode => {
    let left = term();
    while (k < toks.length && toks[k].kind === 'op' && (toks[k].text === '+' || toks[k].text === '-')) {
      const op = toks[k++].text as '+' | '-';
      left = { type: 'bin', op, left, right: term() };
    }
    return left;
  };

  if (toks.length === 0) throw new FormulaError(formula, 0, 'the formula is empty');
  const root = expr();
  if (k < toks.length) {
    const t = toks[k];
    throw new FormulaError(formula, t.pos, t.kind === 'rparen' ? "unbalanced parentheses: ')' without a matching '('" : `expected an operator or the end, found '${t.text}'`);
  }
  return root;
}

/** Distinct primitive names in order of first use. */
export function primitivesIn(node: FormulaNode, out: string[] = []): string[] {
  if (node.type === 'prim') {
    if (!out.includes(node.name)) out.push(node.name);
  } else if (node.type === 'bin') {
    primitivesIn(node.left, out);
    primitivesIn(node.right, out);
  }
  return out;
}

/** Evaluate directly (IEEE arithmetic, like the compiled JS) with primitive values from `values`. */
export function evaluateFormula(node: FormulaNode, values: Readonly<Record<string, number>>): number {
  switch (node.type) {
    case 'num':
      return node.value;
    case 'prim': {
      const v = values[node.name];
      if (v === undefined) throw new Error(`evaluateFormula: no value for primitive '${node.name}'`);
      return v;
    }
    case 'bin': {
      const a = evaluateFormula(node.left, values);
      const b = evaluateFormula(node.right, values);
      return node.op === '+' ? a + b : node.op === '-' ? a - b : node.op === '*' ? a * b : a / b;
    }
  }
}

/** Most distinct primitives the exhaustive fire/no-fire enumerations visit (2^10 cases). */
const MAX_CHECKED_PRIMITIVES = 10;

/**
 * Evaluate `node` on every fire/no-fire assignment of `names` (1+1e-6 / 1e-6), mask 0 (nothing fires)
 * first; bit j of `mask` says whether names[j] fires. Stops early when `visit` returns false.
 */
function forEachAssignment(node: FormulaNode, names: readonly string[], visit: (value: number, mask: number) => boolean | void): void {
  if (names.length > MAX_CHECKED_PRIMITIVES) throw new Error(`formula over ${names.length} distinct primitives; at most ${MAX_CHECKED_PRIMITIVES} are enumerated`);
  const values: Record<string, number> = {};
  for (let mask = 0; mask < 1 << names.length; mask++) {
    for (let j = 0; j < names.length; j++) values[names[j]] = (mask >> j) & 1 ? FIRE : NO_FIRE;
    if (visit(evaluateFormula(node, values), mask) === false) return;
  }
}

/**
 * A formula's event scale, for per-step payment (episode_reward.ts): `zero` is its value when
 * none of its primitives fires, `scale` the largest |f(g) − zero| over every fire/no-fire assignment
 * (2^k cases, as in `checkFormula`). Paying (f(g) − zero) / scale makes the payment invariant to adding a
 * constant to the formula or multiplying it by a positive number, as DERL's episode-level rewards are
 * under its group-normalised inner learner. `scale` is 0 when the formula does not depend on its
 * primitives (e.g. `g_won - g_won`).
 */
export function eventScale(node: FormulaNode): { zero: number; scale: number } {
  let zero = 0;
  let scale = 0;
  forEachAssignment(node, primitivesIn(node), (v, mask) => {
    if (mask === 0) zero = v;
    else scale = Math.max(scale, Math.abs(v - zero));
  });
  return { zero, scale };
}

/** The payment (f − zero) / scale of `eventScale` as a function of f: 0 when the scale is 0 or f is not finite. */
export function eventPayment(node: FormulaNode): (f: number) => number {
  const { zero, scale } = eventScale(node);
  if (!(scale > 0) || !Number.isFinite(scale)) return () => 0;
  return (f) => {
    const r = (f - zero) / scale;
    return Number.isFinite(r) ? r : 0;
  };
}

/**
 * What a formula pays on every fire/no-fire assignment of `names` (a family's primitives), as one string
 * (9 significant digits per value): the scaled payment of `eventPayment` when `scaled`, the raw value
 * otherwise. Two formulas with the same signature are the same reward, e.g. `g_won` and `3 * g_won + 1`
 * when scaled, so training both would repeat one experiment.
 */
export function paymentSignature(node: FormulaNode, names: readonly string[], scaled: boolean): string {
  const pay = scaled ? eventPayment(node) : (f: number) => f;
  const out: string[] = [];
  forEachAssignment(node, names, (v) => {
    out.push(pay(v).toPrecision(9));
  });
  return out.join(' ');
}

/** Fully parenthesised JS expression of the tree (same evaluation order as the tree). */
export function formulaToJs(node: FormulaNode): string {
  if (node.type === 'num') return String(node.value);
  if (node.type === 'prim') return node.name;
  return `(${formulaToJs(node.left)} ${node.op} ${formulaToJs(node.right)})`;
}

export type Validity =
  | { readonly valid: true; readonly ast: FormulaNode; readonly primitives: readonly string[] }
  | { readonly valid: false; readonly reason: string };

/** DERL validity: parses (balanced parentheses), ≥ 1 primitive, finite on every fire/no-fire assignment. */
export function checkFormula(formula: string, primitives: readonly string[]): Validity {
  let ast: FormulaNode;
  try {
    ast = parseFormula(formula, primitives);
  } catch (e) {
    if (e instanceof FormulaError) return { valid: false, reason: e.message };
    throw e;
  }
  const used = primitivesIn(ast);
  if (used.length === 0) return { valid: false, reason: `formula '${formula}' uses no primitive; use at least one of ${primitives.join(', ')}` };
  if (used.length > MAX_CHECKED_PRIMITIVES) return { valid: false, reason: `formula '${formula}' uses ${used.length} distinct primitives; at most ${MAX_CHECKED_PRIMITIVES}` };
  let reason: string | undefined;
  forEachAssignment(ast, used, (v, mask) => {
    if (Number.isFinite(v)) return true;
    const fired = used.filter((_, j) => (mask >> j) & 1);
    reason = `formula '${formula}' is ${v} when ${fired.length === 0 ? 'no primitive fires' : `only ${fired.join(', ')} fire(s)`}`;
    return false;
  });
  return reason === undefined ? { valid: true, ast, primitives: used } : { valid: false, reason };
}

/** The meta-reward of an invalid formula is −1; valid formulas get their validation score elsewhere. */
export function validityScore(v: Validity): number | undefined {
  return v.valid ? undefined : INVALID_SCORE;
}

/** Reward-language source of a formula (see the file header); the formula must be valid. */
export function formulaSource(formula: string, family: PrimitiveFamily): string {
  const names = family.primitives.map((p) => p.name);
  const v = checkFormula(formula, names);
  if (!v.valid) throw new Error(`DERL: cannot compile an invalid formula: ${v.reason}`);
  const terms = v.primitives.map((n) => `  terms.${n} = ${n};`).join('\n');
  return `function reward(state, action, next, terms) {\n${primitiveBindings(family, v.primitives)}\n${terms}\n  return ${formulaToJs(v.ast)};\n}`;
}

export interface CompiledFormula {
  readonly formula: string;
  /** The reward-language source it compiled from. */
  readonly source: string;
  readonly compiled: CompiledReward;
}

/** Compile a valid formula through rewards/lang (checker + compileReward) with the family's helpers. */
export function compileFormula(formula: string, family: PrimitiveFamily): CompiledFormula {
  const source = formulaSource(formula, family);
  const compiled = compileReward(source, { extraHelpers: family.extraHelpers, extraHelperFns: family.extraHelperFns });
  return { formula, source, compiled };
}
