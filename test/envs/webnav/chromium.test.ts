/**
 * The web family in real Chromium (Debian's `chromium` through playwright-core; `.ci/run` installs it):
 * checkEnv on every Chromium-backed id, fast-DOM ↔ Chromium parity of observations and rewards on the
 * same seeded episodes and action sequences, bboxes and screenshots.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { listEnvs, make } from '../../../envs/index.ts';
import { chromiumPath } from '../../../envs/webnav/backends/chromium.ts';
import { WebNavEnv } from '../../../envs/webnav/web_env.ts';
import type { WebAction } from '../../../envs/webnav/types.ts';
import { checkEnv } from '../../../sim/check_env.ts';

// Fails (not skips) with the install command when chromium is missing.
chromiumPath();

const chromiumIds = listEnvs().filter((id) => id.endsWith('-chromium-v0'));

describe('chromium ids', () => {
  it.each(chromiumIds)('%s passes checkEnv', (id) => {
    const env = make(id);
    try {
      expect(() => checkEnv(env, { rolloutSteps: 12 })).not.toThrow();
    } finally {
      env.close();
    }
  }, 60_000);
});

describe('fast DOM ↔ Chromium parity', () => {
  const chromium = new Map<string, WebNavEnv>();
  afterAll(() => chromium.forEach((e) => e.close()));
  const tasks = ['click-button', 'click-tab', 'click-checkboxes', 'enter-password', 'choose-list', 'use-autocomplete', 'navigate-tree', 'search-engine', 'email-inbox'];

  it.each(tasks)('%s: same seed and actions → same observation text, facts and rewards', (task) => {
    const fast = new WebNavEnv({ task });
    const chrome = chromium.get(task) ?? new WebNavEnv({ task, backend: 'chromium' });
    chromium.set(task, chrome);
    for (const seed of [11, 12]) {
      const [fo] = fast.reset({ seed });
      const [co] = chrome.reset({ seed });
      expect(co.axtree).toBe(fo.axtree);
      // An invalid action first (same error, nothing changes), then the expert's actions from the fast env.
      const actions: WebAction[] = [{ type: 'click', ref: 4242 }];
      for (let t = 0; t < 40; t++) {
        const a: WebAction = t < actions.length ? actions[t] : fast.expertAction();
        if (t >= actions.length) actions.push(a);
        const f = fast.step(a);
        const c = chrome.step(a);
        expect(c[0].axtree).toBe(f[0].axtree);
        expect([c[1], c[2], c[3]]).toEqual([f[1], f[2], f[3]]);
        expect(c[4].lastActionError).toBe(f[4].lastActionError);
        expect(chrome.state().facts).toEqual(fast.state().facts);
        if (f[2] || f[3]) break;
      }
      expect(fast.state().verdict).toBe(1);
    }
    fast.close();
  }, 60_000);

  it('Chromium observations carry bboxes and screenshots', () => {
    const env = new WebNavEnv({ task: 'login-user', backend: 'chromium', screenshot: true });
    try {
      const [o] = env.reset({ seed: 0 });
      const login = o.elements.find((e) => e.role === 'button')!;
      expect(login.bbox).not.toBeNull();
      expect(login.bbox![2]).toBeGreaterThan(10);
      expect(o.screenshot).not.toBeNull();
      const s = o.screenshot!;
      expect([s.width, s.height, s.data.length]).toEqual([240, 320, 240 * 320 * 3]);
      // Some dark pixels (text) and mostly white background.
      let dark = 0;
      for (let i = 0; i < s.data.length; i += 3) if (s.data[i] < 100) dark++;
      expect(dark).toBeGreaterThan(50);
      expect(dark).toBeLessThan(s.width * s.height * 0.5);
    } finally {
      env.close();
    }
  }, 60_000);
});
