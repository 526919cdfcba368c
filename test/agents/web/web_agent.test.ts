/** The web agent's candidates and features, determinism of training, and evaluation per task. */
import { describe, expect, it } from 'vitest';
import { evaluateWebAgent, FEATURES, STATE_FEATURES, trainWebAgent, WebAgent, WebAgentArgs, type WebEnv } from '../../../agents/web/web_agent.ts';
import { WebNavEnv } from '../../../envs/webnav/web_env.ts';
import { Rng } from '../../../sim/rng.ts';

const env = (task: string): WebEnv => new WebNavEnv({ task }) as unknown as WebEnv;

describe('WebAgent candidates', () => {
  it('clicks controls, fills text fields with each field value, presses Enter, selects matching options', () => {
    const agent = new WebAgent(WebAgentArgs.parse({}), new Rng(0));
    const e = new WebNavEnv({ task: 'login-user' });
    const [o] = e.reset({ seed: 1 });
    const c = agent.candidatesOf(o);
    const boxes = o.elements.filter((x) => x.role === 'textbox');
    expect(boxes.length).toBe(2);
    for (const b of boxes) {
      for (const [, v] of o.fields) expect(c).toContainEqual({ type: 'fill', ref: b.ref, text: v });
      expect(c).toContainEqual({ type: 'press', ref: b.ref, key: 'Enter' });
    }
    expect(c).toContainEqual({ type: 'click', ref: o.elements.find((x) => x.text === 'Login')!.ref });
    const l = new WebNavEnv({ task: 'choose-list' });
    const [lo] = l.reset({ seed: 2 });
    const sel = agent.candidatesOf(lo).filter((a) => a.type === 'select');
    expect(sel).toEqual([{ type: 'select', ref: lo.elements.find((x) => x.role === 'combobox')!.ref, option: lo.fields[0][1] }]);
  });

  it('every candidate is a valid action of the env (no lastActionError) on every task page', () => {
    const agent = new WebAgent(WebAgentArgs.parse({}), new Rng(0));
    for (const task of ['click-tab', 'enter-password', 'use-autocomplete', 'email-inbox', 'navigate-tree']) {
      const e = new WebNavEnv({ task });
      const [o] = e.reset({ seed: 3 });
      for (const a of agent.candidatesOf(o)) {
        e.reset({ seed: 3 });
        expect(e.step(a)[4].lastActionError).toBeNull();
      }
    }
  });

  it('forward scores every candidate and values every state', () => {
    const agent = new WebAgent(WebAgentArgs.parse({}), new Rng(0));
    const e = new WebNavEnv({ task: 'click-checkboxes' });
    const eps = [0, 1, 2].map((s) => agent.begin(e.reset({ seed: s })[0], {}));
    const { scores, values, candOffsets } = agent.forward(eps);
    expect(candOffsets[3]).toBe(eps.reduce((n, x) => n + agent.candidates(x).length, 0));
    expect(scores.length).toBe(candOffsets[3]);
    expect(values.length).toBe(3);
    expect([...scores, ...values].every(Number.isFinite)).toBe(true);
    expect(FEATURES + STATE_FEATURES).toBeGreaterThan(20);
  });
});

describe('trainWebAgent', () => {
  it('is deterministic for a seed and reports per-task evaluation', () => {
    const tasks = ['click-button', 'enter-text'];
    const run = () => {
      const r = trainWebAgent({ totalTimesteps: 256, numEnvs: 4, numSteps: 32, seed: 5 }, { makeEnv: (i) => env(tasks[i % 2]) });
      const ev = evaluateWebAgent(r.agent, { makeEnv: (i) => env(tasks[i % 2]), episodes: 8, seed: 1, numEnvs: 4, greedy: true });
      return { p: Array.from(r.agent.params()[0].data.slice(0, 8)), ev };
    };
    const a = run();
    expect(run()).toEqual(a);
    expect(Object.keys(a.ev.perTask).sort()).toEqual(tasks);
  });

  it('rejects bad arguments naming the field', () => {
    expect(() => WebAgentArgs.parse({ hidden: 0 })).toThrow(/hidden/);
    expect(() => trainWebAgent({ totalTimesteps: 10 }, { makeEnv: () => env('click-test') })).toThrow(/below one rollout/);
  });
});
