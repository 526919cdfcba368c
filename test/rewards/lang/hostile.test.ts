/**
 * The hostile-code corpus: every snippet is rejected by the checker before anything runs, and the error
 * names the rule it broke. A sentinel proves nothing executed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { RewardLangError, type Rule, checkReward } from '../../../rewards/lang/checker.ts';
import { compileReward } from '../../../rewards/lang/compile.ts';

const g = globalThis as Record<string, unknown>;
afterAll(() => {
  delete g.__pwned;
});

const CORPUS: [name: string, code: string, rule: Rule][] = [
  ['constructor chain to Function', 'function reward(s) { return s.constructor.constructor("return process")(); }', 'forbidden-property'],
  ['globalThis', 'function reward(s) { return globalThis.__pwned = 1; }', 'forbidden-name'],
  ['process', 'function reward(s) { process.exit(1); return 0; }', 'forbidden-name'],
  ['dynamic import()', 'function reward(s) { return import("node:fs"); }', 'forbidden-syntax'],
  ['require', 'function reward(s) { const fs = require("fs"); return 0; }', 'forbidden-name'],
  ['eval', 'function reward(s) { return eval("globalThis.__pwned = 1"); }', 'forbidden-name'],
  ['indirect eval through a sequence', 'function reward(s) { return (0, s.f)(1); }', 'forbidden-syntax'],
  ['with statement', 'function reward(s) { with (s) { return x; } }', 'forbidden-syntax'],
  ['getter in an object literal', 'function reward(s) { const o = { get x() { globalThis.__pwned = 1; return 1; } }; return o.x; }', 'forbidden-syntax'],
  ['setter via __defineSetter__', 'function reward(s) { s.__defineSetter__(1, 2); return 0; }', 'forbidden-property'],
  ['Proxy', 'function reward(s) { const p = new Proxy(s, s); return p.x; }', 'forbidden-syntax'],
  ['prototype pollution through terms', 'function reward(s, a, n, t) { t.__proto__ = 1; return 0; }', 'forbidden-property'],
  ['prototype pollution through state', 'function reward(s) { s.__proto__.polluted = 1; return 0; }', 'assignment-target'],
  ['prototype read', 'function reward(s) { return s.prototype; }', 'forbidden-property'],
  ['computed member with a string', 'function reward(s) { return s["constructor"]; }', 'computed-member'],
  ['computed member with a variable', 'function reward(s) { const k = 0; return s[k]; }', 'computed-member'],
  ['while loop', 'function reward(s) { let x = 0; while (true) { x += 1; } return x; }', 'forbidden-syntax'],
  ['for loop', 'function reward(s) { let x = 0; for (let i = 0; i < 1e12; i++) { x += i; } return x; }', 'forbidden-syntax'],
  ['do-while loop', 'function reward(s) { let x = 0; do { x += 1; } while (x > 0); return x; }', 'forbidden-syntax'],
  ['direct recursion', 'function reward(s, a, n) { return reward(s, a, n) + 1; }', 'call-target'],
  ['nested function', 'function reward(s) { function f() { return f(); } return f(); }', 'forbidden-syntax'],
  ['arrow function', 'function reward(s) { const f = () => 1; return 0; }', 'forbidden-syntax'],
  ['huge array via Array()', 'function reward(s) { return Array(1e9).fill(0).length; }', 'call-target'],
  ['huge array via new Array', 'function reward(s) { const a = new Array(1e9); return 0; }', 'forbidden-syntax'],
  ['big array literal', `function reward(s) { const a = [${Array.from({ length: 40 }, (_, i) => i).join(', ')}]; return 0; }`, 'too-large'],
  ['Function constructor', 'function reward(s) { return Function("return globalThis")().__pwned = 1; }', 'forbidden-name'],
  ['string concatenation to a property name', 'function reward(s) { const k = "constru" + "ctor"; return 0; }', 'string-literal'],
  ['template literal', 'function reward(s) { const x = `${s}`; return 0; }', 'forbidden-syntax'],
  ['unicode escape in a property name', 'function reward(s) { return s.\\u0063onstructor; }', 'identifier-escape'],
  ['unicode escape in a declared name', 'function reward(s) { const \\u0061 = 1; return 0; }', 'identifier-escape'],
  ['non-ASCII identifier', 'function reward(s) { const ρ = 1; return ρ; }', 'identifier-escape'],
  ['this', 'function reward(s) { return this.x; }', 'forbidden-syntax'],
  ['a second function', 'function reward(s) { return 0; } function evil() { globalThis.__pwned = 1; }', 'single-function'],
  ['top-level statement', 'globalThis.__pwned = 1; function reward(s) { return 0; }', 'single-function'],
  ['arguments.callee', 'function reward(s) { return arguments.callee; }', 'forbidden-name'],
  ['Math.random (nondeterministic)', 'function reward(s) { return Math.random(); }', 'call-target'],
  ['Math.constructor', 'function reward(s) { return Math.constructor("return 1")(); }', 'forbidden-property'],
  ['typeof', 'function reward(s) { return typeof s === "object" ? 1 : 0; }', 'forbidden-syntax'],
  ['in operator', 'function reward(s) { return 1 in s ? 1 : 0; }', 'forbidden-syntax'],
  ['async function', 'async function reward(s) { return 0; }', 'forbidden-syntax'],
  ['generator', 'function* reward(s) { yield 0; }', 'forbidden-syntax'],
  ['try/catch', 'function reward(s) { try { return s.x; } catch (e) { return 0; } }', 'forbidden-syntax'],
  ['throw', 'function reward(s) { throw s; }', 'forbidden-syntax'],
  ['assign to a parameter', 'function reward(s) { s = 1; return 0; }', 'assignment-target'],
  ['mutate the state', 'function reward(s) { s.x = 1; return 0; }', 'assignment-target'],
  ['setTimeout', 'function reward(s) { setTimeout(s, 0); return 0; }', 'forbidden-name'],
  ['spread arguments', 'function reward(s) { return Math.max(...s.p); }', 'forbidden-syntax'],
  ['optional chaining', 'function reward(s) { return s?.x; }', 'forbidden-syntax'],
  ['shadowing Math', 'function reward(s) { const Math = s; return 0; }', 'shadowing'],
  ['label and break', 'function reward(s) { out: { break out; } return 0; }', 'forbidden-syntax'],
  ['debugger', 'function reward(s) { debugger; return 0; }', 'forbidden-syntax'],
  ['chained assignment', 'function reward(s) { let a = 0; let b = 0; a = b = 1; return a; }', 'forbidden-syntax'],
  ['Symbol', 'function reward(s) { return Symbol.iterator; }', 'forbidden-name'],
  ['Reflect', 'function reward(s) { return Reflect.get(s, 1); }', 'forbidden-name'],
  ['class', 'function reward(s) { class A {} return 0; }', 'forbidden-syntax'],
  ['delete', 'function reward(s) { return delete s.x ? 1 : 0; }', 'forbidden-syntax'],
  ['regex', 'function reward(s) { const r = /a/; return 0; }', 'forbidden-syntax'],
  ['valueOf hook', 'function reward(s) { return s.valueOf(); }', 'forbidden-property'],
  ['update expression', 'function reward(s) { let x = 0; x++; return x; }', 'forbidden-syntax'],
  ['code too large', `function reward(s) { return ${'1 + '.repeat(6000)}1; }`, 'too-large'],
  ['nesting too deep', `function reward(s) { return ${'-('.repeat(100)}1${')'.repeat(100)}; }`, 'too-large'],
  ['no return value', 'function reward(s) { const x = 1; }', 'no-return'],
  ['syntax error', 'function reward(s) { return 1 +; }', 'syntax'],
];

describe('hostile reward code', () => {
  it(`the corpus has ${CORPUS.length} snippets (≥ 30)`, () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(30);
  });

  for (const [name, code, rule] of CORPUS) {
    it(`rejects ${name} (${rule})`, () => {
      let err: unknown;
      try {
        compileReward(code);
      } catch (e) {
        err = e;
      }
      expect(err, `${name} was accepted`).toBeInstanceOf(RewardLangError);
      const rules = (err as RewardLangError).errors.map((e) => e.rule);
      expect(rules).toContain(rule);
      for (const e of (err as RewardLangError).errors) {
        expect(e.line).toBeGreaterThanOrEqual(1);
        expect(e.column).toBeGreaterThanOrEqual(1);
        expect(e.message.length).toBeGreaterThan(0);
      }
      expect(g.__pwned).toBeUndefined();
    });
  }

  it('accepts a Text2Reward-style staged reward and reports its terms', () => {
    const code = `
function reward(state, action, next, terms) {
  // staged: reach, then push the cube to the goal
  const reach = closeness(distance(next.hand, next.cube), 5);
  terms.reach = reach;
  let r = reach;
  if (next.touching) {
    const place = closeness(distance(next.cube, next.goal), 5);
    terms.place = place;
    r = 1 + place;
  }
  terms.action = -0.01 * squaredNorm(action);
  return next.success ? 5 : r - 0.01 * squaredNorm(action);
}`;
    const sample = { hand: [0, 0, 0.1], cube: [0.1, 0, 0], goal: [0.2, 0.1, 0], touching: false, success: false };
    const prog = checkReward(code, { sampleState: sample });
    expect([...prog.termNames].sort()).toEqual(['action', 'place', 'reach']);
    const c = compileReward(code);
    const terms: Record<string, number> = {};
    const v = c.fn(sample, [1, 0, 0, 0], sample, terms);
    expect(v).toBeCloseTo(1 - Math.tanh(5 * Math.hypot(0.1, 0.1)) - 0.01, 10);
    expect(terms.reach).toBeCloseTo(1 - Math.tanh(5 * Math.hypot(0.1, 0.1)), 10);
  });

  it('checks field names against a sample state and lists the known ones', () => {
    const sample = { cube: { position: [0, 0, 0] }, ee: [0, 0, 0] };
    try {
      checkReward('function reward(s, a, n) { return distance(n.cube.positon, n.ee) + n.ee[5]; }', { sampleState: sample });
      expect.unreachable('misspelt field accepted');
    } catch (e) {
      const errs = (e as RewardLangError).errors;
      expect(errs.map((x) => x.rule)).toEqual(['unknown-field', 'unknown-field']);
      expect(errs[0]).toMatchObject({ line: 1, message: "'positon' is not a field here", hint: 'known fields: position' });
      expect(errs[1].message).toBe('index 5 is out of range: the array has 3 elements');
    }
  });
});
