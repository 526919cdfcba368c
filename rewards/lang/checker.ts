/**
 * The restricted reward language: a JavaScript subset, checked on its acorn AST against a whitelist
 * before anything runs. A program is exactly one function
 *
 *   function reward(state, action, next, terms) { … return <number>; }
 *
 * (any parameter names; the 4th, optional, is the only thing code may write to, as `terms.name = …`).
 *
 * Allowed: `const`/`let` with an initialiser, assignment (`=`, `+=`, `-=`, `*=`, `/=`) to a `let` local or
 * to `terms.<name>`, `if`/`else`, `return`, blocks; number and boolean literals, arithmetic, comparison,
 * `&&`/`||`/`??`, unary `-`/`+`/`!`, ternaries, small array literals, property reads with a plain name
 * (`next.cube.position`) or a numeric index (`p[0]`), and calls to the helper library (`distance`,
 * `tanh`, `clamp`, … and whitelisted `Math.*`).
 * Not allowed, by construction: loops, recursion and any user-defined function besides `reward`,
 * `this`, globals, strings (so no string-to-code), computed names, `constructor`/`__proto__`/`prototype`,
 * `new`, regexes, templates, getters/setters, spread, `delete`/`typeof`/`void`, `in`/`instanceof`,
 * sequences, `with`, `try`, `throw`, `switch`, labels, imports, and identifiers written with escapes or
 * non-ASCII letters. Code that passes cannot reach anything but its arguments and the helpers, cannot
 * loop, and runs in time linear in its length.
 *
 * Errors are structured (line, column, rule, message, hint) so a model can act on them.
 */
import * as acorn from 'acorn';
import { HELPER_ARITY, MATH_CONSTANTS, MATH_FUNCTIONS } from './helpers.ts';

export type Rule =
  | 'syntax'
  | 'single-function'
  | 'forbidden-syntax'
  | 'forbidden-name'
  | 'unknown-name'
  | 'forbidden-property'
  | 'computed-member'
  | 'assignment-target'
  | 'call-target'
  | 'arity'
  | 'string-literal'
  | 'too-large'
  | 'identifier-escape'
  | 'shadowing'
  | 'no-return'
  | 'unknown-field';

export interface LangError {
  readonly line: number;
  readonly column: number;
  readonly rule: Rule;
  readonly message: string;
  readonly hint: string;
}

export class RewardLangError extends Error {
  constructor(readonly errors: readonly LangError[]) {
    super(errors.map(formatLangError).join('\n'));
    this.name = 'RewardLangError';
  }
}

export function formatLangError(e: LangError): string {
  return `line ${e.line}, column ${e.column}: [${e.rule}] ${e.message}${e.hint ? ` — ${e.hint}` : ''}`;
}

export const LIMITS = { maxChars: 20_000, maxNodes: 5_000, maxDepth: 64, maxArrayLiteral: 16, maxIndex: 1024 } as const;

const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FORBIDDEN_NAMES = new Set([
  'constructor', 'prototype', '__proto__', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__',
  'globalThis', 'window', 'global', 'self', 'process', 'require', 'module', 'exports', 'import', 'eval', 'Function',
  'arguments', 'caller', 'callee', 'Proxy', 'Reflect', 'Object', 'Symbol', 'Buffer', 'WebAssembly', 'setTimeout',
  'setInterval', 'queueMicrotask', 'fetch', 'Atomics', 'SharedArrayBuffer', 'valueOf', 'toString', 'apply', 'call', 'bind',
]);
const BINARY_OPS = new Set(['+', '-', '*', '/', '%', '**', '<', '<=', '>', '>=', '===', '!==', '==', '!=']);
const LOGICAL_OPS = new Set(['&&', '||', '??']);
const UNARY_OPS = new Set(['-', '+', '!']);
const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=']);
const GLOBAL_VALUES = new Set(['Infinity', 'NaN']);

export interface CheckOptions {
  /** Extra helper functions (name → arity) the env family provides to reward code. */
  readonly extraHelpers?: Readonly<Record<string, number>>;
  /**
   * A sample state: property reads rooted at the state/next parameters are checked against its
   * fields, so a misspelt name is caught before running, with the known names in the error.
   */
  readonly sampleState?: unknown;
}

export interface CheckedProgram {
  readonly source: string;
  readonly functionName: string;
  readonly params: readonly string[];
  /** Names assigned as `terms.<name>`. */
  readonly termNames: readonly string[];
  /** Helper names the code calls. */
  readonly helpersUsed: readonly string[];
}

type Node = acorn.Node & Record<string, any>;

/** Check `source`; returns the checked program or throws RewardLangError listing every violation. */
export function checkReward(source: string, opts: CheckOptions = {}): CheckedProgram {
  const errors: LangError[] = [];
  const at = (node: { start: number } | number, rule: Rule, message: string, hint = ''): void => {
    const pos = acorn.getLineInfo(source, typeof node === 'number' ? node : node.start);
    errors.push({ line: pos.line, column: pos.column + 1, rule, message, hint });
  };
  if (typeof source !== 'string') throw new RewardLangError([{ line: 1, column: 1, rule: 'syntax', message: `reward code must be a string, got ${typeof source}`, hint: '' }]);
  if (source.length > LIMITS.maxChars) {
    throw new RewardLangError([{ line: 1, column: 1, rule: 'too-large', message: `code has ${source.length} characters; the limit is ${LIMITS.maxChars}`, hint: 'write a shorter function' }]);
  }
  let ast: Node;
  try {
    ast = acorn.parse(source, { ecmaVersion: 2022, sourceType: 'script', locations: true, allowReturnOutsideFunction: false }) as Node;
  } catch (e) {
    const err = e as SyntaxError & { loc?: { line: number; column: number } };
    throw new RewardLangError([{ line: err.loc?.line ?? 1, column: (err.loc?.column ?? 0) + 1, rule: 'syntax', message: err.message.replace(/ \(\d+:\d+\)$/, ''), hint: 'the code must be valid JavaScript' }]);
  }

  const body = ast.body as Node[];
  const fns = body.filter((n) => n.type === 'FunctionDeclaration');
  if (body.length !== 1 || fns.length !== 1) {
    const extra = body.find((n) => n.type !== 'FunctionDeclaration') ?? fns[1] ?? ast;
    at(extra, 'single-function', `the program must be exactly one function declaration, found ${body.length} top-level statement(s)`, 'write only `function reward(state, action, next, terms) { … }`');
    throw new RewardLangError(errors);
  }
  const fn = fns[0];
  if (fn.async || fn.generator) at(fn, 'forbidden-syntax', 'the reward function cannot be async or a generator', 'use a plain `function`');
  const params: string[] = [];
  for (const p of fn.params as Node[]) {
    if (p.type !== 'Identifier') at(p, 'forbidden-syntax', `parameter of type ${p.type} is not allowed`, 'use plain parameter names: (state, action, next, terms)');
    else params.push(p.name);
  }
  if (params.length > 4) at(fn, 'forbidden-syntax', `the reward function takes at most 4 parameters (state, action, next, terms), got ${params.length}`, 'drop the extra parameters');
  const [stateName, actionName, nextName, termsName] = params;
  const helperArity: Record<string, number> = { ...HELPER_ARITY, ...(opts.extraHelpers ?? {}) };

  let nodes = 0;
  const locals = new Map<string, 'const' | 'let'>();
  const termNames = new Set<string>();
  const helpersUsed = new Set<string>();
  let sawReturn = false;

  const checkIdentifierText = (node: Node): boolean => {
    const text = source.slice(node.start, node.end);
    if (text !== node.name || !IDENT_RE.test(node.name)) {
      at(node, 'identifier-escape', `identifier '${text}' uses escapes or non-ASCII characters`, 'use plain ASCII names');
      return false;
    }
    if (FORBIDDEN_NAMES.has(node.name) || node.name.startsWith('__')) {
      at(node, 'forbidden-name', `'${node.name}' is not available to reward code`, 'use only the parameters, your locals and the helper functions');
      return false;
    }
    return true;
  };

  for (const p of fn.params as Node[]) if (p.type === 'Identifier') checkIdentifierText(p);
  if (fn.id) checkIdentifierText(fn.id);

  const sampleFor = (name: string): unknown => (name === stateName || name === nextName ? opts.sampleState : undefined);

  /** Check a member chain rooted at a parameter against the sample state; returns the sampled value. */
  const checkField = (node: Node, base: unknown, prop: string | number): unknown => {
    if (base === undefined || base === null) return undefined;
    if (Array.isArray(base) || ArrayBuffer.isView(base)) {
      const len = (base as ArrayLike<unknown>).length;
      if (prop === 'length') return len;
      if (typeof prop === 'number') {
        if (prop >= len) at(node, 'unknown-field', `index ${prop} is out of range: the array has ${len} elements`, `use an index below ${len}`);
        return (base as ArrayLike<unknown>)[prop];
      }
      at(node, 'unknown-field', `'${prop}' is not a field of an array`, 'index it with [0], [1], …');
      return undefined;
    }
    if (typeof base === 'object') {
      if (typeof prop === 'number' || !Object.prototype.hasOwnProperty.call(base, prop)) {
        const known = Object.keys(base as object).slice(0, 30).join(', ');
        at(node, 'unknown-field', `${typeof prop === 'number' ? `index ${prop}` : `'${prop}'`} is not a field here`, `known fields: ${known}`);
        return undefined;
      }
      return (base as Record<string, unknown>)[prop];
    }
    at(node, 'unknown-field', `cannot read '${prop}' of a ${typeof base}`, 'check the state description');
    return undefined;
  };

  const expr = (node: Node, depth: number): unknown => {
    if (++nodes > LIMITS.maxNodes) return undefined;
    if (depth > LIMITS.maxDepth) {
      at(node, 'too-large', `expressions nest deeper than ${LIMITS.maxDepth}`, 'use intermediate const values');
      return undefined;
    }
    switch (node.type) {
      case 'Literal':
        if (typeof node.value === 'number' || typeof node.value === 'boolean') return undefined;
        if (typeof node.value === 'string') at(node, 'string-literal', 'string literals are not allowed', 'reward code works on numbers; read fields by plain names');
        else at(node, 'forbidden-syntax', `literal ${node.raw} is not allowed`, 'use numbers and booleans');
        return undefined;
      case 'Identifier': {
        if (!checkIdentifierText(node)) return undefined;
        const n = node.name as string;
        if (params.includes(n)) {
          if (n === termsName) at(node, 'assignment-target', `'${n}' can only be written as ${n}.<name> = value`, `record a component: ${n}.reach = …`);
          return sampleFor(n);
        }
        if (locals.has(n) || GLOBAL_VALUES.has(n) || n === 'Math') return undefined;
        if (n in helperArity) at(node, 'call-target', `helper '${n}' can only be called`, `write ${n}(…)`);
        else at(node, 'unknown-name', `'${n}' is not defined`, `declare it with const before use, or use a helper: ${Object.keys(helperArity).slice(0, 12).join(', ')}, …`);
        return undefined;
      }
      case 'BinaryExpression':
        if (!BINARY_OPS.has(node.operator)) at(node, 'forbidden-syntax', `operator '${node.operator}' is not allowed`, 'use arithmetic and comparisons');
        expr(node.left, depth + 1);
        expr(node.right, depth + 1);
        return undefined;
      case 'LogicalExpression':
        if (!LOGICAL_OPS.has(node.operator)) at(node, 'forbidden-syntax', `operator '${node.operator}' is not allowed`, '');
        expr(node.left, depth + 1);
        expr(node.right, depth + 1);
        return undefined;
      case 'UnaryExpression':
        if (!UNARY_OPS.has(node.operator)) at(node, 'forbidden-syntax', `operator '${node.operator}' is not allowed`, 'use -x, +x or !x');
        expr(node.argument, depth + 1);
        return undefined;
      case 'ConditionalExpression':
        expr(node.test, depth + 1);
        expr(node.consequent, depth + 1);
        expr(node.alternate, depth + 1);
        return undefined;
      case 'ArrayExpression':
        if (node.elements.length > LIMITS.maxArrayLiteral) at(node, 'too-large', `array literal of ${node.elements.length} elements; the limit is ${LIMITS.maxArrayLiteral}`, 'use small vectors');
        for (const el of node.elements as (Node | null)[]) {
          if (el === null) at(node, 'forbidden-syntax', 'array holes are not allowed', '');
          else if (el.type === 'SpreadElement') at(el, 'forbidden-syntax', 'spread is not allowed', '');
          else expr(el, depth + 1);
        }
        return undefined;
      case 'MemberExpression': {
        if (node.optional) at(node, 'forbidden-syntax', 'optional chaining is not allowed', 'read fields directly');
        const obj = node.object as Node;
        // The object first, so a chain reports what it is rooted in (globalThis.x → forbidden-name).
        let base: unknown;
        const isMath = obj.type === 'Identifier' && obj.name === 'Math';
        const isTerms = obj.type === 'Identifier' && termsName !== undefined && obj.name === termsName;
        if (!isMath && !isTerms) base = expr(obj, depth + 1);
        let prop: string | number;
        if (node.computed) {
          const p = node.property as Node;
          if (p.type !== 'Literal' || typeof p.value !== 'number' || !Number.isInteger(p.value) || p.value < 0 || p.value > LIMITS.maxIndex) {
            at(p, 'computed-member', 'computed member access is only allowed with a literal index such as [0]', 'read fields by name: obj.name, or p[0]');
            return undefined;
          }
          prop = p.value;
        } else {
          const p = node.property as Node;
          if (p.type !== 'Identifier') {
            at(p, 'forbidden-syntax', 'private names are not allowed', '');
            return undefined;
          }
          const text = source.slice(p.start, p.end);
          if (text !== p.name || !IDENT_RE.test(p.name)) {
            at(p, 'identifier-escape', `property '${text}' uses escapes or non-ASCII characters`, 'use plain ASCII names');
            return undefined;
          }
          if (FORBIDDEN_NAMES.has(p.name) || p.name.startsWith('__')) {
            at(p, 'forbidden-property', `property '${p.name}' is not allowed`, 'read only state fields');
            return undefined;
          }
          prop = p.name;
        }
        if (isMath) {
          if (typeof prop === 'string' && prop in MATH_CONSTANTS) return undefined;
          at(node, 'call-target', `Math.${String(prop)} is not available as a value`, `constants: ${Object.keys(MATH_CONSTANTS).join(', ')}`);
          return undefined;
        }
        if (isTerms) {
          at(node, 'assignment-target', `'${termsName}' is write-only`, `assign components with ${termsName}.name = value and keep the value in a const to reuse it`);
          return undefined;
        }
        return checkField(node, base, prop);
      }
      case 'CallExpression': {
        if (node.optional) at(node, 'forbidden-syntax', 'optional calls are not allowed', '');
        const callee = node.callee as Node;
        let name: string | undefined;
        let arity: number | undefined;
        if (callee.type === 'Identifier' && checkIdentifierText(callee)) {
          name = callee.name;
          arity = helperArity[callee.name];
          if (arity === undefined) {
            at(callee, 'call-target', callee.name === fn.id?.name ? 'the reward function cannot call itself' : `'${callee.name}' is not a helper function`, `helpers: ${Object.keys(helperArity).join(', ')}`);
            name = undefined;
          } else helpersUsed.add(callee.name);
        } else if (callee.type === 'MemberExpression' && !callee.computed && (callee.object as Node).type === 'Identifier' && (callee.object as Node).name === 'Math' && (callee.property as Node).type === 'Identifier') {
          const m = (callee.property as Node).name as string;
          if (FORBIDDEN_NAMES.has(m) || m.startsWith('__')) at(callee.property, 'forbidden-property', `property '${m}' is not allowed`, 'use the whitelisted Math functions');
          else if (!(m in MATH_FUNCTIONS)) at(callee, 'call-target', `Math.${m} is not available`, `Math functions: ${Object.keys(MATH_FUNCTIONS).join(', ')}`);
          else {
            name = `Math.${m}`;
            arity = MATH_FUNCTIONS[m];
          }
        } else {
          at(callee, 'call-target', 'only helper functions and Math functions can be called', `helpers: ${Object.keys(helperArity).join(', ')}`);
          if (callee.type !== 'Identifier') expr(callee, depth + 1); // report what the callee itself reaches for
        }
        for (const a of node.arguments as Node[]) {
          if (a.type === 'SpreadElement') at(a, 'forbidden-syntax', 'spread arguments are not allowed', '');
          else expr(a, depth + 1);
        }
        if (name !== undefined && arity !== undefined && arity >= 0 && node.arguments.length !== arity) {
          at(node, 'arity', `${name} takes ${arity} argument(s), got ${node.arguments.length}`, '');
        }
        return undefined;
      }
      default:
        at(node, 'forbidden-syntax', `${describeNode(node)} is not allowed in reward code`, hintFor(node));
        walkChildren(node, (child) => (child.type.endsWith('Statement') || child.type.endsWith('Declaration') ? stmt(child, depth + 1) : expr(child, depth + 1)));
        return undefined;
    }
  };

  const declare = (id: Node, kind: 'const' | 'let'): void => {
    if (!checkIdentifierText(id)) return;
    const n = id.name as string;
    if (params.includes(n) || n in helperArity || n === 'Math' || GLOBAL_VALUES.has(n) || n === fn.id?.name) {
      at(id, 'shadowing', `'${n}' would shadow a parameter, helper or built-in`, 'choose another name');
      return;
    }
    if (locals.has(n)) {
      at(id, 'shadowing', `'${n}' is already declared`, 'declare each name once; use let and assign to update it');
      return;
    }
    locals.set(n, kind);
  };

  const stmt = (node: Node, depth: number): void => {
    if (++nodes > LIMITS.maxNodes) return;
    if (depth > LIMITS.maxDepth) {
      at(node, 'too-large', `statements nest deeper than ${LIMITS.maxDepth}`, '');
      return;
    }
    switch (node.type) {
      case 'BlockStatement':
        for (const s of node.body as Node[]) stmt(s, depth + 1);
        return;
      case 'EmptyStatement':
        return;
      case 'VariableDeclaration':
        if (node.kind !== 'const' && node.kind !== 'let') {
          at(node, 'forbidden-syntax', `'${node.kind}' declarations are not allowed`, 'use const or let');
          return;
        }
        for (const d of node.declarations as Node[]) {
          if (d.id.type !== 'Identifier') {
            at(d.id, 'forbidden-syntax', 'destructuring is not allowed', 'read each field into its own const');
            continue;
          }
          if (!d.init) {
            at(d, 'forbidden-syntax', `'${d.id.name}' must be initialised`, `write: let ${d.id.name} = 0;`);
            continue;
          }
          expr(d.init, depth + 1);
          declare(d.id, node.kind);
        }
        return;
      case 'ExpressionStatement': {
        const e = node.expression as Node;
        if (e.type !== 'AssignmentExpression') {
          at(node, 'forbidden-syntax', `${describeNode(e)} as a statement has no effect or is not allowed`, 'statements are declarations, assignments, if/else and return');
          if (e.type === 'CallExpression') expr(e, depth + 1);
          return;
        }
        if (!ASSIGN_OPS.has(e.operator)) at(e, 'forbidden-syntax', `assignment operator '${e.operator}' is not allowed`, 'use =, +=, -=, *= or /=');
        const target = e.left as Node;
        if (target.type === 'Identifier') {
          if (!checkIdentifierText(target)) return;
          const kind = locals.get(target.name);
          if (kind === undefined) at(target, 'assignment-target', `cannot assign to '${target.name}'`, params.includes(target.name) ? 'parameters are read-only; copy into a let' : 'declare it with let first');
          else if (kind === 'const') at(target, 'assignment-target', `'${target.name}' is a const`, 'declare it with let to update it');
        } else if (target.type === 'MemberExpression' && !target.computed && (target.object as Node).type === 'Identifier' && (target.object as Node).name === termsName && termsName !== undefined && (target.property as Node).type === 'Identifier') {
          const p = target.property as Node;
          const text = source.slice(p.start, p.end);
          if (text !== p.name || !IDENT_RE.test(p.name)) at(p, 'identifier-escape', `property '${text}' uses escapes or non-ASCII characters`, '');
          else if (FORBIDDEN_NAMES.has(p.name) || p.name.startsWith('__')) at(p, 'forbidden-property', `'${p.name}' cannot be a term name`, 'use a plain descriptive name');
          else {
            if (e.operator !== '=') at(e, 'assignment-target', `terms can only be set with '=', got '${e.operator}'`, `compute the value first, then ${termsName}.${p.name} = value`);
            termNames.add(p.name);
          }
        } else {
          at(target, 'assignment-target', 'only let locals and terms.<name> can be assigned', termsName ? `record components as ${termsName}.name = value` : 'add a 4th parameter `terms` to record components');
        }
        expr(e.right, depth + 1);
        return;
      }
      case 'IfStatement':
        expr(node.test, depth + 1);
        stmt(node.consequent, depth + 1);
        if (node.alternate) stmt(node.alternate, depth + 1);
        return;
      case 'ReturnStatement':
        if (!node.argument) at(node, 'no-return', '`return` needs a value', 'return a number');
        else expr(node.argument, depth + 1);
        sawReturn = true;
        return;
      default:
        // A rejected statement (loop, try, with, …) is reported alone: its body would only add noise.
        at(node, 'forbidden-syntax', `${describeNode(node)} is not allowed in reward code`, hintFor(node));
    }
  };

  stmt(fn.body as Node, 0);
  if (nodes > LIMITS.maxNodes) at(fn, 'too-large', `the function has more than ${LIMITS.maxNodes} syntax nodes`, 'write a shorter function');
  if (!sawReturn) at(fn, 'no-return', 'the reward function never returns a value', 'end with `return <number>;`');
  // Unused names checks would be nice-to-have; correctness is enforced by the pre-flight run.
  void actionName;
  if (errors.length > 0) throw new RewardLangError(errors);
  return { source, functionName: fn.id?.name ?? 'reward', params, termNames: [...termNames], helpersUsed: [...helpersUsed] };
}

/** Visit the direct child nodes of a node that is already rejected, so its other violations are reported too. */
function walkChildren(node: Node, visit: (child: Node) => void): void {
  for (const [key, value] of Object.entries(node)) {
    if (key === 'loc' || key === 'start' || key === 'end' || key === 'type') continue;
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (item && typeof item === 'object' && typeof (item as Node).type === 'string' && typeof (item as Node).start === 'number') {
        const child = item as Node;
        // Declarations of names in rejected constructs (params, catch clauses) are not references.
        if (child.type === 'Identifier' && (key === 'params' || key === 'param' || key === 'id' || key === 'label')) continue;
        if (child.type === 'Property' || child.type === 'MethodDefinition' || child.type === 'ClassBody' || child.type === 'CatchClause' || child.type === 'SwitchCase' || child.type === 'TemplateElement' || child.type === 'VariableDeclarator' || child.type === 'PropertyDefinition') {
          walkChildren(child, visit);
        } else visit(child);
      }
    }
  }
}

function describeNode(node: Node): string {
  const names: Record<string, string> = {
    ForStatement: 'a for loop', ForInStatement: 'a for-in loop', ForOfStatement: 'a for-of loop', WhileStatement: 'a while loop',
    DoWhileStatement: 'a do-while loop', FunctionExpression: 'a function expression', ArrowFunctionExpression: 'an arrow function',
    FunctionDeclaration: 'a nested function', ThisExpression: '`this`', NewExpression: '`new`', TemplateLiteral: 'a template string',
    TaggedTemplateExpression: 'a tagged template', WithStatement: '`with`', TryStatement: '`try`', ThrowStatement: '`throw`',
    SwitchStatement: '`switch`', LabeledStatement: 'a label', BreakStatement: '`break`', ContinueStatement: '`continue`',
    ObjectExpression: 'an object literal', SequenceExpression: 'a comma sequence', UpdateExpression: '`++`/`--`',
    ImportExpression: '`import()`', AwaitExpression: '`await`', YieldExpression: '`yield`', ClassExpression: 'a class',
    ClassDeclaration: 'a class', MetaProperty: '`new.target`/`import.meta`', ChainExpression: 'optional chaining',
    AssignmentExpression: 'an assignment inside an expression', DebuggerStatement: '`debugger`', Super: '`super`',
  };
  return names[node.type] ?? `${node.type}`;
}

function hintFor(node: Node): string {
  if (/Loop|For|While/.test(node.type)) return 'loops are not allowed: write the computation out, or use helpers such as distance() and norm()';
  if (/Function/.test(node.type)) return 'only the single reward function is allowed; use the helper library';
  if (node.type === 'UpdateExpression') return 'write x += 1 on a let';
  if (node.type === 'ObjectExpression') return 'use separate consts, or terms.name = value for components';
  if (node.type === 'AssignmentExpression') return 'assign in its own statement';
  return 'see the language rules in the prompt';
}
