/**
 * Actions of the web family, structured or as BrowserGym-style strings:
 *
 * | string                         | structured                                   |
 * |--------------------------------|----------------------------------------------|
 * | `click("12")`                  | `{ type: 'click', ref: 12 }`                 |
 * | `fill("12", "hello")`          | `{ type: 'fill', ref: 12, text: 'hello' }`   |
 * | `select_option("12", "Red")`   | `{ type: 'select', ref: 12, option: 'Red' }` |
 * | `press("12", "Enter")`         | `{ type: 'press', ref: 12, key: 'Enter' }`   |
 * | `scroll(0, 120)`               | `{ type: 'scroll', dx: 0, dy: 120 }`         |
 *
 * Refs may be written as strings or bare integers (`click(12)`); string arguments are JSON-style double-
 * or single-quoted literals with backslash escapes. `parseAction` never throws: a malformed action comes
 * back as `{ error }` naming what is wrong, which the env reports in `info.lastActionError`.
 */
import { Space, type SampleOptions, type SpaceSpec, describeValue } from '../../sim/spaces/space.ts';
import type { WebAction } from './types.ts';

/** Longest text a fill may carry. */
export const MAX_FILL_LENGTH = 256;
/** Keys `press` accepts (the same set in both backends). */
export const PRESS_KEYS = ['Enter', 'Escape'] as const;

type Parsed = { readonly action: WebAction; readonly error?: undefined } | { readonly action?: undefined; readonly error: string };

function isRef(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < 1_000_000;
}

/** Validate a structured action's shape (whether the ref exists is the page's business). */
export function validateAction(a: unknown): Parsed {
  if (typeof a === 'string') return parseActionString(a);
  if (!a || typeof a !== 'object' || Array.isArray(a)) return { error: `an action must be an object or a string, got ${describeValue(a)}` };
  const o = a as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  const refOk = (): string | undefined => (isRef(o.ref) ? undefined : `action.ref must be a non-negative integer, got ${describeValue(o.ref)}`);
  switch (o.type) {
    case 'click': {
      if (keys !== 'ref,type') return { error: `a click takes {type, ref}, got keys [${keys}]` };
      const e = refOk();
      return e ? { error: e } : { action: { type: 'click', ref: o.ref as number } };
    }
    case 'fill': {
      if (keys !== 'ref,text,type') return { error: `a fill takes {type, ref, text}, got keys [${keys}]` };
      const e = refOk();
      if (e) return { error: e };
      if (typeof o.text !== 'string' || o.text.length > MAX_FILL_LENGTH) return { error: `action.text must be a string of at most ${MAX_FILL_LENGTH} characters, got ${describeValue(o.text)}` };
      return { action: { type: 'fill', ref: o.ref as number, text: o.text } };
    }
    case 'select': {
      if (keys !== 'option,ref,type') return { error: `a select takes {type, ref, option}, got keys [${keys}]` };
      const e = refOk();
      if (e) return { error: e };
      if (typeof o.option !== 'string' || o.option.length > MAX_FILL_LENGTH) return { error: `action.option must be a string, got ${describeValue(o.option)}` };
      return { action: { type: 'select', ref: o.ref as number, option: o.option } };
    }
    case 'press': {
      if (keys !== 'key,ref,type') return { error: `a press takes {type, ref, key}, got keys [${keys}]` };
      const e = refOk();
      if (e) return { error: e };
      if (!(PRESS_KEYS as readonly unknown[]).includes(o.key)) return { error: `action.key must be one of ${PRESS_KEYS.join(', ')}, got ${describeValue(o.key)}` };
      return { action: { type: 'press', ref: o.ref as number, key: o.key as string } };
    }
    case 'scroll': {
      if (keys !== 'dx,dy,type') return { error: `a scroll takes {type, dx, dy}, got keys [${keys}]` };
      const ok = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= 10_000;
      if (!ok(o.dx) || !ok(o.dy)) return { error: `action.dx and action.dy must be finite numbers within ±10000, got ${describeValue(o.dx)}, ${describeValue(o.dy)}` };
      return { action: { type: 'scroll', dx: o.dx as number, dy: o.dy as number } };
    }
    default:
      return { error: `action.type must be one of click, fill, select, press, scroll, got ${describeValue(o.type)}` };
  }
}

/** Split `name(args)` into its argument literals. */
function parseArgs(src: string): (string | number)[] | string {
  const out: (string | number)[] = [];
  let i = 0;
  const ws = (): void => {
    while (i < src.length && /\s/.test(src[i])) i++;
  };
  ws();
  if (i === src.length) return out;
  for (;;) {
    ws();
    const c = src[i];
    if (c === '"' || c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) return `unterminated string in (${src})`;
        const d = src[i++];
        if (d === c) break;
        if (d === '\\') {
          const e = src[i++];
          const map: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', '"': '"', "'": "'" };
          if (e === undefined || map[e] === undefined) return `bad escape \\${e ?? ''} in (${src})`;
          s += map[e];
        } else s += d;
      }
      out.push(s);
    } else {
      const m = /^-?\d+(\.\d+)?/.exec(src.slice(i));
      if (!m) return `expected a quoted string or a number at "${src.slice(i, i + 12)}"`;
      out.push(Number(m[0]));
      i += m[0].length;
    }
    ws();
    if (i === src.length) return out;
    if (src[i] !== ',') return `expected ',' or ')' at "${src.slice(i, i + 12)}"`;
    i++;
  }
}

function refArg(v: string | number | undefined): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return isRef(n) ? n : undefined;
}

/** Parse a BrowserGym-style action string. */
export function parseActionString(s: string): Parsed {
  const m = /^\s*([a-z_]+)\s*\(([\s\S]*)\)\s*$/.exec(s);
  if (!m) return { error: `cannot parse action ${describeValue(s)}: expected name(args), e.g. click("12")` };
  const [, name, body] = m;
  const args = parseArgs(body);
  if (typeof args === 'string') return { error: `cannot parse action ${describeValue(s)}: ${args}` };
  const want = (n: number): string | undefined => (args.length === n ? undefined : `${name} takes ${n} argument(s), got ${args.length}`);
  const ref = refArg(args[0]);
  const badRef = `the ref must be a non-negative integer like "12", got ${describeValue(args[0])}`;
  switch (name) {
    case 'click':
      if (want(1)) return { error: want(1)! };
      return ref === undefined ? { error: badRef } : { action: { type: 'click', ref } };
    case 'fill':
    case 'select_option':
    case 'press': {
      if (want(2)) return { error: want(2)! };
      if (ref === undefined) return { error: badRef };
      if (typeof args[1] !== 'string') return { error: `${name}'s second argument must be a quoted string, got ${describeValue(args[1])}` };
      const structured = name === 'fill' ? { type: 'fill', ref, text: args[1] } : name === 'press' ? { type: 'press', ref, key: args[1] } : { type: 'select', ref, option: args[1] };
      return validateAction(structured);
    }
    case 'scroll':
      if (want(2)) return { error: want(2)! };
      return validateAction({ type: 'scroll', dx: args[0], dy: args[1] });
    default:
      return { error: `unknown action ${JSON.stringify(name)}: use click, fill, select_option, press or scroll` };
  }
}

/** The string form of a structured action (round-trips through `parseActionString`). */
export function actionToString(a: WebAction): string {
  const q = (s: string): string => JSON.stringify(s);
  switch (a.type) {
    case 'click':
      return `click(${q(String(a.ref))})`;
    case 'fill':
      return `fill(${q(String(a.ref))}, ${q(a.text)})`;
    case 'select':
      return `select_option(${q(String(a.ref))}, ${q(a.option)})`;
    case 'press':
      return `press(${q(String(a.ref))}, ${q(a.key)})`;
    case 'scroll':
      return `scroll(${a.dx}, ${a.dy})`;
  }
}

/**
 * The action space: structured actions and action strings. `contains` checks the shape (a ref that is not
 * on the page is still a well-formed action: the env reports it in `info.lastActionError`). `sample()`
 * draws a structured action with a ref below `maxRef` (default 64) — mostly clicks, some fills with a
 * random word, selects, presses and scrolls — useful for fuzzing, not for solving.
 */
export class WebActionSpace extends Space<WebAction | string> {
  readonly shape: undefined = undefined;
  readonly flatDim = 0;

  constructor(readonly maxRef = 64, seed?: number) {
    super(seed);
  }

  sample(options?: SampleOptions): WebAction {
    if (options?.mask !== undefined || options?.probability !== undefined) throw new RangeError('WebActionSpace.sample takes no mask or probability');
    const r = this.rng;
    const ref = r.int(this.maxRef);
    const u = r.random();
    if (u < 0.6) return { type: 'click', ref };
    if (u < 0.8) return { type: 'fill', ref, text: ['alpha', 'bravo', 'charlie', ''][r.int(4)] };
    if (u < 0.88) return { type: 'select', ref, option: ['one', 'two'][r.int(2)] };
    if (u < 0.96) return { type: 'press', ref, key: PRESS_KEYS[r.int(PRESS_KEYS.length)] };
    return { type: 'scroll', dx: 0, dy: r.int(200) - 100 };
  }

  contains(x: unknown): boolean {
    return validateAction(x).error === undefined;
  }

  flatten(): Float32Array {
    throw new TypeError('WebActionSpace: web actions are structured and have no flat vector form');
  }

  unflatten(): WebAction {
    throw new TypeError('WebActionSpace: web actions are structured and have no flat vector form');
  }

  toJSON(): SpaceSpec {
    return { type: 'WebAction', maxRef: this.maxRef };
  }

  toString(): string {
    return 'WebAction(click | fill | select | press | scroll, or a BrowserGym-style string)';
  }
}
