/**
 * The web family on the fast DOM: checkEnv and a determinism sweep on every fast id, experts over 100
 * seeds per task, rewards and the step clock, malformed actions, widget behaviour.
 */
import { describe, expect, it } from 'vitest';
import { listEnvs, make } from '../../../envs/index.ts';
import { TASK_NAMES } from '../../../envs/webnav/tasks/index.ts';
import { type WebObservation } from '../../../envs/webnav/observation.ts';
import { WebNavEnv } from '../../../envs/webnav/web_env.ts';
import { checkEnv } from '../../../sim/check_env.ts';

const fastIds = listEnvs().filter((id) => id.startsWith('webnav/') && !id.endsWith('-chromium-v0'));

describe('webnav registry', () => {
  it('registers at least 15 tasks, each with a fast and a chromium id', () => {
    expect(TASK_NAMES.length).toBeGreaterThanOrEqual(15);
    for (const t of ['click-button', 'click-link', 'click-checkboxes', 'click-tab', 'click-collapsible', 'click-option', 'click-dialog', 'enter-text', 'enter-password', 'focus-text', 'login-user', 'choose-list', 'use-autocomplete', 'navigate-tree', 'search-engine', 'email-inbox']) {
      expect(listEnvs()).toContain(`webnav/${t}-v0`);
      expect(listEnvs()).toContain(`webnav/${t}-chromium-v0`);
    }
  });
});

describe.each(fastIds)('%s', (id) => {
  it('passes checkEnv', () => {
    const env = make(id);
    expect(() => checkEnv(env)).not.toThrow();
  });

  it('same seed and actions → same trajectory; different seeds → different pages', () => {
    const run = (seed: number): unknown[] => {
      const env = make(id);
      env.actionSpace.seed(seed);
      const out: unknown[] = [(env.reset({ seed })[0] as WebObservation).axtree];
      for (let t = 0; t < 30; t++) {
        const [o, r, te, tr, info] = env.step(env.actionSpace.sample());
        out.push((o as WebObservation).axtree, r, te, tr, info.lastActionError);
        if (te || tr) out.push((env.reset()[0] as WebObservation).axtree);
      }
      env.close();
      return out;
    };
    expect(run(3)).toEqual(run(3));
    expect(run(1)).not.toEqual(run(2));
  });
});

describe('experts', () => {
  it.each(TASK_NAMES)('%s: the expert solves ≥ 99 of 100 seeded episodes', (task) => {
    const env = new WebNavEnv({ task });
    let solved = 0;
    for (let seed = 0; seed < 100; seed++) {
      env.reset({ seed });
      for (;;) {
        const [, r, te, tr, info] = env.step(env.expertAction());
        expect(info.lastActionError).toBeNull();
        if (te || tr) {
          if (te && r > 0 && env.success(env.state())) solved++;
          break;
        }
      }
    }
    env.close();
    expect(solved).toBeGreaterThanOrEqual(99);
  });
});

describe('rewards and the step clock', () => {
  it('miniwob: success after t steps pays 1 − t/T; a wrong button pays −1 and terminates', () => {
    const env = new WebNavEnv({ task: 'click-button' });
    env.reset({ seed: 5 });
    const [, r, te, tr] = env.step(env.expertAction());
    expect([r, te, tr]).toEqual([1 - 1 / 10, true, false]);
    env.reset({ seed: 5 });
    const target = env.instance.goal.target as string;
    const wrong = env.snapshot.elements.find((e) => e.role === 'button' && e.text !== target)!;
    const [, r2, te2] = env.step({ type: 'click', ref: wrong.ref });
    expect([r2, te2]).toEqual([-1, true]);
    expect(env.success(env.state())).toBe(false);
  });

  it('timeout: truncated at T with −1 (miniwob, binary) or 0 (raw)', () => {
    for (const [reward, want] of [['miniwob', -1], ['binary', -1], ['raw', 0]] as const) {
      const env = new WebNavEnv({ task: 'enter-text', reward });
      env.reset({ seed: 1 });
      let last: [number, boolean, boolean] = [0, false, false];
      for (let t = 0; t < 10; t++) {
        const [, r, te, tr] = env.step({ type: 'scroll', dx: 0, dy: 10 });
        last = [r, te, tr];
        if (t < 9) expect([r, te, tr]).toEqual([0, false, false]);
      }
      expect(last).toEqual([want, false, true]);
    }
  });

  it('binary pays +1 on success; raw pays +1', () => {
    for (const reward of ['binary', 'raw'] as const) {
      const env = new WebNavEnv({ task: 'login-user', reward });
      env.reset({ seed: 2 });
      let r = 0;
      for (let i = 0; i < 3; i++) r = env.step(env.expertAction())[1];
      expect(r).toBe(1);
    }
  });
});

describe('actions', () => {
  it('string and structured actions do the same thing', () => {
    const a = new WebNavEnv({ task: 'enter-text' });
    const b = new WebNavEnv({ task: 'enter-text' });
    a.reset({ seed: 9 });
    b.reset({ seed: 9 });
    const box = a.snapshot.elements.find((e) => e.role === 'textbox')!;
    const oa = a.step({ type: 'fill', ref: box.ref, text: 'he said "hi"' })[0];
    const ob = b.step(`fill("${box.ref}", "he said \\"hi\\"")`)[0];
    expect(ob.axtree).toBe(oa.axtree);
    expect(oa.axtree).toContain(`value='he said "hi"'`);
  });

  it('malformed or impossible actions set lastActionError and change nothing', () => {
    const env = new WebNavEnv({ task: 'click-checkboxes' });
    const [o0] = env.reset({ seed: 4 });
    const text = env.snapshot.elements.find((e) => e.role === 'StaticText' || e.role === 'LabelText')!;
    const bad: unknown[] = ['click(', 'click("x")', 'tap("1")', 'fill("1")', { type: 'click' }, { type: 'click', ref: -1 }, { type: 'fill', ref: text.ref, text: 'a' }, { type: 'click', ref: 999 }, { type: 'press', ref: 0, key: 'F5' }, { type: 'select', ref: text.ref, option: 'x' }, 42, null];
    for (const a of bad) {
      const [o, r, te, tr, info] = env.step(a as never);
      expect(typeof info.lastActionError).toBe('string');
      expect(o.axtree).toBe(o0.axtree);
      expect(te).toBe(false);
      expect(r).toBe(tr ? -1 : 0); // the 12th step reaches the clock T = 12: timeout
      if (tr) env.reset({ seed: 4 });
    }
    expect(env.state().facts.clicks).toEqual([]);
  });

  it('a hidden element cannot be clicked until its tab is shown', () => {
    const env = new WebNavEnv({ task: 'click-tab' });
    for (let seed = 0; seed < 20; seed++) {
      env.reset({ seed });
      if (env.instance.goal.tab === 1) continue;
      const hidden = Number(Object.keys(env.snapshot.ids).length) + 1000;
      expect(env.step({ type: 'click', ref: hidden })[4].lastActionError).toMatch(/no element|not visible/);
      return;
    }
    throw new Error('no seed put the target on a later tab');
  });
});

describe('observation', () => {
  it('gives the accessibility tree as [ref] role name lines and matching element records', () => {
    const env = new WebNavEnv({ task: 'login-user' });
    const [o] = env.reset({ seed: 0 });
    const lines = o.axtree.split('\n');
    expect(lines.length).toBe(o.elements.length);
    lines.forEach((line, i) => expect(line.trimStart().startsWith(`[${o.elements[i].ref}] ${o.elements[i].role} '${o.elements[i].text}'`)).toBe(true));
    expect(o.axtree).toMatch(/\[\d+\] textbox 'Username' value=''/);
    expect(o.axtree).toMatch(/\[\d+\] button 'Login'/);
    expect(o.fields.map((f) => f[0])).toEqual(['username', 'password']);
    expect(o.elements.every((e) => e.bbox === null)).toBe(true);
  });

  it('autocomplete suggestions appear as new refs after typing, and refs of existing elements stay', () => {
    const env = new WebNavEnv({ task: 'use-autocomplete' });
    const [o0] = env.reset({ seed: 3 });
    const box = o0.elements.find((e) => e.role === 'textbox')!;
    const [o1] = env.step({ type: 'fill', ref: box.ref, text: 'A' });
    const opts = o1.elements.filter((e) => e.role === 'option');
    expect(opts.length).toBeGreaterThan(0);
    expect(opts.every((e) => e.text.startsWith('A') && e.ref > Math.max(...o0.elements.map((x) => x.ref)))).toBe(true);
    expect(o1.elements.find((e) => e.role === 'textbox')!.ref).toBe(box.ref);
  });

  it('render() gives a deterministic schematic frame on the fast DOM', () => {
    const env = new WebNavEnv({ task: 'email-inbox' });
    env.reset({ seed: 0 });
    const f = env.render();
    expect([f.width, f.height, f.data.length]).toEqual([240, 320, 240 * 320 * 3]);
    expect(Buffer.from(env.render().data).equals(Buffer.from(f.data))).toBe(true);
    expect(f.data.some((v) => v !== 255)).toBe(true);
  });

  it('bad kwargs name the field', () => {
    expect(() => new WebNavEnv({ task: 'nope' })).toThrow(/task 'nope'/);
    expect(() => new WebNavEnv({ task: 'click-test', reward: 'dense' })).toThrow(/reward/);
    expect(() => new WebNavEnv({ task: 'click-test', screenshot: true })).toThrow(/chromium/);
  });
});
