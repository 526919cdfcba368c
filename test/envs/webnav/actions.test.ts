/** Action strings: parsing, round trips, and malformed input never throws. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { actionToString, parseActionString, validateAction, WebActionSpace } from '../../../envs/webnav/actions.ts';
import type { WebAction } from '../../../envs/webnav/types.ts';

describe('parseActionString', () => {
  it('parses the BrowserGym forms', () => {
    expect(parseActionString('click("12")')).toEqual({ action: { type: 'click', ref: 12 } });
    expect(parseActionString(" click( 12 ) ")).toEqual({ action: { type: 'click', ref: 12 } });
    expect(parseActionString(`fill('3', 'it\\'s')`)).toEqual({ action: { type: 'fill', ref: 3, text: "it's" } });
    expect(parseActionString('select_option("4", "Peru")')).toEqual({ action: { type: 'select', ref: 4, option: 'Peru' } });
    expect(parseActionString('press("4", "Enter")')).toEqual({ action: { type: 'press', ref: 4, key: 'Enter' } });
    expect(parseActionString('scroll(0, -120)')).toEqual({ action: { type: 'scroll', dx: 0, dy: -120 } });
  });

  it('names what is wrong', () => {
    expect(parseActionString('click').error).toMatch(/expected name\(args\)/);
    expect(parseActionString('click("a")').error).toMatch(/ref must be a non-negative integer/);
    expect(parseActionString('click("1", "2")').error).toMatch(/takes 1 argument/);
    expect(parseActionString('fill("1", "x)').error).toMatch(/unterminated string/);
    expect(parseActionString('press("1", "F5")').error).toMatch(/key must be one of/);
    expect(parseActionString('goto("x")').error).toMatch(/unknown action "goto"/);
    expect(validateAction({ type: 'click', ref: 1, extra: 2 }).error).toMatch(/keys/);
  });

  const actionArb: fc.Arbitrary<WebAction> = fc.oneof(
    fc.record({ type: fc.constant('click' as const), ref: fc.nat(9999) }),
    fc.record({ type: fc.constant('fill' as const), ref: fc.nat(9999), text: fc.string({ maxLength: 40 }) }),
    fc.record({ type: fc.constant('select' as const), ref: fc.nat(9999), option: fc.string({ maxLength: 40 }) }),
    fc.record({ type: fc.constant('press' as const), ref: fc.nat(9999), key: fc.constantFrom('Enter', 'Escape') }),
    fc.record({ type: fc.constant('scroll' as const), dx: fc.integer({ min: -500, max: 500 }), dy: fc.integer({ min: -500, max: 500 }) }),
  );

  test.prop([actionArb])('actionToString round-trips through parseActionString', (a) => {
    expect(parseActionString(actionToString(a))).toEqual({ action: a });
  });

  test.prop([fc.string({ maxLength: 60 })])('arbitrary strings never throw', (s) => {
    const r = parseActionString(s);
    expect(r.action !== undefined || typeof r.error === 'string').toBe(true);
  });

  test.prop([fc.anything()])('arbitrary values never throw in validateAction', (x) => {
    const r = validateAction(x);
    expect(r.action !== undefined || typeof r.error === 'string').toBe(true);
  });

  it('the space samples actions it contains', () => {
    const s = new WebActionSpace(32, 4);
    for (let i = 0; i < 200; i++) expect(s.contains(s.sample())).toBe(true);
    expect(s.contains('click("3")')).toBe(true);
    expect(s.contains('click(')).toBe(false);
  });
});
