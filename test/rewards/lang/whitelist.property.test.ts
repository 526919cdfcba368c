/**
 * The whitelist as a property: random well-formed expressions over a state description compile and
 * evaluate exactly like a reference evaluator built from the same random tree; pre-flight and the
 * output guard count and replace non-finite values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { make } from '../../../envs/index.ts';
import { compileReward, GuardedReward } from '../../../rewards/lang/compile.ts';
import { PreflightError, preflight, sampleTransitions } from '../../../rewards/lang/preflight.ts';

interface S {
  a: number;
  b: number;
  flag: boolean;
  p: number[];
  nested: { v: number };
}
type Ev = (s: S, n: S) => number;
interface Gen {
  src: string;
  ev: Ev;
}

const lit = fc.double({ min: -5, max: 5, noNaN: true, noDefaultInfinity: true }).map((x): Gen => {
  const v = Math.round(x * 1000) / 1000 + 0; // + 0 turns -0 into 0, as the source text "0" reads
  return { src: v < 0 ? `(${v})` : String(v), ev: () => v };
});
const field = fc.constantFrom<Gen>(
  { src: 's.a', ev: (s) => s.a },
  { src: 'n.b', ev: (_s, n) => n.b },
  { src: 's.p[0]', ev: (s) => s.p[0] },
  { src: 'n.p[2]', ev: (_s, n) => n.p[2] },
  { src: 'n.nested.v', ev: (_s, n) => n.nested.v },
  { src: 'distance(s.p, n.p)', ev: (s, n) => Math.sqrt(0 + (s.p[0] - n.p[0]) ** 2 + (s.p[1] - n.p[1]) ** 2 + (s.p[2] - n.p[2]) ** 2) },
);

const num: fc.Arbitrary<Gen> = fc.letrec<{ num: Gen; cond: Gen }>((tie) => ({
  num: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    lit,
    field,
    fc.tuple(tie('num'), fc.constantFrom('+', '-', '*', '/'), tie('num')).map(([l, op, r]): Gen => ({
      src: `(${l.src} ${op} ${r.src})`,
      ev: (s, n) => {
        const x = l.ev(s, n);
        const y = r.ev(s, n);
        return op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y;
      },
    })),
    tie('num').map((e): Gen => ({ src: `(-${e.src})`, ev: (s, n) => -e.ev(s, n) })),
    tie('num').map((e): Gen => ({ src: `tanh(${e.src})`, ev: (s, n) => Math.tanh(e.ev(s, n)) })),
    tie('num').map((e): Gen => ({ src: `Math.abs(${e.src})`, ev: (s, n) => Math.abs(e.ev(s, n)) })),
    fc.tuple(tie('num'), tie('num')).map(([x, y]): Gen => ({ src: `Math.min(${x.src}, ${y.src})`, ev: (s, n) => Math.min(x.ev(s, n), y.ev(s, n)) })),
    fc.tuple(tie('num'), tie('num'), tie('num')).map(([x, lo, hi]): Gen => ({
      src: `clamp(${x.src}, ${lo.src}, ${hi.src})`,
      ev: (s, n) => {
        const v = x.ev(s, n);
        const a = lo.ev(s, n);
        const b = hi.ev(s, n);
        return v < a ? a : v > b ? b : v;
      },
    })),
    fc.tuple(tie('cond'), tie('num'), tie('num')).map(([c, x, y]): Gen => ({ src: `(${c.src} ? ${x.src} : ${y.src})`, ev: (s, n) => (c.ev(s, n) ? x.ev(s, n) : y.ev(s, n)) })),
  ),
  cond: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom<Gen>({ src: 's.flag', ev: (s) => (s.flag ? 1 : 0) }, { src: '!n.flag', ev: (_s, n) => (n.flag ? 0 : 1) }),
    fc.tuple(tie('num'), fc.constantFrom('<', '<=', '>', '>=', '===', '!=='), tie('num')).map(([l, op, r]): Gen => ({
      src: `(${l.src} ${op} ${r.src})`,
      ev: (s, n) => {
        const x = l.ev(s, n);
        const y = r.ev(s, n);
        return (op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : op === '>=' ? x >= y : op === '===' ? x === y : x !== y) ? 1 : 0;
      },
    })),
    fc.tuple(tie('cond'), fc.constantFrom('&&', '||'), tie('cond')).map(([l, op, r]): Gen => ({
      src: `(${l.src} ${op} ${r.src})`,
      ev: (s, n) => (op === '&&' ? (l.ev(s, n) && r.ev(s, n) ? 1 : 0) : l.ev(s, n) || r.ev(s, n) ? 1 : 0),
    })),
  ),
})).num;

const state = fc.record({
  a: fc.double({ min: -10, max: 10, noNaN: true }),
  b: fc.double({ min: -10, max: 10, noNaN: true }),
  flag: fc.boolean(),
  p: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
  nested: fc.record({ v: fc.double({ min: -3, max: 3, noNaN: true }) }),
});

describe('reward language whitelist', () => {
  it('random well-formed expressions compile and equal the reference evaluator', () => {
    fc.assert(
      fc.property(num, state, state, (e, s, n) => {
        const code = `function reward(s, a, n, t) {\n  const value = ${e.src};\n  t.value = value;\n  return value;\n}`;
        const c = compileReward(code, { sampleState: s });
        const terms: Record<string, number> = {};
        const got = c.fn(s, [0], n, terms);
        expect(Object.is(got, e.ev(s, n)) || got === e.ev(s, n)).toBe(true);
        expect(Object.is(terms.value, got)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('compiled code runs at direct-call speed with a batched form', () => {
    const c = compileReward('function reward(s, a, n) { return closeness(distance(s.p, n.p), 5) - 0.1 * squaredNorm(a); }');
    const states = Array.from({ length: 64 }, (_, i) => ({ p: [i, 0, 0] }));
    const out = new Float64Array(64);
    c.batch(states, states.map(() => [1, 1]), states.map(() => ({ p: [0, 0, 0] })), out);
    expect(out[0]).toBeCloseTo(1 - 0.2, 12);
    expect(out[1]).toBeCloseTo(1 - Math.tanh(5) - 0.2, 12);
  });
});

describe('pre-flight and output guard', () => {
  const env = () => make('classic/CartPole-v1');

  it('accepts finite code on ≥ 1000 random transitions and reports its range', () => {
    const samples = sampleTransitions(env(), 1000, 3);
    expect(samples.length).toBe(1000);
    const rep = preflight(compileReward('function reward(s, a, n, t) { const up = Math.cos(n.theta); t.up = up; return up - 0.1 * Math.abs(n.x); }'), samples);
    expect(rep.samples).toBe(1000);
    expect(rep.termNames).toEqual(['up']);
    expect(rep.max).toBeLessThanOrEqual(1);
  });

  it('rejects code that is non-finite on some states, naming the sample', () => {
    const samples = sampleTransitions(env(), 1000, 3);
    // log of a negative velocity is NaN on about half the states
    expect(() => preflight(compileReward('function reward(s, a, n) { return Math.log(n.xDot); }'), samples)).toThrow(PreflightError);
    try {
      preflight(compileReward('function reward(s, a, n) { return 1 / (n.theta - n.theta); }'), samples);
    } catch (e) {
      expect((e as PreflightError).message).toMatch(/returned (Infinity|-Infinity|NaN) on transition 0 \(episode 0, step 0\); 1000 of 1000 random transitions failed/);
    }
  });

  it('rejects code that throws (a field that does not exist) with the exception', () => {
    const samples = sampleTransitions(env(), 1000, 4);
    expect(() => preflight(compileReward('function reward(s, a, n) { return n.cart.position[0]; }'), samples)).toThrow(/threw "Cannot read properties of undefined/);
  });

  it('the guard counts, replaces and reports non-finite values and throws', () => {
    const g = new GuardedReward(compileReward('function reward(s, a, n) { return s.v > 0 ? Math.sqrt(-1) : n.missing.field; }'), { name: 'test', fallback: -1 });
    const t1: Record<string, number> = {};
    expect(g.compute({ v: 1 }, 0, {}, t1)).toBe(-1);
    expect(t1.nonFinite).toBe(1);
    const t2: Record<string, number> = {};
    expect(g.compute({ v: -1 }, 0, {}, t2)).toBe(-1);
    expect(t2.rewardError).toBe(1);
    expect([g.calls, g.nonFinite, g.errors]).toEqual([2, 1, 1]);
    const big = new GuardedReward(compileReward('function reward(s) { return 1e300; }'), { name: 'big', clip: 10 });
    expect(big.compute({}, 0, {}, {})).toBe(10);
  });
});
