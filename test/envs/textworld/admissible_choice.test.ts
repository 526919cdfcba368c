/** AdmissibleChoice: Discrete choice over info.admissible with an action mask; out-of-list indices are invalid commands. */
import { describe, expect, it } from 'vitest';
import { make } from '../../../envs/index.ts';
import { AdmissibleChoice } from '../../../envs/textworld/admissible_choice.ts';
import { TextWorldEnv } from '../../../envs/textworld/textworld_env.ts';
import { Discrete } from '../../../sim/spaces/discrete.ts';

describe('AdmissibleChoice', () => {
  it('action i sends admissible[i]; the mask marks exactly the listed commands', () => {
    const choice = new AdmissibleChoice(new TextWorldEnv());
    const text = new TextWorldEnv();
    expect(choice.actionSpace).toBeInstanceOf(Discrete);
    expect((choice.actionSpace as Discrete).n).toBe(128);
    let [o1, info1] = choice.reset({ seed: 4 });
    let [o2, info2] = text.reset({ seed: 4 });
    expect(o1).toBe(o2);
    for (let t = 0; t < 40; t++) {
      const adm = info2.admissible as string[];
      const mask = info1.actionMask as Int8Array;
      expect(Array.from(mask.subarray(0, adm.length)).every((m) => m === 1)).toBe(true);
      expect(Array.from(mask.subarray(adm.length)).every((m) => m === 0)).toBe(true);
      const a = choice.actionSpace.sample({ mask });
      expect(a).toBeLessThan(adm.length);
      const r1 = choice.step(a);
      const r2 = text.step(adm[a]);
      expect(r1[4].command).toBe(adm[a]);
      expect([r1[0], r1[1], r1[2]]).toEqual([r2[0], r2[1], r2[2]]);
      [o1, info1] = [r1[0], r1[4]];
      [o2, info2] = [r2[0], r2[4]];
      if (r1[2]) break;
    }
  });

  it('an index past the list is "Nothing happens." with the state unchanged; non-indices throw', () => {
    const env = make('textworld/ALFWorldChoice-v0');
    const [, info] = env.reset({ seed: 1 });
    const n = (info.admissible as string[]).length;
    const before = env.state();
    const [obs, r, term] = env.step(n);
    expect([obs, r, term]).toEqual(['Nothing happens.', 0, false]);
    expect(env.state()).toEqual(before);
    expect(() => env.step(128)).toThrow(/integer in \[0, 128\)/);
    expect(() => env.step(1.5)).toThrow(/integer/);
    expect(() => new AdmissibleChoice(new TextWorldEnv(), 0)).toThrow(/maxChoices/);
  });
});
